"""Settings ▸ Connection ▸ "Check connection": the doctor's lines, run off the GUI thread."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.services.doctor import Check, DoctorReport
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.manage.connection_check import ConnectionCheck
from pos_app.ui.shell.main_window import MainWindow


def make_private(folder: Path) -> None:
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            Path(root, name).chmod(0o700)
        for name in files:
            Path(root, name).chmod(0o600)
    folder.chmod(0o700)


def test_the_button_shows_the_same_lines_as_the_doctor(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    dialog = window.open_settings("connection")
    assert dialog is not None
    qtbot.waitUntil(dialog.is_loaded)
    panel = dialog.connection
    assert panel.lines() == [] and panel.summary() == ""
    Path(ui_app.config.data_dir).chmod(0o755)  # one thing to find: the folder is open
    with qtbot.waitSignal(panel.finished, timeout=30_000) as done:
        qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
        assert not panel.button.isEnabled() and panel.summary() == "Checking the connection…"
    report = done.args[0]
    assert panel.lines() == [c.line for c in report.checks]
    assert panel.button.isEnabled()
    failed = [line for line in panel.lines() if line.startswith("✗ ")]
    assert len(failed) == 1 and failed[0].startswith("✗ The data folder")
    assert panel.summary() == f"1 of {len(report.checks)} checks failed."
    assert any(line.startswith("✓ Opened a $0.50 test session") for line in panel.lines())
    # The failed line is in the danger tone, a passed one in the success tone (the app-wide
    # stylesheet colours the tones; tests/ui/test_contrast.py checks them in light and dark).
    labels = panel.findChildren(type(panel.status))
    red = next(label for label in labels if label.text() == failed[0])
    green = next(label for label in labels if label.text().startswith("✓ "))
    assert red.property("tone") == "danger" and green.property("tone") == "success"


def test_running_again_replaces_the_lines(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    panel = ConnectionCheck(ui_app.doctor, runner)
    qtbot.addWidget(panel)
    panel.show()
    make_private(ui_app.config.data_dir)
    with qtbot.waitSignal(panel.finished, timeout=30_000):
        panel.check()
    first = panel.lines()
    assert panel.summary() == f"All {len(first)} checks passed."
    with qtbot.waitSignal(panel.finished, timeout=30_000):
        panel.check()
        panel.check()  # a second click while running starts nothing more
    assert len(panel.lines()) == len(first)


class _WarnedDoctor:
    """A doctor whose run found a restricted key without an optional permission."""

    def run(self) -> DoctorReport:
        return DoctorReport(
            "test",
            (
                Check("key", True, "Test mode with the restricted key ending …0001."),
                Check(
                    "permission: rak_customer_write",
                    True,
                    "This restricted key lacks Customers: Write, which is optional.",
                    warning=True,
                ),
            ),
        )


def test_a_missing_optional_permission_is_a_warning_line_and_the_run_passes(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    panel = ConnectionCheck(_WarnedDoctor(), runner)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.finished, timeout=30_000):
        panel.check()
    warned = "! This restricted key lacks Customers: Write, which is optional."
    assert panel.lines() == ["✓ Test mode with the restricted key ending …0001.", warned]
    assert panel.summary() == "All 2 checks passed."
    labels = {label.text(): label for label in panel.findChildren(type(panel.status))}
    assert labels[warned].property("tone") == "warning"
    assert labels[warned].accessibleName() == (
        "permission: rak_customer_write: passed with a warning"
    )
    assert panel.status.property("tone") == "success"
