"""Settings of one sandbox and the per-operation context handed to every operation."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pos_app.sandbox import behaviour

Clock = Callable[[], float]


@dataclass(frozen=True)
class Settings:
    """What one running sandbox was configured with."""

    business_name: str = behaviour.DEFAULT_BUSINESS_NAME
    public_base_url: str | None = None
    refund_settle_seconds: float = behaviour.REFUND_SETTLE_SECONDS
    rate_limit_per_second: int | None = behaviour.TEST_MODE_RATE_LIMIT
    clock: Clock = field(default=time.time)


@dataclass(frozen=True)
class Ctx:
    """Who is asking and when: stamped onto objects and events an operation creates.

    ``request_id`` and ``idempotency_key`` are ``None`` for work the sandbox does by itself
    (expiring a session, settling a refund) or on the hosted page, as in Stripe's events.
    """

    now: float
    base_url: str
    business_name: str
    refund_settle_seconds: float
    request_id: str | None = None
    idempotency_key: str | None = None

    @property
    def ts(self) -> int:
        """``now`` as the whole seconds Stripe uses for ``created``."""
        return int(self.now)

    def page_url(self, session_id: str) -> str:
        """The hosted payment page of ``session_id``."""
        return f"{self.base_url}/c/pay/{session_id}"
