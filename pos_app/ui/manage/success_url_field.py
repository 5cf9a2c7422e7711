"""The business setting "After paying, customers go to" (the business's website) in Settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from pos_app.i18n import N_, _
from pos_app.services.checkout_request import MAX_URL_LENGTH, SUCCESS_URL_LABEL, SUCCESS_URL_MISSING

HINT = N_("Your website: Stripe's payment page sends customers there once they have paid.")
SANDBOX_HINT = N_("Not set: in sandbox mode customers see the sandbox's own thank-you page.")


def label() -> str:
    """The field's label, with its mnemonic: Stripe's page's own words for the website."""
    return "&" + _(SUCCESS_URL_LABEL)


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
        return _(HINT)
    return _(SANDBOX_HINT) if mode == "sandbox" else _(SUCCESS_URL_MISSING)
