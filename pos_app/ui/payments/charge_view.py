"""The charge screen: a big QR of the Checkout link, the amount, a countdown, and the outcome.

While open it re-reads the payment from Stripe every second (never more than one read at a
time), so the screen turns "Paid ✓" a moment after the customer pays on their phone, with no
click. A declined card says what to do ("Card declined (insufficient funds) — ask for another
card or take cash") while the link stays open for another card; **Take cash instead** hands
the booking to the shell's cash dialog. Network trouble shows as a quiet "Reconnecting…" line.

What to show is decided by ``charge_presenter.py`` (no Qt); this widget holds the latest
:class:`~pos_app.services.checkout.CheckoutView`, paints :func:`charge_screen` and publishes
a :class:`ChargeState` (``state_changed``) for the customer display.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Hashable

from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QHideEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QWidget,
)

from pos_app.domain.booking import Booking
from pos_app.domain.errors import GatewayUnavailable, PosError
from pos_app.domain.money import parse_money
from pos_app.domain.payment import PaymentStatus
from pos_app.i18n import N_, _, current_language
from pos_app.services.checkout import CheckoutView
from pos_app.ui.kit import theme
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.payments.charge_ahead import Ahead
from pos_app.ui.payments.charge_face import CANCEL_LINK, CONFIRM_CANCEL, ChargeFace
from pos_app.ui.payments.charge_presenter import (
    RECONNECTING,
    ChargePhase,
    ChargeScreen,
    ChargeSettings,
    ChargeState,
    Page,
    charge_screen,
    charge_state,
    mailto_url,
    payment_email,
)
from pos_app.ui.payments.ports import CheckoutLinks
from pos_app.ui.payments.qr_widget import encode_ahead

log = logging.getLogger(__name__)

POLL_MS = 1000
CONFIRM_MS = 4000  # how long "Yes, cancel link" waits for the second press
CONFIRM_CANCEL_NOTICE = N_("Press “Yes, cancel link” to close it: the customer can no longer pay.")

UrlOpener = Callable[[QUrl], bool]


class ChargeDialog(ChargeFace):
    """Show a booking's payment link as a QR and watch it until it is paid or expires."""

    paid = Signal(str)  # booking id, once, when the payment succeeds
    payment_succeeded = Signal(object)  # the CheckoutView, once, when the payment succeeds
    payment_changed = Signal(str)  # booking id, whenever the payment's status changes
    state_changed = Signal(object)  # a ChargeState, whenever what the screen shows changes
    take_cash_requested = Signal(str)  # booking id: "Take cash instead" (the screen closes)

    def __init__(
        self,
        checkout: CheckoutLinks,
        runner: TaskRunner,
        booking_id: str,
        parent: QWidget | None = None,
        *,
        settings: ChargeSettings | None = None,
        booking: Booking | None = None,
        deposit_text: str | None = None,
        open_url: UrlOpener | None = None,
        staged: bool = False,
    ) -> None:
        self._settings = settings or ChargeSettings()
        super().__init__(parent, mode=self._settings.mode, staged=staged)
        self._checkout = checkout
        # How "Send link by email" hands the mailto: link to the desktop (injectable in tests).
        self.open_url: UrlOpener = open_url or QDesktopServices.openUrl
        self._open_url = open_url  # as given: what a screen built ahead is matched by
        self._state: ChargeState | None = None
        self._seen_attempt: str | None = None
        self._runner = runner
        self._view: CheckoutView | None = None
        self._error: str | None = None
        self._cancelled_by_user = False
        self._announced_paid = False
        self._notice_is_error = False
        self._ring_payment: str | None = None  # whose deadline the ring counts down to
        if not staged:
            self._complete(booking_id, booking, deposit_text)

    def finish_ahead(self) -> None:
        """The second step of a screen built ahead (``staged``): the rest of its widgets
        and their wiring, for no charge yet (``_fill`` gives it one when it is taken)."""
        self._complete("", None, None)

    def _complete(self, booking_id: str, booking: Booking | None, deposit_text: str | None) -> None:
        self.finish_build()
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._tick)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(lambda: self._set_notice(None))
        self._confirm_timer = QTimer(self)
        self._confirm_timer.setSingleShot(True)
        self._confirm_timer.setInterval(CONFIRM_MS)
        self._confirm_timer.timeout.connect(self._disarm_cancel)

        self.retry_button.clicked.connect(self.begin)
        self.ring.expired.connect(self._tick)
        self.take_cash_button.clicked.connect(self.take_cash_instead)
        self.copy_button.clicked.connect(self.copy_link)
        self.email_button.clicked.connect(self.email_link)
        self.cancel_button.clicked.connect(self._cancel_pressed)
        self.regenerate_button.clicked.connect(self.regenerate)
        self.close_button.clicked.connect(self.reject)
        self._fill(booking_id, booking, deposit_text)

    def _fill(self, booking_id: str, booking: Booking | None, deposit_text: str | None) -> None:
        """What this charge is for: the booking (or order), and a deposit's part of it. Once,
        before the screen is shown (a screen built ahead gets it when it is taken)."""
        self._booking_id = booking_id
        self._deposit_text = deposit_text if deposit_text and deposit_text.strip() else None
        self.show_deposit_title(self._deposit_text is not None)
        self._booking_email = booking.customer_email if booking is not None else None
        self._render()
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
        checkout: CheckoutLinks,
        runner: TaskRunner,
        booking_id: str,
        parent: QWidget | None = None,
        *,
        settings: ChargeSettings | None = None,
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
        settings = settings or ChargeSettings()
        key = _ahead_key(checkout, runner, settings, open_url)
        dialog = _AHEAD.take(parent, key) if cls is ChargeDialog else None
        if dialog is None:
            dialog = cls(
                checkout,
                runner,
                booking_id,
                parent,
                settings=settings,
                booking=booking,
                deposit_text=deposit_text,
                open_url=open_url,
            )
        else:
            dialog._fill(booking_id, booking, deposit_text)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, parent is not None)
        if show:
            dialog.show()
        dialog.begin()
        if parent is not None:
            # The next charge under the same window finds its screen built (see build_ahead).
            # A method of the dialog, not a lambda holding the parent: a lambda dropped as the
            # parent is destroyed would free its wrapper mid-destruction (a crash).
            dialog.finished.connect(dialog._build_next)
        return dialog

    def _build_next(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            ChargeDialog.build_ahead(
                self._checkout, self._runner, parent, self._settings, self._open_url
            )

    @staticmethod
    def build_ahead(
        checkout: CheckoutLinks,
        runner: TaskRunner,
        parent: QWidget,
        settings: ChargeSettings | None = None,
        open_url: UrlOpener | None = None,
    ) -> None:
        """Build the next charge screen for ``parent`` in quiet turns from now, so ``start``
        with the same services and settings only fills it in and shows it (charge_ahead)."""
        settings = settings or ChargeSettings()
        key = _ahead_key(checkout, runner, settings, open_url)

        def make(owner: QWidget) -> ChargeDialog:
            return ChargeDialog(
                checkout, runner, "", owner, settings=settings, open_url=open_url, staged=True
            )

        _AHEAD.build_later(parent, key, make, ChargeDialog.finish_ahead)

    @staticmethod
    def built_ahead() -> ChargeDialog | None:
        """The charge screen built ahead and not taken yet, or None."""
        return _AHEAD.spare()

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
        return self._state if self._state is not None else self._derive_state()

    def customer_email(self) -> str | None:
        """The address "Send link by email" writes to, or None."""
        view = self._view
        email = view.customer_email if view is not None else self._booking_email
        return email.strip() if email and email.strip() else None

    def email_text(self) -> tuple[str, str] | None:
        """Subject and body of the payment-link email, or None while there is no open link."""
        return payment_email(self._view, self._settings)

    def email_link(self) -> bool:
        """Open the desktop's mail program with the link addressed to the customer."""
        email = self.customer_email()
        text = self.email_text()
        if email is None or text is None:
            return False
        url = mailto_url(email, *text)
        opened = bool(self.open_url(QUrl.fromEncoded(QByteArray(url.encode("ascii")))))
        if opened:
            self._set_notice(_("Email opened in your mail program."), seconds=4)
        else:
            self._set_notice(_("No mail program opened. Use Copy link instead."), error=True)
        log.info("charge.email_link booking=%s opened=%s", self._booking_id, opened)
        return opened

    def begin(self) -> None:
        """Ask the service for the booking's payment link (reusing an open one)."""
        self._view = None
        self._error = None
        self._cancelled_by_user = False
        self._render()
        checkout = self._checkout
        booking_id = self._booking_id
        deposit_text = self._deposit_text
        self._runner.run(
            lambda: _encoded(checkout.start(booking_id, deposit_text)),
            on_success=self._apply_view,
            on_failure=self._start_failed,
            owner=self,
        )

    def copy_link(self) -> None:
        """Put the payment link on the clipboard."""
        if self._view is not None and self._view.url:
            QGuiApplication.clipboard().setText(self._view.url)
            self._set_notice(_("Link copied."), seconds=3)

    def cancel_link(self) -> None:
        """Close the link on Stripe; a payment made meanwhile stands."""
        self._disarm_cancel()
        view = self._view
        if view is None:
            return
        self._cancelled_by_user = True
        self.cancel_button.setEnabled(False)
        checkout = self._checkout
        self._runner.run(
            lambda: checkout.cancel(view.payment_id),
            on_success=self._apply_view,
            on_failure=self._action_failed,
            owner=self,
        )

    def regenerate(self) -> None:
        """Replace the link with a fresh one (after it expired or was cancelled)."""
        view = self._view
        checkout = self._checkout
        booking_id = self._booking_id
        deposit_text = self._deposit_text
        self._view = None
        self._error = None
        self._cancelled_by_user = False
        self._render()
        if view is None:
            work = lambda: _encoded(checkout.start(booking_id, deposit_text))  # noqa: E731
        else:
            payment_id = view.payment_id  # the service keeps the amount (a deposit stays one)
            work = lambda: _encoded(checkout.regenerate(payment_id))  # noqa: E731
        self._runner.run(
            work, on_success=self._apply_view, on_failure=self._start_failed, owner=self
        )

    def take_cash_instead(self) -> None:
        """Close this screen and ask the shell for the cash dialog of the same booking (the
        cash service closes the open link before it records anything)."""
        log.info("charge.take_cash_instead booking=%s", self._booking_id)
        booking_id = self._booking_id
        self.reject()
        self.take_cash_requested.emit(booking_id)

    def screen_state(self) -> ChargeScreen:
        """What the screen paints now (the presenter's answer)."""
        return charge_screen(
            self._view,
            error=self._error,
            cancelled_by_user=self._cancelled_by_user,
            email=self.customer_email(),
        )

    # -- cancel, with a second press ------------------------------------------------------

    def _cancel_pressed(self) -> None:
        # Cancelling ends the customer's chance to pay this link: the first press arms the
        # button, the second (within a few seconds) cancels.
        if self._confirm_timer.isActive():
            self.cancel_link()
            return
        self.cancel_button.setText(_(CONFIRM_CANCEL))
        self._set_notice(_(CONFIRM_CANCEL_NOTICE), error=True, seconds=CONFIRM_MS // 1000)
        self._confirm_timer.start()

    def _disarm_cancel(self) -> None:
        self._confirm_timer.stop()
        self.cancel_button.setText(_(CANCEL_LINK))
        if self.notice_label.text() == _(CONFIRM_CANCEL_NOTICE):
            self._set_notice(None)

    # -- polling ------------------------------------------------------------------------

    def _tick(self) -> None:
        """Re-read the payment (or close it once its time is up); one request at a time."""
        view = self._view
        if view is None or view.status.is_final:
            self._poll.stop()
            return
        checkout = self._checkout
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
        notice = self.notice_label.text()
        if (notice == _(RECONNECTING) or self._notice_is_error) and notice != _(
            CONFIRM_CANCEL_NOTICE
        ):
            self._set_notice(None)
        self._apply_view(view)

    def _refresh_failed(self, error: BaseException) -> None:
        # Never a dialog here: the screen stays usable and keeps retrying every second.
        if isinstance(error, GatewayUnavailable):
            self._set_notice(_(RECONNECTING), error=True)
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
        self._error = None
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
        self._error = user_message(error)
        self._render()

    def _action_failed(self, error: BaseException) -> None:
        self._cancelled_by_user = False
        self._set_notice(user_message(error), error=True)
        self._render()

    # -- drawing state ------------------------------------------------------------------

    def _set_notice(self, text: str | None, *, error: bool = False, seconds: int = 0) -> None:
        self._notice_is_error = bool(text) and error
        self.notice_label.setText(text or "")
        theme.set_role(self.notice_label, tone="warning" if error else "accent")
        if seconds:
            self._notice_timer.start(seconds * 1000)

    def _render(self) -> None:
        view = self._view
        if view is not None:
            self.amount_label.setText(view.amount.format())
            self.what_label.setText(view.service_name)
            self.who_label.setText(view.customer_name)
        screen = self.screen_state()
        self.paint_screen(screen)
        if not screen.open_link:
            self._disarm_cancel()
        if screen.error is not None or view is None or view.status is not PaymentStatus.OPEN:
            self._poll.stop()
        if not screen.ring:
            self.ring.set_deadline(None)
            self.ring.hide()
        elif view is not None:
            if self.ring.isHidden() or self._ring_payment != view.payment_id:
                self._ring_payment = view.payment_id
                self.ring.set_deadline(
                    view.countdown_ends_at, view.clock_offset, self._settings.hold_seconds
                )
            self.ring.show()
        self.amount_label.setVisible(bool(self.amount_label.text()))
        self._publish(self._derive_state())

    def _derive_state(self) -> ChargeState:
        return charge_state(
            self._view,
            booking_id=self._booking_id,
            error=self._error,
            cancelled_by_user=self._cancelled_by_user,
            total_seconds=self._settings.hold_seconds,
            amount=self.amount_label.text(),
            service=self.what_label.text(),
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


_AHEAD: Ahead[ChargeDialog] = Ahead()


def _ahead_key(
    checkout: CheckoutLinks, runner: TaskRunner, settings: ChargeSettings, open_url: object
) -> Hashable:
    # What a screen built ahead was made from: the same objects (a spare keeps them alive,
    # so their ids cannot be reused meanwhile), the same settings, and the words' language.
    return (id(checkout), id(runner), settings, id(open_url), current_language())


def _encoded(view: CheckoutView) -> CheckoutView:
    """``view`` with its link's QR code already made (on the worker running this)."""
    encode_ahead(view.url)
    return view


__all__ = ["ChargeDialog", "ChargePhase", "ChargeSettings", "ChargeState", "Page"]
