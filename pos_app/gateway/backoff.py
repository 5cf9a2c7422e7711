"""Waiting out Stripe's rate limiter: resend a request answered 429, a bounded number of times.

stripe-python retries connection errors, 409s and 5xx, but never a plain 429
(``HTTPClient._should_retry``), and Stripe asks clients to back off with jitter
(https://docs.stripe.com/rate-limits#handling-limiting-gracefully). The resend is the very
same request: same method, URL, body and headers, so the same ``Idempotency-Key``; a write
Stripe refused with 429 was not executed and its result not saved, so nothing is doubled.
After the last try the 429 goes back to the SDK, which raises ``stripe.RateLimitError``
(the gateway's "Stripe is busy" sentence).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import stripe

log = logging.getLogger(__name__)

# Looked up at each wait, so a test can put a fake clock's advance here.
_sleep: Callable[[float], None] = time.sleep
_rand: Callable[[], float] = random.random


@dataclass(frozen=True)
class BackoffPolicy:
    """How often and how long to wait: the n-th wait (n from 0) lies in [d/2, d] with
    d = min(max_delay, base_delay * 2**n) ("equal jitter", so waits never collapse to 0)."""

    retries: int = 4
    base_delay: float = 0.25
    max_delay: float = 2.0

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait before resend number ``attempt + 1``."""
        ceiling = min(self.max_delay, self.base_delay * (1 << attempt))
        return ceiling / 2 + (ceiling / 2) * rand()

    def longest_total(self) -> float:
        """The most all waits can add up to (what a user may wait before "Stripe is busy")."""
        return sum(min(self.max_delay, self.base_delay * (1 << n)) for n in range(self.retries))


def is_rate_limited(status: int, headers: Mapping[str, str] | None) -> bool:
    """A 429 that is ours to wait out. One whose ``Stripe-Should-Retry`` says ``true`` (a
    lock timeout) is left to the SDK's own retries, which honour that header; any other 429
    (no header, or ``false``, which the SDK would never retry) is waited out here."""
    if status != 429:
        return False
    if headers is None:
        return True
    return not any(
        k.lower() == "stripe-should-retry" and v.strip().lower() == "true"
        for k, v in headers.items()
    )


class BackoffHTTPClient(stripe.HTTPXClient):
    """``stripe.HTTPXClient`` that waits and resends on a rate-limit 429 (sync calls only:
    the app never uses the SDK's async methods)."""

    def __init__(
        self,
        *,
        policy: BackoffPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        rand: Callable[[], float] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.policy = policy or BackoffPolicy()
        self._sleep = sleep
        self._rand = rand

    def request(  # type: ignore[override]
        self, method: str, url: str, headers: Mapping[str, str], post_data: Any = None
    ) -> tuple[bytes, int, Mapping[str, str]]:
        """One request, resent while Stripe answers 429 and the policy allows."""
        attempt = 0
        while True:
            content, status, response_headers = super().request(method, url, headers, post_data)
            if attempt >= self.policy.retries or not is_rate_limited(status, response_headers):
                if attempt and is_rate_limited(status, response_headers):
                    log.warning(
                        "stripe.rate_limited gave_up method=%s path=%s tries=%s",
                        method,
                        urlsplit(url).path,
                        attempt + 1,
                    )
                return content, status, response_headers
            wait = self.policy.delay(attempt, self._rand or _rand)
            # Path only: query strings may carry customer e-mails in list filters.
            log.info(
                "stripe.rate_limited retry=%s method=%s path=%s wait=%.2fs",
                attempt + 1,
                method,
                urlsplit(url).path,
                wait,
            )
            (self._sleep or _sleep)(wait)
            attempt += 1
