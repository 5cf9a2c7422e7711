"""Automatic backups on a real PostgreSQL (issue 11 item 7): pg_dump's custom format into the
private backups folder, one station per day where several share the server (an advisory
lock while it dumps, the day recorded after), and a dump before a migration."""

from __future__ import annotations

import shutil
import stat
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, create_engine, text

from pos_app import app_backups
from pos_app.config import Config, load_config
from pos_app.domain.backups import DUMP_SUFFIX as DUMP
from pos_app.services.backup import BackupService
from pos_app.store import pg_dump
from pos_app.store.database import MIGRATIONS

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]


class UtcClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def _station(url: str, data_dir: Path) -> tuple[Config, BackupService]:
    config = load_config(
        {"POS_DATA_DIR": str(data_dir), "POS_DATABASE_URL": url, "POS_TIMEZONE": "UTC"}
    )
    return config, app_backups.backup_service(config, UtcClock())


@pytest.fixture
def holder(postgres_url: str) -> Iterator[Connection]:
    """A connection of "another station" that can hold the daily advisory lock."""
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def test_the_daily_backup_is_a_private_custom_format_dump(
    postgres_url: str,
    tmp_path: Path,
) -> None:
    _, service = _station(postgres_url, tmp_path / "one")
    assert service.available
    info = service.daily_if_due()
    assert info is not None and info.kind == "daily" and info.path.suffix == ".dump"
    assert info.path.parent == tmp_path / "one" / "backups"
    assert stat.S_IMODE(info.path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    assert info.path.read_bytes()[:5] == b"PGDMP"
    listed = subprocess.run(
        ["pg_restore", "--list", str(info.path)], capture_output=True, text=True, check=True
    )
    assert "TABLE public bookings" in listed.stdout
    assert service.last() is not None and service.last() == service.backups()[0]
    assert service.daily_if_due() is None  # one a day


def test_one_station_takes_the_day_s_backup(
    postgres_url: str,
    tmp_path: Path,
    holder: Connection,
) -> None:
    _, first = _station(postgres_url, tmp_path / "first")
    _, second = _station(postgres_url, tmp_path / "second")
    conn = holder
    lock = text("SELECT pg_try_advisory_lock(:k)")
    unlock = text("SELECT pg_advisory_unlock(:k)")
    # Another station is dumping now: this one does not dump as well.
    assert conn.execute(lock, {"k": pg_dump.DAILY_LOCK_KEY}).scalar() is True
    assert second.daily_if_due() is None
    assert second.backups() == []
    assert conn.execute(unlock, {"k": pg_dump.DAILY_LOCK_KEY}).scalar() is True
    conn.commit()
    taken = first.daily_if_due()
    assert taken is not None
    # The day is recorded in the shared database: the other station skips it from now on.
    assert second.daily_if_due() is None
    assert second.backups() == [] and [b.path for b in first.backups()] == [taken.path]
    today = datetime.now(UTC).date().isoformat()
    recorded = conn.execute(
        text("SELECT value FROM settings WHERE key = :k"), {"k": pg_dump.DAILY_SETTING}
    ).scalar()
    assert recorded == today
    # The lock was given back after the dump.
    assert conn.execute(lock, {"k": pg_dump.DAILY_LOCK_KEY}).scalar() is True


def test_a_migration_on_postgres_is_preceded_by_a_dump(
    postgres_url: str,
    tmp_path: Path,
) -> None:
    config, service = _station(postgres_url, tmp_path / "one")
    # The database one version behind, as an older app left it.
    engine = create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            cfg = AlembicConfig()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "-1")
    finally:
        engine.dispose()
    upgraded = app_backups.open_database(config, service)
    upgraded.dispose()
    kinds = [b.kind for b in service.backups()]
    assert kinds == ["before-upgrade"]
    assert service.backups()[0].path.read_bytes()[:5] == b"PGDMP"


def test_a_backup_by_command_keeps_the_folder_to_its_newest_files(
    postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`pos-app backup` on PostgreSQL names and prunes like the daily backups: a folder
    already holding a full set loses its oldest file, not grows without end."""
    from pos_app.cli import main
    from pos_app.domain.backups import BACKUP_FOLDER, KEEP_BACKUPS, BackupKind, backup_name

    data = tmp_path / "station"
    folder = data / BACKUP_FOLDER
    folder.mkdir(parents=True, mode=0o700)
    old = [
        backup_name("pos", datetime(2026, 1, day, 3, tzinfo=UTC), BackupKind.DAILY, ext=DUMP)
        for day in range(1, KEEP_BACKUPS + 1)
    ]
    for name in old:
        (folder / name).write_bytes(b"an older dump")
    monkeypatch.setenv("POS_DATA_DIR", str(data))
    monkeypatch.setenv("POS_DATABASE_URL", postgres_url)
    monkeypatch.setenv("POS_TIMEZONE", "UTC")
    assert main(["backup"]) == 0
    written = capsys.readouterr().out
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == KEEP_BACKUPS
    assert old[0] not in kept and old[1:] == kept[:-1]
    assert kept[-1].endswith("-manual" + DUMP) and kept[-1] in written
