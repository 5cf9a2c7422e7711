"""Stripe's basic rate limiter: a number of API requests a second per account."""

from __future__ import annotations

import threading
from collections import deque

from pos_app.sandbox import behaviour
from pos_app.sandbox.errors import StripeError


class RateLimiter:
    """At most ``per_second`` API requests in any one-second window, for the whole account.

    The sandbox has one account, so every key shares the window (Stripe counts per account,
    not per key). ``None`` switches limiting off. A refused request does not count: only
    requests that were let through fill the window.
    """

    def __init__(self, per_second: int | None) -> None:
        if per_second is not None and per_second < 1:
            raise ValueError("the rate limit must be at least 1 request a second (None: off)")
        self._limit = per_second
        self._hits: deque[float] = deque()
        self._lock = threading.Lock()

    @property
    def per_second(self) -> int | None:
        """The configured limit (``None``: off)."""
        return self._limit

    def check(self, now: float) -> None:
        """Count one request at ``now``; raise Stripe's 429 ``rate_limit`` when over."""
        if self._limit is None:
            return
        with self._lock:
            hits = self._hits
            while hits and hits[0] <= now - 1.0:
                hits.popleft()
            if len(hits) >= self._limit:
                raise StripeError(
                    429,
                    behaviour.RATE_LIMIT_ERROR_TYPE,
                    behaviour.FAULT_RATE_LIMIT_MESSAGE,
                    code="rate_limit",
                    executed=False,
                )
            hits.append(now)
