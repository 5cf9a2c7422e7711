"""SQLite files: consistent copies, checks at start, and putting a backup in place.

Copies use SQLite's online backup API, so a copy taken while stations write is one consistent
state of the database, and never a half-written page. Every copy is written beside its target
under a temporary name, checked with ``PRAGMA integrity_check``, flushed to disk and only then
renamed, so a target is either absent or a whole, checked database. Files are created 0600.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

from pos_app.store.database import BUSY_TIMEOUT_SECONDS, MIGRATIONS
from pos_app.store.db_problems import DatabaseProblem, classify

log = logging.getLogger(__name__)

# SQLite names a database's side files after it: pos.sqlite3-wal, pos.sqlite3-shm.
SIDE_FILES = ("-wal", "-shm", "-journal")
PRIVATE_FILE = 0o600


@dataclass(frozen=True)
class BackupFacts:
    """What a checked backup file holds: its schema revision and the mode it was made in."""

    revision: str | None
    mode: str | None
    known_revision: bool


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL; None for another database or an in-memory one."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    name = parsed.database or ""
    return None if name in ("", ":memory:") or name.startswith("file:") else Path(name)


def known_revisions() -> set[str]:
    """Every schema revision this version of the app knows (older ones and the head)."""
    from alembic.script import ScriptDirectory  # only when reading a backup, not at start

    scripts = ScriptDirectory(str(MIGRATIONS))
    return {rev.revision for rev in scripts.walk_revisions()}


def _uri(path: Path, mode: str) -> str:
    # mode=rw never creates a missing file (a plain open would create an empty database).
    return f"{path.resolve().as_uri()}?mode={mode}"


@contextlib.contextmanager
def _connect(path: Path, mode: str, busy_seconds: float) -> Iterator[sqlite3.Connection]:
    con = sqlite3.connect(_uri(path, mode), uri=True, timeout=busy_seconds, isolation_level=None)
    try:
        yield con
    finally:
        con.close()


def check_at_start(path: Path, busy_seconds: float = BUSY_TIMEOUT_SECONDS) -> None:
    """``PRAGMA quick_check`` on an existing database; DatabaseProblem if it is damaged, or
    still locked after ``busy_seconds``. A missing file is fine (it is created next)."""
    if not path.exists():
        return
    try:
        with _connect(path, "rw", busy_seconds) as con:
            rows = con.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as err:
        kind = classify(err)
        if kind is None:
            raise
        raise DatabaseProblem(kind, str(err)) from err
    if rows != [("ok",)]:
        raise DatabaseProblem("damaged", "; ".join(str(r[0]) for r in rows[:3]))


def copy_database(
    source: Path,
    target: Path,
    busy_seconds: float = BUSY_TIMEOUT_SECONDS,
    *,
    read_only: bool = False,
) -> int:
    """Copy ``source`` to ``target`` (which must not exist) as one consistent, checked, plain
    SQLite file (no WAL), created 0600. Returns its size in bytes.

    DatabaseProblem when the source is damaged (nothing is left behind) or stays locked.
    ``read_only`` for a backup file (it may sit on a read-only stick); the live database is
    opened read-write, as a WAL database may need its side files created to be read.
    """
    if os.path.lexists(target):
        raise FileExistsError(target)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    # 0600 from the first byte: the copy holds customers and PIN hashes.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    try:
        try:
            with (
                _connect(source, "ro" if read_only else "rw", busy_seconds) as src,
                _connect(partial, "rw", busy_seconds) as dst,
            ):
                src.backup(dst)
                # The copy of a WAL database says WAL in its header; a backup is one plain file.
                dst.execute("PRAGMA journal_mode=DELETE")
                rows = dst.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.Error as err:
            kind = classify(err)
            if kind is None:
                raise
            raise DatabaseProblem(kind, str(err)) from err
        if rows != [("ok",)]:
            raise DatabaseProblem("damaged", "; ".join(str(r[0]) for r in rows[:3]))
        _fsync(partial)
        if os.path.lexists(target):  # someone took the name meanwhile: never overwrite
            raise FileExistsError(target)
        os.replace(partial, target)
        _fsync_dir(target.parent)
    finally:
        for leftover in (partial, *(Path(f"{partial}{s}") for s in SIDE_FILES)):
            leftover.unlink(missing_ok=True)
    return target.stat().st_size


def read_backup(path: Path) -> BackupFacts:
    """Open a backup read-only and check it whole; DatabaseProblem('damaged') if it is not a
    sound SQLite file. Says which schema revision and mode it holds."""
    try:
        with _connect(path, "ro", BUSY_TIMEOUT_SECONDS) as con:
            rows = con.execute("PRAGMA integrity_check").fetchall()
            if rows != [("ok",)]:
                raise DatabaseProblem("damaged", "; ".join(str(r[0]) for r in rows[:3]))
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
            revision = mode = None
            if "alembic_version" in tables:
                found = con.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = found[0] if found else None
            if "settings" in tables:
                found = con.execute(
                    "SELECT value FROM settings WHERE key = 'database.mode'"
                ).fetchone()
                mode = found[0] if found else None
    except sqlite3.Error as err:
        kind = classify(err) or "damaged"
        raise DatabaseProblem(kind, str(err)) from err
    return BackupFacts(revision, mode, revision in known_revisions())


def put_in_place(backup: Path, database: Path, replaced: Path) -> None:
    """Make ``database`` a copy of ``backup``; the file it replaces moves to ``replaced``.

    Only while no station has the database open (the caller holds the station lock). The
    current file's write-ahead log is folded into it first; whatever SQLite cannot fold (a
    damaged file) moves with it as ``replaced``-wal, so no old log ever meets the restored
    file (SQLite would replay it into the wrong database) and nothing committed is lost.
    """
    incoming = database.with_name(f".{database.name}.{uuid.uuid4().hex[:8]}.restoring")
    copy_database(backup, incoming, read_only=True)
    try:
        if database.exists():
            _fold_wal(database)
            os.replace(database, replaced)
        for side in SIDE_FILES:
            stale = Path(f"{database}{side}")
            if stale.exists():
                os.replace(stale, Path(f"{replaced}{side}"))
        os.replace(incoming, database)
        _fsync_dir(database.parent)
    finally:
        incoming.unlink(missing_ok=True)
    log.info("database.restored from=%s replaced=%s", backup.name, replaced.name)


def _fold_wal(database: Path) -> None:
    """Checkpoint the WAL into the main file, so the replaced file is whole by itself."""
    try:
        with _connect(database, "rw", 5.0) as con:
            busy = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as err:
        if classify(err) == "locked":
            raise DatabaseProblem("locked", str(err)) from err
        # A damaged file is what a restore replaces; its log travels with it.
        log.warning("restore.checkpoint_failed error=%s", err)
        return
    if busy and busy[0]:
        raise DatabaseProblem("locked", "another program is reading the database")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to flush."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SqliteCopier:
    """The backup service's copier for a SQLite database file."""

    def __init__(self, database: Path) -> None:
        self.database = database

    def copy_to(self, target: Path) -> int:
        """A consistent, checked copy of the database at ``target``; its size in bytes."""
        return copy_database(self.database, target)
