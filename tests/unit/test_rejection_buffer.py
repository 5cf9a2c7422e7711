"""The in-memory tally of rejected webhook deliveries stays bounded and loses nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pos_app.services.rejected_deliveries import (
    MAX_REASONS,
    OTHER_REASON,
    RejectedBatch,
    RejectionBuffer,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Writer:
    def __init__(self, fail_times: int = 0) -> None:
        self.calls: list[list[RejectedBatch]] = []
        self.fail_times = fail_times

    def __call__(self, batches: list[RejectedBatch]) -> None:
        if self.fail_times:
            self.fail_times -= 1
            raise OSError("database is locked")
        self.calls.append(batches)


def test_many_distinct_reasons_are_kept_apart_only_up_to_a_bound() -> None:
    writer = Writer()
    buffer = RejectionBuffer(writer, monotonic=lambda: 0.0)
    buffer.add(T0, "first")  # written at once: nothing was written before
    for i in range(1000):
        buffer.add(T0 + timedelta(seconds=i), f"reason {i}")
    assert len(writer.calls) == 1 and buffer.pending() == 1000
    buffer.flush()
    batches = writer.calls[1]
    assert len(batches) == MAX_REASONS + 1
    assert sum(b.count for b in batches) == 1000
    other = next(b for b in batches if b.reason == OTHER_REASON)
    assert other.count == 1000 - MAX_REASONS
    assert (other.first_at, other.last_at) == (
        T0 + timedelta(seconds=MAX_REASONS),
        T0 + timedelta(seconds=999),
    )


def test_a_failed_write_is_kept_and_written_with_the_next() -> None:
    writer = Writer(fail_times=1)
    buffer = RejectionBuffer(writer, monotonic=lambda: 0.0)
    buffer.add(T0, "bad signature")
    assert writer.calls == [] and buffer.pending() == 1
    buffer.add(T0 + timedelta(seconds=5), "bad signature")
    assert buffer.flush() == 2
    (batch,) = writer.calls[0]
    assert (batch.count, batch.first_at, batch.last_at) == (2, T0, T0 + timedelta(seconds=5))
    assert batch.detail().startswith("bad signature (2 deliveries from 2026-12-01 09:00:00 ")
