"""What one station tells the others after it committed: which bookings and days changed.

Every unit of work that changed a booking, a payment, a refund, a closed day, the catalogue,
a customer or an order announces it once, after commit (PostgreSQL ``NOTIFY``; see
``store/change_notes.py``), and every open station reloads what the change concerns. A
change is a hint to re-read, never data: whatever it names is read again from the database,
so a change that says too much only costs a reload, and one that cannot say exactly (too many
ids, a payload this version cannot read, a station that was disconnected, a SQLite database
that only says "something changed") says "everything".

The payload is small JSON and always below PostgreSQL's limit (8000 bytes): when the ids would
not fit it says "everything" instead (``encode``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Protocol

#: The PostgreSQL channel every station listens on.
CHANNEL = "pos_changes"
#: PostgreSQL refuses a payload of 8000 bytes or more; keep well below it.
MAX_PAYLOAD_BYTES = 7000
#: The payload's format; a station that reads another version reloads everything.
VERSION = 1


class Topic(StrEnum):
    """What kind of row changed."""

    BOOKING = "booking"
    PAYMENT = "payment"
    REFUND = "refund"
    DAY_CLOSE = "day_close"
    CATALOG = "catalog"  # services, staff members and rooms
    CUSTOMER = "customer"
    ORDER = "order"  # an order created, paid, refunded, voided or given new lines (issue 14)


#: Topics whose change can alter sales figures or a day's Z report.
MONEY_TOPICS = frozenset({Topic.BOOKING, Topic.PAYMENT, Topic.REFUND, Topic.DAY_CLOSE})


@dataclass(frozen=True)
class Change:
    """One or more committed changes, as another station learns of them.

    ``days`` are the UTC dates on which changed bookings start (both the old and the new one
    when a booking moved): a booking created on a day a station shows is not among the ids it
    loaded. ``closed_days`` are business dates closed. ``everything`` means: re-read it all.
    """

    topics: frozenset[str] = frozenset()
    booking_ids: frozenset[str] = frozenset()
    days: frozenset[date] = frozenset()
    closed_days: frozenset[date] = frozenset()
    everything: bool = False
    reason: str = field(default="", compare=False)  # why "everything" (logs, tests)

    @classmethod
    def all(cls, reason: str) -> Change:
        """Re-read everything (reconnected, unreadable payload, SQLite's coarse signal)."""
        return cls(everything=True, reason=reason)

    def is_empty(self) -> bool:
        """Whether nothing at all is announced (a unit of work that changed nothing shown)."""
        return not (
            self.everything or self.topics or self.booking_ids or self.days or self.closed_days
        )

    def merge(self, other: Change) -> Change:
        """Both changes at once (several announcements handled by one reload)."""
        return Change(
            topics=self.topics | other.topics,
            booking_ids=self.booking_ids | other.booking_ids,
            days=self.days | other.days,
            closed_days=self.closed_days | other.closed_days,
            everything=self.everything or other.everything,
            reason=self.reason or other.reason,
        )

    def concerns_day(self, day: date, tz: tzinfo, shown_ids: Set[str]) -> bool:
        """Whether a station showing business ``day`` (in ``tz``) with the bookings
        ``shown_ids`` must reload it: everything, one of its bookings, a booking starting
        that day (a new one, or one moved in or out), or the staff and rooms (its columns)."""
        if self.everything or Topic.CATALOG in self.topics:
            return True
        if not self.booking_ids.isdisjoint(shown_ids):
            return True
        start, end = local_day_in_utc(day, tz)
        return any(_utc_day_overlaps(d, start, end) for d in self.days)

    def concerns_orders(self) -> bool:
        """Whether what the Sell screen shows may differ: an order (its last sale's status)
        or the catalogue (its tiles, with the products' stock)."""
        return self.everything or bool({Topic.ORDER, Topic.CATALOG} & self.topics)

    def concerns_money(self) -> bool:
        """Whether sales figures or a Z report may differ (the dashboard, the day close)."""
        return self.everything or not MONEY_TOPICS.isdisjoint(self.topics)


#: Told of each change, on the feed's own thread.
OnChange = Callable[[Change], None]


class ChangeFeed(Protocol):
    """A running listener for other stations' changes (``store/change_feed.py``)."""

    def stop(self) -> None:
        """Stop listening and wait (briefly) for its thread to end."""
        ...


def local_day_in_utc(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Business ``day`` in ``tz`` as a UTC interval [start, end) (23 or 25 hours on DST days)."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def _utc_day_overlaps(utc_day: date, start: datetime, end: datetime) -> bool:
    day_start = datetime.combine(utc_day, time(0), tzinfo=UTC)
    return day_start < end and day_start + timedelta(days=1) > start


def utc_day(at: datetime) -> date:
    """The UTC date of an aware time (what ``Change.days`` holds)."""
    return at.astimezone(UTC).date()


def encode(change: Change, *, limit: int = MAX_PAYLOAD_BYTES) -> str:
    """The NOTIFY payload for ``change``: compact JSON of at most ``limit`` bytes (UTF-8).

    When the ids and days would not fit, the payload says "everything" with the topics, which
    always fit: a station then reloads all it shows, as it would after a reconnect.
    """
    head: dict[str, object] = {"v": VERSION, "t": sorted(change.topics)}
    if change.everything:
        return _dump({**head, "all": True})
    full = _dump(
        {
            **head,
            "b": sorted(change.booking_ids),
            "d": sorted(d.isoformat() for d in change.days),
            "c": sorted(d.isoformat() for d in change.closed_days),
        }
    )
    if len(full.encode()) <= limit:
        return full
    return _dump({**head, "all": True})


def decode(payload: str) -> Change:
    """The change a payload announces; one this version cannot read means "everything"
    (a newer station's format, a damaged payload): reloading is always safe."""
    try:
        data = json.loads(payload)
        if not isinstance(data, dict) or data.get("v") != VERSION:
            return Change.all("a payload of another version")
        topics = frozenset(_strings(data.get("t", [])))
        if data.get("all"):
            return Change(topics=topics, everything=True, reason="too many to name")
        return Change(
            topics=topics,
            booking_ids=frozenset(_strings(data.get("b", []))),
            days=frozenset(date.fromisoformat(d) for d in _strings(data.get("d", []))),
            closed_days=frozenset(date.fromisoformat(d) for d in _strings(data.get("c", []))),
        )
    except (ValueError, TypeError):
        return Change.all("an unreadable payload")


def _strings(value: object) -> Iterable[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("a list of strings was expected")
    return value


def _dump(data: dict[str, object]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
