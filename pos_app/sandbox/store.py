"""The sandbox's own SQLite file: Stripe objects, events and idempotency records.

Objects are kept as the JSON Stripe would return, next to a few indexed columns used for
lists and background work, and a private ``internal`` JSON the API never shows (line items
for the page, a card waiting for 3-D Secure, ...). Every write goes through
:meth:`Store.transaction`, a ``BEGIN IMMEDIATE`` transaction, so a check-then-write such as
"pay only if the session is still open" cannot interleave with another thread or process.
The file's tables are in ``store_tables``; the rows read and written, in ``store_rows``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from pos_app.sandbox.store_rows import (
    Attempt,
    Cursor,
    Delivery,
    IdempotencyRow,
    JsonDict,
    Page,
    Record,
    SqlArg,
    dumps,
    record_from_row,
)
from pos_app.sandbox.store_tables import create_tables

# The row types are the store's vocabulary: the sandbox's modules import them from here.
__all__ = [
    "Attempt",
    "Cursor",
    "Delivery",
    "IdempotencyRow",
    "JsonDict",
    "Page",
    "Record",
    "SqlArg",
    "Store",
    "Tx",
]


class Tx:
    """Queries and writes inside one open transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.deliveries_added = False

    # -- key/value settings ------------------------------------------------------------

    def meta_get(self, key: str) -> str | None:
        """A sandbox-wide setting (the clock offset, ...)."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def meta_set(self, key: str, value: str) -> None:
        """Store a sandbox-wide setting."""
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- objects -----------------------------------------------------------------------

    def get(self, obj_id: str, kind: str | None = None) -> Record | None:
        """The object with ``obj_id`` (of ``kind``, when given)."""
        row = self._conn.execute("SELECT * FROM objects WHERE id = ?", (obj_id,)).fetchone()
        if row is None or (kind is not None and row["kind"] != kind):
            return None
        return record_from_row(row)

    def insert(self, rec: Record) -> None:
        """Store a new object."""
        cur = self._conn.execute(
            "INSERT INTO objects (id, kind, created, status, parent, due, body, internal)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rec.id,
                rec.kind,
                rec.created,
                rec.status,
                rec.parent,
                rec.due,
                dumps(rec.body),
                dumps(rec.internal),
            ),
        )
        rec.seq = cur.lastrowid

    def update(self, rec: Record) -> None:
        """Write back a changed object (its id, kind and creation order never change)."""
        self._conn.execute(
            "UPDATE objects SET status = ?, parent = ?, due = ?, body = ?, internal = ?"
            " WHERE id = ?",
            (rec.status, rec.parent, rec.due, dumps(rec.body), dumps(rec.internal), rec.id),
        )

    def delete(self, obj_id: str) -> bool:
        """Remove an object for good (webhook endpoints are the only deletable kind)."""
        return self._conn.execute("DELETE FROM objects WHERE id = ?", (obj_id,)).rowcount > 0

    def of_kind(self, kind: str) -> list[Record]:
        """Every object of ``kind``, oldest first (for small kinds only)."""
        rows = self._conn.execute(
            "SELECT * FROM objects WHERE kind = ? ORDER BY seq", (kind,)
        ).fetchall()
        return [record_from_row(r) for r in rows]

    def children(self, kind: str, parent: str) -> list[Record]:
        """Objects of ``kind`` whose parent is ``parent``, oldest first."""
        rows = self._conn.execute(
            "SELECT * FROM objects WHERE kind = ? AND parent = ? ORDER BY seq",
            (kind, parent),
        ).fetchall()
        return [record_from_row(r) for r in rows]

    def due(self, now: float, limit: int = 100) -> list[Record]:
        """Objects whose background work is owed at ``now``, oldest deadline first."""
        rows = self._conn.execute(
            "SELECT * FROM objects WHERE due IS NOT NULL AND due <= ? ORDER BY due LIMIT ?",
            (now, limit),
        ).fetchall()
        return [record_from_row(r) for r in rows]

    def seq_of(self, table: str, obj_id: str, kind: str | None = None) -> int | None:
        """The insertion sequence of ``obj_id`` in ``table`` (``objects`` or ``events``)."""
        if table == "objects":
            row = self._conn.execute(
                "SELECT seq, kind FROM objects WHERE id = ?", (obj_id,)
            ).fetchone()
            if row is None or (kind is not None and row["kind"] != kind):
                return None
            return int(row["seq"])
        row = self._conn.execute("SELECT seq FROM events WHERE id = ?", (obj_id,)).fetchone()
        return None if row is None else int(row["seq"])

    def page(
        self,
        table: str,
        where: Sequence[tuple[str, Sequence[SqlArg]]],
        cursor: Cursor,
    ) -> Page:
        """One newest-first page of ``table`` rows matching every ``where`` clause."""
        if table not in ("objects", "events"):
            raise ValueError(table)
        clauses = [sql for sql, _ in where]
        args: list[SqlArg] = [a for _, group in where for a in group]
        if cursor.older_than is not None:
            clauses.append("seq < ?")
            args.append(cursor.older_than)
        if cursor.newer_than is not None:
            clauses.append("seq > ?")
            args.append(cursor.newer_than)
        # With ending_before the page is the one just newer than the cursor: walk upwards
        # from the cursor, then present it newest first like every other page.
        ascending = cursor.newer_than is not None and cursor.older_than is None
        sql = (
            f"SELECT body FROM {table}"
            + (" WHERE " + " AND ".join(clauses) if clauses else "")
            + f" ORDER BY seq {'ASC' if ascending else 'DESC'} LIMIT ?"
        )
        args.append(cursor.limit + 1)
        rows = self._conn.execute(sql, args).fetchall()
        has_more = len(rows) > cursor.limit
        items = [json.loads(r["body"]) for r in rows[: cursor.limit]]
        if ascending:
            items.reverse()
        return Page(items, has_more)

    # -- events ------------------------------------------------------------------------

    def add_event(self, event_id: str, type_: str, created: int, body: JsonDict) -> None:
        """Append an event; its ``seq`` orders it even within one second."""
        self._conn.execute(
            "INSERT INTO events (id, type, created, body) VALUES (?, ?, ?, ?)",
            (event_id, type_, created, dumps(body)),
        )

    def event_text(self, event_id: str) -> str | None:
        """The stored JSON of an event, as text."""
        row = self._conn.execute("SELECT body FROM events WHERE id = ?", (event_id,)).fetchone()
        return None if row is None else str(row["body"])

    def event_pending_webhooks_done(self, event_id: str) -> None:
        """One endpoint fewer is waiting for ``event_id``."""
        body = self.get_event(event_id)
        if body is None:
            return
        body["pending_webhooks"] = max(0, int(body.get("pending_webhooks") or 0) - 1)
        self._conn.execute("UPDATE events SET body = ? WHERE id = ?", (dumps(body), event_id))

    # -- webhook deliveries ------------------------------------------------------------

    def delivery_add(self, event_id: str, endpoint_id: str, now: float) -> None:
        """Queue ``event_id`` for ``endpoint_id``, due at once; the dispatcher is woken
        when the transaction commits."""
        self._conn.execute(
            "INSERT OR IGNORE INTO webhook_deliveries"
            " (event_id, endpoint_id, state, attempts, next_attempt, created, updated)"
            " VALUES (?, ?, 'pending', 0, ?, ?, ?)",
            (event_id, endpoint_id, now, now, now),
        )
        self.deliveries_added = True

    def delivery(self, delivery_id: int) -> Delivery | None:
        """One delivery by id."""
        row = self._conn.execute(
            "SELECT * FROM webhook_deliveries WHERE id = ?", (delivery_id,)
        ).fetchone()
        return None if row is None else Delivery(**dict(row))

    def deliveries_due(self, now: float, limit: int) -> list[Delivery]:
        """Pending deliveries whose next attempt is due at ``now``, most overdue first."""
        rows = self._conn.execute(
            "SELECT * FROM webhook_deliveries WHERE next_attempt IS NOT NULL"
            " AND next_attempt <= ? ORDER BY next_attempt, id LIMIT ?",
            (now, limit),
        ).fetchall()
        return [Delivery(**dict(r)) for r in rows]

    def next_delivery_time(self) -> float | None:
        """When the earliest pending delivery is due."""
        row = self._conn.execute(
            "SELECT MIN(next_attempt) AS t FROM webhook_deliveries WHERE next_attempt IS NOT NULL"
        ).fetchone()
        return None if row is None or row["t"] is None else float(row["t"])

    def delivery_update(
        self,
        delivery_id: int,
        *,
        state: str,
        attempts: int,
        next_attempt: float | None,
        now: float,
    ) -> None:
        """Record where a delivery stands after an attempt."""
        self._conn.execute(
            "UPDATE webhook_deliveries SET state = ?, attempts = ?, next_attempt = ?,"
            " updated = ? WHERE id = ?",
            (state, attempts, next_attempt, now, delivery_id),
        )

    def attempt_add(self, attempt: Attempt) -> None:
        """Log one HTTP attempt."""
        self._conn.execute(
            "INSERT INTO webhook_attempts"
            " (delivery_id, attempt, url, at, status_code, error, duration_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                attempt.delivery_id,
                attempt.attempt,
                attempt.url,
                attempt.at,
                attempt.status_code,
                attempt.error,
                attempt.duration_ms,
            ),
        )

    def deliveries(
        self,
        *,
        event_id: str | None = None,
        endpoint_id: str | None = None,
        state: str | None = None,
        limit: int = 100,
    ) -> list[tuple[Delivery, list[Attempt]]]:
        """Deliveries newest first, each with its attempts in order."""
        clauses: list[str] = []
        args: list[SqlArg] = []
        for column, value in (
            ("event_id", event_id),
            ("endpoint_id", endpoint_id),
            ("state", state),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._conn.execute(
            f"SELECT * FROM webhook_deliveries{where} ORDER BY id DESC LIMIT ?",
            (*args, limit),
        ).fetchall()
        out: list[tuple[Delivery, list[Attempt]]] = []
        for row in rows:
            attempts = self._conn.execute(
                "SELECT delivery_id, attempt, url, at, status_code, error, duration_ms"
                " FROM webhook_attempts WHERE delivery_id = ? ORDER BY id",
                (row["id"],),
            ).fetchall()
            out.append((Delivery(**dict(row)), [Attempt(**dict(a)) for a in attempts]))
        return out

    def get_event(self, event_id: str) -> JsonDict | None:
        """The event with ``event_id``."""
        row = self._conn.execute("SELECT body FROM events WHERE id = ?", (event_id,)).fetchone()
        return None if row is None else dict(json.loads(row["body"]))

    # -- idempotency -------------------------------------------------------------------

    def idem_get(self, key_hash: str, idem_key: str) -> IdempotencyRow | None:
        """The saved request for ``(api key, idempotency key)``."""
        row = self._conn.execute(
            "SELECT method, path, fingerprint, state, status, body, request_id, created"
            " FROM idempotency WHERE key_hash = ? AND idem_key = ?",
            (key_hash, idem_key),
        ).fetchone()
        return None if row is None else IdempotencyRow(**dict(row))

    def idem_claim(
        self,
        key_hash: str,
        idem_key: str,
        method: str,
        path: str,
        fingerprint: str,
        now: float,
    ) -> None:
        """Mark the key as in progress (replacing an expired row)."""
        self._conn.execute(
            "INSERT OR REPLACE INTO idempotency"
            " (key_hash, idem_key, method, path, fingerprint, state, created)"
            " VALUES (?, ?, ?, ?, ?, 'in_progress', ?)",
            (key_hash, idem_key, method, path, fingerprint, now),
        )

    def idem_finish(
        self, key_hash: str, idem_key: str, status: int, body: str, request_id: str
    ) -> None:
        """Save the response for replays."""
        self._conn.execute(
            "UPDATE idempotency SET state = 'done', status = ?, body = ?, request_id = ?"
            " WHERE key_hash = ? AND idem_key = ?",
            (status, body, request_id, key_hash, idem_key),
        )

    def idem_release(self, key_hash: str, idem_key: str) -> None:
        """Forget a key whose request was not executed (validation failure)."""
        self._conn.execute(
            "DELETE FROM idempotency WHERE key_hash = ? AND idem_key = ?",
            (key_hash, idem_key),
        )

    def idem_prune(self, older_than: float) -> int:
        """Drop finished records created before ``older_than``."""
        cur = self._conn.execute(
            "DELETE FROM idempotency WHERE state = 'done' AND created < ?", (older_than,)
        )
        return cur.rowcount

    def idem_replace_result(
        self, key_hash: str, idem_key: str, request_id: str, status: int, body: str
    ) -> bool:
        """Replace the saved result of the request ``request_id`` (an injected 500 after
        the work was done). Returns whether a saved result was replaced."""
        cur = self._conn.execute(
            "UPDATE idempotency SET status = ?, body = ? WHERE key_hash = ? AND idem_key = ?"
            " AND request_id = ? AND state = 'done'",
            (status, body, key_hash, idem_key, request_id),
        )
        return cur.rowcount > 0

    def idem_clear_in_progress(self) -> int:
        """Drop in-progress markers left by a crash (their work was rolled back)."""
        cur = self._conn.execute("DELETE FROM idempotency WHERE state = 'in_progress'")
        return cur.rowcount


class Store:
    """Owns the SQLite file; hands out one connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._closed = False
        #: Set after a commit that queued webhook deliveries (the dispatcher waits on it).
        self.deliveries_signal = threading.Event()
        conn = self._conn()
        # WAL lets readers run while a payment commits; the mode is stored in the file.
        conn.execute("PRAGMA journal_mode = WAL")
        with self.transaction():
            create_tables(conn, path)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise RuntimeError("store is closed")
            # Autocommit mode: transactions are opened explicitly below. The connection is
            # only ever used by the thread that made it, but close() runs elsewhere.
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 30000")
            # NORMAL in WAL mode survives a process crash; only power loss can drop the
            # last commits, which is acceptable for a test double.
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction: serialised with every other writer, rolled back on error."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        tx = Tx(conn)
        try:
            yield tx
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        if tx.deliveries_added:
            self.deliveries_signal.set()

    @contextmanager
    def snapshot(self) -> Iterator[Tx]:
        """A read transaction: one consistent view for several queries."""
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            yield Tx(conn)
        finally:
            conn.execute("ROLLBACK")

    def close(self) -> None:
        """Close every connection this store opened."""
        with self._all_lock:
            self._closed = True
            conns, self._all = self._all, []
        for conn in conns:
            with suppress(sqlite3.Error):
                conn.close()
