"""The charge screen: a big QR of the Checkout link, the amount, a countdown, and the outcome.

While open it re-reads the payment from Stripe every second (never more than one read at a
time), so the screen turns "Paid ✓" a moment after the customer pays on their phone, with no
click. A declined card shows its reason while the link stays open for another card. Network
trouble shows as a quiet "Reconnecting…" line: the screen keeps trying.

The dialog publishes what it shows as a :class:`ChargeState` (``state_changed``), so a
customer-facing screen can mirror it without asking Stripe anything itself.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING
from urllib.parse import quote

from PySide6.QtCore import QByteArray, QPointF, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QHideEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.config import DEFAULT_BUSINESS_NAME
from pos_app.domain.booking import Booking
from pos_app.domain.errors import GatewayUnavailable, PosError
from pos_app.domain.money import parse_money
from pos_app.domain.payment import PaymentStatus
from pos_app.services.checkout import CheckoutView
from pos_app.ui.kit import theme
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.payments.charge_texts import CLOSED_STATUSES, closed_texts
from pos_app.ui.payments.countdown import CountdownRing
from pos_app.ui.payments.qr_widget import QrCodeWidget

if TYPE_CHECKING:
    from pos_app.app import AppContext

log = logging.getLogger(__name__)

POLL_MS = 1000
WAITING = "Waiting for the customer to pay…"
CREATING = "Creating payment link…"
PAID = "Paid ✓"
EXPIRED = "Link expired"
CANCELLED = "Link cancelled"
RECONNECTING = "Reconnecting to Stripe…"
DECLINED_CAPTION = "Last attempt failed"
DECLINED_HINT = "The link is still open: the customer can try again or use another card."
NO_EMAIL_TIP = "This booking has no email address. Add one to the booking to send the link."
EMAIL_TIP = "Open a new email to {email} with the payment link (Ctrl+E)"

UrlOpener = Callable[[QUrl], bool]


class ChargePhase(StrEnum):
    """What the charge screen is showing, as a customer-facing screen needs to know it."""

    PREPARING = "preparing"  # the link is being created
    WAITING = "waiting"  # the QR is up, nobody has paid yet
    DECLINED = "declined"  # the last card attempt failed; the QR is still up
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    ERROR = "error"  # the link could not be opened
    CLOSED = "closed"  # the charge screen was closed
    PROCESSING = "processing"  # paid by a bank method whose money has not arrived yet


@dataclass(frozen=True)
class ChargeState:
    """One snapshot of the charge screen, safe to show a customer: no names, no secrets."""

    phase: ChargePhase
    booking_id: str
    payment_id: str | None = None
    url: str | None = None  # the hosted payment page, only while it can be paid
    amount: str = ""  # formatted, e.g. "$35.00"
    service: str = ""
    deadline: datetime | None = None  # UTC, Stripe's clock
    clock_offset: float = 0.0
    total_seconds: float = 0.0
    attempt_error: str | None = None  # "Your card was declined: insufficient funds."


def mailto_url(to: str, subject: str, body: str) -> str:
    """A ``mailto:`` URL (RFC 6068): every part percent-encoded, line breaks sent as CRLF."""
    crlf_body = "\r\n".join(body.splitlines())
    return (
        f"mailto:{quote(to.strip(), safe='@')}"
        f"?subject={quote(subject, safe='')}&body={quote(crlf_body, safe='')}"
    )


class Page(IntEnum):
    """What the big square on the left shows (an expired link is the QR's empty square)."""

    CREATING = 0
    QR = 1
    PAID = 2
    ERROR = 3


class PaidMark(QWidget):
    """A large green disc with a check mark: readable from across the desk."""

    def sizeHint(self) -> QSize:
        return QSize(360, 360)

    def paintEvent(self, event: QPaintEvent) -> None:
        side = int(min(self.width(), self.height()) * 0.62)
        x = (self.width() - side) // 2
        y = (self.height() - side) // 2
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            # The theme's green (lighter in dark mode) with the check in the page's own
            # colour, so the mark stays clear on either palette.
            painter.setBrush(theme.semantic("success", self))
            painter.drawEllipse(x, y, side, side)
            pen = painter.pen()
            pen.setStyle(Qt.PenStyle.SolidLine)
            pen.setColor(self.palette().color(QPalette.ColorRole.Base))
            pen.setWidthF(side / 11)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            s = side / 100
            painter.drawPolyline(
                [
                    QPointF(x + 28 * s, y + 52 * s),
                    QPointF(x + 44 * s, y + 68 * s),
                    QPointF(x + 73 * s, y + 36 * s),
                ]
            )
        finally:
            painter.end()


class ChargeDialog(QDialog):
    """Show a booking's payment link as a QR and watch it until it is paid or expires."""

    paid = Signal(str)  # booking id, once, when the payment succeeds
    payment_succeeded = Signal(object)  # the CheckoutView, once, when the payment succeeds
    payment_changed = Signal(str)  # booking id, whenever the payment's status changes
    state_changed = Signal(object)  # a ChargeState, whenever what the screen shows changes

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        booking_id: str,
        parent: QWidget | None = None,
        *,
        booking: Booking | None = None,
        deposit_text: str | None = None,
        open_url: UrlOpener | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        # How "Send link by email" hands the mailto: link to the desktop (injectable in tests).
        self.open_url: UrlOpener = open_url or QDesktopServices.openUrl
        self._state: ChargeState | None = None
        self._booking_email = booking.customer_email if booking is not None else None
        self._seen_attempt: str | None = None
        self._runner = runner
        self._booking_id = booking_id
        self._deposit_text = deposit_text if deposit_text and deposit_text.strip() else None
        self._view: CheckoutView | None = None
        self._cancelled_by_user = False
        self._announced_paid = False
        self._notice_is_error = False
        self._ring_payment: str | None = None  # whose deadline the ring counts down to
        self.setWindowTitle("Charge")
        self.setModal(True)
        self.resize(900, 640)
        self.setMinimumSize(760, 560)

        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._tick)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(lambda: self._set_notice(None))

        self._build()
        if booking is not None:
            # What the table already knows, so the screen is filled in before Stripe answers.
            amount = booking.balance_due
            if self._deposit_text is not None:
                # A bad deposit keeps the balance here; the service says what is wrong with it.
                with contextlib.suppress(PosError):
                    amount = parse_money(self._deposit_text, amount.currency, field="deposit")
            self.amount_label.setText(amount.format())
            self.what_label.setText(booking.service_name)
            self.who_label.setText(booking.customer_name)
            self.amount_label.show()

    # -- construction -------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        ctx: AppContext,
        runner: TaskRunner,
        booking_id: str,
        parent: QWidget | None = None,
        *,
        booking: Booking | None = None,
        show: bool = True,
        deposit_text: str | None = None,
        open_url: UrlOpener | None = None,
    ) -> ChargeDialog:
        """Open the charge screen for ``booking_id`` and ask for its payment link.

        ``booking`` (as last loaded) fills in amount, service and customer at once;
        ``deposit_text`` ("10.00") asks for part of the balance instead of all of it;
        ``open_url`` replaces QDesktopServices.openUrl for the email link.
        """
        dialog = cls(
            ctx,
            runner,
            booking_id,
            parent,
            booking=booking,
            deposit_text=deposit_text,
            open_url=open_url,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, parent is not None)
        if show:
            dialog.show()
        dialog.begin()
        return dialog

    def _build(self) -> None:
        title = QLabel("Charge deposit" if self._deposit_text is not None else "Charge")
        title.setFont(theme.font(self, scale=1.5, bold=True))
        self.badge = theme.ModeBadge(self._ctx.mode)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.badge)

        # Left: the big square (spinner, QR, paid mark, expired note or error).
        self.qr = QrCodeWidget()
        self.qr.setMinimumSize(380, 380)
        self.stack = QStackedWidget()
        self.stack.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.stack.addWidget(self._centered(Spinner(diameter=56), CREATING))
        self.stack.addWidget(self.qr)
        self.stack.addWidget(PaidMark())
        self.error_label = QLabel()
        self.retry_button = QPushButton("Try again")
        self.retry_button.clicked.connect(self.begin)
        self.stack.addWidget(self._message_page(self.error_label, self.retry_button))
        self.scan_hint = QLabel("Customer: scan with your phone camera to pay")
        self.scan_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scan_hint.setFont(theme.font(self, scale=1.05))
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.stack, 1)
        left.addWidget(self.scan_hint)

        # Right: amount, what for, countdown, status.
        self.amount_label = QLabel("")
        self.amount_label.setFont(theme.font(self, scale=3.6, bold=True))
        self.amount_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.what_label = QLabel("")
        self.what_label.setFont(theme.font(self, scale=1.3, bold=True))
        self.what_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.what_label.setWordWrap(True)
        self.who_label = QLabel("")
        self.who_label.setFont(theme.font(self, scale=1.15))
        self.who_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who_label.setWordWrap(True)
        self.ring = CountdownRing()
        self.ring.setFixedSize(168, 168)
        self.ring.expired.connect(self._tick)
        self.attempt_caption = QLabel(DECLINED_CAPTION)
        self.attempt_caption.setObjectName("attemptCaption")
        self.attempt_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.attempt_caption.setFont(theme.font(self, scale=0.95, bold=True))
        self.attempt_caption.hide()
        self.status_label = QLabel(CREATING)
        self.status_label.setObjectName("chargeStatus")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label.setWordWrap(True)
        self.status_label.setMinimumHeight(64)
        self.hint_label = QLabel(DECLINED_HINT)
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet("color: palette(placeholder-text);")
        self.hint_label.hide()
        right = QVBoxLayout()
        right.setSpacing(6)
        right.addStretch(1)
        right.addWidget(self.amount_label)
        right.addWidget(self.what_label)
        right.addWidget(self.who_label)
        right.addSpacing(18)
        right.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignHCenter)
        right.addSpacing(10)
        right.addWidget(self.attempt_caption)
        right.addWidget(self.status_label)
        right.addWidget(self.hint_label)
        right.addStretch(1)
        right_box = QWidget()
        right_box.setLayout(right)
        right_box.setMinimumWidth(320)

        body = QHBoxLayout()
        body.setSpacing(28)
        body.addLayout(left, 5)
        body.addWidget(right_box, 4)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)

        self.notice_label = QLabel("")
        self.notice_label.setObjectName("chargeNotice")
        self.copy_button = QPushButton("Copy link")
        self.copy_button.setToolTip("Copy the payment link, e.g. to send it by message (Ctrl+C)")
        self.copy_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        self.copy_button.clicked.connect(self.copy_link)
        self.email_button = QPushButton("Send link by email")
        self.email_button.setShortcut(QKeySequence("Ctrl+E"))
        self.email_button.clicked.connect(self.email_link)
        self.cancel_button = QPushButton("Cancel link")
        self.cancel_button.setToolTip("Close the link so it can no longer be paid")
        self.cancel_button.clicked.connect(self.cancel_link)
        self.regenerate_button = QPushButton("Regenerate link")
        self.regenerate_button.setToolTip("Open a fresh payment link for this booking")
        self.regenerate_button.clicked.connect(self.regenerate)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        for button in (
            self.copy_button,
            self.email_button,
            self.cancel_button,
            self.regenerate_button,
            self.close_button,
        ):
            button.setAutoDefault(False)
            button.setMinimumSize(120, 38)
            button.setFont(theme.font(self, scale=1.05))
        theme.make_primary(self.regenerate_button)
        self.email_button.setMinimumWidth(self.email_button.sizeHint().width() + 24)
        footer = QHBoxLayout()
        footer.addWidget(self.notice_label, 1)
        footer.addWidget(self.copy_button)
        footer.addWidget(self.email_button)
        footer.addWidget(self.cancel_button)
        footer.addWidget(self.regenerate_button)
        footer.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(14)
        layout.addLayout(header)
        layout.addLayout(body, 1)
        layout.addWidget(line)
        layout.addLayout(footer)
        self._render()

    def _centered(self, widget: QWidget, text: str) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        label = QLabel(text)
        label.setFont(theme.font(self, scale=1.2))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(label)
        box.addStretch(1)
        return page

    def _message_page(self, label: QLabel, button: QPushButton) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(24, 0, 24, 0)
        label.setFont(theme.font(self, scale=1.3, bold=True))
        label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
        label.setWordWrap(True)
        # The label takes the free height itself (instead of stretches around it), so a
        # wrapped sentence always gets the lines it needs.
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        button.setMinimumSize(140, 38)
        box.addWidget(label, 1)
        box.addSpacing(12)
        box.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(1)
        return page

    # -- public -------------------------------------------------------------------------

    def booking_id(self) -> str:
        """The booking being charged."""
        return self._booking_id

    def current_view(self) -> CheckoutView | None:
        """The latest checkout state from the service, or None before it arrives."""
        return self._view

    def status_text(self) -> str:
        """The status line as shown."""
        return self.status_label.text()

    def notice_text(self) -> str:
        """The small line at the bottom ('Reconnecting to Stripe…', 'Link copied', …)."""
        return self.notice_label.text()

    def deposit_text(self) -> str | None:
        """The deposit asked for, or None when charging the whole balance."""
        return self._deposit_text

    def charge_state(self) -> ChargeState:
        """What the screen shows now, for a customer-facing screen (see ``state_changed``)."""
        return self._state if self._state is not None else self._derive_state(None)

    def customer_email(self) -> str | None:
        """The address "Send link by email" writes to, or None."""
        view = self._view
        email = view.customer_email if view is not None else self._booking_email
        return email.strip() if email and email.strip() else None

    def email_text(self) -> tuple[str, str] | None:
        """Subject and body of the payment-link email, or None while there is no open link."""
        view = self._view
        if view is None or view.status is not PaymentStatus.OPEN or not view.url:
            return None
        business = self._ctx.config.business_name.strip()
        if business == DEFAULT_BUSINESS_NAME:
            business = ""  # the app's own name is no signature for a business
        amount = view.amount.format()
        subject = f"Payment link for {view.service_name} ({amount})"
        if business:
            subject = f"{business}: {subject[0].lower()}{subject[1:]}"
        first = view.customer_name.split()[0] if view.customer_name.strip() else ""
        lines = [f"Hello {first}," if first else "Hello,", ""]
        lines.append(f"Please use this secure link to pay {amount} for {view.service_name}:")
        lines.append(view.url)
        ends = view.countdown_ends_at
        if ends is not None:
            local = ends.astimezone(self._ctx.config.timezone)
            lines += ["", f"The link can be used until {local:%H:%M} ({local:%d %b %Y})."]
        lines += ["", "Thank you,"]
        if business:
            lines.append(business)
        return subject, "\n".join(lines)

    def email_link(self) -> bool:
        """Open the desktop's mail program with the link addressed to the customer."""
        email = self.customer_email()
        text = self.email_text()
        if email is None or text is None:
            return False
        url = mailto_url(email, *text)
        opened = bool(self.open_url(QUrl.fromEncoded(QByteArray(url.encode("ascii")))))
        if opened:
            self._set_notice("Email opened in your mail program.", seconds=4)
        else:
            self._set_notice("No mail program opened. Use Copy link instead.", error=True)
        log.info("charge.email_link booking=%s opened=%s", self._booking_id, opened)
        return opened

    def begin(self) -> None:
        """Ask the service for the booking's payment link (reusing an open one)."""
        self._view = None
        self._cancelled_by_user = False
        self._render()
        checkout = self._ctx.checkout
        booking_id = self._booking_id
        deposit_text = self._deposit_text
        self._runner.run(
            lambda: checkout.start(booking_id, deposit_text),
            on_success=self._apply_view,
            on_failure=self._start_failed,
            owner=self,
        )

    def copy_link(self) -> None:
        """Put the payment link on the clipboard."""
        if self._view is not None and self._view.url:
            QGuiApplication.clipboard().setText(self._view.url)
            self._set_notice("Link copied.", seconds=3)

    def cancel_link(self) -> None:
        """Close the link on Stripe; a payment made meanwhile stands."""
        view = self._view
        if view is None:
            return
        self._cancelled_by_user = True
        self.cancel_button.setEnabled(False)
        checkout = self._ctx.checkout
        self._runner.run(
            lambda: checkout.cancel(view.payment_id),
            on_success=self._apply_view,
            on_failure=self._action_failed,
            owner=self,
        )

    def regenerate(self) -> None:
        """Replace the link with a fresh one (after it expired or was cancelled)."""
        view = self._view
        checkout = self._ctx.checkout
        booking_id = self._booking_id
        deposit_text = self._deposit_text
        self._view = None
        self._cancelled_by_user = False
        self._render()
        if view is None:
            work = lambda: checkout.start(booking_id, deposit_text)  # noqa: E731
        else:
            payment_id = view.payment_id  # the service keeps the amount (a deposit stays one)
            work = lambda: checkout.regenerate(payment_id)  # noqa: E731
        self._runner.run(
            work, on_success=self._apply_view, on_failure=self._start_failed, owner=self
        )

    # -- polling ------------------------------------------------------------------------

    def _tick(self) -> None:
        """Re-read the payment (or close it once its time is up); one request at a time."""
        view = self._view
        if view is None or view.status.is_final:
            self._poll.stop()
            return
        checkout = self._ctx.checkout
        payment_id = view.payment_id
        time_up = view.status is PaymentStatus.OPEN and self.ring.remaining_seconds() == 0
        # When the countdown has run out the link must stop being payable: cancel re-reads
        # the session too, so a payment that arrived at the last second still shows as paid.
        work = (
            (lambda: checkout.cancel(payment_id))
            if time_up
            else (lambda: checkout.refresh(payment_id))
        )
        self._runner.run(
            work,
            on_success=self._on_refreshed,
            on_failure=self._refresh_failed,
            key=f"charge-refresh:{payment_id}",
            owner=self,
            quiet=True,
        )

    def _on_refreshed(self, view: CheckoutView) -> None:
        if self.notice_label.text() == RECONNECTING or self._notice_is_error:
            self._set_notice(None)
        self._apply_view(view)

    def _refresh_failed(self, error: BaseException) -> None:
        # Never a dialog here: the screen stays usable and keeps retrying every second.
        if isinstance(error, GatewayUnavailable):
            self._set_notice(RECONNECTING, error=True)
        else:
            self._set_notice(user_message(error), error=True)

    # -- results ------------------------------------------------------------------------

    def _apply_view(self, view: CheckoutView) -> None:
        old = self._view
        if (
            old is not None
            and old.payment_id == view.payment_id
            and old.status.is_final
            and not view.status.is_final
        ):
            return  # a stale read that left before a cancel/pay landed; keep the final state
        self._view = view
        if view.status is not PaymentStatus.EXPIRED and view.payment_id != getattr(
            old, "payment_id", None
        ):
            self._cancelled_by_user = False
        if old is None or old.status is not view.status or old.payment_id != view.payment_id:
            self.payment_changed.emit(view.booking_id)
        if view.status is PaymentStatus.SUCCEEDED and not self._announced_paid:
            self._announced_paid = True
            self.paid.emit(view.booking_id)
            self.payment_succeeded.emit(view)
        attempt = view.last_attempt_error
        if attempt is not None and (attempt.charge_id or attempt.message) != self._seen_attempt:
            self._seen_attempt = attempt.charge_id or attempt.message
            log.info(
                "charge.attempt_failed booking=%s payment=%s code=%s decline_code=%s",
                view.booking_id,
                view.payment_id,
                attempt.code,
                attempt.decline_code,
            )
        self._render()
        if not view.status.is_final and self.isVisible():
            self._poll.start()

    def _start_failed(self, error: BaseException) -> None:
        self._view = None
        self._render(error=user_message(error))

    def _action_failed(self, error: BaseException) -> None:
        self._cancelled_by_user = False
        self._set_notice(user_message(error), error=True)
        self._render()

    # -- drawing state ------------------------------------------------------------------

    def _set_notice(self, text: str | None, *, error: bool = False, seconds: int = 0) -> None:
        self._notice_is_error = bool(text) and error
        self.notice_label.setText(text or "")
        color = theme.semantic("warning" if error else "accent", self).name()
        self.notice_label.setStyleSheet(f"QLabel#chargeNotice {{ color: {color}; }}")
        if seconds:
            self._notice_timer.start(seconds * 1000)

    def _set_status(self, text: str, tone: str | None, scale: float) -> None:
        self.status_label.setText(text)
        self.status_label.setFont(theme.font(self, scale=scale, bold=tone is not None))
        color = theme.semantic(tone, self).name() if tone else "palette(window-text)"
        self.status_label.setStyleSheet(f"QLabel#chargeStatus {{ color: {color}; }}")

    def _render(self, *, error: str | None = None) -> None:
        view = self._view
        if view is not None:
            self.amount_label.setText(view.amount.format())
            self.what_label.setText(view.service_name)
            self.who_label.setText(view.customer_name)
        status = view.status if view is not None else None
        open_link = status is PaymentStatus.OPEN and view is not None and bool(view.url)
        self.qr.set_url(view.url if open_link and view is not None else None)
        # Only the buttons that make sense now are shown.
        self.copy_button.setVisible(open_link)
        self.email_button.setVisible(open_link)
        email = self.customer_email()
        self.email_button.setEnabled(open_link and email is not None)
        self.email_button.setToolTip(EMAIL_TIP.format(email=email) if email else NO_EMAIL_TIP)
        self.cancel_button.setVisible(open_link)
        self.cancel_button.setEnabled(open_link)
        self.regenerate_button.setVisible(
            error is None and status in (PaymentStatus.EXPIRED, PaymentStatus.FAILED)
        )
        self.scan_hint.setVisible(open_link)
        if not open_link:
            self.ring.set_deadline(None)
            self.ring.hide()
        if error is not None or status is not PaymentStatus.OPEN:
            self._poll.stop()
        attempt = view.last_attempt_error if open_link and view is not None else None
        self.attempt_caption.setVisible(attempt is not None)
        self.hint_label.setVisible(attempt is not None)
        if error is not None:
            self.stack.setCurrentIndex(Page.ERROR)
            self.error_label.setText(error)
            self._set_status("The payment link could not be opened.", "danger", 1.2)
        elif view is None or status is PaymentStatus.CREATING:
            self.stack.setCurrentIndex(Page.CREATING)
            self._set_status("", None, 1.2)  # the spinner says it
        elif status is PaymentStatus.SUCCEEDED:
            self.stack.setCurrentIndex(Page.PAID)
            self._set_status(PAID, "success", 2.6)
        elif status in CLOSED_STATUSES and view is not None:
            expired = CANCELLED if self._cancelled_by_user else EXPIRED
            text, tone, placeholder = closed_texts(status, view.failure_message, expired)
            self.qr.set_placeholder(placeholder)
            self.stack.setCurrentIndex(Page.QR)
            self._set_status(text, tone, 1.6)
        else:
            # Open: the QR, the countdown, and the wait (or why the last card failed).
            self.stack.setCurrentIndex(Page.QR)
            if attempt is not None:
                self.attempt_caption.setStyleSheet(
                    f"QLabel#attemptCaption {{ color: {theme.semantic('danger', self).name()}; }}"
                )
                self._set_status(attempt.message, "danger", 1.3)
            else:
                self._set_status(WAITING, None, 1.25)
            if self.ring.isHidden() or self._ring_payment != view.payment_id:
                self._ring_payment = view.payment_id
                total = self._ctx.config.hold_minutes * 60
                self.ring.set_deadline(view.countdown_ends_at, view.clock_offset, total)
            self.ring.show()
        self.amount_label.setVisible(bool(self.amount_label.text()))
        self._publish(self._derive_state(error))

    def _derive_state(self, error: str | None) -> ChargeState:
        view = self._view
        if view is None:
            phase = ChargePhase.ERROR if error is not None else ChargePhase.PREPARING
            return ChargeState(
                phase=phase,
                booking_id=self._booking_id,
                amount=self.amount_label.text(),
                service=self.what_label.text(),
            )
        status = view.status
        attempt = view.last_attempt_error
        if error is not None or status is PaymentStatus.FAILED:
            phase = ChargePhase.ERROR
        elif status is PaymentStatus.CREATING:
            phase = ChargePhase.PREPARING
        elif status is PaymentStatus.SUCCEEDED:
            phase = ChargePhase.PAID
        elif status is PaymentStatus.PROCESSING:
            phase = ChargePhase.PROCESSING
        elif status is PaymentStatus.EXPIRED:
            phase = ChargePhase.CANCELLED if self._cancelled_by_user else ChargePhase.EXPIRED
        elif not view.url:
            phase = ChargePhase.PREPARING
        else:
            phase = ChargePhase.DECLINED if attempt is not None else ChargePhase.WAITING
        showing_link = phase in (ChargePhase.WAITING, ChargePhase.DECLINED)
        return ChargeState(
            phase=phase,
            booking_id=view.booking_id,
            payment_id=view.payment_id,
            url=view.url if showing_link else None,
            amount=view.amount.format(),
            service=view.service_name,
            deadline=view.countdown_ends_at if showing_link else None,
            clock_offset=view.clock_offset,
            total_seconds=float(self._ctx.config.hold_minutes * 60),
            attempt_error=attempt.message if attempt is not None and showing_link else None,
        )

    def _publish(self, state: ChargeState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    # -- lifecycle ----------------------------------------------------------------------

    def hideEvent(self, event: QHideEvent) -> None:
        # Nobody is looking: stop asking Stripe every second.
        self._poll.stop()
        self.ring.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._poll.stop()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        """Stop polling as the dialog closes, whatever closed it."""
        self._poll.stop()
        self.ring.stop()
        current = self.charge_state()
        if current.phase is not ChargePhase.CLOSED:
            self._publish(
                ChargeState(
                    ChargePhase.CLOSED,
                    booking_id=self._booking_id,
                    payment_id=current.payment_id,
                    amount=current.amount,
                    service=current.service,
                )
            )
        super().done(result)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._view is not None and not self._view.status.is_final:
            self._poll.start()
            self.ring.resume()
