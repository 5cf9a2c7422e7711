"""`pos-app backup [PATH]` and `pos-app restore PATH`.

``backup`` copies the database with SQLite's online backup API while stations keep working
(or runs ``pg_dump`` for a PostgreSQL database). ``restore`` checks the backup, asks, refuses
while any app or command on this computer has the database open, keeps the file it replaces
as ``pos.sqlite3.replaced-<time>``, and never lets an old write-ahead log meet the restored
file. Neither opens the app (no sandbox, no Stripe), so both work on a database the app
refuses to start with.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pos_app.config import Config
from pos_app.domain.backups import BACKUP_FOLDER, DatabaseProblem, parse_backup_name
from pos_app.domain.errors import PosError
from pos_app.private_files import ensure_private_dir

if TYPE_CHECKING:
    from pos_app.store.station_lock import StationLock

# app_backups, sqlite_backup and pg_dump load SQLAlchemy, and station_lock loads portalocker
# and importlib.metadata: each command imports what it uses, so `pos-app` opening the desktop
# app (its command line is parsed through this package) paints its window first.

BACKUP_HELP = "copy the database to a backup file (default: the backups folder)"
RESTORE_HELP = "replace the database with a backup (asks first; no station may be running)"
STATIONS_OPEN = (
    "The database is open on this computer (the desktop app or another pos-app command is "
    "running); close it, then restore again. Nothing was changed."
)


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``backup`` and ``restore`` on the command line's subcommands."""
    s = sub.add_parser("backup", help=BACKUP_HELP, description=BACKUP_HELP)
    s.add_argument(
        "path",
        type=Path,
        nargs="?",
        metavar="PATH",
        help="a new file, or a folder to put a dated file in (default: backups/ in the data dir)",
    )
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s = sub.add_parser("restore", help=RESTORE_HELP, description=RESTORE_HELP)
    s.add_argument("path", type=Path, metavar="PATH", help="the backup file to restore")
    s.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    s.add_argument("--json", action="store_true", help="print one JSON object")


def run_backup(args: argparse.Namespace, config: Config) -> int:
    """Write a backup and say where and how big; 1 with a sentence when none was written."""
    from pos_app import app_backups
    from pos_app.store.station_lock import StationLock, StationLockBusy

    ensure_private_dir(config.data_dir)
    database = app_backups.database_file(config)
    if database is None:
        return _dump_server(args, config)
    if not database.exists():
        raise PosError(f"There is no database at {database} yet, so there is nothing to back up.")
    service = app_backups.backup_service(config, app_backups.UtcClock())
    lock = StationLock(database)
    try:
        lock.acquire_shared()
    except StationLockBusy:
        raise PosError("A backup is being restored into the database; try again after.") from None
    try:
        info = service.back_up_now() if args.path is None else service.back_up_to(args.path)
    finally:
        lock.release()
    _print_written(args, info.path, info.size, info.taken_at)
    return 0


def run_restore(args: argparse.Namespace, config: Config) -> int:
    """Check the backup, ask, then put it in place; 1 with a sentence when nothing changed."""
    from pos_app import app_backups
    from pos_app.store import sqlite_backup
    from pos_app.store.station_lock import StationLock, StationLockBusy

    ensure_private_dir(config.data_dir)
    database = app_backups.database_file(config)
    if database is None:
        raise PosError(
            "This database is on a database server; restore a pg_dump file with pg_restore "
            "(pos-app restore puts back the SQLite backups the app makes)."
        )
    backup: Path = args.path
    if not backup.is_file():
        raise PosError(f"There is no backup file at {backup}.")
    if database.exists() and backup.resolve() == database.resolve():
        raise PosError(f"{backup} is the database itself; choose a file from {BACKUP_FOLDER}/.")
    _check_backup(backup, config)
    taken = _taken_at(backup, database.stem)
    from pos_app.services.backup import local_time

    when = local_time(taken, config.timezone)
    lock = StationLock(database)
    _probe(lock)
    if not args.yes and not _confirmed(f"Replace the database with the backup of {when}?"):
        print("Nothing was changed.", file=sys.stderr)
        return 1
    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M%SZ")
    replaced = database.with_name(f"{database.name}.replaced-{stamp}")
    kept = database.exists()
    try:
        lock.acquire_exclusive()
    except StationLockBusy:
        raise PosError(STATIONS_OPEN) from None
    try:
        sqlite_backup.put_in_place(backup, database, replaced)
    except DatabaseProblem as problem:
        raise PosError(
            "Another program is using the database file; close it, then restore again. "
            "Nothing was changed."
            if problem.kind == "locked"
            else f"The backup {backup} could not be read whole; choose another one."
        ) from problem
    finally:
        lock.release()
    data: dict[str, Any] = {
        "restored": str(backup),
        "database": str(database),
        "taken_at": taken.isoformat(),
        "replaced": str(replaced) if kept else None,
    }
    if args.json:
        print(json.dumps(data, sort_keys=True))
    else:
        note = f" The database it replaced is kept as {replaced}." if kept else ""
        print(f"Restored the backup of {when} into {database}.{note}")
    return 0


def _check_backup(backup: Path, config: Config) -> None:
    """Refuse a backup that is damaged, not pos-app's, newer than this app, or of another mode."""
    from pos_app.store import sqlite_backup

    try:
        facts = sqlite_backup.read_backup(backup)
    except DatabaseProblem as problem:
        raise PosError(
            f"{backup} is not a sound SQLite file ({problem.kind}); choose another backup. "
            "Nothing was changed."
        ) from problem
    if facts.revision is None:
        raise PosError(f"{backup} is not a pos-app backup. Nothing was changed.")
    if not facts.known_revision:
        raise PosError(
            f"{backup} was made by a newer version of pos-app; install that version to restore "
            "it. Nothing was changed."
        )
    if facts.mode is not None and facts.mode != config.mode:
        raise PosError(
            f"{backup} holds {facts.mode} mode records, but the app is in {config.mode} mode; "
            "real and test payments never share a database. Nothing was changed."
        )


def _taken_at(backup: Path, stem: str) -> datetime:
    """When the backup was taken: from its name when the app named it, else the file's time."""
    parsed = parse_backup_name(stem, backup.name)
    if parsed is not None:
        return parsed.taken_at
    return datetime.fromtimestamp(backup.stat().st_mtime, UTC)


def _probe(lock: StationLock) -> None:
    """Refuse before asking when a station has the database open (asked again after)."""
    from pos_app.store.station_lock import StationLockBusy

    try:
        lock.acquire_exclusive()
    except StationLockBusy:
        raise PosError(STATIONS_OPEN) from None
    lock.release()


def _confirmed(question: str) -> bool:
    print(f"{question} Type yes: ", end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, ValueError):  # no standard input at all
        return False
    return answer.strip().lower() == "yes"


def _dump_server(args: argparse.Namespace, config: Config) -> int:
    """A PostgreSQL database: pg_dump through the same service as the daily backups (the
    same names, and the backups folder kept to its newest files), or say how to get it."""
    from pos_app import app_backups
    from pos_app.store import pg_dump

    service = app_backups.backup_service(config, app_backups.UtcClock())
    if not service.available:
        raise PosError(pg_dump.how_to(config.database_url))
    info = service.back_up_now() if args.path is None else service.back_up_to(args.path)
    _print_written(args, info.path, info.size, info.taken_at)
    return 0


def _print_written(args: argparse.Namespace, path: Path, size: int, taken: datetime) -> None:
    if args.json:
        data = {"path": str(path), "bytes": size, "taken_at": taken.isoformat()}
        print(json.dumps(data, sort_keys=True))
    else:
        from pos_app.services.backup import size_text

        print(f"Backed up the database to {path} ({size_text(size)}).")
