"""The customer-facing window: what the person paying sees on a second screen.

It says who is being paid (the business's name and logo) and mirrors the open charge screen:
QR, amount, service, a countdown readable at arm's length (emphasised only in the last two
minutes), a declined card, and "Thank you!" (with "Receipt sent to m•••@…" when Stripe emails
one) before it returns to a quiet "Welcome" on its own. In the sandbox or with a test key it
says "TEST MODE — no real money". It shows no staff controls, names, other bookings or keys.
Every state comes from the charge screen's ``state_changed`` signal, turned into words by
``display_presenter.py`` (no Qt); the window never asks Stripe or the database anything.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QPixmap, QScreen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.pricing import TIP_PRESETS, TipOffer
from pos_app.i18n import N_, _
from pos_app.ui.kit import theme
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.payments.charge_presenter import ChargeState
from pos_app.ui.payments.countdown import CountdownRing
from pos_app.ui.payments.display_presenter import (
    ASK_TIP,
    PREPARING,
    SCAN,
    THANKS,
    THANKS_DETAIL,
    WELCOME,
    Business,
    DisplayState,
    View,
    display_page,
    display_state,
    tip_state,
)
from pos_app.ui.payments.paid_mark import PaidMark
from pos_app.ui.payments.qr_widget import QrCodeWidget

if TYPE_CHECKING:
    from pos_app.ui.payments.charge_view import ChargeDialog

THANKS_MS = 8000  # how long "Thank you!" stays before the screen returns to Welcome
WINDOW_TITLE = N_("Customer display")
LOGO_PX = 96  # the logo's height at the top of every page
RING_PX = 260  # the countdown: its m:ss is about 50 px tall, readable from a step away

__all__ = ["SCAN", "CustomerDisplay", "View", "choose_screen"]

S = TypeVar("S")


def choose_screen(screens: Sequence[S], staff_screen: S | None) -> S | None:
    """The screen for the customer: any screen other than the staff's, or None with one."""
    for screen in screens:
        if screen is not staff_screen and screen != staff_screen:
            return screen
    return None


class CustomerDisplay(QWidget):
    """A top-level window for the customer, fed by :meth:`show_state` / :meth:`follow`;
    on a touch screen it also asks for a tip (:meth:`ask_tip`, answered by ``tip_chosen``)."""

    #: The customer tapped a tip: its percent (0: no tip).
    tip_chosen = Signal(int)

    def __init__(
        self,
        business_name: str = "",
        *,
        screens: Callable[[], Sequence[QScreen]] = QGuiApplication.screens,
        thanks_ms: int = THANKS_MS,
        logo_path: str = "",
        mode: str = "live",
    ) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle(_(WINDOW_TITLE))
        # Never the window that keeps the app running, and never steals the staff's focus.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._screens = screens
        self._staff_window: QWidget | None = None
        self._business = Business(business_name, logo_path, mode)
        self._state: ChargeState | None = None
        self._shown: DisplayState | None = None
        self._logo_shown = ""  # the logo file painted now ("" for none)
        self._action: QAction | None = None
        self._followed: ChargeDialog | None = None
        self._offer: TipOffer | None = None  # the tips asked for now, None when not asking
        self._thanks = QTimer(self)
        self._thanks.setSingleShot(True)
        self._thanks.setInterval(thanks_ms)
        self._thanks.timeout.connect(self.show_idle)
        self.resize(1280, 720)
        self.setMinimumSize(640, 420)
        self._build()
        self.show_idle()

    # -- construction -------------------------------------------------------------------

    def _build(self) -> None:
        self.logo_label = QLabel()
        self.logo_label.setObjectName("displayLogo")
        self.logo_label.setFixedHeight(LOGO_PX)
        self.logo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_label.hide()
        self.business_label = QLabel("")
        self.business_label.setObjectName("displayBusiness")
        self.business_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.business_label.setWordWrap(True)
        self.business_label.setFont(theme.font(self, scale=2.6, bold=True))
        self.test_label = QLabel("")
        self.test_label.setObjectName("displayTestMode")
        self.test_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.test_label.setFont(theme.font(self, scale=1.3, bold=True))
        theme.set_role(self.test_label, "notice", tone="warning")
        head = QHBoxLayout()
        head.setSpacing(24)
        head.addStretch(1)
        head.addWidget(self.logo_label)
        head.addWidget(self.business_label, 0)
        head.addStretch(1)
        self.rule = rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Plain)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._welcome_page())
        self.pages.addWidget(self._preparing_page())
        self.pages.addWidget(self._charge_page())
        self.pages.addWidget(self._thanks_page())
        self.pages.addWidget(self._tip_page())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 32)
        layout.setSpacing(16)
        layout.addWidget(self.test_label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(head)
        layout.addWidget(rule)
        layout.addWidget(self.pages, 1)

    def _big_label(self, text: str, scale: float, *, bold: bool = True) -> QLabel:
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setFont(theme.font(self, scale=scale, bold=bold))
        return label

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.welcome_label = self._big_label(_(WELCOME), 5.0)
        box.addStretch(2)
        box.addWidget(self.welcome_label)
        box.addStretch(3)
        return page

    def _preparing_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.preparing_amount = self._big_label("", 5.0)
        self.preparing_service = self._big_label("", 2.0, bold=False)
        label = self._big_label(_(PREPARING), 1.6, bold=False)
        box.addStretch(2)
        box.addWidget(self.preparing_amount)
        box.addWidget(self.preparing_service)
        box.addSpacing(24)
        box.addWidget(Spinner(diameter=64), 0, Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(label)
        box.addStretch(3)
        return page

    def _charge_page(self) -> QWidget:
        self.qr = QrCodeWidget()
        self.qr.setMinimumSize(300, 300)
        self.qr.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.scan_label = self._big_label(_(SCAN), 1.9)
        left = QVBoxLayout()
        left.setSpacing(14)
        left.addWidget(self.qr, 1)
        left.addWidget(self.scan_label)

        self.amount_label = self._big_label("", 5.5)
        self.service_label = self._big_label("", 2.0, bold=False)
        # Calm until the last two minutes: then amber, then red, and bold.
        self.ring = CountdownRing(calm=True)
        self.ring.setFixedSize(RING_PX, RING_PX)
        self.attempt_label = self._big_label("", 1.6)
        self.attempt_label.setObjectName("attemptLabel")
        theme.set_role(self.attempt_label, tone="danger")
        self.attempt_label.hide()
        right = QVBoxLayout()
        right.setSpacing(10)
        right.addStretch(1)
        right.addWidget(self.amount_label)
        right.addWidget(self.service_label)
        right.addSpacing(20)
        right.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignHCenter)
        right.addSpacing(14)
        right.addWidget(self.attempt_label)
        right.addStretch(1)

        page = QWidget()
        row = QHBoxLayout(page)
        row.setSpacing(48)
        row.addLayout(left, 5)
        row.addLayout(right, 4)
        return page

    def _thanks_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.thanks_mark = PaidMark()
        self.thanks_mark.setMinimumSize(240, 240)
        self.thanks_label = self._big_label(_(THANKS), 5.0)
        self.thanks_detail = self._big_label(_(THANKS_DETAIL), 1.8, bold=False)
        self.receipt_label = self._big_label("", 1.6, bold=False)
        self.receipt_label.setObjectName("receiptLine")
        self.receipt_label.hide()
        box.addStretch(1)
        box.addWidget(self.thanks_mark, 3)
        box.addWidget(self.thanks_label)
        box.addWidget(self.thanks_detail)
        box.addWidget(self.receipt_label)
        box.addStretch(1)
        return page

    def _tip_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.tip_heading = self._big_label(_(ASK_TIP), 4.0)
        self.tip_total = self._big_label("", 2.0, bold=False)
        row = QHBoxLayout()
        row.setSpacing(28)
        # The presets and No tip; their words (with each amount) come with the offer.
        self.tip_buttons: dict[int, QPushButton] = {}
        for percent in (*TIP_PRESETS, 0):
            button = QPushButton("")
            button.setObjectName(f"tip{percent}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # never takes the staff's keys
            theme.set_role(button, "tip")  # 150 px tall (the theme's rule)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setFont(theme.font(self, scale=2.2, bold=True))
            button.clicked.connect(lambda _c=False, p=percent: self.choose_tip(p))
            self.tip_buttons[percent] = button
            row.addWidget(button)
        box.addStretch(2)
        box.addWidget(self.tip_heading)
        box.addWidget(self.tip_total)
        box.addSpacing(36)
        box.addLayout(row)
        box.addStretch(3)
        return page

    # -- public -------------------------------------------------------------------------

    def ask_tip(self, offer: object) -> None:
        """Ask the customer to choose a tip from ``offer`` (a TipOffer); the answer comes
        as ``tip_chosen``. The charge screen shown before, if any, is no longer mirrored."""
        if not isinstance(offer, TipOffer):
            return
        self._unfollow()
        self._thanks.stop()
        self._state = None
        self._offer = offer
        self._paint(tip_state(offer, self._business))

    def asking_tip(self) -> bool:
        """Whether the tip page is waiting for the customer."""
        return self._offer is not None

    def choose_tip(self, percent: int) -> None:
        """The customer's choice (a tap): announced once, then the page waits for the
        charge screen (its buttons no longer answer)."""
        if self._offer is None:
            return
        self._offer = None
        for button in self.tip_buttons.values():
            button.setEnabled(False)
        self.tip_chosen.emit(percent)

    def cancel_tip(self) -> None:
        """The desk skipped the tip (or the sale went away): back to Welcome."""
        if self.view() is View.TIP:
            self._offer = None
            self.show_idle()

    def set_business(self, name: str, logo_path: str = "", mode: str | None = None) -> None:
        """Who is being paid (name, logo) and the app's mode, at once (at start, after Settings)."""
        self._set_business(Business(name, logo_path, mode or ""))

    def set_business_name(self, name: str) -> None:
        """The name at the top of every page (none for the app's own default name)."""
        self._set_business(Business(name, self._business.logo_path, self._business.mode))

    def set_logo(self, path: str) -> None:
        """The business's logo beside its name ("" for none; an unreadable file shows none)."""
        self._set_business(Business(self._business.name, path, self._business.mode))

    def set_mode(self, mode: str | None) -> None:
        """The app's mode: the sandbox and test keys show "TEST MODE — no real money"."""
        self._set_business(Business(self._business.name, self._business.logo_path, mode or ""))

    def view(self) -> View:
        """The page shown now."""
        return View(self.pages.currentIndex())

    def state(self) -> ChargeState | None:
        """The charge state mirrored now (None when idle)."""
        return self._state

    def shown(self) -> DisplayState | None:
        """What the display paints now (the presenter's answer)."""
        return self._shown

    def follow(self, dialog: ChargeDialog) -> None:
        """Mirror ``dialog`` from now on (its current state at once); a closed or deleted
        dialog returns the display to Welcome, unless it is saying thank you."""
        if self._followed is not dialog:
            self._unfollow()  # only one charge screen at a time feeds the display
        self._offer = None
        self._followed = dialog
        dialog.state_changed.connect(self.show_state)
        dialog.destroyed.connect(self._on_followed_gone)
        self.show_state(dialog.charge_state())

    def show_state(self, state: object) -> None:
        """Show one :class:`ChargeState` (anything else is ignored)."""
        if not isinstance(state, ChargeState):
            return
        page = display_page(state, thanking=self._thanks.isActive())
        if page is None:
            return  # the dialog closed while thanking: let the thank-you finish
        if page is View.THANKS:
            self._show_thanks(state)
        elif page is View.WELCOME:
            self.show_idle()
        else:
            self._thanks.stop()
            self._state = state
            self._paint(display_state(page, state, self._business))

    def show_idle(self) -> None:
        """Back to Welcome: no amount, no code, nothing of the last customer."""
        self._thanks.stop()
        self._state = None
        self._offer = None
        self._paint(display_state(View.WELCOME, None, self._business))

    # -- window placement ---------------------------------------------------------------

    def toggle_action(self, parent: QObject, staff_window: QWidget | None = None) -> QAction:
        """A checkable View ▸ Customer display (F8) action that shows and hides this window."""
        self._staff_window = staff_window
        action = QAction(_("&Customer display"), parent)
        action.setCheckable(True)
        action.setShortcut(QKeySequence("F8"))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(_("Show the payment QR and amount on a screen facing the customer"))
        action.toggled.connect(self.set_shown)
        self._action = action
        return action

    def set_shown(self, on: bool) -> None:
        """Show (on the customer's screen) or hide the window."""
        if on:
            self.present()
        else:
            self.hide()

    def target_screen(self) -> QScreen | None:
        """The screen that is not the staff's, or None when there is only one."""
        staff = self._staff_window.screen() if self._staff_window is not None else None
        if staff is None:
            staff = QGuiApplication.primaryScreen()
        return choose_screen(list(self._screens()), staff)

    def present(self) -> None:
        """Full screen on a second screen when there is one, else a normal window."""
        screen = self.target_screen()
        if screen is not None:
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
            self.showFullScreen()
        else:
            self.showNormal()
        if self._action is not None and not self._action.isChecked():
            self._action.setChecked(True)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closed with the window's own button: keep the menu's check mark honest.
        if self._action is not None and self._action.isChecked():
            self._action.setChecked(False)
        super().closeEvent(event)

    # -- painting -----------------------------------------------------------------------

    def _set_business(self, business: Business) -> None:
        self._business = business
        page = self.view() if self._shown is not None else View.WELCOME
        self._paint(display_state(page, self._state, business))

    def _show_thanks(self, state: ChargeState) -> None:
        if (
            self.view() is View.THANKS
            and self._state
            and self._state.payment_id == state.payment_id
        ):
            return  # already thanking for this payment; keep the timer as it is
        self._state = state
        self._paint(display_state(View.THANKS, state, self._business))
        self._thanks.start()

    def _paint(self, shown: DisplayState) -> None:
        """Show ``shown``: the header on every page, then the page's own words."""
        previous = self._shown
        self._shown = shown
        self._paint_header(shown)
        self.qr.set_url(shown.url)
        new_payment = previous is None or previous.payment_id != shown.payment_id
        if shown.deadline is None:
            self.ring.set_deadline(None)
        elif new_payment or self.ring.remaining_seconds() is None:
            self.ring.set_deadline(shown.deadline, shown.clock_offset, shown.total_seconds or None)
        self.amount_label.setText(shown.amount if shown.view is View.CHARGE else "")
        self.service_label.setText(shown.service if shown.view is View.CHARGE else "")
        self.preparing_amount.setText(shown.amount if shown.view is View.PREPARING else "")
        self.preparing_service.setText(shown.service if shown.view is View.PREPARING else "")
        self.attempt_label.setText(shown.declined)
        self.attempt_label.setVisible(bool(shown.declined))
        self.thanks_detail.setText(shown.thanks_detail)
        self.receipt_label.setText(shown.receipt_line)
        self.receipt_label.setVisible(bool(shown.receipt_line))
        self.tip_total.setText(shown.amount if shown.view is View.TIP else "")
        words = {tip.percent: tip.text for tip in shown.tips}
        for percent, button in self.tip_buttons.items():
            button.setText(words.get(percent, ""))
            button.setVisible(percent in words)
            button.setEnabled(percent in words)
        self.pages.setCurrentIndex(shown.view)

    def _paint_header(self, shown: DisplayState) -> None:
        self.business_label.setText(shown.business_name)
        self.business_label.setVisible(bool(shown.business_name))
        self.test_label.setText(shown.test_marker)
        self.test_label.setVisible(bool(shown.test_marker))
        if shown.logo_path != self._logo_shown:
            self._logo_shown = shown.logo_path
            # A missing or unreadable file is a null pixmap: no logo, and no error.
            pixmap = QPixmap(shown.logo_path) if shown.logo_path else QPixmap()
            if not pixmap.isNull():
                pixmap = pixmap.scaledToHeight(LOGO_PX, Qt.TransformationMode.SmoothTransformation)
            self.logo_label.setPixmap(pixmap)
            self.logo_label.setVisible(not pixmap.isNull())
        self.rule.setVisible(bool(shown.business_name) or not self.logo_label.isHidden())

    def _unfollow(self) -> None:
        previous = self._followed
        self._followed = None
        if previous is not None and shiboken6.isValid(previous):
            with contextlib.suppress(RuntimeError, TypeError):
                previous.state_changed.disconnect(self.show_state)
                previous.destroyed.disconnect(self._on_followed_gone)

    def _on_followed_gone(self) -> None:
        self._followed = None
        if not self._thanks.isActive():
            self.show_idle()
