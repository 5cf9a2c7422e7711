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
from pos_app.i18n import N_, gettext
from pos_app.private_files import ensure_private_dir

if TYPE_CHECKING:
    from pos_app.store.station_lock import StationLock

# app_backups, sqlite_backup and pg_dump load SQLAlchemy, and station_lock loads portalocker
# and importlib.metadata: each command imports what it uses, so `pos-app` opening the desktop
# app (its command line is parsed through this package) paints its window first.

BACKUP_HELP = N_("copy the database to a backup file (default: the backups folder)")
RESTORE_HELP = N_("replace the database with a backup (asks first; no station may be running)")
STATIONS_OPEN = N_(
    "The database is open on this computer (the desktop app or another pos-app command is "
    "running); close it, then restore again. Nothing was changed."
)
NOTHING_CHANGED = N_("Nothing was changed.")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``backup`` and ``restore`` on the command line's subcommands."""
    s = sub.add_parser("backup", help=gettext(BACKUP_HELP), description=gettext(BACKUP_HELP))
    s.add_argument(
        "path",
        type=Path,
        nargs="?",
        metavar="PATH",
        help=gettext(
            "a new file, or a folder to put a dated file in (default: backups/ in the data dir)"
        ),
    )
    s.add_argument("--json", action="store_true", help=gettext("print one JSON object"))
    s = sub.add_parser("restore", help=gettext(RESTORE_HELP), description=gettext(RESTORE_HELP))
    s.add_argument("path", type=Path, metavar="PATH", help=gettext("the backup file to restore"))
    s.add_argument("--yes", action="store_true", help=gettext("do not ask (for scripts)"))
    s.add_argument("--json", action="store_true", help=gettext("print one JSON object"))


def run_backup(args: argparse.Namespace, config: Config) -> int:
    """Write a backup and say where and how big; 1 with a sentence when none was written."""
    from pos_app import app_backups
    from pos_app.store.station_lock import StationLock, StationLockBusy

    ensure_private_dir(config.data_dir)
    database = app_backups.database_file(config)
    if database is None:
        return _dump_server(args, config)
    if not database.exists():
        raise PosError(
            gettext("There is no database at {path} yet, so there is nothing to back up.").format(
                path=database
            )
        )
    service = app_backups.backup_service(config, app_backups.UtcClock())
    lock = StationLock(database)
    try:
        lock.acquire_shared()
    except StationLockBusy:
        raise PosError(
            N_("A backup is being restored into the database; try again after.")
        ) from None
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
            N_(
                "This database is on a database server; restore a pg_dump file with pg_restore "
                "(pos-app restore puts back the SQLite backups the app makes)."
            )
        )
    backup: Path = args.path
    if not backup.is_file():
        raise PosError(gettext("There is no backup file at {path}.").format(path=backup))
    if database.exists() and backup.resolve() == database.resolve():
        raise PosError(
            gettext("{path} is the database itself; choose a file from {folder}/.").format(
                path=backup, folder=BACKUP_FOLDER
            )
        )
    _check_backup(backup, config)
    taken = _taken_at(backup, database.stem)
    from pos_app.services.backup import local_time

    when = local_time(taken, config.timezone)
    lock = StationLock(database)
    _probe(lock)
    question = gettext("Replace the database with the backup of {when}?").format(when=when)
    if not args.yes and not _confirmed(question):
        print(gettext(NOTHING_CHANGED), file=sys.stderr)
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
            gettext(
                "Another program is using the database file; close it, then restore again. "
                "Nothing was changed."
            )
            if problem.kind == "locked"
            else gettext("The backup {path} could not be read whole; choose another one.").format(
                path=backup
            )
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
        done = gettext("Restored the backup of {when} into {path}.").format(
            when=when, path=database
        )
        if kept:
            done += " " + gettext("The database it replaced is kept as {path}.").format(
                path=replaced
            )
        print(done)
    return 0


def _check_backup(backup: Path, config: Config) -> None:
    """Refuse a backup that is damaged, not pos-app's, newer than this app, or of another mode."""
    from pos_app.store import sqlite_backup

    try:
        facts = sqlite_backup.read_backup(backup)
    except DatabaseProblem as problem:
        raise PosError(gettext(_UNSOUND[problem.kind]).format(path=backup)) from problem
    if facts.revision is None:
        raise PosError(
            gettext("{path} is not a pos-app backup. Nothing was changed.").format(path=backup)
        )
    if not facts.known_revision:
        raise PosError(
            gettext(
                "{path} was made by a newer version of pos-app; install that version to restore "
                "it. Nothing was changed."
            ).format(path=backup)
        )
    if facts.mode is not None and facts.mode != config.mode:
        other = _OTHER_MODE.get((facts.mode, config.mode))
        if other is None:  # a mode word no version of the app writes
            other = N_(
                "{path} holds records of another mode; real and test payments never share a "
                "database. Nothing was changed."
            )
        raise PosError(gettext(other).format(path=backup))


# Whole sentences per problem and per (backup's, chosen) mode pair: no English word pasted in.
_UNSOUND: dict[str, str] = {
    "damaged": N_(
        "{path} is not a sound SQLite file (damaged); choose another backup. Nothing was changed."
    ),
    "locked": N_(
        "{path} stayed locked by another program, so it could not be checked; close that "
        "program or choose another backup. Nothing was changed."
    ),
    "newer": N_(
        "{path} was made by a newer version of pos-app; install that version to restore it. "
        "Nothing was changed."
    ),
}
_OTHER_MODE: dict[tuple[str, str], str] = {
    ("sandbox", "test"): N_(
        "{path} holds sandbox mode records, but the app is in test mode; real and test "
        "payments never share a database. Nothing was changed."
    ),
    ("sandbox", "live"): N_(
        "{path} holds sandbox mode records, but the app is in live mode; real and test "
        "payments never share a database. Nothing was changed."
    ),
    ("test", "sandbox"): N_(
        "{path} holds test mode records, but the app is in sandbox mode; real and test "
        "payments never share a database. Nothing was changed."
    ),
    ("test", "live"): N_(
        "{path} holds test mode records, but the app is in live mode; real and test "
        "payments never share a database. Nothing was changed."
    ),
    ("live", "sandbox"): N_(
        "{path} holds live mode records, but the app is in sandbox mode; real and test "
        "payments never share a database. Nothing was changed."
    ),
    ("live", "test"): N_(
        "{path} holds live mode records, but the app is in test mode; real and test "
        "payments never share a database. Nothing was changed."
    ),
}


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
    # The answer stays the English "yes" in every language: a script pipes the same word.
    print(
        gettext("{question} Type yes: ").format(question=question),
        end="",
        file=sys.stderr,
        flush=True,
    )
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

        print(
            gettext("Backed up the database to {path} ({size}).").format(
                path=path, size=size_text(size)
            )
        )
