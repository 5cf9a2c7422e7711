"""The charge screen's widgets, laid out and painted from a :class:`ChargeScreen`.

:class:`ChargeFace` is the passive half of the charge dialog: it builds the QR square, the
amount, the countdown, the decline line with **Take cash instead**, and the footer buttons,
and shows one :class:`~pos_app.ui.payments.charge_presenter.ChargeScreen` at a time. The
behaviour (asking the service, polling, publishing) is ``charge_view.ChargeDialog``'s.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
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

from pos_app.i18n import N_, _
from pos_app.ui.kit import theme
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.payments.charge_presenter import (
    CREATING,
    DECLINED_CAPTION,
    DECLINED_HINT,
    TAKE_CASH,
    TAKE_CASH_TIP,
    ChargeScreen,
)
from pos_app.ui.payments.countdown import CountdownRing
from pos_app.ui.payments.paid_mark import PaidMark
from pos_app.ui.payments.qr_widget import QrCodeWidget

CANCEL_LINK = N_("Cancel link")
CONFIRM_CANCEL = N_("Yes, cancel link")


class ChargeFace(QDialog):
    """The charge screen's widgets (see the module docstring); ``mode`` picks the badge."""

    def __init__(
        self, parent: QWidget | None, *, mode: str, deposit: bool = False, staged: bool = False
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Charge"))
        self.setModal(True)
        self.resize(920, 660)
        self.setMinimumSize(780, 580)
        # ``staged``: the header and the big square now, the rest at ``finish_build`` (a
        # screen built ahead, a step per quiet turn of the event loop: charge_ahead).
        self._steps = self._build(mode)
        next(self._steps)
        self.show_deposit_title(deposit)
        if not staged:
            self.finish_build()

    def finish_build(self) -> None:
        """Build what a staged screen left for later (nothing when it is all built)."""
        for _step in self._steps:
            pass

    def show_deposit_title(self, deposit: bool) -> None:
        """Title the screen "Charge deposit" (part of the balance) or "Charge"."""
        self.title_label.setText(_("Charge deposit") if deposit else _("Charge"))

    def _build(self, mode: str) -> Iterator[None]:
        self.title_label = title = QLabel("")
        title.setFont(theme.font(self, scale=1.5, bold=True))
        self.badge = theme.ModeBadge(mode)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.badge)

        # Left: the big square (spinner, QR, paid mark, expired note or error).
        self.qr = QrCodeWidget()
        self.qr.setMinimumSize(380, 380)
        self.stack = QStackedWidget()
        self.stack.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.stack.addWidget(self._centered(Spinner(diameter=56), _(CREATING)))
        self.stack.addWidget(self.qr)
        self.stack.addWidget(PaidMark())
        self.error_label = QLabel()
        self.retry_button = QPushButton(_("Try again"))
        self.stack.addWidget(self._message_page(self.error_label, self.retry_button))
        self.scan_hint = QLabel(_("Customer: scan with your phone camera to pay"))
        self.scan_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scan_hint.setFont(theme.font(self, scale=1.05))
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.stack, 1)
        left.addWidget(self.scan_hint)

        yield  # (a staged build goes on in a later turn)

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
        self.ring.setFixedSize(176, 176)
        self.attempt_caption = QLabel(
            _("✕ {caption}").format(caption=_(DECLINED_CAPTION))
        )  # icon + word, not colour alone
        self.attempt_caption.setObjectName("attemptCaption")
        self.attempt_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.attempt_caption.setFont(theme.font(self, scale=1.0, bold=True))
        theme.set_role(self.attempt_caption, tone="danger")
        self.attempt_caption.hide()
        self.status_label = QLabel(_(CREATING))
        self.status_label.setObjectName("chargeStatus")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label.setWordWrap(True)
        self.status_label.setMinimumHeight(64)
        self.hint_label = QLabel(_(DECLINED_HINT))
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint_label.setWordWrap(True)
        theme.set_role(self.hint_label, muted=True)
        self.hint_label.hide()
        self.take_cash_button = QPushButton(_(TAKE_CASH))
        self.take_cash_button.setObjectName("takeCashButton")
        self.take_cash_button.setToolTip(_(TAKE_CASH_TIP))
        self.take_cash_button.hide()
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
        right.addWidget(self.take_cash_button, 0, Qt.AlignmentFlag.AlignHCenter)
        right.addStretch(1)
        right_box = QWidget()
        right_box.setLayout(right)
        right_box.setMinimumWidth(340)

        body = QHBoxLayout()
        body.setSpacing(28)
        body.addLayout(left, 5)
        body.addWidget(right_box, 4)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)

        self.notice_label = QLabel("")
        self.notice_label.setObjectName("chargeNotice")
        self.notice_label.setWordWrap(True)
        self.copy_button = QPushButton(_("Copy link"))
        self.copy_button.setToolTip(_("Copy the payment link, e.g. to send it by message (Ctrl+C)"))
        self.copy_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        self.email_button = QPushButton(_("Send link by email"))
        self.email_button.setShortcut(QKeySequence("Ctrl+E"))
        self.cancel_button = QPushButton(_(CANCEL_LINK))
        self.cancel_button.setToolTip(_("Close the link so it can no longer be paid"))
        theme.make_danger(self.cancel_button)  # destroys the link: it looks it
        self.regenerate_button = QPushButton(_("Regenerate link"))
        self.regenerate_button.setToolTip(_("Open a fresh payment link for this booking"))
        self.close_button = QPushButton(_("Close"))
        for button in (
            self.copy_button,
            self.email_button,
            self.cancel_button,
            self.regenerate_button,
            self.close_button,
            self.take_cash_button,
            self.retry_button,
        ):
            button.setAutoDefault(False)
            button.setMinimumHeight(44)
            button.setFont(theme.font(self, scale=1.05))
            # Room for the words at this font (the stylesheet's padding included).
            button.setMinimumWidth(
                max(120, button.fontMetrics().horizontalAdvance(button.text()) + 40)
            )
        self.cancel_button.setMinimumWidth(
            self.cancel_button.fontMetrics().horizontalAdvance(_(CONFIRM_CANCEL)) + 40
        )
        theme.make_primary(self.regenerate_button)
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
        box.addWidget(label, 1)
        box.addSpacing(12)
        box.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(1)
        return page

    def paint_screen(self, screen: ChargeScreen) -> None:
        """Show ``screen``: which page, which words in which tone, which buttons."""
        self.qr.set_url(screen.url)
        if screen.placeholder is not None:
            self.qr.set_placeholder(screen.placeholder)
        # Only the buttons that make sense now are shown.
        self.copy_button.setVisible(screen.open_link)
        self.email_button.setVisible(screen.open_link)
        self.email_button.setEnabled(screen.email_enabled)
        self.email_button.setToolTip(screen.email_tip)
        self.cancel_button.setVisible(screen.open_link)
        self.cancel_button.setEnabled(screen.open_link)
        self.regenerate_button.setVisible(screen.regenerate)
        self.scan_hint.setVisible(screen.open_link)
        self.attempt_caption.setVisible(screen.declined)
        self.hint_label.setVisible(screen.declined)
        self.take_cash_button.setVisible(screen.declined)
        self.stack.setCurrentIndex(screen.page)
        if screen.error is not None:
            self.error_label.setText(screen.error)
        self.status_label.setText(screen.status)
        self.status_label.setFont(
            theme.font(self, scale=screen.status_scale, bold=screen.tone is not None)
        )
        theme.set_role(self.status_label, tone=screen.tone or "")
