"""The wrong-PIN throttle: who is counted, how many guesses, and how long a lock lasts.

Guesses are counted for the one asking, per station and account: a wrong PIN typed for
account X at station S counts for (S, X) only, so nobody can lock a colleague out of every
station, or one manager out by guessing another's PIN. A manager PIN typed to approve
something, without naming the account, counts for (S, ``MANAGER_APPROVAL``): it locks
approval by PIN at that station, never a manager's own sign-in.

A guess is counted before its PIN is compared (``PinAttempts.reserve``), in the same write
transaction that checked the lock, so parallel guesses cannot get past the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FAILURES = 5  # wrong PINs in a row before the lock
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 30 * 60
# The subject of a manager PIN typed without choosing whose it is (refund approval).
MANAGER_APPROVAL = "manager-approval"


def lock_seconds(failures: int) -> int:
    """How long the ``failures``-th wrong PIN in a row locks for: 0 before the fifth, then
    30 seconds, twice as long after each further one, at most half an hour."""
    if failures < MAX_FAILURES:
        return 0
    return int(min(FIRST_LOCK_SECONDS * 2 ** min(failures - MAX_FAILURES, 16), MAX_LOCK_SECONDS))


@dataclass
class PinAttempts:
    """Wrong PINs in a row for one subject (an account id, or ``MANAGER_APPROVAL``) at one
    station, and the lock they earned. Never holds a PIN."""

    station_id: str
    subject: str
    failures: int = 0
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        """Whether guesses are refused (and not compared) at ``now``."""
        return self.locked_until is not None and self.locked_until > now

    def reserve(self, now: datetime) -> None:
        """Count one guess as wrong before it is compared; lock when this one is due to.
        A right PIN undoes it with ``clear``."""
        self.failures += 1
        seconds = lock_seconds(self.failures)
        if seconds:
            self.locked_until = now + timedelta(seconds=seconds)

    def clear(self) -> None:
        """A right PIN: the count starts again."""
        self.failures = 0
        self.locked_until = None
