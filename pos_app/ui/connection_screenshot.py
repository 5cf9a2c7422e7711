"""The "connection" screenshot: Settings ▸ Connection after "Check connection" has run.

Kept apart from ``screenshots`` (which registers it) so that module does not grow further;
it needs nothing of it but the demo's app.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop

from pos_app.domain.people import Actor, Role
from pos_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from pos_app.app import AppContext

WAIT_SECONDS = 30.0
SIZE = (760, 740)


def render_connection(ctx: AppContext, _demo: object, path: Path) -> None:
    """Open Settings on the Connection tab, run the check, save the dialog as PNG."""
    from pos_app.ui.settings_dialog import SettingsDialog

    previous = ctx.deps.desk.actor
    ctx.deps.desk.sign_in(Actor("usr_demo", "Demo manager", Role.MANAGER))
    runner = TaskRunner()
    dialog = SettingsDialog(ctx, runner, tab="connection", restart=lambda: None)
    try:
        dialog.resize(*SIZE)
        dialog.show()
        _wait(dialog.is_loaded)
        dialog.connection.check()
        _wait(lambda: dialog.connection.report() is not None)
        _pause(0.3)  # the scroll to the results settles
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
            raise TimeoutError("the connection check did not finish in time")
        _spin()


def _pause(seconds: float) -> None:
    """Let the event loop run for ``seconds`` (layouts and scrolling settle)."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        _spin()


def _spin() -> None:
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    time.sleep(0.01)
