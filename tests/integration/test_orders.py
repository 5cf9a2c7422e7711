"""OrderService.create_walk_in over a real database: the manager-discount rule, snapshots a
later catalogue or settings change never alters, customers, numbers, the audit entry, and
the database's own refusals of figures that do not add up."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.domain.errors import InvalidStateError, NotFoundError
from pos_app.domain.orders import LineKind, OrderStatus
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import AuditQuery
from pos_app.domain.pricing import TipBase
from pos_app.services.bookings import BookingRequest
from pos_app.services.orders import SaleItem, SaleRequest
from pos_app.services.products import ProductForm
from pos_app.services.promo_codes import PromoForm

STAFF = Actor("u_sam", "Sam", Role.STAFF)
MANAGER_NEEDED = (
    "A discount above 20% of the order needs a manager; ask one to sign in and give it."
)


def _shampoo(app: AppContext, **changes: object) -> str:
    form = ProductForm(
        id=None,
        name="Shampoo",
        price_text="12.00",
        currency="usd",
        stock=5,
        sku="SH-500",
        tax_rate_text="8.875",
    )
    return app.products.save_product(replace(form, **changes)).id  # type: ignore[arg-type]


def _count_orders(app: AppContext) -> int:
    from sqlalchemy import func, select

    from pos_app.store.schema import orders

    with app.deps.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        return int(session.execute(select(func.count()).select_from(orders)).scalar_one())


def test_staff_give_up_to_the_limit_and_a_manager_above_it(app: AppContext) -> None:
    _shampoo(app)
    # 20 % of 2400 is exactly the limit: anyone may give it.
    at_limit = app.orders.create_walk_in(
        SaleRequest([SaleItem("Shampoo", 2)], discount_text="20%"), STAFF
    )
    assert (at_limit.discount, at_limit.created_by_name) == (480, "Sam")
    # One cent above it (4.81 of 24.00), or 21 %: a manager's.
    for text in ("4.81", "21%"):
        with pytest.raises(InvalidStateError) as refused:
            app.orders.create_walk_in(
                SaleRequest([SaleItem("Shampoo", 2)], discount_text=text), STAFF
            )
        assert refused.value.message == MANAGER_NEEDED
    assert _count_orders(app) == 1
    given = app.orders.create_walk_in(SaleRequest([SaleItem("Shampoo", 2)], discount_text="21%"))
    assert given.discount == 504  # the desk's manager: 2400 × 21 % = 504
    # A promo code's discount is not given by hand: staff may use a 50 % code.
    app.promo_codes.add_code(PromoForm(code="HALF", currency="usd", percent_text="50"))
    coded = app.orders.create_walk_in(SaleRequest([SaleItem("Shampoo")], promo_code="half"), STAFF)
    assert (coded.discount, coded.promo_code) == (600, "HALF")
    # ...but a discount on a line is, even next to a code.
    with pytest.raises(InvalidStateError) as refused:
        app.orders.create_walk_in(
            SaleRequest([SaleItem("Shampoo", discount_text="30%")], promo_code="half"), STAFF
        )
    assert refused.value.message == MANAGER_NEEDED


def test_a_later_catalogue_or_settings_change_never_alters_an_order(app: AppContext) -> None:
    product_id = _shampoo(app)
    made = app.orders.create_walk_in(
        SaleRequest(
            [SaleItem("sh-500", 2), SaleItem("Haircut")], discount_text="10%", tip_text="15%"
        )
    )
    assert [(s.kind, s.item_id) for s in made.lines] == [
        (LineKind.PRODUCT, product_id),
        (LineKind.SERVICE, "svc_haircut"),
    ]
    app.products.save_product(
        ProductForm(
            id=product_id,
            name="Shampoo deluxe",
            price_text="15.00",
            currency="usd",
            sku="SH-500",
            tax_rate_text="20",
        )
    )
    app.pricing.save(prices_include_tax=True, tip_base=TipBase.AFTER_TAX, manager_discount_text="5")
    again = app.orders.get(made.id)
    assert again == made
    assert again.number is not None and again.status is OrderStatus.OPEN
    # What it stores is enough to work every figure out again, and they agree.
    priced = again.repriced()
    assert (priced.subtotal, priced.discount, priced.tax, priced.tip, priced.total) == (
        5900,
        590,
        192,
        797,
        6299,
    )
    assert (again.subtotal, again.discount, again.tax, again.tip, again.total) == (
        5900,
        590,
        192,
        797,
        6299,
    )
    assert [s.amount for s in again.lines] == [p.amount(False) for p in priced.lines]
    # The next order is priced by the new settings (tax included at 20 %).
    later = app.orders.create_walk_in(SaleRequest([SaleItem("Shampoo deluxe")]))
    # 1500 × 20 / 120 = 250 of tax inside the price.
    assert (later.total, later.tax, later.prices_include_tax) == (1500, 250, True)
    assert later.number == (made.number or 0) + 1


def test_customers_numbers_and_the_audit_entry(app: AppContext) -> None:
    _shampoo(app)
    first = app.orders.create_walk_in(
        SaleRequest(
            [SaleItem("Shampoo")], customer_name="Ada Lovelace", customer_email="ada@example.com"
        )
    )
    second = app.orders.create_walk_in(
        SaleRequest([SaleItem("Shampoo")], customer_name="Ada", customer_email="ADA@example.com")
    )
    named = app.orders.create_walk_in(SaleRequest([SaleItem("Shampoo")], customer_name="Bo"))
    nobody = app.orders.create_walk_in(SaleRequest([SaleItem("Shampoo")]))
    assert first.customer.customer_id is not None
    assert second.customer.customer_id == first.customer.customer_id  # the same email
    assert (named.customer.name, named.customer.customer_id) == ("Bo", None)
    assert nobody.customer.name == ""
    numbers = [o.number for o in (first, second, named, nobody)]
    assert numbers == sorted(numbers) and len(set(numbers)) == 4
    with app.deps.uow() as uow:
        entries = uow.audit.query(AuditQuery(actions=frozenset({AuditAction.ORDER_CREATED})))
    assert len(entries) == 4
    assert (entries[-1].amount, entries[-1].currency) == (1307, "usd")  # 1200 + 107 tax
    assert entries[-1].detail == f"Order {first.number} ({first.id}): Shampoo; total $13.07, open"


def test_items_named_twice_switched_off_or_unknown_are_refused(app: AppContext) -> None:
    product_id = _shampoo(app)
    app.products.save_product(
        ProductForm(
            id=None, name="Haircut", price_text="5.00", currency="usd", sku="HC-KIT", stock=2
        )
    )
    with pytest.raises(InvalidStateError) as twice:
        app.orders.create_walk_in(SaleRequest([SaleItem("haircut")]))
    assert twice.value.message == (
        "Both a product and a service are called Haircut; sell the product by its SKU, "
        "or rename one of them."
    )
    # The SKU names the product alone; the service's id names the service.
    kit = app.orders.create_walk_in(SaleRequest([SaleItem("HC-KIT"), SaleItem("svc_haircut")]))
    assert [(s.kind, s.line.name) for s in kit.lines] == [
        (LineKind.PRODUCT, "Haircut"),
        (LineKind.SERVICE, "Haircut"),
    ]
    app.products.save_product(
        ProductForm(
            id=product_id,
            name="Shampoo",
            price_text="12.00",
            currency="usd",
            sku="SH-500",
            active=False,
        )
    )
    with pytest.raises(InvalidStateError) as off:
        app.orders.create_walk_in(SaleRequest([SaleItem("Shampoo")]))
    assert (
        off.value.message == "Shampoo is not sold any more (it is switched off in the catalogue)."
    )
    with pytest.raises(NotFoundError):
        app.orders.get("ord_nothing")
    assert _count_orders(app) == 1


def test_the_database_refuses_figures_that_do_not_add_up(app: AppContext) -> None:
    _shampoo(app)
    made = app.orders.create_walk_in(SaleRequest([SaleItem("Shampoo")], tip_text="1.00"))
    bad = [
        replace(made, id="ord_bad1", total=made.total + 1),  # total ≠ its parts
        replace(made, id="ord_bad2", discount=made.subtotal + 1),  # more off than the order
        # A line with more off than it costs.
        replace(made, id="ord_bad3", lines=(replace(made.lines[0], line_discount=1201),)),
        replace(made, id="ord_bad4", booking_id="bk_missing"),  # no such booking
    ]
    for order in bad:
        with pytest.raises(IntegrityError), app.deps.uow(write=True) as uow:
            uow.orders.add(order)
            uow.commit()
    assert _count_orders(app) == 1


def test_a_booking_owns_at_most_one_order(app: AppContext) -> None:
    _shampoo(app)
    booking = app.bookings.create(
        BookingRequest(
            "Ada", "svc_haircut", datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
        )
    )
    made = app.orders.create_walk_in(SaleRequest([SaleItem("Haircut")]))
    # The booking made its own order when it was created (services/booking_orders.py).
    with app.deps.uow() as uow:
        owned = uow.orders.for_booking(booking.id)
    assert owned is not None and owned.id != made.id and owned.number != made.number
    with pytest.raises(IntegrityError), app.deps.uow(write=True) as uow:
        uow.orders.add(replace(made, id="ord_b2", booking_id=booking.id))
        uow.commit()
