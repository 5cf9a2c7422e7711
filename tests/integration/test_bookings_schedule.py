"""Bookings by staff member or room: no double-booking (service and database), move, cancel,
no-show, the audit trail, and the day's list staying fast."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from pos_app.app import AppContext, wire_services
from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.booking_display import NOT_REFUNDED
from pos_app.domain.errors import FormErrors, InvalidStateError, SlotTakenError
from pos_app.domain.payment import PaymentStatus
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import AuditQuery
from pos_app.services.bookings import BookingRequest
from pos_app.services.ids import new_id
from pos_app.store.repositories import SqlBookingRepository

PRIYA, JORDAN, ROOM = "res_priya", "res_jordan", "res_room"
MANAGER = Actor("usr_lee", "Lee", Role.MANAGER)


def tomorrow(hour: int, minute: int = 0) -> datetime:
    """A time tomorrow (the test app's business zone is UTC)."""
    day = datetime.now(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def book(
    app: AppContext,
    at: datetime,
    resource: str | None = PRIYA,
    name: str = "Maya Thompson",
    service: str = "svc_haircut",
    email: str = "",
) -> Booking:
    return app.bookings.create(
        BookingRequest(
            customer_name=name,
            service_id=service,
            starts_at=at,
            resource_id=resource,
            customer_email=email,
        )
    )


def audit(app: AppContext, booking_id: str) -> list[tuple[AuditAction, str, str]]:
    with app.deps.uow() as uow:
        entries = uow.audit.query(AuditQuery(booking_id=booking_id))
    return [(e.action, e.actor_name, e.detail) for e in reversed(entries)]


class ShiftedClock:
    def __init__(self, shift: timedelta) -> None:
        self.shift = shift

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift


# -- no double-booking ------------------------------------------------------------------------


def test_a_taken_slot_is_refused_with_a_sentence_naming_the_holder(app: AppContext) -> None:
    holder = book(app, tomorrow(10))
    with pytest.raises(SlotTakenError) as caught:
        book(app, tomorrow(10, 15), name="Daniel Okafor")
    assert caught.value.message == (
        "Priya is already booked 10:00–10:30 for Maya Thompson (Haircut). "
        "Choose another time or person."
    )
    assert caught.value.holder_id == holder.id
    assert [b.customer_name for b in app.bookings.list_day(tomorrow(0).date())] == ["Maya Thompson"]
    # A room says "room", not "person".
    book(app, tomorrow(14), resource=ROOM, service="svc_massage")
    with pytest.raises(
        SlotTakenError,
        match=r"Treatment room is already booked 14:00–15:00 .*"
        r"Choose another time or room\.",
    ):
        book(app, tomorrow(14, 55), resource=ROOM, name="Sofia Rossi")


def test_adjacent_slots_other_people_and_unassigned_bookings_are_fine(app: AppContext) -> None:
    book(app, tomorrow(10))
    book(app, tomorrow(10, 30), name="Daniel Okafor")  # starts as the first one ends
    book(app, tomorrow(9, 30), name="Liam Chen")  # ends as the first one starts
    book(app, tomorrow(10), resource=JORDAN, name="Ava Martínez")
    book(app, tomorrow(10), resource=None, name="Unassigned One")
    book(app, tomorrow(10), resource=None, name="Unassigned Two")
    assert len(app.bookings.list_day(tomorrow(0).date())) == 6
    assert len(app.bookings.list_day(tomorrow(0).date(), resource_id=PRIYA)) == 3


def test_an_inactive_or_unknown_resource_is_refused(app: AppContext) -> None:
    with app.deps.uow(write=True) as uow:
        sam = uow.resources.get("res_sam")
        assert sam is not None
        sam.active = False
        uow.commit()
    for resource in ("res_sam", "res_nobody"):
        with pytest.raises(FormErrors) as caught:
            book(app, tomorrow(11), resource=resource)
        assert caught.value.errors == {
            "resource_id": "Choose someone who works here now, or Anyone."
        }
    sheet = app.bookings.day_sheet(tomorrow(0).date())
    assert [r.name for r in sheet.resources] == ["Jordan", "Priya", "Treatment room"]


def _raw_booking(at: datetime, resource: str | None, name: str) -> Booking:
    return Booking(
        id=new_id("bk"),
        customer_name=name,
        service_id="svc_haircut",
        service_name="Haircut",
        starts_at=at,
        ends_at=at + timedelta(minutes=30),
        price_amount=3500,
        currency="usd",
        created_at=datetime.now(UTC),
        resource_id=resource,
    )


def test_the_database_itself_refuses_an_overlap(app: AppContext) -> None:
    """Straight through a unit of work, no service: the database says no (SQLite triggers;
    PostgreSQL's exclusion constraint when POS_TEST_POSTGRES_URL is set)."""
    with app.deps.uow(write=True) as uow:
        uow.bookings.add(_raw_booking(tomorrow(10), PRIYA, "Holder"))
        uow.commit()
    with app.deps.uow(write=True) as uow:
        uow.bookings.add(_raw_booking(tomorrow(10, 15), PRIYA, "Intruder"))
        with pytest.raises(SlotTakenError):
            uow.commit()
    # An update into the slot is refused too.
    other = _raw_booking(tomorrow(11), PRIYA, "Mover")
    with app.deps.uow(write=True) as uow:
        uow.bookings.add(other)
        uow.commit()
    with app.deps.uow(write=True) as uow:
        row = uow.bookings.get(other.id)
        assert row is not None
        row.starts_at, row.ends_at = tomorrow(10, 20), tomorrow(10, 50)
        with pytest.raises(SlotTakenError):
            uow.bookings.flush()
    # Adjacent rows, a freed slot, and rows without a resource pass.
    with app.deps.uow(write=True) as uow:
        uow.bookings.add(_raw_booking(tomorrow(10, 30), PRIYA, "Adjacent"))
        freed = _raw_booking(tomorrow(10), PRIYA, "Cancelled earlier")
        freed.cancelled, freed.holds_slot = True, False
        uow.bookings.add(freed)
        uow.bookings.add(_raw_booking(tomorrow(10), None, "Anyone"))
        uow.commit()
    names = sorted(b.customer_name for b in app.bookings.list_day(tomorrow(0).date()))
    assert names == ["Adjacent", "Anyone", "Cancelled earlier", "Holder", "Mover"]


def test_when_the_database_refuses_at_commit_the_holder_is_still_named(
    app: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another station committed between our check and our commit: the check saw nothing,
    the database refused, and the sentence still names the booking in the way."""
    holder = book(app, tomorrow(10))
    real = SqlBookingRepository.overlapping
    calls: list[int] = []

    def blind_first(self: SqlBookingRepository, *args: object, **kwargs: object) -> list[Booking]:
        calls.append(1)
        if len(calls) == 1:
            return []  # the race: our check ran before the other commit
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SqlBookingRepository, "overlapping", blind_first)
    with pytest.raises(SlotTakenError) as caught:
        book(app, tomorrow(10, 10), name="Daniel Okafor")
    assert caught.value.holder_id == holder.id
    assert caught.value.message.startswith("Priya is already booked 10:00–10:30 for Maya")
    assert len(app.bookings.list_day(tomorrow(0).date())) == 1
    assert [a for a, _n, _d in audit(app, holder.id)] == [AuditAction.BOOKING_CREATED]


def test_two_stations_booking_the_same_slot_at_once_one_wins(app: AppContext) -> None:
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def attempt(name: str) -> None:
        start.wait()
        try:
            outcomes.append(book(app, tomorrow(16), name=name))
        except SlotTakenError as err:
            outcomes.append(err)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in ("First", "Second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    won = [o for o in outcomes if isinstance(o, Booking)]
    lost = [o for o in outcomes if isinstance(o, SlotTakenError)]
    assert len(won) == 1 and len(lost) == 1
    assert lost[0].holder_id == won[0].id
    assert f"for {won[0].customer_name} (Haircut)" in lost[0].message
    assert len(app.bookings.list_day(tomorrow(0).date(), resource_id=PRIYA)) == 1


# -- move -------------------------------------------------------------------------------------


def test_move_keeps_price_and_service_and_is_audited(app: AppContext) -> None:
    app.deps.desk.sign_in(MANAGER)
    booking = app.bookings.create(
        BookingRequest("Maya Thompson", "svc_haircut", tomorrow(10), "30.00", resource_id=PRIYA)
    )
    book(app, tomorrow(11), resource=JORDAN, name="Liam Chen")
    with pytest.raises(
        SlotTakenError, match=r"^Jordan is already booked 11:00–11:30 for Liam Chen"
    ):
        app.bookings.move(booking.id, tomorrow(11, 15), JORDAN)
    moved = app.bookings.move(booking.id, tomorrow(11, 30), JORDAN)  # adjacent: fine
    assert (moved.starts_at, moved.ends_at) == (tomorrow(11, 30), tomorrow(12))
    stored = app.bookings.detail(booking.id)
    assert stored.booking.price_amount == 3000 and stored.booking.service_id == "svc_haircut"
    assert stored.resource is not None and stored.resource.name == "Jordan"
    # Priya's 10:00 is free again.
    book(app, tomorrow(10), name="Sofia Rossi")
    entries = audit(app, booking.id)
    assert [a for a, _n, _d in entries] == [AuditAction.BOOKING_CREATED, AuditAction.BOOKING_MOVED]
    _, actor, detail = entries[1]
    assert actor == "Lee"
    day = tomorrow(0)
    assert detail == (
        f"{day:%a %d %b} 10:00–10:30 with Priya → {day:%a %d %b} 11:30–12:00 with Jordan"
    )
    # To "anyone" and back works too.
    assert app.bookings.move(booking.id, tomorrow(11, 30), None).resource_id is None


def test_move_refuses_the_past_and_cancelled_or_no_show_bookings(app: AppContext) -> None:
    booking = book(app, tomorrow(10))
    with pytest.raises(FormErrors) as caught:
        app.bookings.move(booking.id, datetime.now(UTC) - timedelta(hours=1), PRIYA)
    assert caught.value.errors == {
        "starts_at": "That time is in the past. Choose a time from now on."
    }
    app.bookings.cancel(booking.id)
    with pytest.raises(InvalidStateError, match="cancelled, so it cannot be moved"):
        app.bookings.move(booking.id, tomorrow(12), PRIYA)


# -- cancel -----------------------------------------------------------------------------------


def test_cancel_expires_the_open_link_and_frees_the_slot(app: AppContext) -> None:
    booking = book(app, tomorrow(10), email="maya@example.com")
    view = app.checkout.start(booking.id)
    assert view.status is PaymentStatus.OPEN
    outcome = app.bookings.cancel(booking.id)
    assert outcome.message == "Booking cancelled; the time is free again."
    assert outcome.kept.amount == 0
    detail = app.bookings.detail(booking.id)
    assert detail.booking.status is BookingStatus.CANCELLED
    assert not detail.booking.holds_slot
    assert [p.status for p in detail.payments] == [PaymentStatus.EXPIRED]
    # The link is dead at "Stripe" too, and the slot can be booked again.
    session = app.deps.gateway.retrieve_checkout_session(view.session_id or "")
    assert session.status == "expired"
    again = book(app, tomorrow(10), name="Daniel Okafor")
    assert again.resource_id == PRIYA
    with pytest.raises(InvalidStateError, match="already cancelled"):
        app.bookings.cancel(booking.id)
    actions = [a for a, _n, _d in audit(app, booking.id)]
    assert actions[0] is AuditAction.BOOKING_CREATED
    assert actions[-1] is AuditAction.BOOKING_CANCELLED


def test_cancelling_a_paid_booking_keeps_the_money_and_says_so(app: AppContext) -> None:
    booking = book(app, tomorrow(10))
    app.cash.record(booking.id, "10.00")
    outcome = app.bookings.cancel(booking.id)
    assert outcome.kept.format() == "$10.00"
    assert outcome.message == f"Booking cancelled. $10.00 was paid. {NOT_REFUNDED}"
    stored = app.bookings.detail(booking.id).booking
    assert stored.cancelled and stored.paid_amount == 1000
    assert stored.status is BookingStatus.DEPOSIT_PAID  # the money is still there to refund
    _action, _actor, detail = audit(app, booking.id)[-1]
    assert "$10.00 paid and not refunded" in detail


# -- no-show ----------------------------------------------------------------------------------


def test_no_show_only_after_the_start_and_it_frees_the_slot(app: AppContext) -> None:
    booking = book(app, tomorrow(10))
    with pytest.raises(InvalidStateError, match="once the start time has passed"):
        app.bookings.no_show(booking.id)
    later = wire_services(
        dataclasses.replace(app.deps, clock=ShiftedClock(timedelta(days=2)))
    ).bookings
    marked = later.no_show(booking.id)
    assert marked.status is BookingStatus.NO_SHOW and marked.no_show and not marked.holds_slot
    with pytest.raises(InvalidStateError, match="already marked as a no-show"):
        later.no_show(booking.id)
    with pytest.raises(InvalidStateError, match="no-show, so it cannot be moved"):
        later.move(booking.id, tomorrow(12) + timedelta(days=2), PRIYA)
    assert [a for a, _n, _d in audit(app, booking.id)][-1] is AuditAction.BOOKING_NO_SHOW
    # The freed slot takes another booking.
    book(app, tomorrow(10), name="Walk-in")
    cancelled = book(app, tomorrow(12))
    app.bookings.cancel(cancelled.id)
    with pytest.raises(InvalidStateError, match="cancelled, so it cannot be a no-show"):
        later.no_show(cancelled.id)


def test_creation_is_audited_with_who_booked(app: AppContext) -> None:
    app.deps.desk.sign_in(Actor("usr_riley", "Riley", Role.STAFF))
    booking = book(app, tomorrow(9))
    assert booking.created_by == "usr_riley"
    [(action, actor, detail)] = audit(app, booking.id)
    assert (action, actor) == (AuditAction.BOOKING_CREATED, "Riley")
    assert detail == f"Haircut for Maya Thompson, {tomorrow(0):%a %d %b} 09:00–09:30 with Priya"


# -- the day's list among many -----------------------------------------------------------------
# (its speed is measured by bench/gui_responsiveness.py, not asserted here)


def test_list_day_picks_the_days_bookings_among_five_thousand(app: AppContext) -> None:
    first = datetime.now(UTC).date() - timedelta(days=60)
    with app.deps.uow(write=True) as uow:
        for i in range(5000):
            day = first + timedelta(days=i % 100)
            at = datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(
                minutes=15 * (i // 100)
            )
            uow.bookings.add(_raw_booking(at, None, f"Customer {i}"))
        uow.commit()
    target: date = first + timedelta(days=7)
    rows = app.bookings.list_day(target)
    sheet = app.bookings.day_sheet(target)
    assert len(rows) == 50 and len(sheet.bookings) == 50
    assert all(b.starts_at.date() == target for b in rows)
    assert [b.starts_at for b in rows] == sorted(b.starts_at for b in rows)


def test_cli_books_a_staff_member_and_names_the_holder(app_env: dict[str, str]) -> None:
    from tests.cli_here import run_here as run
    from tests.cli_here import run_json_here as run_json

    when = tomorrow(10).isoformat()
    booked = run_json(
        app_env,
        "book",
        "--customer",
        "Maya",
        "--service",
        "haircut",
        "--at",
        when,
        "--staff",
        "priya",
        "--email",
        "maya@example.com",
    )
    assert booked["resource_id"] == PRIYA and booked["customer_id"].startswith("cus_")
    taken = run(
        app_env,
        "book",
        "--customer",
        "Bo",
        "--service",
        "haircut",
        "--at",
        when,
        "--staff",
        "Priya",
    )
    assert taken.returncode == 1
    assert taken.stderr.strip() == (
        "Priya is already booked 10:00–10:30 for Maya (Haircut). Choose another time or person."
    )
    nobody = run(
        app_env, "book", "--customer", "Bo", "--service", "haircut", "--at", when, "--staff", "Alex"
    )
    assert nobody.returncode == 1 and "nobody called 'Alex'" in nobody.stderr
