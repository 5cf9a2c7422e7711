"""A PostgreSQL database's backup: ``pg_dump --format=custom``, restored with ``pg_restore``.

The password never appears on pg_dump's command line (where any local account could read it
from the process list): it goes in the ``PGPASSWORD`` variable of pg_dump's own environment,
and a ``~/.pgpass`` file works as libpq always allows.

Several stations share one database server, and each would take the daily backup into its
own folder: ``DailyTurnLock`` lets one of them take each day's (a PostgreSQL advisory lock
while it dumps, and the day recorded in the ``settings`` table once it has).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from pos_app.domain.errors import PosError
from pos_app.i18n import N_, gettext

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The advisory lock the station taking the daily backup holds (a 64-bit key, "posbackp").
DAILY_LOCK_KEY = int.from_bytes(b"posbackp", "big")
#: The ``settings`` row naming the last business day whose backup a station took.
DAILY_SETTING = "backup.daily_taken_on"

# Marked here, translated where it is shown (the backup panel, a refused "Back up now").
NO_PG_DUMP = N_(
    "Automatic backups are off: pg_dump is not installed on this computer. Install the "
    "PostgreSQL client tools and restart the app, or back up the database server with its "
    "own tools."
)

# Connection settings libpq reads from a URL's query (?sslmode=require) that pg_dump needs too.
_CONNINFO_KEYS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout")


def find_pg_dump() -> str | None:
    """pg_dump's path when it is on PATH."""
    return shutil.which("pg_dump")


def conninfo(url: str) -> str:
    """A libpq connection string for ``url`` without its password (safe to show)."""
    parsed = make_url(url)
    parts = {
        "host": parsed.host,
        "port": str(parsed.port) if parsed.port else None,
        "user": parsed.username,
        "dbname": parsed.database,
    }
    for key in _CONNINFO_KEYS:
        value = parsed.query.get(key)
        if isinstance(value, str):
            parts[key] = value
    return " ".join(f"{k}={_quote(v)}" for k, v in parts.items() if v)


def how_to(url: str) -> str:
    """The sentence for a computer without pg_dump: what to install and what to run."""
    return (
        "pg_dump is not installed on this computer, so the database server's data was not "
        "backed up; install the PostgreSQL client tools and run pos-app backup again, or run "
        f"on any computer that has them: pg_dump --format=custom --file=pos.dump "
        f'"{conninfo(url)}" (with the password in PGPASSWORD or ~/.pgpass).'
    )


def dump(url: str, target: Path, program: str) -> int:
    """Write a custom-format dump of ``url`` to ``target`` (which must not exist), 0600.

    Returns its size in bytes; PosError with pg_dump's own last words when it fails.
    """
    if os.path.lexists(target):
        raise FileExistsError(target)
    password = make_url(url).password
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        done = subprocess.run(
            [
                program,
                "--format=custom",
                "--no-password",  # never stop to ask on a terminal: PGPASSWORD or ~/.pgpass
                f"--file={partial}",
                f"--dbname={conninfo(url)}",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            said = (done.stderr.strip().splitlines() or ["no reason given"])[-1]
            raise PosError(
                gettext("pg_dump could not back up the database: {reason}").format(reason=said)
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def _quote(value: str) -> str:
    """A libpq connection-string value: quoted when it holds a space or a quote."""
    if value and not any(ch.isspace() or ch in "'\\" for ch in value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class PgDumpCopier:
    """Backups of a PostgreSQL database by ``pg_dump`` (the backup service's copier)."""

    def __init__(self, url: str, program: str) -> None:
        self._url = url
        self._program = program

    def copy_to(self, target: Path) -> int:
        """Write a custom-format dump to ``target`` (0600); returns its size in bytes."""
        return dump(self._url, target, self._program)


class DailyTurnLock:
    """Which of the stations sharing ``url``'s database takes the day's backup.

    The station holding the advisory lock dumps; one that cannot take it skips (another is
    dumping); the day is recorded in ``settings`` after a dump, so the others skip it too.
    A station that dies mid-dump loses its connection, and with it the lock.
    """

    def __init__(self, url: str) -> None:
        self._url = url
        self._engine: Engine | None = None

    def take_once(self, day: str, take: Callable[[], T]) -> T | None:
        """Run ``take`` and record ``day``, unless another station is dumping now or has
        recorded ``day`` already (then None)."""
        if self._engine is None:
            # Its own connection, opened only for the check: the lock lives as long as it.
            self._engine = create_engine(self._url, poolclass=NullPool)
        with self._engine.connect() as conn:
            if not conn.execute(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": DAILY_LOCK_KEY}
            ).scalar():
                conn.rollback()
                log.info("backup.daily_skipped day=%s reason=another station is dumping", day)
                return None
            try:
                return self._take_unless_recorded(conn, day, take)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": DAILY_LOCK_KEY})
                conn.commit()

    @staticmethod
    def _take_unless_recorded(conn: Connection, day: str, take: Callable[[], T]) -> T | None:
        recorded = conn.execute(
            text("SELECT value FROM settings WHERE key = :k"), {"k": DAILY_SETTING}
        ).scalar()
        conn.rollback()  # no transaction stays open while pg_dump reads the database
        if recorded is not None and str(recorded) >= day:
            log.info("backup.daily_skipped day=%s reason=taken by another station", day)
            return None
        result = take()
        conn.execute(
            text(
                "INSERT INTO settings (key, value) VALUES (:k, :v) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            ),
            {"k": DAILY_SETTING, "v": day},
        )
        conn.commit()
        return result
