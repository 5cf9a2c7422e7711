"""The sign-in page's PIN pad: whose PIN, the PIN field, a sentence line, and the keys
(digits, delete, Sign in). A wrong PIN shakes it."""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QPoint, Qt, QVariantAnimation, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_app.i18n import _
from pos_app.ui.kit import theme
from pos_app.ui.kit.forms import ErrorLabel
from pos_app.ui.kit.pin import pin_edit
from pos_app.ui.people.sign_in_presenter import CHOOSE_PROMPT

KEY_HEIGHTS = (theme.TOUCH_PX, 60)  # the keys' height: finger-sized at least, generous at most
FIXED_HEIGHT = 360  # the page's height that is not keys (titles, PIN field, margins)
PAD_WIDTH = 340


class PinPad(QFrame):
    """The PIN field and its keys. ``submitted`` when Enter or "Sign in" is pressed."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinPad")
        theme.set_role(self, "card")
        self.setFixedWidth(PAD_WIDTH)
        self.who_label = QLabel(_(CHOOSE_PROMPT))
        self.who_label.setFont(theme.font(self, scale=1.3, bold=True))
        self.who_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who_label.setWordWrap(True)
        self.pin_edit = pin_edit(_("PIN"))
        self.pin_edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin_edit.setFont(theme.font(self, scale=1.6, bold=True))
        self.pin_edit.setMinimumHeight(theme.TOUCH_PX)
        self.pin_edit.returnPressed.connect(self.submitted.emit)
        self.error = ErrorLabel()
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The sentence's line is kept free, so the keys do not jump when it appears.
        self.error_slot = QWidget()
        slot = QVBoxLayout(self.error_slot)
        slot.setContentsMargins(0, 0, 0, 0)
        slot.addWidget(self.error)
        self.error_slot.setMinimumHeight(self.error.fontMetrics().lineSpacing() * 2)
        keys = QGridLayout()
        keys.setSpacing(8)
        self.digit_buttons: dict[str, QPushButton] = {}
        for i, digit in enumerate("123456789"):
            keys.addWidget(self._key(digit), i // 3, i % 3)
        self.clear_button = QPushButton("⌫")
        self.clear_button.setToolTip(_("Delete the last digit (Backspace)"))
        self.clear_button.setAccessibleName(_("Delete the last digit"))
        self.clear_button.clicked.connect(self.pin_edit.backspace)
        self.ok_button = QPushButton(_("Sign in"))
        self.ok_button.setToolTip(_("Sign in (Enter)"))
        theme.make_primary(self.ok_button)
        self.ok_button.clicked.connect(self.submitted.emit)
        for button in (self.clear_button, self.ok_button):
            button.setFixedHeight(KEY_HEIGHTS[1])
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setFont(theme.font(self, scale=1.15, bold=True))
        keys.addWidget(self.clear_button, 3, 0)
        keys.addWidget(self._key("0"), 3, 1)
        keys.addWidget(self.ok_button, 3, 2)
        box = QVBoxLayout(self)
        box.setContentsMargins(22, 20, 22, 20)
        box.setSpacing(12)
        box.addWidget(self.who_label)
        box.addWidget(self.pin_edit)
        box.addWidget(self.error_slot)
        box.addLayout(keys, 1)

        self._shake = QVariantAnimation(self)
        self._shake.setDuration(360)
        self._shake.setStartValue(0.0)
        self._shake.setEndValue(1.0)
        self._shake.setEasingCurve(QEasingCurve.Type.Linear)
        self._shake.valueChanged.connect(self._shake_step)
        self._home: QPoint | None = None
        self.set_enabled(False)

    def buttons(self) -> list[QPushButton]:
        """Every key of the pad."""
        return [*self.digit_buttons.values(), self.clear_button, self.ok_button]

    def fit_keys(self, page_height: int) -> None:
        """Keys as tall as the page allows (a 1366×768 desk gets big keys, 1000×600 fits)."""
        low, high = KEY_HEIGHTS
        height = max(low, min(high, (page_height - FIXED_HEIGHT) // 4))
        for button in self.buttons():
            button.setFixedHeight(height)

    def set_enabled(self, enabled: bool) -> None:
        """Turn the PIN field and every key on or off."""
        self.pin_edit.setEnabled(enabled)
        for button in self.buttons():
            button.setEnabled(enabled)

    def type_digit(self, digit: str) -> None:
        """Add ``digit`` to the PIN (when the pad is on) and keep the keyboard on the field."""
        if self.pin_edit.isEnabled():
            self.pin_edit.insert(digit)
            self.pin_edit.setFocus()

    def shake(self) -> None:
        """Three damped swings left and right: the PIN was refused."""
        if self._shake.state() == QVariantAnimation.State.Running:
            return
        self._home = self.pos()
        self._shake.start()

    def _key(self, digit: str) -> QPushButton:
        button = QPushButton(digit)
        button.setFixedHeight(KEY_HEIGHTS[1])
        button.setFont(theme.font(self, scale=1.35, bold=True))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the PIN field keeps the keyboard
        button.clicked.connect(lambda _c=False, d=digit: self.type_digit(d))
        self.digit_buttons[digit] = button
        return button

    def _shake_step(self, value: object) -> None:
        home = self._home
        if home is None:
            return
        progress = float(value)  # type: ignore[arg-type]
        offset = 0 if progress >= 1.0 else round(10 * (1 - progress) * _wave(progress * 6))
        self.move(home.x() + offset, home.y())


def _wave(x: float) -> float:
    """A triangle wave between -1 and 1 with period 2."""
    x = x % 2.0
    return 2 * x - 1 if x < 1 else 3 - 2 * x
