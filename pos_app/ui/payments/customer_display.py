"""The customer-facing window: what the person paying sees on a second screen.

It mirrors the open charge screen (QR, amount, service, countdown, a declined card's reason),
says "Thank you!" when the payment goes through and returns to a quiet "Welcome" on its own.
It shows nothing else: no staff controls, no names, no other bookings, no keys. Every state
comes from the charge screen's ``state_changed`` signal; the window never asks Stripe or the
database anything itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QScreen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.config import DEFAULT_BUSINESS_NAME
from pos_app.ui.kit import theme
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.payments.charge_view import ChargePhase, ChargeState, PaidMark
from pos_app.ui.payments.countdown import CountdownRing
from pos_app.ui.payments.qr_widget import QrCodeWidget

if TYPE_CHECKING:
    from pos_app.ui.payments.charge_view import ChargeDialog

THANKS_MS = 8000  # how long "Thank you!" stays before the screen returns to Welcome
WELCOME = "Welcome"
SCAN = "Scan to pay with your phone"
PREPARING = "Preparing your payment…"
THANKS = "Thank you!"
THANKS_DETAIL = "Your payment was received."
TRY_AGAIN = "Please try again or use another card."
WINDOW_TITLE = "Customer display"

S = TypeVar("S")


class View(IntEnum):
    """The display's pages."""

    WELCOME = 0
    PREPARING = 1
    CHARGE = 2
    THANKS = 3


def choose_screen(screens: Sequence[S], staff_screen: S | None) -> S | None:
    """The screen for the customer: any screen other than the staff's, or None with one."""
    for screen in screens:
        if screen is not staff_screen and screen != staff_screen:
            return screen
    return None


class CustomerDisplay(QWidget):
    """A top-level window for the customer, fed by :meth:`show_state` / :meth:`follow`."""

    def __init__(
        self,
        business_name: str = "",
        *,
        screens: Callable[[], Sequence[QScreen]] = QGuiApplication.screens,
        thanks_ms: int = THANKS_MS,
    ) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle(WINDOW_TITLE)
        # Never the window that keeps the app running, and never steals the staff's focus.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._screens = screens
        self._staff_window: QWidget | None = None
        self._state: ChargeState | None = None
        self._action: QAction | None = None
        self._followed: ChargeDialog | None = None
        self._thanks = QTimer(self)
        self._thanks.setSingleShot(True)
        self._thanks.setInterval(thanks_ms)
        self._thanks.timeout.connect(self.show_idle)
        self.resize(1280, 720)
        self.setMinimumSize(640, 420)
        self._build()
        self.set_business_name(business_name)
        self.show_idle()

    # -- construction -------------------------------------------------------------------

    def _build(self) -> None:
        self.business_label = QLabel("")
        self.business_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.business_label.setFont(theme.font(self, scale=2.0, bold=True))
        self.rule = rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet("color: palette(mid);")

        self.pages = QStackedWidget()
        self.pages.addWidget(self._welcome_page())
        self.pages.addWidget(self._preparing_page())
        self.pages.addWidget(self._charge_page())
        self.pages.addWidget(self._thanks_page())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 28, 48, 36)
        layout.setSpacing(18)
        layout.addWidget(self.business_label)
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
        self.welcome_label = self._big_label(WELCOME, 5.0)
        box.addStretch(2)
        box.addWidget(self.welcome_label)
        box.addStretch(3)
        return page

    def _preparing_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.preparing_amount = self._big_label("", 4.0)
        self.preparing_service = self._big_label("", 1.8, bold=False)
        label = self._big_label(PREPARING, 1.6, bold=False)
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
        self.scan_label = self._big_label(SCAN, 1.9)
        left = QVBoxLayout()
        left.setSpacing(14)
        left.addWidget(self.qr, 1)
        left.addWidget(self.scan_label)

        self.amount_label = self._big_label("", 5.0)
        self.service_label = self._big_label("", 2.0, bold=False)
        self.ring = CountdownRing()
        self.ring.setFixedSize(210, 210)
        self.attempt_label = self._big_label("", 1.6)
        self.attempt_label.setObjectName("attemptLabel")
        self.attempt_label.hide()
        right = QVBoxLayout()
        right.setSpacing(10)
        right.addStretch(1)
        right.addWidget(self.amount_label)
        right.addWidget(self.service_label)
        right.addSpacing(24)
        right.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignHCenter)
        right.addSpacing(16)
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
        self.thanks_mark.setMinimumSize(260, 260)
        self.thanks_label = self._big_label(THANKS, 5.0)
        self.thanks_detail = self._big_label(THANKS_DETAIL, 1.8, bold=False)
        box.addStretch(1)
        box.addWidget(self.thanks_mark, 3)
        box.addWidget(self.thanks_label)
        box.addWidget(self.thanks_detail)
        box.addStretch(1)
        return page

    # -- public -------------------------------------------------------------------------

    def set_business_name(self, name: str) -> None:
        """The name at the top of every page (none for the app's own default name)."""
        name = name.strip()
        if name == DEFAULT_BUSINESS_NAME:
            name = ""
        self.business_label.setText(name)
        self.business_label.setVisible(bool(name))
        self.rule.setVisible(bool(name))

    def view(self) -> View:
        """The page shown now."""
        return View(self.pages.currentIndex())

    def state(self) -> ChargeState | None:
        """The charge state mirrored now (None when idle)."""
        return self._state

    def follow(self, dialog: ChargeDialog) -> None:
        """Mirror ``dialog`` from now on (its current state at once); a closed or deleted
        dialog returns the display to Welcome, unless it is saying thank you."""
        previous = self._followed
        if previous is not None and previous is not dialog and shiboken6.isValid(previous):
            # Only one charge screen at a time feeds the display.
            with contextlib.suppress(RuntimeError, TypeError):
                previous.state_changed.disconnect(self.show_state)
                previous.destroyed.disconnect(self._on_followed_gone)
        self._followed = dialog
        dialog.state_changed.connect(self.show_state)
        dialog.destroyed.connect(self._on_followed_gone)
        self.show_state(dialog.charge_state())

    def show_state(self, state: object) -> None:
        """Show one :class:`ChargeState` (anything else is ignored)."""
        if not isinstance(state, ChargeState):
            return
        phase = state.phase
        if phase is ChargePhase.PAID:
            self._show_thanks(state)
            return
        if phase in (ChargePhase.WAITING, ChargePhase.DECLINED) and state.url:
            self._show_charge(state)
        elif phase is ChargePhase.PREPARING:
            self._thanks.stop()
            self._state = state
            self.preparing_amount.setText(state.amount)
            self.preparing_service.setText(state.service)
            self.pages.setCurrentIndex(View.PREPARING)
        elif self._thanks.isActive():
            return  # the dialog closed while thanking: let the thank-you finish
        else:
            # Expired, cancelled, failed or closed: nothing to pay here any more.
            self.show_idle()

    def show_idle(self) -> None:
        """Back to Welcome: no amount, no code, nothing of the last customer."""
        self._thanks.stop()
        self._state = None
        self.qr.set_url(None)
        self.ring.set_deadline(None)
        self.amount_label.setText("")
        self.service_label.setText("")
        self.attempt_label.setText("")
        self.thanks_detail.setText(THANKS_DETAIL)
        self.preparing_amount.setText("")
        self.preparing_service.setText("")
        self.pages.setCurrentIndex(View.WELCOME)

    # -- window placement ---------------------------------------------------------------

    def toggle_action(self, parent: QObject, staff_window: QWidget | None = None) -> QAction:
        """A checkable View ▸ Customer display (F8) action that shows and hides this window."""
        self._staff_window = staff_window
        action = QAction("&Customer display", parent)
        action.setCheckable(True)
        action.setShortcut(QKeySequence("F8"))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip("Show the payment QR and amount on a screen facing the customer")
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

    # -- pages --------------------------------------------------------------------------

    def _show_charge(self, state: ChargeState) -> None:
        self._thanks.stop()
        new_payment = self._state is None or self._state.payment_id != state.payment_id
        self._state = state
        self.qr.set_url(state.url)
        self.amount_label.setText(state.amount)
        self.service_label.setText(state.service)
        if new_payment or self.ring.remaining_seconds() is None:
            self.ring.set_deadline(state.deadline, state.clock_offset, state.total_seconds or None)
        if state.attempt_error:
            color = theme.semantic("danger", self).name()
            self.attempt_label.setStyleSheet(f"QLabel#attemptLabel {{ color: {color}; }}")
            self.attempt_label.setText(f"{state.attempt_error}\n{TRY_AGAIN}")
            self.attempt_label.show()
        else:
            self.attempt_label.hide()
        self.pages.setCurrentIndex(View.CHARGE)

    def _show_thanks(self, state: ChargeState) -> None:
        if (
            self.view() is View.THANKS
            and self._state
            and self._state.payment_id == state.payment_id
        ):
            return  # already thanking for this payment; keep the timer as it is
        self._state = state
        self.qr.set_url(None)
        self.ring.set_deadline(None)
        self.thanks_detail.setText(
            f"Your payment of {state.amount} was received." if state.amount else THANKS_DETAIL
        )
        self.pages.setCurrentIndex(View.THANKS)
        self._thanks.start()

    def _on_followed_gone(self) -> None:
        self._followed = None
        if not self._thanks.isActive():
            self.show_idle()
