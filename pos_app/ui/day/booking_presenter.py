"""The New booking form's Qt-free half: the service line with its end time, and the next
free times per staff member (the slot chips).

The chips are suggestions read from the day's bookings (a booking holds its staff member's
time while ``holds_slot`` is set, as the database's overlap rule says); saving still goes
through ``BookingService.create``, which refuses a clash with a sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from pos_app.domain import locale_format as lf
from pos_app.domain.booking import Booking, Service
from pos_app.domain.people import Resource, ResourceKind
from pos_app.i18n import N_, _
from pos_app.ui.day.schedule_layout import DAY_END_HOUR, DAY_START_HOUR, SLOT_MINUTES

CHIPS_PER_STAFF = 4
NO_SERVICE = N_("Choose a service to see when it ends and who is free.")


@dataclass(frozen=True)
class SlotChip:
    """One free start time for one staff member."""

    resource_id: str
    starts_at: datetime  # aware, in the business's time zone
    label: str  # "10:30"


@dataclass(frozen=True)
class StaffSlots:
    """A staff member's next free times for the chosen service ('' note when there are some)."""

    resource_id: str
    name: str
    chips: tuple[SlotChip, ...]
    note: str


@dataclass(frozen=True)
class BookingFormState:
    """What the form shows beside the service: its line, and the chips per staff member."""

    service_line: str
    slots: tuple[StaffSlots, ...]


def service_line(service: Service | None, starts_at: datetime | None) -> str:
    """ "Cut & colour · 60 min · ends 11:30" (without the end before a time is chosen)."""
    if service is None:
        return _(NO_SERVICE)
    parts = [service.name, _("{minutes} min").format(minutes=service.duration_minutes)]
    if starts_at is not None:
        end = starts_at + timedelta(minutes=service.duration_minutes)
        parts.append(
            _("ends {time}").format(time=lf.clock(end))
            if end.date() == starts_at.date()
            else _("ends after midnight")
        )
    return " · ".join(parts)


def first_start(day: date, now: datetime, tz: tzinfo) -> datetime:
    """The first slot to offer on ``day``: opening time, or the next quarter hour today."""
    opening = datetime.combine(day, time(DAY_START_HOUR), tzinfo=tz)
    local_now = now.astimezone(tz)
    if local_now.date() != day:
        return opening
    base = local_now.replace(second=0, microsecond=0)
    after = base + timedelta(minutes=SLOT_MINUTES - base.minute % SLOT_MINUTES)
    return max(opening, after)


def free_slots(
    bookings: Sequence[Booking],
    resources: Sequence[Resource],
    *,
    day: date,
    duration_minutes: int,
    tz: tzinfo,
    now: datetime,
    per_staff: int = CHIPS_PER_STAFF,
) -> tuple[StaffSlots, ...]:
    """Each active staff member's next ``per_staff`` free starts on ``day`` for a service
    of ``duration_minutes``, between opening and closing, from now on."""
    closing = datetime.combine(day, time(DAY_END_HOUR), tzinfo=tz)
    length = timedelta(minutes=max(1, duration_minutes))
    step = timedelta(minutes=SLOT_MINUTES)
    start = first_start(day, now, tz)
    out: list[StaffSlots] = []
    for resource in resources:
        if resource.kind is not ResourceKind.STAFF or not resource.active:
            continue
        busy = [
            (b.starts_at, b.ends_at)
            for b in bookings
            if b.resource_id == resource.id and b.holds_slot
        ]
        chips: list[SlotChip] = []
        at = start
        while at + length <= closing and len(chips) < per_staff:
            end = at + length
            if not any(s < end and e > at for s, e in busy):
                local = at.astimezone(tz)
                chips.append(SlotChip(resource.id, local, f"{lf.clock(local)}"))
            at += step
        note = "" if chips else (_("Fully booked") if start < closing else _("Closed for the day"))
        out.append(StaffSlots(resource.id, resource.name, tuple(chips), note))
    return tuple(out)


def form_state(
    service: Service | None,
    starts_at: datetime | None,
    sheet: tuple[Sequence[Booking], Sequence[Resource]] | None,
    *,
    day: date,
    tz: tzinfo,
    now: datetime,
) -> BookingFormState:
    """The service line and, once the day's bookings are in (``sheet``), the chips."""
    slots: tuple[StaffSlots, ...] = ()
    if service is not None and sheet is not None:
        bookings, resources = sheet
        slots = free_slots(
            bookings,
            resources,
            day=day,
            duration_minutes=service.duration_minutes,
            tz=tz,
            now=now,
        )
    return BookingFormState(service_line(service, starts_at), slots)
