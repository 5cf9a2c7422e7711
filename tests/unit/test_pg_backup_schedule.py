"""Automatic backups of a PostgreSQL database (issue 11 item 7, PostgreSQL leftovers): the
daily and before-upgrade backups are pg_dump files named and kept as SQLite's are, pg_dump
gets the password only in its environment, a missing pg_dump is one sentence, and the daily
one goes through the stations' turn (tests/integration/test_pg_backups.py runs it on a real
server)."""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pos_app import app_backups
from pos_app.config import load_config
from pos_app.domain.backups import DUMP_SUFFIX, KEEP_BACKUPS, BackupKind, backup_name
from pos_app.services.backup import BackupInfo, BackupService
from pos_app.store import pg_dump

PG_URL = "postgresql+psycopg://pos:s3cret-pw@127.0.0.1:5999/posdb"
NOW = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)  # already 6 December in Sydney


class FixedClock:
    def __init__(self, now: datetime = NOW) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


class WritingCopier:
    """Writes a fake dump (the service's side only)."""

    def __init__(self) -> None:
        self.targets: list[Path] = []

    def copy_to(self, target: Path) -> int:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(b"PGDMP")
        self.targets.append(target)
        return 5


class Turn:
    """A stations' turn that answers as told and records what it was asked."""

    def __init__(self, mine: bool) -> None:
        self.mine = mine
        self.days: list[str] = []

    def take_once(self, day: str, take: Callable[[], BackupInfo]) -> BackupInfo | None:
        self.days.append(day)
        return take() if self.mine else None


def _service(tmp_path: Path, copier: WritingCopier, turn: Turn | None) -> BackupService:
    return BackupService(
        copier,
        tmp_path / "backups",
        "pos",
        FixedClock(),
        lambda: ZoneInfo("Australia/Sydney"),
        ext=DUMP_SUFFIX,
        turn=turn,
    )


def test_the_daily_dump_is_taken_when_this_station_has_the_turn(tmp_path: Path) -> None:
    turn = Turn(mine=True)
    service = _service(tmp_path, WritingCopier(), turn)
    info = service.daily_if_due()
    assert info is not None
    assert info.path.name == "pos-2026-12-05-233000Z-daily.dump"
    assert turn.days == ["2026-12-06"]  # the business's calendar day, not UTC's
    assert stat.S_IMODE(info.path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    # Taken today: the next hourly check asks nobody.
    assert service.daily_if_due() is None
    assert turn.days == ["2026-12-06"]
    assert [b.path.name for b in service.backups()] == [info.path.name]


def test_no_dump_when_another_station_has_the_turn(tmp_path: Path) -> None:
    copier, turn = WritingCopier(), Turn(mine=False)
    service = _service(tmp_path, copier, turn)
    assert service.daily_if_due() is None
    assert copier.targets == [] and turn.days == ["2026-12-06"]
    assert not (tmp_path / "backups").exists() or list((tmp_path / "backups").iterdir()) == []


def test_dumps_are_kept_fourteen_and_other_files_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for days in range(1, KEEP_BACKUPS + 3):
        name = backup_name("pos", NOW - timedelta(days=days), BackupKind.DAILY, ext=DUMP_SUFFIX)
        (folder / name).write_bytes(b"PGDMP")
    (folder / "pos-2026-01-01-000000Z-daily.sqlite3").write_bytes(b"old SQLite backup")
    service = _service(tmp_path, WritingCopier(), None)
    taken = service.back_up_now()
    names = sorted(p.name for p in folder.iterdir())
    dumps = [n for n in names if n.endswith(DUMP_SUFFIX)]
    assert len(dumps) == KEEP_BACKUPS and taken.path.name in dumps
    oldest_kept = backup_name(
        "pos", NOW - timedelta(days=KEEP_BACKUPS - 1), BackupKind.DAILY, ext=DUMP_SUFFIX
    )
    assert min(dumps) == oldest_kept
    assert "pos-2026-01-01-000000Z-daily.sqlite3" in names


def _fake_pg_dump(bin_dir: Path, record: Path) -> None:
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text(
        textwrap.dedent(
            f"""\
            #!{sys.executable}
            import json, os, sys
            out = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--file=")][0]
            open(out, "wb").write(b"PGDMP fake dump")
            json.dump({{"argv": sys.argv, "password": os.environ.get("PGPASSWORD")}},
                      open({str(record)!r}, "w"))
            """
        )
    )
    fake.chmod(0o755)


def test_the_app_dumps_with_pg_dump_and_the_password_only_in_its_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "pg_dump.json"
    _fake_pg_dump(tmp_path / "bin", record)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    config = load_config({"POS_DATA_DIR": str(tmp_path / "data"), "POS_DATABASE_URL": PG_URL})
    service = app_backups.backup_service(config, FixedClock())
    assert service.available and service.unavailable == ""
    info = service.back_up_now(BackupKind.BEFORE_UPGRADE)
    assert info.path == tmp_path / "data" / "backups" / "pos-2026-12-05-233000Z-before-upgrade.dump"
    assert info.path.read_bytes() == b"PGDMP fake dump"
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    seen = json.loads(record.read_text())
    assert seen["password"] == "s3cret-pw"
    assert not any("s3cret" in arg for arg in seen["argv"])
    assert "--format=custom" in seen["argv"]
    assert isinstance(service._turn, pg_dump.DailyTurnLock)  # the wiring: stations take turns


def test_without_pg_dump_automatic_backups_say_why_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    config = load_config({"POS_DATA_DIR": str(tmp_path / "data"), "POS_DATABASE_URL": PG_URL})
    service = app_backups.backup_service(config, FixedClock())
    assert not service.available
    assert service.unavailable == pg_dump.NO_PG_DUMP
    assert service.daily_if_due() is None
    assert "s3cret" not in service.unavailable
