"""Which station reads Stripe's events feed for the business: a PostgreSQL advisory lock.

The leader holds a session-level ``pg_try_advisory_lock`` on a connection of its own, opened
for the lock alone and never handed to the pool. PostgreSQL lets the lock go when that
session ends, so a station that crashes (SIGKILL, power) loses it at once, and one whose
cable is pulled loses it when the server's TCP keepalives give up on it (about 6 s, set
below for this connection only). A standby tries the lock every 2 s, so another station
takes over within 10 s. The leader checks its connection each pass (``SELECT 1``); a dead
one makes it a standby. On SQLite (one machine) every process leads, as before.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Protocol

from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

#: The advisory lock the leader holds (a 64-bit key, "pospollr").
POLLER_LOCK_KEY = int.from_bytes(b"pospollr", "big")

# Keepalives both ways, for this connection only. The client's (libpq) make the leader notice
# a dead server; the server's (per-session settings) make PostgreSQL drop a station whose
# cable was pulled, and with it the lock: 3 s idle, then 3 probes 1 s apart. tcp_user_timeout
# bounds how long unacknowledged data (a query sent into a dead link) may wait.
KEEPALIVE_IDLE_SECONDS = 3
KEEPALIVE_INTERVAL_SECONDS = 1
KEEPALIVE_COUNT = 3
USER_TIMEOUT_MS = 6000
CONNECT_TIMEOUT_SECONDS = 5
SERVER_OPTIONS = (
    f"-c tcp_keepalives_idle={KEEPALIVE_IDLE_SECONDS} "
    f"-c tcp_keepalives_interval={KEEPALIVE_INTERVAL_SECONDS} "
    f"-c tcp_keepalives_count={KEEPALIVE_COUNT} "
    f"-c tcp_user_timeout={USER_TIMEOUT_MS} "
    # No query on this connection should ever wait long: the leader's check is a SELECT 1.
    "-c statement_timeout=5000"
)
CONNECT_ARGS: dict[str, object] = {
    "keepalives": 1,
    "keepalives_idle": KEEPALIVE_IDLE_SECONDS,
    "keepalives_interval": KEEPALIVE_INTERVAL_SECONDS,
    "keepalives_count": KEEPALIVE_COUNT,
    "tcp_user_timeout": USER_TIMEOUT_MS,
    "connect_timeout": CONNECT_TIMEOUT_SECONDS,
    "application_name": "pos-app poller",
    "options": SERVER_OPTIONS,
}


class LeaderLock(Protocol):
    """Held by the one station that reads Stripe's events feed."""

    def try_lead(self) -> bool:
        """True while this station leads: checks a held lock is still alive, else tries to
        take it. Raises when the database cannot be reached."""
        ...

    def release(self) -> None:
        """Let the lock go (idempotent)."""
        ...


class AlwaysLeader:
    """SQLite: the database is on this machine, and every process reads the feed itself."""

    def try_lead(self) -> bool:
        """Always True."""
        return True

    def release(self) -> None:
        """Nothing to release."""


class PostgresLeaderLock:
    """The advisory lock on its own connection (keepalives on, outside the pool)."""

    def __init__(self, url: str | URL, key: int = POLLER_LOCK_KEY) -> None:
        self._engine: Engine = create_engine(
            url, poolclass=NullPool, isolation_level="AUTOCOMMIT", connect_args=CONNECT_ARGS
        )
        self._key = key
        self._conn: Connection | None = None
        self._held = False
        # A GUI station calls try_lead on a worker and release at quit on another thread.
        self._mutex = threading.Lock()

    @property
    def held(self) -> bool:
        """Whether this object held the lock at its last check."""
        return self._held

    def try_lead(self) -> bool:
        """True while this station leads; raises (SQLAlchemy's error) when the database
        cannot be reached, having let go of a connection that died."""
        with self._mutex:
            if self._held and self._alive():
                return True
            conn = self._conn
            if conn is None:
                conn = self._conn = self._engine.connect()
            try:
                got = bool(
                    conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}).scalar()
                )
            except Exception:
                self._drop()
                raise
            if got:
                log.info("poller.leader_lock taken")
            self._held = got
            return got

    def release(self) -> None:
        """Unlock and close the connection (idempotent); a dead one is just dropped."""
        with self._mutex:
            if self._conn is not None and self._held:
                with contextlib.suppress(Exception):
                    self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
                    log.info("poller.leader_lock released")
            self._drop()
            self._engine.dispose()

    def _alive(self) -> bool:
        """The leader's check each pass: its session (and so its lock) still exists."""
        assert self._conn is not None
        try:
            self._conn.execute(text("SELECT 1"))
        except Exception as err:
            log.warning("poller.leader_lock lost error=%s", type(err).__name__)
            self._drop()
            return False
        return True

    def _drop(self) -> None:
        conn, self._conn, self._held = self._conn, None, False
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.invalidate()
                conn.close()


def leader_lock_for(url: str | URL) -> LeaderLock:
    """The leader lock of the database at ``url``: an advisory lock on PostgreSQL, none on
    SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return PostgresLeaderLock(parsed)
    return AlwaysLeader()
