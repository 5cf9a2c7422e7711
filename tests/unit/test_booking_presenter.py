"""The New booking form's Qt-free half: the service line and the free-slot chips."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

from pos_app.domain.booking import Booking, Service
from pos_app.domain.people import Resource, ResourceKind
from pos_app.ui.day.booking_presenter import (
    NO_SERVICE,
    first_start,
    form_state,
    free_slots,
    service_line,
)

DAY = date(2030, 5, 6)
COLOUR = Service("svc_colour", "Cut & colour", 60, 12000, "usd")
PRIYA = Resource("res_priya", "Priya")
JORDAN = Resource("res_jordan", "Jordan")
ROOM = Resource("res_room", "Room 1", ResourceKind.ROOM)
EARLY = datetime(2030, 5, 5, 12, tzinfo=UTC)  # the day before: the whole day is ahead


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 5, 6, hour, minute, tzinfo=UTC)


def booking(resource: str, start: datetime, minutes: int, *, holds: bool = True) -> Booking:
    return Booking(
        id=f"bk_{resource}_{start:%H%M}",
        customer_name="Ana",
        service_id="svc",
        service_name="Cut",
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        price_amount=100,
        currency="usd",
        created_at=start,
        resource_id=resource,
        holds_slot=holds,
    )


def test_service_line_says_how_long_and_when_it_ends() -> None:
    assert service_line(COLOUR, at(10, 30)) == "Cut & colour · 60 min · ends 11:30"
    assert service_line(COLOUR, None) == "Cut & colour · 60 min"
    assert service_line(COLOUR, at(23, 30)) == "Cut & colour · 60 min · ends after midnight"
    assert service_line(None, at(10)) == NO_SERVICE


def test_chips_skip_busy_times_per_staff_member_and_rooms() -> None:
    taken = [
        booking("res_priya", at(8), 30),  # 08:00–08:30
        booking("res_priya", at(9, 30), 60),  # 09:30–10:30
        booking("res_priya", at(8, 30), 60, holds=False),  # cancelled: frees the time
    ]
    slots = free_slots(
        taken, [PRIYA, JORDAN, ROOM], day=DAY, duration_minutes=60, tz=UTC, now=EARLY
    )
    assert [s.name for s in slots] == ["Priya", "Jordan"]  # staff only
    priya, jordan = slots
    # 60 minutes fit from 08:30 (ends 09:30, where the next booking starts), then 10:30 on.
    assert [c.label for c in priya.chips] == ["08:30", "10:30", "10:45", "11:00"]
    assert [c.label for c in jordan.chips] == ["08:00", "08:15", "08:30", "08:45"]
    assert priya.chips[0].starts_at == at(8, 30) and priya.chips[0].resource_id == "res_priya"
    assert priya.note == ""


def test_chips_start_from_now_today_and_end_at_closing() -> None:
    now = at(19, 2)
    slots = free_slots([], [PRIYA], day=DAY, duration_minutes=30, tz=UTC, now=now)
    assert [c.label for c in slots[0].chips] == ["19:15", "19:30"]  # 19:45 would end at 20:15
    late = free_slots([], [PRIYA], day=DAY, duration_minutes=30, tz=UTC, now=at(21))
    assert late[0].chips == () and late[0].note == "Closed for the day"
    full = free_slots(
        [booking("res_priya", at(8), 12 * 60)],
        [PRIYA],
        day=DAY,
        duration_minutes=30,
        tz=UTC,
        now=EARLY,
    )
    assert full[0].chips == () and full[0].note == "Fully booked"
    inactive = dataclasses.replace(PRIYA, active=False)
    assert free_slots([], [inactive], day=DAY, duration_minutes=30, tz=UTC, now=EARLY) == ()


def test_first_start_is_opening_or_the_next_quarter_hour() -> None:
    assert first_start(DAY, EARLY, UTC) == at(8)
    assert first_start(DAY, at(6, 10), UTC) == at(8)
    assert first_start(DAY, at(10, 7), UTC) == at(10, 15)
    assert first_start(DAY, at(10, 15), UTC) == at(10, 30)


def test_form_state_waits_for_the_day_before_offering_chips() -> None:
    waiting = form_state(COLOUR, at(10), None, day=DAY, tz=UTC, now=EARLY)
    assert waiting.service_line == "Cut & colour · 60 min · ends 11:00" and waiting.slots == ()
    ready = form_state(COLOUR, at(10), ([], [PRIYA]), day=DAY, tz=UTC, now=EARLY)
    assert [s.name for s in ready.slots] == ["Priya"]
    assert form_state(None, at(10), ([], [PRIYA]), day=DAY, tz=UTC, now=EARLY).slots == ()
