"""Issue 11 item 9 through the services (what the GUI's dialogs and the CLI both call):
names with control characters are refused, notes are stripped, days outside the calendar
and amounts beyond Stripe's maximum are sentences, and a long Stripe failure reason is
stored whole (run with POS_TEST_POSTGRES_URL to see it on PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Text

from pos_app.app import AppContext
from pos_app.domain.booking import Booking
from pos_app.domain.dates import OUTSIDE
from pos_app.domain.errors import FormErrors, ValidationError
from pos_app.domain.gateway_types import RefundInfo
from pos_app.domain.payment import RefundStatus
from pos_app.domain.people import ResourceKind, Role
from pos_app.services import settle
from pos_app.services.bookings import BookingRequest
from pos_app.services.catalog import ServiceForm
from pos_app.services.people import ResourceForm, UserForm
from pos_app.services.settings import SettingsChange
from pos_app.store.schema import refunds as refunds_table
from tests.integration.helpers import book
from tests.integration.report_fixtures import Shop
from tests.payments import pay

ESC = "\x1b[31mRED\x1b[0m"
BIDI = "\u202egnp.exe"
FAR = date(9999, 12, 31)
FIRST = date(1, 1, 1)


def _request(app: AppContext, **fields: object) -> BookingRequest:
    request = BookingRequest(
        customer_name="Ada Lovelace",
        service_id=app.catalog.find("haircut").id,
        starts_at=datetime.now(UTC) + timedelta(hours=1),
        customer_email="ada@example.com",
    )
    return replace(request, **fields)  # type: ignore[arg-type]


def _count_bookings(app: AppContext) -> int:
    start, end = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    with app.deps.uow() as uow:
        return len(uow.bookings.between(start, end))


@pytest.mark.parametrize("bad", [ESC, BIDI, "\x07", "\u2066x\u2069", "\udcff", "\u200b"])
def test_a_customer_name_with_control_characters_is_refused(app: AppContext, bad: str) -> None:
    before = _count_bookings(app)
    with pytest.raises(FormErrors) as err:
        app.bookings.create(_request(app, customer_name=f"Ada {bad}"))
    assert set(err.value.errors) == {"customer_name"}
    assert "invisible control character" in err.value.errors["customer_name"]
    assert _count_bookings(app) == before


def test_an_email_with_an_escape_is_refused(app: AppContext) -> None:
    with pytest.raises(FormErrors) as err:
        app.bookings.create(_request(app, customer_email="ada\x1b[2J@example.com"))
    assert set(err.value.errors) == {"customer_email"}


def test_correcting_a_customer_checks_the_same_rules(app: AppContext) -> None:
    booking = book(app)
    assert booking.customer_id is not None
    with pytest.raises(FormErrors) as err:
        app.customers.update(booking.customer_id, f"Eve {BIDI}", "", "")
    assert set(err.value.errors) == {"name"}
    assert app.customers.detail(booking.customer_id).customer.name == "Ada Lovelace"


def test_services_staff_rooms_and_the_business_refuse_control_characters(
    app: AppContext,
) -> None:
    with pytest.raises(FormErrors) as err:
        app.catalog.save_service(ServiceForm(None, f"Cut {ESC}", 30, "35.00", "usd"))
    assert "invisible control character" in err.value.errors["name"]
    with pytest.raises(FormErrors) as err:
        app.people.create_user(UserForm(f"Sam{BIDI}", Role.STAFF, "2580", "2580"))
    assert "invisible control character" in err.value.errors["name"]
    with pytest.raises(FormErrors) as err:
        app.people.save_resource(ResourceForm("Room\x072", ResourceKind.ROOM))
    assert "invisible control character" in err.value.errors["name"]
    change = replace(
        SettingsChange.from_view(app.settings.load()), business_name="Salon\x1b]0;owned\x07"
    )
    with pytest.raises(FormErrors) as err:
        app.settings.save(change)
    assert err.value.errors["business_name"].startswith("The business name has an invisible")
    assert all(ESC not in s.name for s in app.catalog.list_services(include_inactive=True))


def test_notes_lose_their_control_characters(app: AppContext) -> None:
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    app.checkout.refresh(view.payment_id)
    app.refunds.refund(booking.id, "10.00", note=f"asked\x07 by\u202e phone{ESC}\r\nok")
    refund = app.bookings.detail(booking.id).refunds[0]
    assert refund.note == "asked by phone[31mRED[0m ok"

    today = app.day_close.today()
    z = app.day_close.close(today, {"usd": "0"}, "short \x1b[2Jby 5\u2066")
    closed = z.close_for("usd")
    assert closed is not None and closed.note == "short [2Jby 5"


@pytest.mark.parametrize("day", [FAR, FIRST, date(1999, 12, 31), date(2100, 1, 1)])
def test_days_outside_the_calendar_are_one_sentence_in_every_service(
    app: AppContext, day: date
) -> None:
    calls = [
        lambda: app.reports.daily(day),
        lambda: app.reports.range(day, day),
        lambda: app.csv_export.export(day, day, app.config.data_dir / "x.csv"),
        lambda: app.day_close.preview(day),
        lambda: app.reconciliation.compare(day, day),
        lambda: app.bookings.list_day(day),
        lambda: app.bookings.day_sheet(day),
    ]
    for call in calls:
        with pytest.raises(FormErrors) as err:
            call()
        assert next(iter(err.value.errors.values())) == OUTSIDE
    assert not (app.config.data_dir / "x.csv").exists()


@pytest.mark.parametrize(
    "starts",
    [
        datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
        datetime(2100, 1, 1, 9, tzinfo=UTC),
    ],
)
def test_a_booking_time_outside_the_calendar_is_refused(app: AppContext, starts: datetime) -> None:
    with pytest.raises(FormErrors) as err:
        app.bookings.create(_request(app, starts_at=starts))
    assert err.value.errors == {"starts_at": OUTSIDE}
    booking: Booking = book(app)
    with pytest.raises(FormErrors) as err:
        app.bookings.move(booking.id, starts, None)
    assert err.value.errors == {"starts_at": OUTSIDE}


@pytest.mark.parametrize("typed", ["1" + "0" * 33, "99999999999999999999", "１２", "٣٥", "1e3"])
def test_amounts_typed_anywhere_are_sentences(app: AppContext, typed: str) -> None:
    booking = book(app)
    with pytest.raises(ValidationError):
        app.cash.record(booking.id, typed)
    with pytest.raises(ValidationError):
        app.checkout.start(booking.id, typed)
    with pytest.raises(FormErrors) as err:
        app.bookings.create(_request(app, price_text=typed))
    assert set(err.value.errors) == {"price"}
    with pytest.raises(FormErrors) as err:
        app.day_close.close(app.day_close.today(), {"usd": typed})
    assert set(err.value.errors) == {"counted_usd"}
    assert not app.day_close.preview(app.day_close.today()).is_closed
    with app.deps.uow() as uow:
        assert uow.payments.for_booking(booking.id) == []


def test_a_500_character_failure_reason_marks_the_refund_failed(
    tmp_path: Path, database_url: str | None
) -> None:
    """Stripe's words of any length are stored: VARCHAR(120) made PostgreSQL refuse the
    write that marks the refund failed, so it stayed "in progress" holding the money."""
    assert isinstance(refunds_table.c.failure_reason.type, Text)
    assert refunds_table.c.failure_reason.type.length is None
    shop = Shop(tmp_path, database_url)
    booking = shop.booking()
    payment = shop.card(booking, 3500, shop.local(2026, 6, 10, 10), fee=132)
    creating = shop.refund(payment, 1000, shop.local(2026, 6, 10, 11), status=RefundStatus.CREATING)
    reason = "The bank refused the refund: " + "r" * 471
    assert len(reason) == 500
    settle.mark_refund_failed(shop.deps, creating, reason)
    with shop.uow() as uow:
        stored = uow.refunds.get(creating)
    assert stored is not None and stored.status is RefundStatus.FAILED
    assert stored.failure_reason == reason

    later = shop.refund(payment, 500, shop.local(2026, 6, 10, 12), status=RefundStatus.PENDING)
    with shop.uow() as uow:
        pending = uow.refunds.get(later)
    assert pending is not None and pending.stripe_refund_id is not None
    info = RefundInfo(
        id=pending.stripe_refund_id,
        status="failed",
        amount=500,
        currency="usd",
        payment_intent_id=f"pi_{payment}",
        failure_reason="\x1b[2J" + "x" * 3000,
    )
    settle.apply_refund(shop.deps, later, info)
    with shop.uow() as uow:
        failed = uow.refunds.get(later)
    assert failed is not None and failed.status is RefundStatus.FAILED
    assert failed.failure_reason is not None and "\x1b" not in failed.failure_reason
    assert len(failed.failure_reason) == 1000 and failed.failure_reason.endswith("…")
