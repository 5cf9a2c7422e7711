"""The rows the sandbox's store reads and writes: stored Stripe objects, list pages and
cursors, webhook deliveries and attempts, idempotency records."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]
SqlArg = str | int | float | None


@dataclass
class Record:
    """One stored Stripe object.

    ``parent`` links a child to what it belongs to (session → payment intent, charge →
    payment intent, refund → charge) and ``due`` is when background work is owed on it
    (an open session's expiry, a pending refund's settlement).
    """

    id: str
    kind: str
    created: int
    body: JsonDict
    internal: JsonDict = field(default_factory=dict)
    parent: str | None = None
    due: float | None = None
    seq: int | None = None

    @property
    def status(self) -> str | None:
        """The object's public ``status`` field, if it has one."""
        value = self.body.get("status")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Page:
    """A slice of a newest-first list and whether more lies beyond it."""

    items: list[JsonDict]
    has_more: bool


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: strictly older than, or strictly newer than, a ``seq``."""

    limit: int
    older_than: int | None = None
    newer_than: int | None = None


@dataclass(frozen=True)
class Delivery:
    """One event on its way to one webhook endpoint.

    ``state`` is ``pending`` (``next_attempt`` says when, on the sandbox clock),
    ``succeeded``, ``failed`` (retries ran out) or ``canceled`` (endpoint disabled or gone).
    """

    id: int
    event_id: str
    endpoint_id: str
    state: str
    attempts: int
    next_attempt: float | None
    created: float
    updated: float


@dataclass(frozen=True)
class Attempt:
    """One HTTP attempt of a delivery."""

    delivery_id: int
    attempt: int
    url: str
    at: float
    status_code: int | None
    error: str | None
    duration_ms: float


@dataclass(frozen=True)
class IdempotencyRow:
    """A saved (or in-progress) idempotent request."""

    method: str
    path: str
    fingerprint: str
    state: str
    status: int | None
    body: str | None
    request_id: str | None
    created: float


def dumps(value: JsonDict) -> str:
    """Compact JSON, as the store keeps a body."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def record_from_row(row: sqlite3.Row) -> Record:
    """A row of the ``objects`` table as a Record."""
    return Record(
        id=row["id"],
        kind=row["kind"],
        created=row["created"],
        body=json.loads(row["body"]),
        internal=json.loads(row["internal"]),
        parent=row["parent"],
        due=row["due"],
        seq=row["seq"],
    )
