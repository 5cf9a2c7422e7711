"""What the report queries take and give back: business-day windows and grouped figures.

The business day follows the configured time zone. SQL knows nothing of time zones, so a
window carries the zone and the store turns it into a few "UTC offset from this instant on"
spans (a zone changes offset only at its DST transitions), which SQL can apply to a column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import NamedTuple

# Offsets are whole minutes in every zone in use today (e.g. +05:45); older LMT offsets in
# seconds are rounded down to the minute, which only matters for times before ~1900.
_MINUTE = timedelta(minutes=1)


def day_start(day: date, tz: tzinfo) -> datetime:
    """The UTC instant at which the local business day ``day`` begins.

    On a day whose midnight does not exist (a DST jump at 00:00) this is the jump itself;
    where midnight happens twice, the first one.
    """
    return datetime.combine(day, time(0), tz).astimezone(UTC)


def day_bounds(start: date, end: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """UTC [from, to) covering the local days ``start`` to ``end`` inclusive (23 h or 25 h
    days included as they are)."""
    return day_start(start, tz), day_start(end + timedelta(days=1), tz)


def business_date(at: datetime, tz: tzinfo) -> date:
    """The local business day an aware instant belongs to."""
    return at.astimezone(tz).date()


def offset_minutes(at: datetime, tz: tzinfo) -> int:
    """Local time minus UTC at the instant ``at``, in whole minutes."""
    offset = at.astimezone(tz).utcoffset() or timedelta(0)
    return offset // _MINUTE


@dataclass(frozen=True)
class OffsetSpan:
    """From ``starts_at`` (UTC) until the next span, local time is UTC + ``minutes``."""

    starts_at: datetime
    minutes: int


def offset_spans(tz: tzinfo, start: datetime, end: datetime) -> tuple[OffsetSpan, ...]:
    """The zone's UTC offsets over [start, end), oldest first; the first span also applies
    before ``start``. One span unless a DST change falls inside."""
    spans = [OffsetSpan(start, offset_minutes(start, tz))]
    step = timedelta(hours=12)  # shorter than any gap between two transitions
    at = start
    while at < end:
        nxt = min(at + step, end)
        if offset_minutes(nxt, tz) != spans[-1].minutes:
            lo, hi = at, nxt  # offset(lo) == last, offset(hi) differs: bisect to the second
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if offset_minutes(mid, tz) == spans[-1].minutes:
                    lo = mid
                else:
                    hi = mid
            hi = hi.replace(microsecond=0)
            spans.append(OffsetSpan(hi, offset_minutes(hi, tz)))
        at = nxt
    return tuple(spans)


@dataclass(frozen=True)
class ReportWindow:
    """The local business days [first, last] of zone ``tz``, as UTC [start, end)."""

    first: date
    last: date
    tz: tzinfo

    @property
    def start(self) -> datetime:
        """UTC start of the first day."""
        return day_start(self.first, self.tz)

    @property
    def end(self) -> datetime:
        """UTC start of the day after the last one."""
        return day_start(self.last + timedelta(days=1), self.tz)


def day_runs(days: list[date], longest: int) -> list[tuple[date, date]]:
    """Sorted ``days`` as runs of consecutive days, each at most ``longest`` days long."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and day - runs[-1][1] == timedelta(days=1) and (day - runs[-1][0]).days < longest:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def zone_key(tz: tzinfo) -> str:
    """The IANA name of a zone ("America/New_York"), or its best description."""
    return str(getattr(tz, "key", None) or tz)


class Movement(StrEnum):
    """Money in (a payment received) or out (a refund that succeeded)."""

    PAYMENT = "payment"
    REFUND = "refund"


@dataclass(frozen=True)
class SalesCell:
    """Payments or refunds of one currency, service, staff member, method and local hour,
    summed by the database.

    ``adjustments`` of them are dated on a day that was closed before the database recorded
    them: they count on the day they were recorded, or a later open one (at hour 0), never on
    the closed one. Refund cells of reversals (a refund that failed after it succeeded) are
    negative: count and money come back.
    """

    kind: Movement
    currency: str
    service_id: str
    service_name: str  # as on the bookings (the catalogue may have renamed it since)
    resource_id: str  # "" = nobody assigned
    method: str  # "card" | "cash" (of the payment a refund returns)
    hour: int  # local wall-clock hour 0..23 (-1: in no hour row, see ``hour_only``)
    count: int
    amount: int  # a refund's is what went back; negative only for reversals
    fee: int  # Stripe's fee as reported (a refund's is negative when fees were returned)
    adjustments: int = 0
    adjustment_amount: int = 0
    # Card payments whose fee Stripe has not reported yet (their balance transaction comes
    # later under asynchronous capture), and their amount: ``fee`` leaves them out.
    fees_pending: int = 0
    fees_pending_amount: int = 0
    # The database may give the hours apart (store/sales_hours.py): then its other cells
    # carry hour -1 (in no hour row) and these, ``hour_only``, count in their hour row only.
    hour_only: bool = False


class ExportRow(NamedTuple):
    """One payment received or one refund that succeeded, with what a spreadsheet needs; a
    refund that failed after it succeeded also gives a second row, its reversal, whose
    amount, fee and net are negative (the money came back)."""

    # A named tuple, not a frozen dataclass (whose __init__ sets each field through
    # object.__setattr__): an export makes hundreds of thousands of them.

    kind: Movement
    id: str
    booking_id: str
    at: datetime  # UTC: when it happened (paid, or the refund issued)
    business_date: date  # the local day it counts on (a later one for an adjustment)
    adjustment: bool
    customer: str
    service: str
    staff: str  # resource name, "" = unassigned
    method: str
    currency: str
    amount: int  # positive (negative for a reversal)
    fee: int | None  # None while Stripe's balance transaction is not known
    net: int | None
    status: str
    stripe_session_id: str | None
    stripe_payment_intent_id: str | None
    stripe_charge_id: str | None
    stripe_refund_id: str | None
    stripe_balance_transaction_id: str | None
    reason: str | None
    recorded_by: str  # the account that took it or asked for it, "" when not known
    recorded_at: datetime | None


class ExportBatch(NamedTuple):
    """A run of CSV export rows in business order as the file's text (CRLF-ended lines),
    and how many payments and refunds they hold."""

    text: str
    payments: int
    refunds: int
