"""When to talk to Stripe next: a steady pace while it answers, backing off while it does not."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Exponential backoff with jitter, so many stations do not retry in lockstep.

    ``succeeded()`` and ``failed()`` return the seconds to wait before the next attempt.
    """

    interval: float = 2.0  # the normal pace between successful passes
    first_retry: float = 2.0
    cap: float = 60.0
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0

    def succeeded(self) -> float:
        """Back to the normal pace."""
        self.failures = 0
        return self.interval

    def failed(self) -> float:
        """One more failure in a row: wait longer, up to ``cap``, with ±25 % jitter."""
        self.failures += 1
        base = min(self.cap, self.first_retry * 2.0 ** (self.failures - 1))
        return base * (0.75 + self.rng.random() / 2)
