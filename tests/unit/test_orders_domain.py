"""domain.orders: item text, discount and tip text, statuses that only move forward, and an
order built from price_order's result that works its own figures out again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pos_app.domain.errors import InvalidStateError, ValidationError
from pos_app.domain.money import Money
from pos_app.domain.orders import (
    LineKind,
    Order,
    OrderStatus,
    advance,
    money_status,
    parse_discount,
    parse_item,
    parse_tip,
)
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import Discount, OrderLine, Tip, TipBase, price_order


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shampoo x2", ("Shampoo", 2)),
        ("  Shampoo   X12 ", ("Shampoo", 12)),
        ("Shampoo ×3", ("Shampoo", 3)),
        ("SH-500", ("SH-500", 1)),
        ("Box x2 x3", ("Box x2", 3)),  # only the last "xN" is a quantity
        ("Shampoo x", ("Shampoo x", 1)),
        ("x2", ("x2", 1)),  # a name, not a quantity of nothing
        ("Massage (60 min)", ("Massage (60 min)", 1)),
    ],
)
def test_item_text(text: str, expected: tuple[str, int]) -> None:
    assert parse_item(text) == expected


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("", 'Name an item to sell, like "Shampoo x2".'),
        ("Gel x0", "Choose a quantity from 1 to 999 for Gel."),
        ("Gel x1000", "Choose a quantity from 1 to 999 for Gel."),
        ("G" * 161, "An item's name is at most 160 characters."),
    ],
)
def test_item_text_refused(text: str, sentence: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_item(text)
    assert refused.value.message == sentence


def test_discount_and_tip_text() -> None:
    assert parse_discount("10%", "usd") == Discount.of_percent(Percent(10_000))
    assert parse_discount("12.5 %", "usd") == Discount.of_percent(Percent(12_500))
    assert parse_discount("5.00", "usd") == Discount.of_amount(Money(500, "usd"))
    assert parse_discount("500", "jpy") == Discount.of_amount(Money(500, "jpy"))
    assert parse_tip("15%", "usd") == Tip(percent=Percent(15_000))
    assert parse_tip("3", "usd") == Tip(amount=Money(300, "usd"))
    for text, sentence in (
        ("0%", "The discount must be more than 0 %."),
        ("0.00", "The discount must be more than zero."),
        ("101%", "The discount can be at most 100 %."),
        ("5.001", "USD amounts have at most 2 decimal places."),
    ):
        with pytest.raises(ValidationError) as refused:
            parse_discount(text, "usd")
        assert refused.value.message == sentence


def test_statuses_only_move_forward() -> None:
    assert advance(OrderStatus.OPEN, OrderStatus.PAID) is OrderStatus.PAID
    assert advance(OrderStatus.PAID, OrderStatus.PAID) is OrderStatus.PAID  # a no-op
    assert advance(OrderStatus.PAID, OrderStatus.REFUNDED) is OrderStatus.REFUNDED
    assert advance(OrderStatus.OPEN, OrderStatus.VOID) is OrderStatus.VOID
    # One whole sentence per status the order is in (issue 15: no status word pasted in).
    for current, new, sentence in (
        (OrderStatus.PAID, OrderStatus.OPEN, "This order is paid: it can only be refunded."),
        (
            OrderStatus.REFUNDED,
            OrderStatus.PARTIALLY_REFUNDED,
            "This order is refunded: its status cannot change any more.",
        ),
        (
            OrderStatus.VOID,
            OrderStatus.PAID,
            "This order is void: its status cannot change any more.",
        ),
        (OrderStatus.PAID, OrderStatus.VOID, "This order is paid: it can only be refunded."),
        (
            OrderStatus.OPEN,
            OrderStatus.REFUNDED,
            "This order is open: it can only be paid or voided.",
        ),
        (
            OrderStatus.PARTIALLY_REFUNDED,
            OrderStatus.OPEN,
            "This order is partly refunded: it can only be refunded further.",
        ),
    ):
        with pytest.raises(InvalidStateError) as refused:
            advance(current, new)
        assert refused.value.message == sentence


def test_an_order_built_from_its_pricing_works_the_same_figures_out_again() -> None:
    lines = [
        OrderLine("Shampoo", Money(1200, "usd"), 2, Percent(8875)),
        OrderLine("Haircut", Money(3500, "usd"), 1, discount=Discount.of_amount(Money(500, "usd"))),
    ]
    discount, tip = Discount.of_percent(Percent(10_000)), Tip(percent=Percent(15_000))
    totals = price_order(lines, order_discount=discount, tip=tip, tip_base=TipBase.BEFORE_TAX)
    order = Order.build(
        id="ord_1",
        items=[(LineKind.PRODUCT, "prod_1"), (LineKind.SERVICE, "svc_haircut")],
        totals=totals,
        tip_base=TipBase.BEFORE_TAX,
        created_at=datetime(2026, 12, 6, tzinfo=UTC),
        created_by_name="Sam",
        order_discount=discount,
        tip_input=tip,
    )
    assert order.status is OrderStatus.OPEN
    assert [(s.position, s.kind, s.item_id) for s in order.lines] == [
        (1, LineKind.PRODUCT, "prod_1"),
        (2, LineKind.SERVICE, "svc_haircut"),
    ]
    # Haircut: 500 off its own 3500, then 10 % of (2400 + 3000) = 540 shared 240 / 300.
    assert [(s.line_discount, s.order_discount, s.discount) for s in order.lines] == [
        (0, 240, 240),
        (500, 300, 800),
    ]
    # Shampoo 2160 + 192 tax; Haircut 2700 untaxed; tip 15 % of 4860 = 729.
    assert [s.amount for s in order.lines] == [2352, 2700]
    assert (order.subtotal, order.discount, order.tax, order.tip, order.total) == (
        5900,
        1040,
        192,
        729,
        5781,
    )
    assert order.repriced() == totals
    with pytest.raises(ValueError, match="one"):
        Order.build(
            id="ord_2",
            items=[(LineKind.PRODUCT, "prod_1")],
            totals=totals,
            tip_base=TipBase.BEFORE_TAX,
            created_at=datetime(2026, 12, 6, tzinfo=UTC),
            created_by_name="Sam",
        )


@pytest.mark.parametrize(
    ("paid", "refunded", "given_up", "expected"),
    [
        (0, 0, False, OrderStatus.OPEN),  # nothing paid yet
        (0, 0, True, OrderStatus.VOID),  # cancelled or not shown with nothing paid
        (1000, 0, False, OrderStatus.OPEN),  # a deposit: still due
        (1000, 0, True, OrderStatus.OPEN),  # cancelled, deposit kept: stays as it is
        (6113, 0, False, OrderStatus.PAID),
        (6200, 0, False, OrderStatus.PAID),  # overpaid is paid (the booking says overpaid)
        (12226, 6113, False, OrderStatus.PAID),  # only the excess given back: simply paid
        (12226, 6114, False, OrderStatus.PARTIALLY_REFUNDED),  # a cent of the sale too
        (6113, 1, False, OrderStatus.PARTIALLY_REFUNDED),
        (6113, 6112, True, OrderStatus.PARTIALLY_REFUNDED),
        (6113, 6113, False, OrderStatus.REFUNDED),
        (1000, 1000, True, OrderStatus.REFUNDED),  # a deposit given back
    ],
)
def test_an_orders_status_is_a_summary_of_its_money(
    paid: int, refunded: int, given_up: bool, expected: OrderStatus
) -> None:
    assert money_status(6113, paid, refunded, given_up=given_up) is expected
