"""services.throttle.Every: a chore at most once per interval, the first time at once."""

from __future__ import annotations

from pos_app.services.throttle import Every


def test_due_first_then_once_per_interval() -> None:
    now = [100.0]
    every = Every(60, lambda: now[0])
    assert every.due()  # never run: at once
    now[0] += 59.9
    assert not every.due()
    now[0] += 0.1
    assert every.due()  # 60 s after the last run
    assert not every.due()  # counted from that run, whatever the chore did
