"""The throttle's record for one (station, subject): counted before comparing, locked on the
fifth wrong PIN for exactly its lock time, and cleared by a right PIN."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pos_app.domain.sign_in import MAX_FAILURES, PinAttempts

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def test_four_wrong_pins_do_not_lock_and_the_fifth_locks_for_thirty_seconds() -> None:
    attempts = PinAttempts("station-1", "usr_a")
    for _ in range(MAX_FAILURES - 1):
        attempts.reserve(NOW)
        assert not attempts.locked(NOW)
    assert attempts.locked_until is None
    attempts.reserve(NOW)
    assert attempts.failures == MAX_FAILURES
    assert attempts.locked(NOW + timedelta(seconds=29))
    assert not attempts.locked(NOW + timedelta(seconds=30))  # the lock ends on time


def test_each_further_wrong_pin_doubles_the_lock_from_its_own_time() -> None:
    attempts = PinAttempts("station-1", "usr_a", failures=MAX_FAILURES)
    later = NOW + timedelta(minutes=5)
    attempts.reserve(later)
    assert attempts.locked_until == later + timedelta(seconds=60)


def test_a_right_pin_clears_the_count_and_the_lock() -> None:
    attempts = PinAttempts("station-1", "usr_a")
    for _ in range(MAX_FAILURES):
        attempts.reserve(NOW)
    attempts.clear()
    assert (attempts.failures, attempts.locked_until) == (0, None)
    assert not attempts.locked(NOW)
    attempts.reserve(NOW)  # counting starts again from one
    assert attempts.failures == 1 and not attempts.locked(NOW)
