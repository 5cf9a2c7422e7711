"""`pos-app restore` (issue 11 item 7): asks, checks the backup, refuses while a station has
the database open, keeps the replaced file and never pairs the restored one with an old WAL;
and `pos-app backup` on PostgreSQL runs pg_dump without the password on its command line."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from pos_app.app import open_app
from pos_app.cli.backup import STATIONS_OPEN
from pos_app.config import load_config
from pos_app.domain.backups import BackupKind
from pos_app.store import station_lock
from pos_app.store.station_lock import StationLock
from tests.integration.helpers import book
from tests.integration.test_backups import cli, data_dir, rows

pytestmark = pytest.mark.sqlite_only(reason="restores a SQLite file under the station lock")


@pytest.fixture
def sqlite_env(app_env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in app_env.items() if k != "POS_DATABASE_URL"}


def _two_states(env: dict[str, str]) -> tuple[Path, str, str]:
    """A backup holding booking A, and a database holding A and B; (backup, A, B)."""
    ctx = open_app(load_config(env), sandbox="none")
    try:
        first = book(ctx, name="Ada Lovelace")
        backup = ctx.backups.back_up_now(BackupKind.DAILY).path
        second = book(ctx, name="Grace Hopper")
    finally:
        ctx.close()
    return backup, first.id, second.id


def _booking_ids(database: Path) -> set[str]:
    return {str(r[0]) for r in rows(database, "SELECT id FROM bookings")}


def test_restore_asks_and_a_no_changes_nothing(sqlite_env: dict[str, str]) -> None:
    backup, _a, _b = _two_states(sqlite_env)
    database = data_dir(sqlite_env) / "pos.sqlite3"
    before = database.read_bytes()
    result = cli(sqlite_env, "restore", str(backup), stdin="no\n")
    assert result.returncode == 1
    assert "Replace the database with the backup of " in result.stderr
    assert "Type yes" in result.stderr and "Nothing was changed." in result.stderr
    assert database.read_bytes() == before
    assert not list(database.parent.glob("pos.sqlite3.replaced-*"))


def test_restore_puts_the_backup_back_and_keeps_the_replaced_file(
    sqlite_env: dict[str, str],
) -> None:
    backup, a, b = _two_states(sqlite_env)
    database = data_dir(sqlite_env) / "pos.sqlite3"
    result = cli(sqlite_env, "restore", str(backup), stdin="yes\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Restored the backup of ")
    assert _booking_ids(database) == {a}
    (replaced,) = database.parent.glob("pos.sqlite3.replaced-*")
    assert _booking_ids(replaced) == {a, b}  # nothing of the replaced day is lost
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    # The restored database opens in the app (and is brought to the newest schema).
    ctx = open_app(load_config(sqlite_env), sandbox="none")
    try:
        assert ctx.bookings.detail(a).booking.customer_name == "Ada Lovelace"
    finally:
        ctx.close()


def test_a_stale_wal_travels_with_the_replaced_file_never_into_the_restored_one(
    sqlite_env: dict[str, str], tmp_path: Path
) -> None:
    backup, a, b = _two_states(sqlite_env)
    database = data_dir(sqlite_env) / "pos.sqlite3"
    # A crash: a commit sits only in the write-ahead log. Copy the files while a writer has
    # them open, which is what a power cut leaves on disk.
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE bookings SET customer_name = 'only in the wal' WHERE id = ?", (b,))
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for side in ("", "-wal", "-shm"):
        shutil.copy2(f"{database}{side}", crashed / f"pos.sqlite3{side}")
    writer.close()
    for side in ("", "-wal", "-shm"):
        Path(f"{database}{side}").unlink(missing_ok=True)
        shutil.copy2(crashed / f"pos.sqlite3{side}", f"{database}{side}")
    assert Path(f"{database}-wal").stat().st_size > 0

    result = cli(sqlite_env, "restore", str(backup), "--yes", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    replaced = Path(data["replaced"])
    assert not Path(f"{database}-wal").exists()
    # The replaced file is whole by itself: the log was folded into it before it moved.
    assert not Path(f"{replaced}-wal").exists()
    assert rows(database, "PRAGMA integrity_check") == [("ok",)]
    assert _booking_ids(database) == {a}
    # The commit that was only in the log is in the replaced file, not lost.
    names = rows(replaced, f"SELECT customer_name FROM bookings WHERE id = '{b}'")
    assert names == [("only in the wal",)]


def test_a_log_that_cannot_be_folded_moves_with_the_replaced_file(
    sqlite_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pos_app.store import sqlite_backup

    backup, a, b = _two_states(sqlite_env)
    database = data_dir(sqlite_env) / "pos.sqlite3"
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE bookings SET customer_name = 'only in the wal' WHERE id = ?", (b,))
    saved = {side: Path(f"{database}{side}").read_bytes() for side in ("", "-wal")}
    writer.close()
    for side, content in saved.items():  # the files as a crash left them
        Path(f"{database}{side}").write_bytes(content)
    # As with a damaged file: SQLite cannot fold the log into it.
    monkeypatch.setattr(sqlite_backup, "_fold_wal", lambda _db: None)

    replaced = database.with_name("pos.sqlite3.replaced-test")
    sqlite_backup.put_in_place(backup, database, replaced)

    assert not Path(f"{database}-wal").exists()
    assert _booking_ids(database) == {a}
    assert rows(database, "PRAGMA integrity_check") == [("ok",)]
    assert Path(f"{replaced}-wal").stat().st_size > 0
    names = rows(replaced, f"SELECT customer_name FROM bookings WHERE id = '{b}'")
    assert names == [("only in the wal",)]


def test_restore_is_refused_while_the_app_has_the_database_open(
    sqlite_env: dict[str, str],
) -> None:
    backup, a, b = _two_states(sqlite_env)
    database = data_dir(sqlite_env) / "pos.sqlite3"
    ctx = open_app(load_config(sqlite_env), sandbox="none")  # a station, in this process
    try:
        result = cli(sqlite_env, "restore", str(backup), "--yes")
    finally:
        ctx.close()
    assert result.returncode == 1 and result.stderr.strip() == STATIONS_OPEN
    assert _booking_ids(database) == {a, b}
    assert not list(database.parent.glob("pos.sqlite3.replaced-*"))
    after = cli(sqlite_env, "restore", str(backup), "--yes")  # closed: now it may
    assert after.returncode == 0, after.stderr


def test_restore_is_refused_while_another_process_holds_the_station_lock(
    sqlite_env: dict[str, str],
) -> None:
    backup, a, b = _two_states(sqlite_env)
    database = data_dir(sqlite_env) / "pos.sqlite3"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys
                from pathlib import Path
                from pos_app.store.station_lock import StationLock
                lock = StationLock(Path({str(database)!r}))
                lock.acquire_shared()
                print("held", flush=True)
                sys.stdin.readline()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = cli(sqlite_env, "restore", str(backup), "--yes")
    finally:
        holder.communicate("\n", timeout=10)
    assert result.returncode == 1 and result.stderr.strip() == STATIONS_OPEN
    assert _booking_ids(database) == {a, b}


def test_a_station_waits_out_a_restore(sqlite_env: dict[str, str]) -> None:
    _two_states(sqlite_env)
    restore = StationLock(data_dir(sqlite_env) / "pos.sqlite3")
    restore.acquire_exclusive()
    # The restore ends while the command waits: it was refused at once if it did not wait.
    ends = threading.Timer(4.0, restore.release)
    ends.start()
    try:
        result = cli(sqlite_env, "backup")
        assert not restore.held, "the backup ran while the restore still held the database"
    finally:
        ends.cancel()
        restore.release()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Backed up the database to "), result.stdout


def test_a_station_says_so_when_a_restore_outlasts_its_wait(
    sqlite_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pos_app.cli import main

    _two_states(sqlite_env)
    for key, value in sqlite_env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("POS_DATABASE_URL", raising=False)
    # 30 s in the product; the same path with a shorter wait.
    monkeypatch.setattr(station_lock, "WAIT_FOR_RESTORE_SECONDS", 0.5)
    restore = StationLock(data_dir(sqlite_env) / "pos.sqlite3")
    restore.acquire_exclusive()
    try:
        started = time.monotonic()
        code = main(["backup"])
        waited = time.monotonic() - started
    finally:
        restore.release()
    assert code == 1
    assert waited >= 0.5
    assert capsys.readouterr().err.strip() == (
        "A backup is being restored into the database; try again after."
    )


def test_restore_refuses_a_damaged_newer_foreign_or_other_mode_backup(
    sqlite_env: dict[str, str], tmp_path: Path
) -> None:
    backup, _a, _b = _two_states(sqlite_env)
    database = data_dir(sqlite_env) / "pos.sqlite3"
    before = database.read_bytes()

    damaged = tmp_path / "damaged.sqlite3"
    shutil.copy(backup, damaged)
    with damaged.open("r+b") as f:
        f.seek(2 * 4096)
        f.write(b"\xab" * 4 * 4096)
    newer = tmp_path / "newer.sqlite3"
    shutil.copy(backup, newer)
    _sql(newer, "UPDATE alembic_version SET version_num = '0099_from_the_future'")
    foreign = tmp_path / "foreign.sqlite3"
    _sql(foreign, "CREATE TABLE notes (text TEXT)")
    live = tmp_path / "live.sqlite3"
    shutil.copy(backup, live)
    _sql(live, "UPDATE settings SET value = 'live' WHERE key = 'database.mode'")

    said = {}
    candidates = {"damaged": damaged, "newer": newer, "foreign": foreign, "live": live}
    for name, path in candidates.items():
        result = cli(sqlite_env, "restore", str(path), "--yes")
        assert result.returncode == 1, name
        said[name] = result.stderr.strip()
    assert said["damaged"].startswith(f"{damaged} is not a sound SQLite file (damaged)")
    assert said["newer"].startswith(f"{newer} was made by a newer version of pos-app")
    assert said["foreign"] == f"{foreign} is not a pos-app backup. Nothing was changed."
    assert said["live"].startswith(f"{live} holds live mode records, but the app is in sandbox")
    assert all("Traceback" not in s and s.endswith("Nothing was changed.") for s in said.values())
    assert database.read_bytes() == before


def _sql(path: Path, sql: str) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute(sql)
    finally:
        con.close()


# -- PostgreSQL: pg_dump ----------------------------------------------------------------------

PG_URL = "postgresql+psycopg://pos:s3cret-pw@127.0.0.1:5999/posdb?sslmode=require"


def test_backup_of_postgres_runs_pg_dump_with_the_password_only_in_its_environment(
    tmp_path: Path,
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "pg_dump.json"
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
    env = {
        "POS_DATA_DIR": str(tmp_path / "data"),
        "POS_DATABASE_URL": PG_URL,
        "PATH": f"{bin_dir}:/usr/bin:/bin",
    }
    target = tmp_path / "pos.dump"
    result = cli(env, "backup", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Backed up the database to {target} (15 bytes)."
    seen = json.loads(record.read_text())
    assert seen["password"] == "s3cret-pw"
    assert not any("s3cret" in arg for arg in seen["argv"])
    assert "--dbname=host=127.0.0.1 port=5999 user=pos dbname=posdb sslmode=require" in seen["argv"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_backup_of_postgres_without_pg_dump_says_how(tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {
        "POS_DATA_DIR": str(tmp_path / "data"),
        "POS_DATABASE_URL": PG_URL,
        "PATH": str(empty),
    }
    result = cli(env, "backup")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("pg_dump is not installed on this computer")
    assert "pg_dump --format=custom --file=pos.dump" in result.stderr
    assert "s3cret" not in result.stderr and "Traceback" not in result.stderr
