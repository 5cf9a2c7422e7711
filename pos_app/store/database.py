"""Engine creation, SQLite tuning and migrations to the newest schema."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from pos_app.store import revisions
from pos_app.store.db_problems import DatabaseProblem, NewerSchema, classify

log = logging.getLogger(__name__)

MIGRATIONS = revisions.MIGRATIONS
# How long a statement waits for another connection's lock before giving up ("locked").
BUSY_TIMEOUT_SECONDS = 30
# Called with (the database's revision, the head) just before an existing database is upgraded.
BeforeUpgrade = Callable[[str, str], None]
# Held (transaction-level) by the station that migrates a PostgreSQL database: "posmigrt".
MIGRATION_LOCK_KEY = int.from_bytes(b"posmigrt", "big")
# Said by a station that finds another one migrating the database.
WAITING_SENTENCE = "Another station is updating the database; waiting…"
# The ``settings`` row naming the pos-app version that last migrated the database.
WRITTEN_BY_SETTING = "schema.written_by"
# FULL: a commit survives power loss. In WAL mode NORMAL may roll the last commits back, and
# one of them can be the row that stores an idempotency key before a Stripe call.
# (bench/payment_loop.py --compare measures what it costs.)
SQLITE_SYNCHRONOUS = "FULL"
# Page cache per connection, in KiB (SQLite's default is 2 MiB): a report or an export over
# a year of a busy shop reads rows spread over the file, and with the default most of those
# reads went back to the operating system (a year's CSV read its rows twice as fast with this
# on 1,000,000 payments; bench/report_speed.py). Taken as pages are used, not at once.
SQLITE_CACHE_KIB = 64 * 1024


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets WAL, a busy timeout, foreign keys and explicit BEGINs."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False}
        )
        _tune_sqlite(engine)
        return engine
    from pos_app.store.schema import describe_postgresql

    describe_postgresql()
    return create_engine(url, pool_pre_ping=True)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # pysqlite's implicit BEGIN would defeat BEGIN IMMEDIATE below.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writing unit of work takes the write lock at BEGIN, so two stations (or threads)
        # that read-then-write the same row serialize instead of losing an update.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def migrate(
    engine: Engine,
    *,
    before_upgrade: BeforeUpgrade | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> None:
    """Bring the database to the newest schema (creates it on first start).

    ``before_upgrade`` runs first when an existing database is behind (a backup). A database
    at a revision this code does not know was written by a newer version: DatabaseProblem
    ('newer'; NewerSchema naming both versions when the database records its writer), and
    nothing is touched. One still locked after the busy timeout: 'locked'. On PostgreSQL one
    station migrates at a time; another one calls ``on_wait`` with WAITING_SENTENCE, waits,
    and finds the work done.
    """
    try:
        _migrate(engine, before_upgrade, on_wait or _log_waiting)
    except OperationalError as err:
        if err.orig is not None and classify(err.orig) == "locked":
            raise DatabaseProblem("locked", str(err.orig)) from err
        raise


def head_revision() -> str | None:
    """The newest schema revision, read from the migration files without loading Alembic;
    None when they do not name exactly one head (then Alembic decides)."""
    return revisions.head_revision(MIGRATIONS)


def is_at_head(engine: Engine) -> bool:
    """True when the database's schema is the newest one (nothing to migrate)."""
    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    except DBAPIError:
        return False  # a new database (no table yet), or one Alembic must look at
    return [row[0] for row in rows] == [head]


def _migrate(
    engine: Engine, before_upgrade: BeforeUpgrade | None, on_wait: Callable[[str], None]
) -> None:
    # Every start lands here; loading Alembic (and the migration scripts) to find there is
    # nothing to do took a third of a second of the app's start.
    if is_at_head(engine):
        return
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    sqlite = engine.dialect.name == "sqlite"
    scripts = ScriptDirectory(str(MIGRATIONS))
    head = scripts.get_current_head() or ""
    known = {r.revision for r in scripts.walk_revisions()}
    # Refused before any lock or write: a newer database is left exactly as it is.
    with engine.connect() as conn:
        _refuse_unknown(conn, MigrationContext.configure(conn).get_current_revision(), known, head)
    with engine.connect() as conn:
        if sqlite:
            # Take the write lock at BEGIN: a second process migrating at the same time waits
            # here (busy timeout) instead of failing when its read snapshot goes stale.
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        raw = conn.connection.driver_connection
        if sqlite and raw is not None:
            # SQLite alters a table by copying it; the drop of the old copy would trip the
            # foreign keys pointing at it. The pragma only works outside a transaction.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            # One transaction: Alembic sees the connection is in one and neither begins nor
            # commits its own, so the advisory lock below lasts until every step is committed.
            with conn.begin():
                _hold_migration_lock(conn, on_wait)
                # Read again under the lock: another station may have migrated meanwhile.
                current = MigrationContext.configure(conn).get_current_revision()
                _refuse_unknown(conn, current, known, head)
                if current == head:
                    log.info("database.migrated_by_another_station revision=%s", head)
                    return
                if current is not None and before_upgrade is not None:
                    before_upgrade(current, head)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                _record_writer(conn)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def _log_waiting(sentence: str) -> None:
    log.warning("database.migration_wait %s", sentence)


def _hold_migration_lock(conn: Connection, on_wait: Callable[[str], None]) -> None:
    """On PostgreSQL, hold the migration lock until the transaction ends (commit, rollback,
    or the connection dropping when a station dies mid-way); say so when it must wait."""
    if conn.dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already lets one writer in
    key = {"k": MIGRATION_LOCK_KEY}
    if not conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), key).scalar():
        on_wait(WAITING_SENTENCE)
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), key)


def _refuse_unknown(conn: Connection, current: str | None, known: set[str], head: str) -> None:
    """Raise DatabaseProblem('newer') when ``current`` is a revision this code lacks."""
    if current is None or current in known:
        return
    from pos_app.version import app_version

    written_by, this_version = schema_writer(conn), app_version()
    if written_by is None or written_by == this_version:
        # Nothing says which version wrote it (or it claims to be this one): the plain sentence.
        raise DatabaseProblem("newer", f"unknown schema revision {current}", revision=current)
    raise NewerSchema(
        written_by=written_by, schema=current, this_version=this_version, this_schema=head
    )


def schema_writer(conn: Connection) -> str | None:
    """The pos-app version that last migrated this database (None when not recorded)."""
    try:
        with conn.begin_nested() if conn.in_transaction() else nullcontext():
            value = conn.execute(
                text("SELECT value FROM settings WHERE key = :k"), {"k": WRITTEN_BY_SETTING}
            ).scalar()
    except DBAPIError:
        return None  # a schema without the settings table
    return str(value) if value is not None else None


def _record_writer(conn: Connection) -> None:
    """Record which pos-app version brought the schema to where it is (same transaction)."""
    from pos_app.version import app_version

    conn.execute(text("DELETE FROM settings WHERE key = :k"), {"k": WRITTEN_BY_SETTING})
    conn.execute(
        text("INSERT INTO settings (key, value) VALUES (:k, :v)"),
        {"k": WRITTEN_BY_SETTING, "v": app_version()},
    )


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL for a SQLite file."""
    return f"sqlite:///{path}"
