"""Hear what other stations commit, on a background thread, and hand it on as Changes.

PostgreSQL: a dedicated connection runs ``LISTEN pos_changes`` and waits on its socket for
notifications (no query is sent while waiting), a short timeout at a time so ``stop`` is
heard. When the connection drops (the server restarted, the cable was pulled: TCP keepalives
notice within about half a minute), it connects again with a growing pause, and then says
"everything": what was announced meanwhile is lost (PostgreSQL keeps nothing for a listener
that is not connected), so the station re-reads what it shows.

SQLite (the GUI and a CLI on one machine): ``PRAGMA data_version`` on a connection of its own,
twice a second. It changes when another connection commits, and reading it costs no I/O; it
cannot say what changed, so a change is "everything".

The callback runs on the feed's thread: it must hand the change over (a queued Qt signal),
not do the reloading itself.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import Any

from sqlalchemy import Engine

from pos_app.domain.changes import CHANNEL, Change, ChangeFeed, OnChange, decode

log = logging.getLogger(__name__)

#: How long one wait for notifications lasts before the stop flag is looked at again.
WAIT_SECONDS = 0.5
#: How often the SQLite watcher reads ``data_version``.
SQLITE_CHECK_SECONDS = 0.5
#: Pauses between attempts to reconnect: from the first to the longest.
RETRY_FIRST_SECONDS = 0.5
RETRY_MAX_SECONDS = 15.0
#: How the listener's connection shows in ``pg_stat_activity``.
APPLICATION_NAME = "pos-app change feed"
# libpq's TCP keepalives: a silent, dead connection is noticed after about 10 + 3 × 5 s.
_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "connect_timeout": 5,
}


class _Feed:
    """A daemon thread that runs ``_run`` until stopped; the callback never kills it."""

    def __init__(self, on_change: OnChange, name: str) -> None:
        self._on_change = on_change
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and wait (briefly) for the thread to end."""
        self._stop.set()
        self._thread.join(timeout=WAIT_SECONDS * 4)

    def _run(self) -> None:
        raise NotImplementedError

    def _emit(self, change: Change) -> None:
        try:
            self._on_change(change)
        except Exception:  # a receiver gone at quit must not end the feed
            log.exception("change_feed.callback_failed")

    def _pause(self, seconds: float) -> bool:
        """Wait ``seconds`` unless stopped meanwhile; True when it is time to stop."""
        return self._stop.wait(seconds)


class PostgresChangeFeed(_Feed):
    """LISTEN on a dedicated connection (see the module)."""

    def __init__(self, connect_args: tuple[Any, ...], connect_kwargs: dict[str, Any],
                 on_change: OnChange) -> None:  # fmt: skip
        super().__init__(on_change, "change-feed-pg")
        self._args = connect_args
        self._kwargs = {
            **connect_kwargs,
            **_KEEPALIVES,
            "autocommit": True,
            "application_name": APPLICATION_NAME,
        }
        self.connects = 0  # successful LISTENs, for tests and the bench

    def _run(self) -> None:
        import psycopg

        retry = RETRY_FIRST_SECONDS
        while not self._stop.is_set():
            try:
                with psycopg.connect(*self._args, **self._kwargs) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connects += 1
                    retry = RETRY_FIRST_SECONDS
                    # Anything committed before LISTEN took effect was announced to nobody.
                    self._emit(Change.all("connected" if self.connects == 1 else "reconnected"))
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=WAIT_SECONDS):
                            self._emit(decode(note.payload))
            except psycopg.Error as err:
                log.warning("change_feed.disconnected retry_in=%.1fs error=%s", retry, err)
                if self._pause(retry):
                    return
                retry = min(retry * 2, RETRY_MAX_SECONDS)


class SqliteChangeFeed(_Feed):
    """``PRAGMA data_version`` on a connection of its own (see the module)."""

    def __init__(self, path: str, on_change: OnChange) -> None:
        super().__init__(on_change, "change-feed-sqlite")
        self._path = path
        self.ready = threading.Event()  # the first version is read: later commits count
        self.checks = 0  # data_version reads since start, for tests

    def _run(self) -> None:
        retry = RETRY_FIRST_SECONDS
        opened = 0
        while not self._stop.is_set():
            try:
                conn = sqlite3.connect(self._path, timeout=5, isolation_level=None)
            except sqlite3.Error as err:
                log.warning("change_feed.sqlite_unavailable error=%s", err)
                if self._pause(retry):
                    return
                retry = min(retry * 2, RETRY_MAX_SECONDS)
                continue
            try:
                last = _data_version(conn)
                opened += 1
                # What was committed before the first read was seen by nobody here.
                self._emit(Change.all("connected" if opened == 1 else "reopened"))
                self.ready.set()
                while not self._pause(SQLITE_CHECK_SECONDS):
                    now = _data_version(conn)
                    self.checks += 1
                    if now != last:
                        last = now
                        self._emit(Change.all("another connection committed"))
            except sqlite3.Error as err:
                log.warning("change_feed.sqlite_failed error=%s", err)
                if self._pause(retry):
                    return
            finally:
                conn.close()


def _data_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA data_version").fetchone()
    return int(row[0])


def start_feed(engine: Engine, on_change: OnChange) -> ChangeFeed | None:
    """Start hearing what other stations commit to ``engine``'s database; None for a database
    with nothing to watch (SQLite in memory)."""
    if engine.dialect.name == "postgresql":
        # The very arguments SQLAlchemy's psycopg dialect connects with (host, user, SSL…).
        args, kwargs = engine.dialect.create_connect_args(engine.url)
        feed: _Feed = PostgresChangeFeed(tuple(args), dict(kwargs), on_change)
    elif engine.dialect.name == "sqlite":
        path = engine.url.database
        if not path or path == ":memory:":
            return None
        feed = SqliteChangeFeed(path, on_change)
    else:
        return None
    feed.start()
    return feed
