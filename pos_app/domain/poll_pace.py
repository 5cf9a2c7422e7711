"""How often a station reads Stripe's events feed (issue 13 item 4).

One station of the business reads the feed (the leader); the others wait to take over. The
leader reads every second while a payment link is open anywhere in the business (a customer
may be paying now) and every 20 s when none is (only refunds and bank payments in flight
change then, over hours). That keeps Stripe's calls flat: at most 60 a minute with links
open and 3 a minute idle, whatever the number of links or stations.
"""

from __future__ import annotations

from enum import StrEnum

#: Seconds between passes while a payment link is open (POS_POLL_SECONDS overrides it).
BUSY_SECONDS = 1.0
#: Seconds between passes while no link is open (issue 13: within 15–30 s).
IDLE_SECONDS = 20.0
#: A standby station tries to take over this often: the leader's loss is noticed within it.
STANDBY_SECONDS = 2.0
#: After a failed pass: 2, 4, 8… seconds, up to the cap, with ±25 % jitter.
FIRST_RETRY_SECONDS = 2.0
RETRY_CAP_SECONDS = 60.0
#: A standby that cannot reach the database retries at most this far apart, so it takes
#: over soon after the database is back.
STANDBY_RETRY_CAP_SECONDS = 10.0


class PollRole(StrEnum):
    """Whether this station reads Stripe's events feed for the business, or waits."""

    LEADER = "leader"
    STANDBY = "standby"


def retry_seconds(failures: int, jitter: float) -> float:
    """The wait after ``failures`` (≥ 1) failures in a row; ``jitter`` in [0, 1] spreads
    stations' retries by ±25 % so they do not retry in lockstep."""
    base = min(RETRY_CAP_SECONDS, FIRST_RETRY_SECONDS * 2.0 ** (failures - 1))
    return base * (0.75 + jitter / 2)


def next_poll_seconds(
    *,
    leader: bool,
    links_open: bool,
    failures: int = 0,
    jitter: float = 0.5,
    busy_seconds: float = BUSY_SECONDS,
    idle_seconds: float = IDLE_SECONDS,
) -> float:
    """Seconds until this station's next pass over Stripe's feed (leader) or its next try to
    take over (standby).

    ``failures`` counts the passes (or, for a standby, tries) that failed in a row. The idle
    pace is never quicker than the busy one (POS_POLL_SECONDS may set the busy one above 20).
    """
    if not leader:
        if failures:
            return min(STANDBY_RETRY_CAP_SECONDS, retry_seconds(failures, jitter))
        return STANDBY_SECONDS
    if failures:
        return retry_seconds(failures, jitter)
    return busy_seconds if links_open else max(idle_seconds, busy_seconds)
