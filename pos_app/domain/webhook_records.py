"""What is kept of Stripe's webhook deliveries and processed events, and for how long.

Stripe retries a delivery for up to 3 days and keeps events retrievable for 30 days
(stripe-facts.md). Past those windows a row can no longer change anything:

- ``processed_events`` only spares a re-read when an event comes again; after 30 days
  Stripe neither redelivers it nor lists it, and even if it did, applying an event is
  idempotent (the object is re-read, states never move back), so losing the row costs at
  most one extra read. Kept 31 days: one day more for stations whose clocks (which stamp
  ``processed_at``) run behind.
- ``webhook_deliveries`` rows that name an event help support match Stripe's Dashboard,
  which shows the event as long as Stripe keeps it: kept 31 days, like the events.
- Rejected rows (no provable event: bad signature, replay) matter only while Stripe may
  still be retrying a genuine delivery the station refused (a wrong secret): 3 days, plus
  the same day of margin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from pos_app.domain.errors import PosError

#: Stripe keeps events 30 days; one day more for a station whose clock runs behind.
EVENTS_KEPT: Final = timedelta(days=31)
#: Stripe retries a failed delivery for up to 3 days; one day more, as above.
REJECTED_KEPT: Final = timedelta(days=4)


class DeliveryUnreadable(PosError):
    """A delivery genuinely signed with the endpoint's secret (and recent) whose body is
    not an event the app can read: answered 400 and recorded at once, since only Stripe
    (or whoever holds the secret) can send one."""


@dataclass(frozen=True)
class PruneCutoffs:
    """Rows older than these (strictly) are deleted."""

    events_before: datetime
    rejected_before: datetime


def prune_cutoffs(now: datetime) -> PruneCutoffs:
    """The cutoffs for a prune run at ``now`` (the station's clock, which stamped the rows)."""
    return PruneCutoffs(events_before=now - EVENTS_KEPT, rejected_before=now - REJECTED_KEPT)
