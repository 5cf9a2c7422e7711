"""Wiring of backups into the app's start: the station lock, the check at start, the copy
before an upgrade, and the backup service.

Part of the composition root (``app.py`` calls it): it joins the SQLite and pg_dump adapters in
``store/`` to the service in ``services/backup.py``. Order at start: hold the station lock
(shared), ``PRAGMA quick_check`` (damaged? locked past the busy timeout?), then migrate, with
a backup first when there is something to migrate, refusing a schema newer than this code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from sqlalchemy import Engine

from pos_app.config import Config
from pos_app.domain.backups import BACKUP_FOLDER, DUMP_SUFFIX, BackupKind, DatabaseProblem
from pos_app.domain.errors import PosError
from pos_app.domain.ports import Clock
from pos_app.services.backup import BackupService
from pos_app.store import pg_dump, sqlite_backup
from pos_app.store.database import BUSY_TIMEOUT_SECONDS, make_engine, migrate
from pos_app.store.db_problems import NewerSchema
from pos_app.store.station_lock import StationLock, StationLockBusy

log = logging.getLogger(__name__)

# The check at start waits this long for another program's lock (the engine's busy timeout).
START_BUSY_SECONDS = BUSY_TIMEOUT_SECONDS


class RestoreRunning(PosError):
    """A restore holds the database; the app waits for it, then says so."""


class UtcClock:
    """The machine's clock, in UTC (names of backups taken outside the app)."""

    def now(self) -> datetime:
        """Current UTC time."""
        return datetime.now(UTC)


def backup_service(
    config: Config, clock: Clock, timezone: Callable[[], tzinfo] | None = None
) -> BackupService:
    """Backups of ``config``'s database into ``<data dir>/backups`` (pg_dump's custom format
    for a PostgreSQL database, when pg_dump is installed)."""
    folder = config.data_dir / BACKUP_FOLDER
    tz = timezone or (lambda: config.timezone)
    database = sqlite_backup.sqlite_file(config.database_url)
    if database is None:
        program = pg_dump.find_pg_dump()
        return BackupService(
            pg_dump.PgDumpCopier(config.database_url, program) if program else None,
            folder,
            "pos",
            clock,
            tz,
            unavailable="" if program else pg_dump.NO_PG_DUMP,
            busy_seconds=BUSY_TIMEOUT_SECONDS,
            ext=DUMP_SUFFIX,
            # Stations share the server: one of them takes each day's backup.
            turn=pg_dump.DailyTurnLock(config.database_url),
        )
    return BackupService(
        sqlite_backup.SqliteCopier(database),
        folder,
        database.stem,
        clock,
        tz,
        busy_seconds=BUSY_TIMEOUT_SECONDS,
    )


def hold_station_lock(config: Config) -> StationLock | None:
    """Hold the database's station lock shared while this process uses it (None for a
    database server: a restore of one is the server's business)."""
    database = sqlite_backup.sqlite_file(config.database_url)
    if database is None:
        return None
    lock = StationLock(database)
    try:
        lock.acquire_shared()
    except StationLockBusy:
        raise RestoreRunning(
            "A backup is being restored into the database; start again when it has finished."
        ) from None
    except OSError as err:
        # A folder where locks do not work: run without one rather than not at all.
        log.warning("station_lock.unavailable path=%s error=%s", lock.path, err)
        return None
    return lock


def open_database(
    config: Config, backups: BackupService, on_wait: Callable[[str], None] | None = None
) -> Engine:
    """The engine of a checked database at the newest schema; DatabaseProblem with one
    sentence naming the newest backup when it is damaged, locked or newer than this code
    (naming both versions when another station's newer pos-app updated it). ``on_wait`` is
    told when another station is migrating the database and this one waits for it."""
    busy = START_BUSY_SECONDS
    database = sqlite_backup.sqlite_file(config.database_url)
    try:
        if database is not None:
            sqlite_backup.check_at_start(database, busy)
        engine = make_engine(config.database_url)
        try:
            migrate(engine, before_upgrade=_backup_before_upgrade(backups), on_wait=on_wait)
        except BaseException:
            engine.dispose()
            raise
    except DatabaseProblem as problem:
        # Info, not error: stderr shows the one sentence below, not a log line besides it.
        log.info("database.unusable kind=%s detail=%s", problem.kind, problem.detail)
        if isinstance(problem, NewerSchema):
            raise  # names the version to install; an older backup would lose the others' work
        raise problem.with_sentence(
            backups.problem_sentence(problem.kind, busy_seconds=busy)
        ) from problem
    return engine


def _backup_before_upgrade(backups: BackupService) -> Callable[[str, str], None]:
    def before(current: str, head: str) -> None:
        if not backups.available:
            log.warning(
                "backup.skipped before upgrade %s->%s reason=%s", current, head, backups.unavailable
            )
            return
        info = backups.back_up_now(BackupKind.BEFORE_UPGRADE)
        log.info("backup.before_upgrade from=%s to=%s file=%s", current, head, info.path.name)

    return before


def database_file(config: Config) -> Path | None:
    """The SQLite file of ``config``'s database; None for a database server."""
    return sqlite_backup.sqlite_file(config.database_url)
