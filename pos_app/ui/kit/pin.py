"""PIN entry fields shared by sign-in, the staff editor and manager approvals."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit

from pos_app.services.pins import PIN_MAX_DIGITS

PIN_PATTERN = QRegularExpression(f"[0-9]{{0,{PIN_MAX_DIGITS}}}")


def pin_validator(parent: QObject) -> QRegularExpressionValidator:
    """Digits only, at most 8: what a PIN field accepts."""
    return QRegularExpressionValidator(PIN_PATTERN, parent)


def pin_edit(placeholder: str = "") -> QLineEdit:
    """A password-echo field that takes digits only."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setValidator(pin_validator(edit))
    edit.setMaxLength(PIN_MAX_DIGITS)
    edit.setPlaceholderText(placeholder)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
    return edit
