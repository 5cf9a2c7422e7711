"""A day prepared in the background: the signature that lets an unchanged reload do nothing,
the list's texts, and the schedule drawn only when something changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from zoneinfo import ZoneInfo

from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.people import Resource
from pos_app.services.bookings import DaySheet
from pos_app.ui.day.day_load_state import (
    DayRequest,
    _values,
    load_and_prepare,
    prepare_day,
    row_texts,
    sheet_signature,
)
from pos_app.ui.day.schedule_layout import DayLayout

DAY = date(2026, 11, 22)
START = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
REQUEST = DayRequest(UTC, None)


def booking(booking_id: str = "bk_1", **kw: object) -> Booking:
    base = Booking(
        id=booking_id,
        customer_name="Ana Silva",
        service_id="svc_1",
        service_name="Cut & colour",
        starts_at=START,
        ends_at=START + timedelta(minutes=45),
        price_amount=3500,
        currency="usd",
        created_at=START - timedelta(days=1),
        resource_id="res_priya",
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def resource(resource_id: str = "res_priya", name: str = "Priya") -> Resource:
    return Resource(id=resource_id, name=name)


def sheet(*bookings: Booking, resources: tuple[Resource, ...] | None = None) -> DaySheet:
    shown = [resource()] if resources is None else list(resources)
    return DaySheet(DAY, shown, list(bookings))


def test_the_same_sheet_loaded_again_has_the_same_signature() -> None:
    # Fresh objects each load (as the database hands them out), equal values.
    assert sheet_signature(sheet(booking()), REQUEST) == sheet_signature(sheet(booking()), REQUEST)


def test_anything_shown_changes_the_signature() -> None:
    base = sheet_signature(sheet(booking()), REQUEST)
    changed = [
        sheet(booking(status=BookingStatus.PAID, paid_amount=3500)),
        sheet(booking(customer_name="Ana Sousa")),
        sheet(booking(starts_at=START + timedelta(minutes=15))),
        sheet(booking(), booking("bk_2")),
        sheet(booking(), resources=(resource(name="Priya R."),)),
    ]
    for other in changed:
        assert sheet_signature(other, REQUEST) != base
    assert sheet_signature(sheet(booking()), DayRequest(ZoneInfo("Europe/Lisbon"), None)) != base
    assert sheet_signature(sheet(booking()), DayRequest(UTC, "res_priya")) != base


def test_row_texts_are_the_lists_columns() -> None:
    paid = booking(status=BookingStatus.PAID, paid_amount=3500)
    assert row_texts(paid, UTC, {"res_priya": "Priya"}) == (
        "14:00",
        "Ana Silva",
        "Cut & colour",
        "Priya",
        "$35.00",
        "Paid",
        "$35.00",
    )
    anyone = row_texts(booking(resource_id=None), ZoneInfo("Europe/Lisbon"), {})
    assert anyone[0] == "14:00" and anyone[3] == "Anyone" and anyone[6] == "—"
    assert row_texts(booking(), UTC, {})[3] == "—"  # a resource no longer listed


def test_the_staff_filter_keeps_one_persons_rows_and_column() -> None:
    jordan = booking("bk_2", resource_id="res_jordan")
    day = sheet(booking(), jordan, resources=(resource(), resource("res_jordan", "Jordan")))
    prepared = prepare_day(day, DayRequest(UTC, "res_jordan"))
    assert prepared.rows == [jordan]
    assert [c[1] for c in prepared.cells] == ["Ana Silva"]
    assert [c.key for c in prepared.layout.columns] == ["res_jordan"]


def test_the_schedule_is_drawn_only_when_the_day_changed() -> None:
    drawn: list[DayLayout] = []

    def render(layout: DayLayout) -> str:
        drawn.append(layout)
        return "image"

    first = load_and_prepare(lambda: sheet(booking()), REQUEST, render=render)()
    assert first.rendered == "image" and len(drawn) == 1
    same = prepare_day(sheet(booking()), REQUEST, shown=first.signature, render=render)
    assert same.rendered is None and len(drawn) == 1  # already on screen: nothing drawn
    moved = sheet(booking(starts_at=START + timedelta(hours=1)))
    assert prepare_day(moved, REQUEST, shown=first.signature, render=render).rendered == "image"
    assert len(drawn) == 2


def test_a_days_rows_share_texts_yet_each_reads_its_own() -> None:
    # Texts many rows share (a start time, a price) are worked out once per load: each row
    # still reads as it would alone, in every time zone, price, currency and net paid.
    rows = [
        booking("bk_1"),
        booking("bk_2", price_amount=5000),
        booking("bk_3", currency="eur"),
        booking("bk_4", starts_at=START + timedelta(minutes=15), price_amount=5000),
        booking("bk_5", status=BookingStatus.PAID, paid_amount=3500),
        booking("bk_6", status=BookingStatus.PAID, paid_amount=5000, price_amount=5000),
        booking("bk_7", paid_amount=3500, refunded_amount=1000, currency="eur"),
    ]
    for tz in (UTC, ZoneInfo("Asia/Dhaka")):
        prepared = prepare_day(sheet(*rows), DayRequest(tz, None))
        alone = [row_texts(b, tz, {"res_priya": "Priya"}) for b in rows]
        assert prepared.cells == alone
    assert [c[4] for c in alone[:3]] == ["$35.00", "$50.00", "€35.00"]
    assert [c[6] for c in alone[4:]] == ["$35.00", "$50.00", "€25.00"]


def test_the_signature_reads_a_field_not_loaded_the_usual_way() -> None:
    class Partly:
        def __init__(self) -> None:
            self.a = 1

        @property
        def b(self) -> int:  # as an attribute SQLAlchemy would load on access
            return 2

    assert _values(Partly(), ("a", "b"), itemgetter("a", "b")) == (1, 2)
    full = booking()
    assert _values(full, ("id", "customer_name"), itemgetter("id", "customer_name")) == (
        "bk_1",
        "Ana Silva",
    )


def test_an_unchanged_reload_works_nothing_more_out() -> None:
    # The periodic reload after each sync pass mostly brings what is shown: the signature
    # says so, and the rows, texts and layout are not worked out again.
    shown = prepare_day(sheet(booking()), REQUEST)
    same = prepare_day(sheet(booking()), REQUEST, shown=shown.signature)
    assert not same.prepared and same.rows == [] and same.cells == []
    assert same.usable(REQUEST, shown.signature)
    # Not if something else is on screen by the time it lands, nor for another filter.
    assert not same.usable(REQUEST, None)
    assert not same.usable(REQUEST, prepare_day(sheet(), REQUEST).signature)
    assert not same.usable(DayRequest(UTC, "res_priya"), shown.signature)
    changed = prepare_day(sheet(booking(customer_name="Ana Sousa")), REQUEST, shown=shown.signature)
    assert changed.prepared and [c[1] for c in changed.cells] == ["Ana Sousa"]
    assert changed.usable(REQUEST, None) and changed.usable(REQUEST, shown.signature)
