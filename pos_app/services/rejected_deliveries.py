"""Rejected webhook deliveries, recorded in batches instead of one write each.

Anyone who can reach the receiver can post deliveries with a bad signature. Writing each
one would take the database's write lock once per request, without bound, and every
station's real work would queue behind a flood. So deliveries that are not provably from
Stripe (no or bad signature, a replay older than the tolerance, a body over the cap) are
counted in memory by reason and written as one row per reason, "<reason> (4,812 deliveries
from … to … UTC)", at most once every ``FLUSH_SECONDS``:

- the first rejection after a quiet spell is written at once, so a wrong secret shows in
  the deliveries table straight away; a flood then costs one short write per interval;
- memory is bounded: at most ``MAX_REASONS`` reasons are told apart (the verifier's
  sentences are a handful), anything beyond is counted under ``OTHER_REASON``;
- the receiver's ticker writes what is left once a flood stops, its shutdown the rest;
  a write that fails (database busy) is kept and tried again at the next flush;
- the log gets one line per reason written, not one per request, for the same reason.

A delivery genuinely signed with the secret but unreadable is not buffered: only Stripe
(or whoever holds the secret) can send one, so it is recorded at once (``webhook_intake``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from pos_app.i18n import N_

log = logging.getLogger(__name__)

#: At most one write of rejected deliveries per this many seconds (per receiver process).
FLUSH_SECONDS = 10.0
#: Distinct reasons kept apart between two flushes.
MAX_REASONS = 16
OTHER_REASON = N_("Rejected for another reason.")


@dataclass(frozen=True)
class RejectedBatch:
    """Deliveries rejected for one reason (and answered with one outcome) since the last
    flush."""

    outcome: str
    reason: str
    count: int
    first_at: datetime
    last_at: datetime

    def detail(self) -> str:
        """The row's text: the reason, and how many deliveries it stands for."""
        if self.count == 1:
            return self.reason
        return (
            f"{self.reason} ({self.count:,} deliveries from "
            f"{self.first_at:%Y-%m-%d %H:%M:%S} to {self.last_at:%Y-%m-%d %H:%M:%S} UTC)"
        )

    def merged(self, other: RejectedBatch) -> RejectedBatch:
        """This batch and ``other`` (same reason) as one."""
        return replace(
            self,
            count=self.count + other.count,
            first_at=min(self.first_at, other.first_at),
            last_at=max(self.last_at, other.last_at),
        )


Writer = Callable[[list[RejectedBatch]], None]


class RejectionBuffer:
    """Counts rejected deliveries in memory and writes them in batches (see module doc)."""

    def __init__(
        self,
        write: Writer,
        *,
        flush_seconds: float = FLUSH_SECONDS,
        max_reasons: int = MAX_REASONS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._write = write
        self._flush_seconds = flush_seconds
        self._max_reasons = max_reasons
        self._monotonic = monotonic
        self._lock = threading.Lock()  # guards the fields below
        self._flushing = threading.Lock()  # one writer at a time
        self._pending: dict[tuple[str, str], RejectedBatch] = {}
        self._last_flush: float | None = None

    def add(self, received_at: datetime, reason: str, outcome: str = "rejected") -> None:
        """Count one rejected delivery; write the pending ones if an interval has passed."""
        batch = RejectedBatch(outcome, reason, 1, received_at, received_at)
        with self._lock:
            self._merge(batch)
            due = self._due()
        if due:
            self.flush(wait=False)

    def pending(self) -> int:
        """How many rejected deliveries are counted but not written yet."""
        with self._lock:
            return sum(b.count for b in self._pending.values())

    def flush_if_due(self) -> int:
        """Write the pending deliveries if an interval has passed since the last write."""
        with self._lock:
            due = self._due()
        return self.flush(wait=False) if due else 0

    def flush(self, *, wait: bool = True) -> int:
        """Write every pending delivery now; returns how many were written. Without
        ``wait``, gives up at once (0) when another thread is already writing."""
        if not self._flushing.acquire(blocking=wait):
            return 0
        try:
            with self._lock:
                batches = list(self._pending.values())
                self._pending = {}
                self._last_flush = self._monotonic()
            if not batches:
                return 0
            try:
                self._write(batches)
            except Exception:
                log.exception("webhook.rejections_not_recorded kept=%s", len(batches))
                with self._lock:
                    for batch in batches:
                        self._merge(batch)
                return 0
            for batch in batches:
                log.info(
                    "webhook.%s count=%s first=%s last=%s %s",
                    batch.outcome,
                    batch.count,
                    batch.first_at.isoformat(),
                    batch.last_at.isoformat(),
                    batch.reason,
                )
            return sum(b.count for b in batches)
        finally:
            self._flushing.release()

    def _due(self) -> bool:
        if not self._pending:
            return False
        last = self._last_flush
        return last is None or self._monotonic() - last >= self._flush_seconds

    def _merge(self, batch: RejectedBatch) -> None:
        key = (batch.outcome, batch.reason)
        if key not in self._pending and len(self._pending) >= self._max_reasons:
            batch = replace(batch, reason=OTHER_REASON)
            key = (batch.outcome, OTHER_REASON)
        found = self._pending.get(key)
        self._pending[key] = batch if found is None else found.merged(batch)
