"""Backups (issue 11 item 7): consistent private copies, the daily one and 14 kept, one before
every upgrade, and a damaged, locked or newer database told in one sentence at start."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig

from pos_app import app_backups
from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.backups import BackupKind, DatabaseProblem
from pos_app.services.backup import BackupService
from pos_app.store.database import MIGRATIONS, make_engine
from pos_app.store.sqlite_backup import SqliteCopier
from tests.integration.helpers import book

pytestmark = pytest.mark.sqlite_only(
    reason="backups of the SQLite file; PostgreSQL's are in test_pg_backups.py"
)

PAGE = 4096


@pytest.fixture
def sqlite_env(app_env: dict[str, str]) -> dict[str, str]:
    """The test environment on the default SQLite file (backups are of a SQLite file)."""
    return {k: v for k, v in app_env.items() if k != "POS_DATABASE_URL"}


@pytest.fixture
def sqlite_app(sqlite_env: dict[str, str]) -> Iterator[AppContext]:
    ctx = open_app(load_config(sqlite_env), sandbox="none")
    yield ctx
    ctx.close()


def data_dir(env: dict[str, str]) -> Path:
    return Path(env["POS_DATA_DIR"])


def cli(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pos_app", *args],
        env=full,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=90,
    )


def corrupt(path: Path) -> None:
    """Overwrite pages past the header with garbage, as a failing disk would."""
    assert path.stat().st_size > 8 * PAGE
    with path.open("r+b") as f:
        f.seek(2 * PAGE)
        f.write(b"\xab" * (4 * PAGE))


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now_value = now

    def now(self) -> datetime:
        return self.now_value


# -- backup ------------------------------------------------------------------------------


def test_backup_is_a_plain_checked_private_copy_taken_while_a_writer_is_busy(
    sqlite_app: AppContext,
) -> None:
    booking = book(sqlite_app)
    database = Path(sqlite_app.config.data_dir, "pos.sqlite3")
    # Another station is in the middle of a write: the copy must not see it.
    writer = sqlite3.connect(database, isolation_level=None, timeout=5)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE bookings SET customer_name = 'half written'")
    try:
        info = sqlite_app.backups.back_up_now()
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert info.path.parent == sqlite_app.config.data_dir / "backups"
    assert info.size == info.path.stat().st_size > 0
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(info.path.parent.stat().st_mode) == 0o700
    assert rows(info.path, "PRAGMA integrity_check") == [("ok",)]
    assert rows(info.path, "PRAGMA journal_mode") == [("delete",)]  # one plain file, no WAL
    assert not Path(f"{info.path}-wal").exists()
    names = rows(info.path, f"SELECT customer_name FROM bookings WHERE id = '{booking.id}'")
    assert names == [("Ada Lovelace",)]
    assert [p.name for p in info.path.parent.iterdir()] == [info.path.name]  # no leftovers


def test_backup_command_prints_where_and_how_big(
    sqlite_app: AppContext, sqlite_env: dict[str, str], tmp_path: Path
) -> None:
    book(sqlite_app)
    default = cli(sqlite_env, "backup")
    assert default.returncode == 0, default.stderr
    written = next((data_dir(sqlite_env) / "backups").glob("pos-*-manual.sqlite3"))
    assert default.stdout.strip() == (
        f"Backed up the database to {written} ({_size_text(written.stat().st_size)})."
    )
    target = tmp_path / "copy.sqlite3"
    first = cli(sqlite_env, "backup", str(target), "--json")
    assert first.returncode == 0, first.stderr
    assert rows(target, "SELECT count(*) FROM bookings") == [(1,)]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    again = cli(sqlite_env, "backup", str(target))
    assert again.returncode == 1 and "already exists" in again.stderr
    assert again.stdout == "" and "Traceback" not in again.stderr


def _size_text(size: int) -> str:
    from pos_app.services.backup import size_text

    return size_text(size)


# -- retention and the daily backup -----------------------------------------------------


def test_daily_backup_once_a_day_and_the_newest_14_kept(sqlite_app: AppContext) -> None:
    folder = sqlite_app.config.data_dir / "backups"
    folder.mkdir(mode=0o700, exist_ok=True)
    strangers = [folder / "pos-test-2026-01-01-000000Z-daily.sqlite3", folder / "notes.txt"]
    for path in strangers:
        path.write_text("not ours")
    clock = Clock(datetime(2026, 3, 1, 7, 0, tzinfo=UTC))
    zone = ZoneInfo("Europe/Berlin")
    database = sqlite_app.config.data_dir / "pos.sqlite3"
    service = BackupService(SqliteCopier(database), folder, "pos", clock, lambda: zone)

    taken = []
    for day in range(20):
        clock.now_value = datetime(2026, 3, 1, 7, 0, tzinfo=UTC) + timedelta(days=day)
        first = service.daily_if_due()
        clock.now_value += timedelta(hours=9)  # the hourly checks later that day
        assert first is not None and service.daily_if_due() is None
        taken.append(first.path.name)

    kept = sorted(p.name for p in folder.glob("pos-2026-*.sqlite3"))
    assert kept == sorted(taken[-14:])
    assert all(path.exists() for path in strangers)
    last = service.last()
    assert last is not None and last.path.name == taken[-1]


# -- one before every upgrade ---------------------------------------------------------------


@pytest.mark.fresh_data_dir
def test_a_backup_is_taken_before_an_upgrade_and_only_then(sqlite_env: dict[str, str]) -> None:
    config = load_config(sqlite_env)
    database = config.data_dir / "pos.sqlite3"
    config.data_dir.mkdir(parents=True)
    engine = make_engine(config.database_url)
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")  # a database left by an older version
    engine.dispose()

    ctx = open_app(config, sandbox="none")
    ctx.close()
    folder = config.data_dir / "backups"
    before = list(folder.glob("pos-*-before-upgrade.sqlite3"))
    assert len(before) == 1
    assert rows(before[0], "SELECT version_num FROM alembic_version") == [("0007",)]
    assert rows(database, "SELECT version_num FROM alembic_version") != [("0007",)]

    # At the newest schema already: nothing to migrate, no backup.
    open_app(config, sandbox="none").close()
    assert list(folder.glob("pos-*-before-upgrade.sqlite3")) == before


@pytest.mark.fresh_data_dir
def test_a_new_database_gets_no_backup_before_its_first_migration(
    sqlite_app: AppContext,
) -> None:
    assert not (sqlite_app.config.data_dir / "backups").exists()


# -- at start: damaged, locked, newer -------------------------------------------------------


def _with_a_backup(env: dict[str, str]) -> Path:
    ctx = open_app(load_config(env), sandbox="none")
    try:
        book(ctx)
        return ctx.backups.back_up_now(BackupKind.DAILY).path
    finally:
        ctx.close()


def test_a_damaged_database_is_refused_at_start_naming_the_newest_backup(
    sqlite_env: dict[str, str],
) -> None:
    backup = _with_a_backup(sqlite_env)
    database = data_dir(sqlite_env) / "pos.sqlite3"
    corrupt(database)

    with pytest.raises(DatabaseProblem) as refused:
        open_app(load_config(sqlite_env), sandbox="none")
    assert refused.value.kind == "damaged"
    assert refused.value.message.startswith("The database is damaged; the newest backup is ")
    assert refused.value.message.endswith(f"restore it with: pos-app restore {backup}")

    result = cli(sqlite_env, "users")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == refused.value.message  # one sentence, no traceback

    # Doing what the sentence says brings the app back.
    command = refused.value.message.split("restore it with: ")[1].split()
    restored = cli(sqlite_env, *command[1:], "--yes")
    assert restored.returncode == 0, restored.stderr
    open_app(load_config(sqlite_env), sandbox="none").close()


def test_a_damaged_database_gives_no_backup(sqlite_env: dict[str, str]) -> None:
    _with_a_backup(sqlite_env)
    corrupt(data_dir(sqlite_env) / "pos.sqlite3")
    folder = data_dir(sqlite_env) / "backups"
    before = sorted(folder.iterdir())
    result = cli(sqlite_env, "backup")
    assert result.returncode == 1
    assert result.stderr.startswith("No backup was taken. The database is damaged;")
    assert sorted(folder.iterdir()) == before  # not even a partial file


def test_a_database_locked_past_the_bound_is_refused_in_one_sentence(
    sqlite_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = _with_a_backup(sqlite_env)
    monkeypatch.setattr(app_backups, "START_BUSY_SECONDS", 1)
    holder = sqlite3.connect(data_dir(sqlite_env) / "pos.sqlite3", isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")  # another program that never lets go
    try:
        with pytest.raises(DatabaseProblem) as refused:
            open_app(load_config(sqlite_env), sandbox="none")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert refused.value.kind == "locked"
    message = refused.value.message
    assert message.startswith("The database stayed locked by another program for 1 second (")
    assert message.endswith(f"pos-app restore {backup}")
    open_app(load_config(sqlite_env), sandbox="none").close()  # let go: it starts again


def test_a_database_of_a_newer_version_is_refused_and_left_alone(
    sqlite_env: dict[str, str],
) -> None:
    backup = _with_a_backup(sqlite_env)
    database = data_dir(sqlite_env) / "pos.sqlite3"
    con = sqlite3.connect(database, isolation_level=None)
    con.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    con.close()
    before = database.read_bytes()

    with pytest.raises(DatabaseProblem) as refused:
        open_app(load_config(sqlite_env), sandbox="none")
    assert refused.value.kind == "newer"
    assert refused.value.message.startswith(
        "The database was written by a newer version of pos-app (install that version); "
        "the newest backup is backups/"
    )
    assert refused.value.message.endswith(f"pos-app restore {backup}")
    assert database.read_bytes() == before
    result = cli(sqlite_env, "users")
    assert result.returncode == 1 and result.stderr.strip() == refused.value.message


def test_without_any_backup_the_sentence_says_so(sqlite_env: dict[str, str]) -> None:
    open_app(load_config(sqlite_env), sandbox="none").close()
    corrupt(data_dir(sqlite_env) / "pos.sqlite3")
    with pytest.raises(DatabaseProblem) as refused:
        open_app(load_config(sqlite_env), sandbox="none")
    folder = data_dir(sqlite_env) / "backups"
    assert refused.value.message == (
        f"The database is damaged, and there is no backup in {folder} to restore yet."
    )
