"""A new booking creates its order in the same transaction (issue 14, docs/orders.md 2.1):
the service as its first line, the price as booked, the service's tax rate, the booking's
customer; the booking's price is the order's total. A refused booking stores no order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from pos_app.app import AppContext
from pos_app.domain.errors import FormErrors, SlotTakenError
from pos_app.domain.orders import LineKind, OrderStatus
from pos_app.domain.pricing import TipBase
from pos_app.services.bookings import BookingRequest
from pos_app.services.catalog import ServiceForm
from pos_app.store.schema import orders


def _when(days: int = 1) -> datetime:
    return datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=days)


def _count(app: AppContext) -> int:
    with app.deps.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        return int(session.execute(select(func.count()).select_from(orders)).scalar_one())


def test_a_booking_owns_an_order_priced_as_booked(app: AppContext) -> None:
    booking = app.bookings.create(
        BookingRequest(
            "Ada", "svc_haircut", _when(), customer_email="ada@example.com", price_text="41.50"
        )
    )
    with app.deps.uow() as uow:
        order = uow.orders.for_booking(booking.id)
    assert order is not None and order.booking_id == booking.id
    assert order.status is OrderStatus.OPEN and order.number is not None
    (line,) = order.lines
    assert (line.position, line.kind, line.item_id) == (1, LineKind.SERVICE, "svc_haircut")
    assert (line.line.name, line.line.unit_amount.amount, line.line.quantity) == (
        booking.service_name,
        4150,
        1,
    )
    assert (order.subtotal, order.tax, order.total) == (4150, 0, 4150)
    assert order.total == booking.price_amount  # no add-ons: the booking's price is the total
    assert (order.customer.name, order.customer.email) == ("Ada", "ada@example.com")
    assert order.customer.customer_id == booking.customer_id


def test_a_taxed_service_puts_its_tax_in_the_booking_price(app: AppContext) -> None:
    service = app.catalog.save_service(
        ServiceForm(None, "Colour", 60, "80.00", "usd", tax_rate_text="8.875")
    )
    booking = app.bookings.create(BookingRequest("Bo", service.id, _when()))
    with app.deps.uow() as uow:
        order = uow.orders.for_booking(booking.id)
    assert order is not None
    # 8000 × 8.875 % = 710 tax, added: 8710, which the booking now costs.
    assert (order.subtotal, order.tax, order.total) == (8000, 710, 8710)
    assert order.lines[0].line.tax_rate.thousandths == 8875
    assert booking.price_amount == 8710
    # With prices that include tax the total is the price, the tax inside it:
    # 8000 × 8.875 / 108.875 = 652.1… → 652.
    app.pricing.save(
        prices_include_tax=True, tip_base=TipBase.BEFORE_TAX, manager_discount_text="20"
    )
    included = app.bookings.create(BookingRequest("Cy", service.id, _when(2)))
    with app.deps.uow() as uow:
        order = uow.orders.for_booking(included.id)
    assert order is not None and (order.tax, order.total) == (652, 8000)
    assert included.price_amount == 8000


def test_a_refused_booking_stores_no_order(app: AppContext) -> None:
    before = _count(app)
    with pytest.raises(FormErrors):
        app.bookings.create(BookingRequest("Ada", "svc_haircut", _when(), price_text="-1"))
    first = app.bookings.create(
        BookingRequest("Ada", "svc_haircut", _when(3), resource_id="res_priya")
    )
    with pytest.raises(SlotTakenError):
        app.bookings.create(BookingRequest("Bo", "svc_haircut", _when(3), resource_id="res_priya"))
    assert _count(app) == before + 1
    with app.deps.uow() as uow:
        assert uow.orders.for_booking(first.id) is not None
