"""One running sandbox: its store, settings and the helpers every entry point shares."""

from __future__ import annotations

import time

from pos_app.sandbox import idempotency, sweeper
from pos_app.sandbox.clock import SandboxClock
from pos_app.sandbox.context import Ctx, Settings
from pos_app.sandbox.ratelimit import RateLimiter
from pos_app.sandbox.store import Store


class Sandbox:
    """Holds what the API routes, the hosted page and the background task share."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_limit_per_second)
        #: The one clock: the configured base plus the offset saved by clock advances.
        self.clock = SandboxClock.load(store, settings.clock)
        # A crash mid-request leaves its key marked in progress; its work was rolled back.
        idempotency.recover(store)

    def limiter_now(self) -> float:
        """Seconds for the rate limiter: real time (monotonic), or an injected base clock,
        never the offset test controls add, so advancing or freezing the sandbox clock never
        fills or empties the one-second window."""
        base = self.settings.clock
        return time.monotonic() if base is time.time else base()

    def now(self) -> float:
        """The sandbox clock (base injectable for tests, advanced by the test controls)."""
        return self.clock()

    def base_url(self, request_base_url: str) -> str:
        """Public address for links: the configured one, else what the client used."""
        return (self.settings.public_base_url or request_base_url).rstrip("/")

    def ctx(
        self,
        request_base_url: str = "",
        *,
        request_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Ctx:
        """A context stamped with the current time."""
        return Ctx(
            now=self.now(),
            base_url=self.base_url(request_base_url),
            business_name=self.settings.business_name,
            refund_settle_seconds=self.settings.refund_settle_seconds,
            request_id=request_id,
            idempotency_key=idempotency_key,
        )

    def sweep(self) -> int:
        """Expire sessions and settle refunds that are due now."""
        return sweeper.sweep(self.store, self.ctx())
