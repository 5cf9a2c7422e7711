"""At most once every so many seconds, per process: for the sync pass's periodic chores."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Every:
    """``due()`` is True the first time and then once ``seconds`` have passed since the last
    True (a monotonic clock, this process only; thread-safe)."""

    def __init__(self, seconds: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._last: float | None = None

    def due(self) -> bool:
        """Whether the chore should run now; counted as run from this moment, so a chore that
        fails is not retried on every pass."""
        with self._lock:
            now = self._monotonic()
            if self._last is not None and now - self._last < self._seconds:
                return False
            self._last = now
            return True
