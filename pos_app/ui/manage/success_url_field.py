"""The business setting "After paying, customers go to" (the business's website) in Settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from pos_app.services.checkout_request import MAX_URL_LENGTH, SUCCESS_URL_LABEL, SUCCESS_URL_MISSING

LABEL = f"&{SUCCESS_URL_LABEL}"
HINT = "Your website: Stripe's payment page sends customers there once they have paid."
SANDBOX_HINT = "Not set: in sandbox mode customers see the sandbox's own thank-you page."


def success_url_edit() -> QLineEdit:
    """The line edit for the business's website."""
    edit = QLineEdit()
    edit.setMaxLength(MAX_URL_LENGTH)
    edit.setPlaceholderText("https://example.com/thank-you")
    edit.setClearButtonEnabled(True)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhUrlCharactersOnly)
    return edit


def success_url_hint(url: str, mode: str) -> str:
    """The line under the field: what it is for, or why card payments wait for it."""
    if url:
        return HINT
    return SANDBOX_HINT if mode == "sandbox" else SUCCESS_URL_MISSING
