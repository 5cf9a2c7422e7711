from __future__ import annotations

import random

from pos_app.services.backoff import Backoff


def test_backoff_grows_to_the_cap_with_jitter_and_resets() -> None:
    b = Backoff(interval=2, first_retry=2, cap=60, rng=random.Random(7))
    delays = [b.failed() for _ in range(8)]
    bases = [2, 4, 8, 16, 32, 60, 60, 60]
    for delay, base in zip(delays, bases, strict=True):
        assert 0.75 * base <= delay <= 1.25 * base
    assert len(set(delays)) == len(delays)  # jittered, not lockstep
    assert b.succeeded() == 2 and b.failures == 0
    assert b.failed() <= 2.5
