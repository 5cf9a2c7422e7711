"""Settings takes only the services it calls: it loads, checks a key and saves through fakes that
have nothing but those methods (no AppContext), each call off the GUI thread."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC
from pathlib import Path

from pytestqt.qtbot import QtBot

from pos_app.config import Mode, StationSettings
from pos_app.services.backup import BackupInfo
from pos_app.services.doctor import DoctorReport
from pos_app.services.settings_model import (
    BusinessSettings,
    SaveResult,
    SettingsChange,
    SettingsView,
)
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.manage.settings_dialog import SettingsDialog

VIEW = SettingsView(
    business=BusinessSettings("Fern & Co", "usd", "UTC", 15),
    station=StationSettings(),
    running_mode="sandbox",
    key_hints={},
    webhook_secret_hints={},
    locked={},
    storage="Kept in the system keyring.",
    data_dir="/tmp/fern",
)


class FakeSettings:
    """Only what the dialog may call of the settings service; notes the thread of each call."""

    def __init__(self) -> None:
        self.saved: list[SettingsChange] = []
        self.gui_calls: list[str] = []

    def _note(self, name: str) -> None:
        if threading.current_thread() is threading.main_thread():
            self.gui_calls.append(name)

    def manager_signed_in(self) -> bool:
        self._note("manager_signed_in")
        return True

    def load(self) -> SettingsView:
        self._note("load")
        return VIEW

    def save(self, change: SettingsChange) -> SaveResult:
        self._note("save")
        self.saved.append(change)
        business = replace(VIEW.business, business_name=change.business_name)
        return SaveResult(replace(VIEW, business=business), ("Business name",), False)

    def check_key(self, mode: Mode, key: str = "") -> str:
        self._note("check_key")
        return f"Stripe accepted this {mode} key."


class FakeBackups:
    """Only what the backups panel may call."""

    folder = Path("/tmp/fern/backups")
    available = True
    unavailable = ""

    def last(self) -> BackupInfo | None:
        return None

    def back_up_now(self) -> BackupInfo:
        raise AssertionError("not clicked in this test")


class FakeDoctor:
    """Only what "Check connection" may call."""

    def run(self) -> DoctorReport:
        return DoctorReport("sandbox", ())


def test_settings_loads_checks_and_saves_through_its_services_alone(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    settings = FakeSettings()
    dialog = SettingsDialog(
        settings,
        FakeBackups(),
        FakeDoctor(),
        runner,
        mode="sandbox",
        timezone=UTC,
        restart=lambda: None,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.is_loaded)
    assert dialog.name_edit.text() == "Fern & Co"
    assert dialog.badge.mode() == "sandbox"  # the running mode, as given

    dialog.select_mode("test")
    dialog.key_edit.setText("sk_test_51Hfakekey0001")
    dialog.check_key()
    qtbot.waitUntil(lambda: dialog.check_result() == "✓ Stripe accepted this test key.")

    dialog.select_mode("sandbox")
    dialog.name_edit.setText("Fern & Co Studio")
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        dialog.save()
    assert [c.business_name for c in settings.saved] == ["Fern & Co Studio"]
    assert saved.args[0].view.business.business_name == "Fern & Co Studio"
    assert settings.gui_calls == []  # every call went through the task runner
