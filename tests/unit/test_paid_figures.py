"""The money figures of a booking and of an order as the payable come from one rule
(``domain.money.PaidFigures``): what is still due, kept and overpaid, figured by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pos_app.domain.booking import Booking
from pos_app.domain.money import Money
from pos_app.domain.orders import LineKind, Order
from pos_app.domain.payable import OrderMoney, Payable
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import OrderLine, TipBase, price_order

AT = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def _booking(price: int, paid: int, refunded: int) -> Booking:
    return Booking(
        id="bk_1",
        customer_name="Ada Lovelace",
        service_id="svc_haircut",
        service_name="Haircut",
        starts_at=AT,
        ends_at=AT + timedelta(minutes=30),
        price_amount=price,
        currency="usd",
        created_at=AT,
        paid_amount=paid,
        refunded_amount=refunded,
    )


def _payable(price: int, paid: int, refunded: int) -> Payable:
    totals = price_order(
        [OrderLine("Shampoo", Money(price, "usd"), 1, Percent(0))],
        order_discount=None,
        tip=None,
        prices_include_tax=False,
        tip_base=TipBase.BEFORE_TAX,
    )
    order = Order.build(
        id="ord_x",
        items=[(LineKind.PRODUCT, "prd_sh")],
        totals=totals,
        tip_base=TipBase.BEFORE_TAX,
        created_at=AT,
        created_by_name="",
    )
    assert order.total == price
    money = OrderMoney(paid_amount=paid, refunded_amount=refunded)
    return Payable.of(replace(order, number=1), None, money)


# (price, paid, refunded) -> (balance due, kept, overpaid), in cents, by hand.
CASES = [
    ((3500, 0, 0), (3500, 0, 0)),  # nothing paid yet
    ((3500, 1000, 0), (2500, 1000, 0)),  # a part paid
    ((3500, 3500, 0), (0, 3500, 0)),  # paid in full
    ((3500, 7000, 0), (0, 7000, 3500)),  # paid twice: overpaid by the price
    ((3500, 7000, 3500), (0, 3500, 0)),  # the excess refunded
    ((3500, 3500, 3500), (0, 0, 0)),  # refunded in full: nothing due again
]


@pytest.mark.parametrize(("figures", "expected"), CASES)
@pytest.mark.parametrize("make", [_booking, _payable], ids=["booking", "order"])
def test_due_kept_and_overpaid_by_one_rule(
    make: object, figures: tuple[int, int, int], expected: tuple[int, int, int]
) -> None:
    price, paid, refunded = figures
    thing = make(price, paid, refunded)  # type: ignore[operator]
    due, kept, over = expected
    assert thing.price == Money(price, "usd")
    assert (thing.paid, thing.refunded) == (Money(paid, "usd"), Money(refunded, "usd"))
    assert thing.balance_due == Money(due, "usd")
    assert thing.net_paid == Money(kept, "usd")
    assert thing.overpaid == Money(over, "usd")
