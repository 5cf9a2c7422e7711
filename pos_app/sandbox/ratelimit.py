"""Optional test-mode rate limiting (off unless a limit is configured)."""

from __future__ import annotations

import threading
from collections import deque

from pos_app.sandbox.errors import StripeError


class RateLimiter:
    """At most ``per_second`` reads and ``per_second`` writes per API key, sliding window."""

    def __init__(self, per_second: int | None) -> None:
        self._limit = per_second
        self._hits: dict[tuple[str, bool], deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, api_key: str, write: bool, now: float) -> None:
        """Count one request; raise Stripe's 429 when over the limit."""
        if self._limit is None:
            return
        with self._lock:
            hits = self._hits.setdefault((api_key, write), deque())
            while hits and hits[0] <= now - 1.0:
                hits.popleft()
            if len(hits) >= self._limit:
                raise StripeError(
                    429,
                    "invalid_request_error",
                    "Request rate limit exceeded. Learn more about rate limits here "
                    "https://stripe.com/docs/rate-limits.",
                    code="rate_limit",
                    executed=False,
                )
            hits.append(now)
