"""The sandbox clock: every notion of "now" in the sandbox comes from one of these.

It is a base clock (``time.time``, or a fake one in tests) plus an offset that the test
control ``POST /_sandbox/clock/advance`` grows. The offset lives in the database
(:data:`behaviour.CLOCK_OFFSET_META_KEY`), so a restarted sandbox never goes back in time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from email.utils import formatdate

from pos_app.sandbox import behaviour
from pos_app.sandbox.store import Store

BaseClock = Callable[[], float]


class SandboxClock:
    """``base() + offset``; callable like ``time.time``."""

    def __init__(self, base: BaseClock = time.time, offset: float = 0.0) -> None:
        self._base = base
        self._offset = offset
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self._base() + self._offset

    @property
    def offset(self) -> float:
        """Seconds the sandbox runs ahead of its base clock."""
        return self._offset

    def advance(self, seconds: float) -> float:
        """Move time forwards by ``seconds`` (never backwards); returns the new offset."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forwards")
        with self._lock:
            self._offset += seconds
            return self._offset

    # -- persistence -------------------------------------------------------------------

    @classmethod
    def load(cls, store: Store, base: BaseClock = time.time) -> SandboxClock:
        """The clock of the sandbox stored in ``store`` (offset as last saved)."""
        with store.snapshot() as tx:
            saved = tx.meta_get(behaviour.CLOCK_OFFSET_META_KEY)
        try:
            offset = float(saved) if saved is not None else 0.0
        except ValueError:
            offset = 0.0
        return cls(base, max(0.0, offset))

    def advance_and_save(self, store: Store, seconds: float) -> float:
        """:meth:`advance`, then persist the offset; returns it."""
        offset = self.advance(seconds)
        with store.transaction() as tx:
            tx.meta_set(behaviour.CLOCK_OFFSET_META_KEY, repr(offset))
        return offset


def http_date(now: float) -> str:
    """``now`` as an HTTP ``Date`` header value (RFC 7231, GMT)."""
    return formatdate(now, usegmt=True)
