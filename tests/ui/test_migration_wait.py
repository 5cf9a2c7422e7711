"""A station starting while another migrates the shared PostgreSQL says so, waits, and opens
(issue 13 item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pos_app.config import load_config
from pos_app.store.database import MIGRATION_LOCK_KEY, WAITING_SENTENCE
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.shell.gui import AppStarter
from pos_app.ui.shell.main_window import MainWindow, Page
from tests.migrate_to import empty_database_url


@pytest.mark.postgres
def test_the_window_says_another_station_is_updating_the_database_then_opens(
    qtbot: QtBot,
    runner: TaskRunner,
    ui_env: dict[str, str],
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    import psycopg

    with empty_database_url("postgresql", request, tmp_path) as url:
        # Another station is migrating this database.
        other = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        other.autocommit = True
        other.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
        w = MainWindow(runner)
        qtbot.addWidget(w)
        w.show()
        starter = AppStarter(
            load_config({**ui_env, "POS_DATABASE_URL": url}), runner, w, sandbox="none"
        )
        try:
            starter.start()
            qtbot.waitUntil(lambda: w.starting_label.text() == WAITING_SENTENCE, timeout=30000)
            assert w.pages.currentIndex() == Page.STARTING
            other.close()  # it has finished
            qtbot.waitUntil(lambda: w.context() is not None, timeout=60000)
        finally:
            other.close()
            starter.quit()
