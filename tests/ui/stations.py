"""Two stations on one database, and a station's window that only the change feed can bring
news to: the set-up the cross-station tests share (test_live_updates, test_sell_part_paid)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pytestqt.qtbot import QtBot

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.shell.main_window import MainWindow
from tests.conftest import TEST_MANAGER
from tests.ui.conftest import ServiceGuard

#: A bound on a hang, never a measure of speed.
WAIT_MS = 20_000


@contextmanager
def two_stations(
    ui_env: dict[str, str], tmp_path: Path, url: str
) -> Iterator[tuple[AppContext, AppContext]]:
    """Stations A and B, each with its own data folder, on the database at ``url``, a
    manager signed in at both. B's services are guarded: leaving the block fails the test if
    B's window called one on the GUI thread."""
    opened: list[AppContext] = []
    try:
        for name in ("a", "b"):
            env = {**ui_env, "POS_DATA_DIR": str(tmp_path / name), "POS_DATABASE_URL": url}
            ctx = open_app(load_config(env), sandbox="none")
            ctx.deps.desk.sign_in(TEST_MANAGER)
            opened.append(ctx)
        guard = ServiceGuard(opened[1])
        yield opened[0], opened[1]
        assert guard.violations == [], f"service calls on the GUI thread: {guard.violations}"
    finally:
        for ctx in opened:
            ctx.close()


def fed_window(
    qtbot: QtBot, runner: TaskRunner, station: AppContext, *, day_loaded: bool = False
) -> MainWindow:
    """``station``'s window, shown and attached, its first sync pass done (and with
    ``day_loaded`` its day read) and its sync loop stopped: the sync's reload after each pass
    would otherwise hide a broken change feed. The caller detaches it."""
    window = MainWindow(runner)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.attach(station)
    qtbot.waitUntil(
        lambda: not window.sync.first_pending and (window.day_loads >= 1 or not day_loaded),
        timeout=WAIT_MS,
    )
    window.sync.stop()
    return window
