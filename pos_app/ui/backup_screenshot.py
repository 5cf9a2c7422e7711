"""The "backups" screenshot: Settings ▸ This station with the last backup shown.

Kept apart from ``screenshots`` (which registers it) so that module does not grow further.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop

from pos_app.domain.backups import BackupKind
from pos_app.domain.people import Actor, Role
from pos_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from pos_app.app import AppContext

WAIT_SECONDS = 30.0
SIZE = (760, 640)


def render_backups(ctx: AppContext, _demo: object, path: Path) -> None:
    """Take the day's backup, open Settings on This station, save the dialog as PNG."""
    from pos_app.ui.settings_dialog import SettingsDialog

    ctx.backups.back_up_now(BackupKind.DAILY)  # demo data: set up before any window
    previous = ctx.deps.desk.actor
    ctx.deps.desk.sign_in(Actor("usr_demo", "Demo manager", Role.MANAGER))
    runner = TaskRunner()
    dialog = SettingsDialog(ctx, runner, tab="station", restart=lambda: None)
    try:
        dialog.resize(*SIZE)
        dialog.show()
        _wait(lambda: dialog.is_loaded() and dialog.backups.last_text().startswith("Last"))
        _spin()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not dialog.grab().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
    finally:
        runner.shutdown()
        dialog.done(0)
        dialog.deleteLater()
        ctx.deps.desk.sign_in(previous)


def _wait(condition: Callable[[], bool]) -> None:
    """Spin the event loop until ``condition()`` holds; TimeoutError after a while."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the settings did not load in time")
        _spin()


def _spin() -> None:
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    time.sleep(0.01)
