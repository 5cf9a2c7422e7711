"""Settings ▸ This station ▸ Backups, the daily backup while the app runs, and the start-up
sentence for a damaged database (issue 11 item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.devtools.settings_screenshot import settings_for
from pos_app.domain.backups import BackupKind
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.manage.backup_panel import NONE_YET
from pos_app.ui.manage.backup_schedule import DailyBackups
from pos_app.ui.shell.gui import AppStarter
from pos_app.ui.shell.main_window import MainWindow, Page

pytestmark = pytest.mark.sqlite_only(
    reason="counts the SQLite file's backups; PostgreSQL's dumps are in test_pg_backups.py"
)


def _backups(ctx: AppContext) -> list[Path]:
    return sorted((ctx.config.data_dir / "backups").glob("pos-*.sqlite3"))


def test_settings_shows_the_last_backup_and_backs_up_now(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    dialog = settings_for(ui_app, runner, tab="station", restart=lambda: None)
    qtbot.addWidget(dialog)
    dialog.show()
    panel = dialog.backups
    qtbot.waitUntil(lambda: panel.last_text() == NONE_YET, timeout=10000)

    panel.button.click()
    qtbot.waitUntil(lambda: panel.status_text() == "Backed up.", timeout=20000)
    (taken,) = _backups(ui_app)
    assert panel.last_text().startswith("Last backup: ")
    assert taken.name in panel.last_text() and panel.button.isEnabled()
    dialog.close()


def test_daily_backup_runs_in_the_background_once_a_day(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    notices: list[str] = []
    daily = DailyBackups(runner, ui_app.backups, notices.append)
    daily.start()
    qtbot.waitUntil(lambda: daily.last is not None, timeout=20000)
    assert daily.last is not None and daily.last.kind == BackupKind.DAILY.value
    daily.check_now()  # the hourly check, same day
    qtbot.waitUntil(lambda: not runner.is_running("backup-daily"), timeout=20000)
    daily.stop()
    assert len(_backups(ui_app)) == 1 and notices == []


def test_a_damaged_database_at_start_is_one_sentence_naming_the_backup(
    qtbot: QtBot, runner: TaskRunner, ui_env: dict[str, str]
) -> None:
    config = load_config(ui_env)
    ctx = open_app(config, sandbox="none")
    backup = ctx.backups.back_up_now(BackupKind.DAILY).path
    ctx.close()
    with (config.data_dir / "pos.sqlite3").open("r+b") as f:
        f.seek(2 * 4096)
        f.write(b"\xab" * 4 * 4096)

    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.show()
    starter = AppStarter(config, runner, w, sandbox="none")
    starter.start()
    qtbot.waitUntil(lambda: w.pages.currentIndex() == Page.FAILED, timeout=20000)
    message = w.failure_label.text()
    assert message.startswith("The database is damaged; the newest backup is backups/")
    assert message.endswith(f"restore it with: pos-app restore {backup}")
    starter.quit()


def test_the_app_takes_todays_backup_when_it_starts(
    qtbot: QtBot, runner: TaskRunner, ui_env: dict[str, str]
) -> None:
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.show()
    starter = AppStarter(load_config(ui_env), runner, w, sandbox="none")
    starter.start()
    qtbot.waitUntil(lambda: w.context() is not None, timeout=20000)
    folder = Path(ui_env["POS_DATA_DIR"]) / "backups"
    qtbot.waitUntil(lambda: len(list(folder.glob("pos-*-daily.sqlite3"))) == 1, timeout=20000)
    starter.quit()
