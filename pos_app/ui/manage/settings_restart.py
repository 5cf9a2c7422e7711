"""Restarting after a settings change: "Save and restart" quits, and ``run_gui`` starts the
same command again once every window and the sandbox are closed."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QProcess

RESTART_PROPERTY = "pos_restart_requested"


def restart_app() -> None:
    """Quit; ``run_gui`` starts the same command again once everything is closed."""
    app = QCoreApplication.instance()
    if app is not None:
        app.setProperty(RESTART_PROPERTY, True)
        app.quit()


def relaunch_command(argv: Sequence[str] | None = None) -> tuple[str, list[str]]:
    """This interpreter running ``pos_app`` with the same arguments (works for the
    ``pos-app`` script, ``python -m pos_app`` and Windows launchers alike)."""
    args = list(sys.argv if argv is None else argv)[1:]
    return sys.executable, ["-m", "pos_app", *args]


def relaunch_if_requested(
    app: QCoreApplication,
    start: Callable[[str, list[str]], object] = QProcess.startDetached,
    argv: Sequence[str] | None = None,
) -> bool:
    """Start the app again if Save and restart asked for it; True if it did."""
    if not app.property(RESTART_PROPERTY):
        return False
    app.setProperty(RESTART_PROPERTY, False)
    program, args = relaunch_command(argv)
    start(program, args)
    return True
