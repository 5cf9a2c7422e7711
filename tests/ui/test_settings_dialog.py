"""Manage ▸ Settings…: managers change the business, payments and this station; live mode is
unmistakable; the palette follows the setting."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.config import load_station, station_path
from pos_app.devtools.settings_screenshot import settings_for
from pos_app.domain.people import Actor, Role
from pos_app.ui.kit import theme
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.manage.settings_dialog import (
    RESTART_PROPERTY,
    SettingsDialog,
    relaunch_if_requested,
)
from pos_app.ui.shell.main_window import MainWindow

TEST_KEY = "sk_test_51Hdialogtestkey5531"
LIVE_KEY = "sk_live_51Hdialoglivekey8820"


def open_dialog(qtbot: QtBot, window: MainWindow, tab: str = "business") -> SettingsDialog:
    dialog = window.open_settings(tab)
    assert dialog is not None
    qtbot.waitUntil(dialog.is_loaded)
    return dialog


def test_manager_changes_the_business_and_the_window_shows_it(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    dialog = open_dialog(qtbot, window)
    assert dialog.current_tab() == "business"
    assert dialog.name_edit.text() == "pos-app" and dialog.hold_spin.value() == 10
    # The test environment fixes the zone: read-only, and the dialog says by what.
    assert not dialog.timezone_combo.isEnabled()
    assert dialog.rows["timezone"].hint.text() == "Set by POS_TIMEZONE in the environment."
    dialog.name_edit.setText("Salon Nova")
    dialog.hold_spin.setValue(15)
    assert dialog.save_button.text() == "Save"
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # Enter saves
    assert not saved.args[0].restart_needed
    assert window.title_label.text() == "Salon Nova"
    assert window.windowTitle() == "SANDBOX — Salon Nova — pos-app"
    assert (ui_app.config.hold_minutes, ui_app.deps.policy.hold_minutes) == (15, 15)
    assert ui_app.deps.policy.business_name == "Salon Nova"


def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    dialog = open_dialog(qtbot, window)
    dialog.name_edit.setText("   ")
    dialog.set_tab("payments")
    dialog.select_mode("live")
    dialog.key_edit.setText(TEST_KEY)  # a test key for live mode
    dialog.set_tab("station")
    dialog.lock_spin.setValue(30)
    dialog.save()
    assert dialog.is_busy() and dialog.status_label.text() == "Saving…"
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10_000)
    assert dialog.field_error("business_name") == "Enter the business name customers see."
    assert dialog.field_error("secret_key").startswith(
        "This is a test key, but live mode is chosen."
    )
    assert dialog.isVisible() and dialog.current_tab() == "business"  # the first error's tab
    assert ui_app.config.business_name == "pos-app"
    assert not station_path(ui_app.config.data_dir).exists()  # not even the lock time
    # Fixing the field clears its sentence on the next save.
    dialog.name_edit.setText("Salon Nova")
    dialog.select_mode("sandbox")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save()
    assert load_station(ui_app.config.data_dir).lock_minutes == 30


def test_only_a_manager_opens_settings(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    ui_app.deps.desk.sign_in(Actor("usr_sam", "Sam", Role.STAFF))
    assert window.settings_action.isEnabled()
    window.settings_action.trigger()
    assert window.settings_dialog is None
    assert window.notice.isVisible()
    assert window.notice.text() == "Only a manager can change settings."


def test_switching_mode_checks_the_key_and_restarts(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner, ui_app: AppContext
) -> None:
    restarts: list[str] = []
    dialog = settings_for(
        ui_app, runner, window, tab="payments", restart=lambda: restarts.append("restart")
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.is_loaded)
    assert dialog.selected_mode() == "sandbox" and not dialog.key_edit.isEnabled()
    assert "No system keyring was found" in dialog.storage_label.text()
    dialog.select_mode("live")
    dialog.key_edit.setText(LIVE_KEY)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    # The test "Stripe" (the sandbox) refuses live keys, as Stripe refuses a wrong one.
    qtbot.waitUntil(lambda: dialog.check_result() == "✗ Stripe did not accept this key.")
    dialog.select_mode("test")
    assert dialog.key_edit.text() == LIVE_KEY  # kept while switching
    dialog.key_edit.setText(TEST_KEY)
    assert dialog.save_button.text() == "Save and restart"
    assert dialog.restart_note.text().startswith("Saving restarts the app in test mode.")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.check_result().startswith("✓ Stripe accepted this key"))
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        dialog.save()
    assert saved.args[0].restart_needed and restarts == ["restart"]
    assert load_station(ui_app.config.data_dir).mode == "test"
    assert TEST_KEY not in station_path(ui_app.config.data_dir).read_text()


def test_save_and_restart_starts_the_same_command_again(qapp: QApplication) -> None:
    started: list[tuple[str, list[str]]] = []

    def start(program: str, args: list[str]) -> None:
        started.append((program, args))

    assert not relaunch_if_requested(qapp, start, argv=["pos-app"])
    qapp.setProperty(RESTART_PROPERTY, True)
    assert relaunch_if_requested(qapp, start, argv=["/usr/local/bin/pos-app", "gui", "-v"])
    assert started == [(sys.executable, ["-m", "pos_app", "gui", "-v"])]
    assert not relaunch_if_requested(qapp, start, argv=["pos-app"])  # once only


def test_live_mode_is_unmistakable(qtbot: QtBot, runner: TaskRunner, ui_app: AppContext) -> None:
    # The live look only: the same services (on the test sandbox) behind a live config.
    live = replace(ui_app, config=replace(ui_app.config, mode="live"))
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    assert not w.mode_banner.isVisible()  # nothing claimed while starting
    w.attach(live)
    try:
        assert w.mode_banner.isVisible()
        assert w.mode_banner.text() == "LIVE — real cards are charged"
        assert w.mode_banner.width() == w.centralWidget().width()  # across the whole window
        assert w.mode_banner.y() == w.top_bar.geometry().bottom() + 1  # right under the top bar
        assert w.windowTitle().startswith("LIVE — ")
        assert w.badge.text().startswith("LIVE")
        colors = theme.banner_colors("live", dark=False)
        assert (colors.bg, colors.fg) == ("#b91c1c", "#ffffff")
        assert theme.banner_colors("live", dark=True) == colors  # red in the dark too
        image = w.mode_banner.grab().toImage()
        assert image.pixelColor(3, 3).name() == "#b91c1c"
    finally:
        w.detach()


def test_sandbox_and_test_banners(window: MainWindow) -> None:
    assert window.mode_banner.isVisible() and window.mode_banner.text().startswith("SANDBOX")
    window.mode_banner.set_mode("test")
    assert window.mode_banner.text().startswith("TEST MODE — no real money")
    assert theme.banner_colors("test", dark=False).bg == "#f59e0b"


@pytest.fixture
def restore_palette(qapp: QApplication) -> Iterator[None]:
    palette = qapp.palette()
    follows = qapp.property("pos_theme_system")
    yield
    qapp.setPalette(palette)
    qapp.setProperty("pos_theme_system", follows)


@pytest.mark.usefixtures("restore_palette")
def test_theme_setting_applies_at_once(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    theme.apply_theme_setting(QApplication.instance(), "light")  # type: ignore[arg-type]
    assert not theme.is_dark()
    dialog = open_dialog(qtbot, window, "station")
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save()
    assert theme.is_dark()
    qtbot.waitUntil(lambda: theme.is_dark(window))  # widgets take the palette as events run
    assert load_station(ui_app.config.data_dir).theme == "dark"


def test_escape_waits_for_a_save_in_flight(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    dialog = open_dialog(qtbot, window)
    dialog.name_edit.setText("Salon Nova")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # ignored while saving
        assert dialog.isVisible()
    assert window.title_label.text() == "Salon Nova"


def test_a_fallback_to_the_sandbox_is_said_in_the_banner(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    note = "No Stripe secret key for live mode was found, so the app opened the sandbox."
    fallback = replace(ui_app, config=replace(ui_app.config, notice=note))
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    w.attach(fallback)
    try:
        assert w.mode_banner.text().startswith("SANDBOX — ")
        assert w.mode_banner.text().endswith(note)
        assert w.mode_banner.height() >= w.mode_banner.heightForWidth(w.mode_banner.width())
    finally:
        w.detach()


def test_webhooks_and_key_storage_are_under_advanced_and_save_is_primary(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = open_dialog(qtbot, window, "advanced")
    assert dialog.current_tab() == "advanced"
    assert [dialog.tabs.tabText(i).replace("&", "") for i in range(dialog.tabs.count())] == [
        "Business",
        "Payments",
        "This station",
        "Stations",
        "Advanced",
        "Connection",
    ]
    for widget in (dialog.webhook_check, dialog.port_spin, dialog.webhook_secret_edit):
        assert dialog.advanced.isAncestorOf(widget)
        assert not dialog.payments.isAncestorOf(widget)
    assert dialog.advanced.isAncestorOf(dialog.storage_label)
    assert "No system keyring was found" in dialog.storage_label.text()
    assert dialog.payments.isAncestorOf(dialog.key_edit)  # going live stays on Payments
    assert dialog.save_button.property("role") == "primary" and dialog.save_button.isDefault()
    # A webhook error brings Advanced to the front.
    dialog.set_tab("business")
    dialog.webhook_check.setChecked(True)
    dialog.port_spin.setValue(80)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.field_error("webhook_port") != "", timeout=10_000)
    assert dialog.current_tab() == "advanced"


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_address_tax_id_and_logo_are_saved_and_shown_again(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext, tmp_path: Path
) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG_BYTES)
    dialog = window.open_settings("business")
    assert dialog is not None
    qtbot.waitUntil(dialog.is_loaded)
    assert (dialog.address_edit.toPlainText(), dialog.tax_id_edit.text()) == ("", "")
    assert dialog.logo_edit.text() == "" and not dialog.business.remove_logo_button.isEnabled()
    dialog.address_edit.setPlainText("12 High Street\nLeeds LS1 4AB")
    dialog.tax_id_edit.setText("GB 123 4567 89")
    dialog.business._choose_logo = lambda _parent: str(logo)  # the file dialog, answered
    qtbot.mouseClick(dialog.business.choose_logo_button, Qt.MouseButton.LeftButton)
    assert dialog.logo_edit.text() == str(logo)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save()
    business = ui_app.settings.business()
    assert business.address == "12 High Street\nLeeds LS1 4AB"
    assert business.tax_id == "GB 123 4567 89"
    assert Path(business.logo_path).read_bytes() == PNG_BYTES
    again = window.open_settings("business")
    assert again is not None
    qtbot.waitUntil(again.is_loaded)
    assert again.address_edit.toPlainText() == "12 High Street\nLeeds LS1 4AB"
    assert again.logo_edit.text() == business.logo_path
    assert again.business.remove_logo_button.isEnabled()
    qtbot.mouseClick(again.business.remove_logo_button, Qt.MouseButton.LeftButton)
    assert again.logo_edit.text() == ""
    with qtbot.waitSignal(again.saved, timeout=10_000):
        again.save()
    assert ui_app.settings.business().logo_path == ""


def test_a_bad_logo_is_a_sentence_under_it_on_the_business_tab(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext, tmp_path: Path
) -> None:
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"GIF89a, not a PNG at all")
    dialog = open_dialog(qtbot, window, "station")
    dialog.business.set_logo(str(fake))
    dialog.save()
    qtbot.waitUntil(lambda: dialog.field_error("logo_path") != "", timeout=10_000)
    assert dialog.field_error("logo_path") == "logo.png is not a PNG picture; choose a PNG or JPEG."
    assert dialog.current_tab() == "business" and dialog.isVisible()
    assert ui_app.settings.business().logo_path == ""


def test_a_dialog_opened_for_staff_anyway_says_why_and_shows_nothing(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    ui_app.deps.desk.sign_in(Actor("usr_sam", "Sam", Role.STAFF))
    dialog = settings_for(ui_app, runner, restart=lambda: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loading_label.text() == "Only a manager can change settings.")
    assert not dialog.is_loaded() and not dialog.save_button.isEnabled()
    assert dialog.pages.currentIndex() == 0  # the settings never appear


def test_language_is_chosen_on_this_station_page(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    dialog = open_dialog(qtbot, window, "station")
    combo = dialog.language_combo
    names = [combo.itemText(i) for i in range(combo.count())]
    assert names == ["Follow the system", "English", "বাংলা", "Español", "Deutsch"]
    assert combo.currentData() == "system"
    combo.setCurrentIndex(combo.findData("bn"))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save()
    assert load_station(ui_app.config.data_dir).language == "bn"
