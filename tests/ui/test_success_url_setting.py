"""Settings ▸ Business: "After paying, customers go to", the business's website."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.services.checkout_request import SUCCESS_URL_MISSING
from pos_app.ui.manage.settings_dialog import SettingsDialog
from pos_app.ui.manage.success_url_field import SANDBOX_HINT
from pos_app.ui.shell.main_window import MainWindow


def _dialog(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    dialog = window.open_settings("business")
    assert dialog is not None
    qtbot.waitUntil(dialog.is_loaded)
    return dialog


def test_the_website_is_set_and_checked_in_settings(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    dialog = _dialog(qtbot, window)
    assert dialog.success_url_edit.text() == ""
    assert dialog.rows["success_url"].hint.text() == SANDBOX_HINT
    dialog.success_url_edit.setText("salon-nova.example")
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10_000)
    assert dialog.field_error("success_url") == (
        "Enter your website's full address, starting with https://, "
        "for example https://example.com/thank-you."
    )
    assert ui_app.config.success_url is None  # nothing saved
    dialog.success_url_edit.setText("https://salon-nova.example/thanks")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save()
    assert ui_app.deps.policy.success_url == "https://salon-nova.example/thanks"
    assert ui_app.settings.business().success_url == "https://salon-nova.example/thanks"


def test_choosing_test_mode_says_the_website_is_needed_first(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = _dialog(qtbot, window)
    assert dialog.rows["success_url"].hint.text() == SANDBOX_HINT
    dialog.select_mode("test")
    assert dialog.rows["success_url"].hint.text() == SUCCESS_URL_MISSING
    dialog.select_mode("sandbox")
    assert dialog.rows["success_url"].hint.text() == SANDBOX_HINT
