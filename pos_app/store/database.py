"""Engine creation, SQLite tuning and migrations to the newest schema."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from pos_app.store.db_problems import DatabaseProblem, classify

MIGRATIONS = Path(__file__).with_name("migrations")
# How long a statement waits for another connection's lock before giving up ("locked").
BUSY_TIMEOUT_SECONDS = 30
# Called with (the database's revision, the head) just before an existing database is upgraded.
BeforeUpgrade = Callable[[str, str], None]
# FULL: a commit survives power loss. In WAL mode NORMAL may roll the last commits back, and
# one of them can be the row that stores an idempotency key before a Stripe call.
# (bench/payment_loop.py --compare measures what it costs.)
SQLITE_SYNCHRONOUS = "FULL"


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets WAL, a busy timeout, foreign keys and explicit BEGINs."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False}
        )
        _tune_sqlite(engine)
        return engine
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
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writing unit of work takes the write lock at BEGIN, so two stations (or threads)
        # that read-then-write the same row serialize instead of losing an update.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def migrate(engine: Engine, *, before_upgrade: BeforeUpgrade | None = None) -> None:
    """Bring the database to the newest schema (creates it on first start).

    ``before_upgrade`` runs first when an existing database is behind (a backup). A database
    at a revision this code does not know was written by a newer version: DatabaseProblem
    ('newer'), and nothing is touched. One still locked after the busy timeout: 'locked'.
    """
    try:
        _migrate(engine, before_upgrade)
    except OperationalError as err:
        if err.orig is not None and classify(err.orig) == "locked":
            raise DatabaseProblem("locked", str(err.orig)) from err
        raise


def _migrate(engine: Engine, before_upgrade: BeforeUpgrade | None) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    sqlite = engine.dialect.name == "sqlite"
    scripts = ScriptDirectory(str(MIGRATIONS))
    head = scripts.get_current_head() or ""
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current is not None and current not in {r.revision for r in scripts.walk_revisions()}:
        raise DatabaseProblem("newer", f"unknown schema revision {current}", revision=current)
    if current is not None and current != head and before_upgrade is not None:
        before_upgrade(current, head)
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        if sqlite and raw is not None:
            # SQLite alters a table by copying it; the drop of the old copy would trip the
            # foreign keys pointing at it. The pragma only works outside a transaction.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL for a SQLite file."""
    return f"sqlite:///{path}"
