"""An order's Checkout line items, worked out by hand from the sell tests' orders, then the
invariant: whatever the order, the items add up to the amount asked, exactly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_app.domain import currency as cur
from pos_app.domain.checkout_lines import (
    MAX_ITEMS,
    CheckoutLine,
    PartKind,
    checkout_lines,
    part_kind,
)
from pos_app.domain.money import Money
from pos_app.domain.orders import LineKind, Order
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import Discount, OrderLine, Tip, TipBase, price_order
from tests.unit.test_pricing import orders as priced_orders


def usd(cents: int) -> Money:
    return Money(cents, "usd")


def pct(text: str) -> Percent:
    return Percent.of(text)


def make_order(
    lines: Sequence[OrderLine],
    *,
    discount: Discount | None = None,
    tip: Tip | None = None,
    included: bool = False,
    number: int | None = 12,
) -> Order:
    totals = price_order(lines, order_discount=discount, tip=tip, prices_include_tax=included)
    order = Order.build(
        id="ord_test",
        items=[(LineKind.PRODUCT, f"prod_{i}") for i in range(len(lines))],
        totals=totals,
        tip_base=TipBase.BEFORE_TAX,
        created_at=datetime(2026, 12, 6, tzinfo=UTC),
        created_by_name="Sam",
        order_discount=discount,
        tip_input=tip,
    )
    return replace(order, number=number)


SHAMPOO = OrderLine("Shampoo", usd(1200), 2, pct("8.875"))
HAIRCUT = OrderLine("Haircut", usd(3500), 1)


def test_ten_percent_off_tax_added_and_a_tip_total_6299() -> None:
    # The sell test's order: Shampoo 2 × 1200 = 2400, Haircut 3500; 10 % = 590, shared 240
    # and 350; Shampoo's net 2160, its tax 191.7 → 192; Haircut 3150; tip 15 % of 5310 =
    # 796.5 → 797. Total 6299.
    order = make_order(
        [SHAMPOO, HAIRCUT], discount=Discount.of_percent(pct("10")), tip=Tip(pct("15"))
    )
    assert order.total == 6299
    assert checkout_lines(order) == (
        CheckoutLine("2 × Shampoo", 2160, "2 × $12.00 · $2.40 off (10%)"),
        CheckoutLine("Haircut", 3150, "$3.50 off (10%)"),
        CheckoutLine("Tax 8.875%", 192),
        CheckoutLine("Tip", 797, "15%"),
    )
    # 2160 + 3150 + 192 + 797 = 6299
    assert sum(item.amount for item in checkout_lines(order)) == 6299


def test_prices_including_tax_have_no_tax_line_and_say_the_tax_inside() -> None:
    # The sell test's promo order with prices including tax: Shampoo 2 × 1200 and Serum 999
    # at 20 %, 10 % off (240 and 100), nets 2160 (176 tax inside) and 899 (150 inside); tip
    # 10 % of 3059 − 326 = 2733 → 273. Total 3332.
    serum = OrderLine("Serum", usd(999), 1, pct("20"))
    order = make_order(
        [SHAMPOO, serum], discount=Discount.of_percent(pct("10")), tip=Tip(pct("10")), included=True
    )
    assert order.total == 3332
    assert checkout_lines(order) == (
        CheckoutLine(
            "2 × Shampoo", 2160, "2 × $12.00 · $2.40 off (10%) · includes $1.76 tax (8.875%)"
        ),
        CheckoutLine("Serum", 899, "$1.00 off (10%) · includes $1.50 tax (20%)"),
        CheckoutLine("Tip", 273, "10%"),
    )


def test_a_fixed_discount_has_no_percent_and_a_fixed_tip_no_description() -> None:
    # The sell test's second order: Gel 3 × 333 = 999, Shampoo 1200; 5.00 off shared 227
    # and 273; nets 772 and 927, Shampoo's tax 82; tip 3.00. Total 999 + 1200 − 500 + 82 +
    # 300 = 2081. Gel's 772 does not divide by 3: that is why every item is quantity 1.
    gel = OrderLine("Gel", usd(333), 3)
    shampoo = OrderLine("Shampoo", usd(1200), 1, pct("8.875"))
    order = make_order(
        [gel, shampoo], discount=Discount.of_amount(usd(500)), tip=Tip(amount=usd(300))
    )
    assert order.total == 2081
    assert checkout_lines(order) == (
        CheckoutLine("3 × Gel", 772, "3 × $3.33 · $2.27 off"),
        CheckoutLine("Shampoo", 927, "$2.73 off"),
        CheckoutLine("Tax 8.875%", 82),
        CheckoutLine("Tip", 300),
    )


def test_a_line_with_nothing_to_say_has_no_description_and_no_tip_no_tip_line() -> None:
    order = make_order(
        [HAIRCUT, OrderLine("Gel", usd(333), 1, discount=Discount.of_percent(pct("50")))]
    )
    # Gel: 50 % of 333 = 166.5 → 167 off its own line; 166 left, untaxed.
    assert checkout_lines(order) == (
        CheckoutLine("Haircut", 3500),
        CheckoutLine("Gel", 166, "$1.67 off (50%)"),
    )


def test_tax_lines_one_per_rate_highest_first_and_none_for_zero() -> None:
    serum = OrderLine("Serum", usd(1000), 1, pct("20"))
    wax = OrderLine("Wax", usd(1000), 1, pct("20"))
    # Shampoo 2400 × 8.875 % = 213; Serum and Wax 200 each at 20 %.
    order = make_order([SHAMPOO, serum, HAIRCUT, wax])
    assert [item for item in checkout_lines(order) if item.name.startswith("Tax")] == [
        CheckoutLine("Tax 20%", 400),
        CheckoutLine("Tax 8.875%", 213),
    ]


@pytest.mark.parametrize(
    ("part", "name"),
    [
        (PartKind.DEPOSIT, "Deposit for order 12"),
        (PartKind.CARD_PART, "Card part of order 12"),
        (PartKind.BALANCE, "Balance of order 12"),
    ],
)
def test_a_part_is_one_item_with_the_amount_asked(part: PartKind, name: str) -> None:
    order = make_order(
        [SHAMPOO, HAIRCUT], discount=Discount.of_percent(pct("10")), tip=Tip(pct("15"))
    )
    # Described by what the order holds, so the customer sees what the part pays for.
    about = "2 × Shampoo, Haircut · order total $62.99"
    assert checkout_lines(order, 2000, part) == (CheckoutLine(name, 2000, about),)
    # The whole total asked as an amount is the itemised order, not a part.
    assert checkout_lines(order, 6299, part) == checkout_lines(order)


def test_an_unstored_order_is_named_by_its_id() -> None:
    order = make_order([HAIRCUT], number=None)
    assert checkout_lines(order, 1000) == (
        CheckoutLine("Deposit for order ord_test", 1000, "Haircut · order total $35.00"),
    )


def test_a_parts_description_names_five_lines_and_counts_the_rest() -> None:
    lines = [OrderLine(f"Item {i}", usd(100), 1 + i % 2) for i in range(8)]
    (item,) = checkout_lines(make_order(lines), 100, PartKind.CARD_PART)
    assert item.description == (
        "Item 0, 2 × Item 1, Item 2, 2 × Item 3, Item 4, and 3 more · order total $12.00"
    )


def test_a_walk_in_sales_part_is_its_card_part_and_a_bookings_a_deposit() -> None:
    walk_in = make_order([SHAMPOO, HAIRCUT])  # total 6113: 5900 + 213 tax
    booked = replace(walk_in, booking_id="bk_1")
    # Nothing paid yet: a walk-in sale's part is paid by card in a split; a booking's is
    # its deposit.
    assert part_kind(walk_in, 2000, paid=0) is PartKind.CARD_PART
    assert part_kind(booked, 2000, paid=0) is PartKind.DEPOSIT
    # After cash (or a deposit): all that is left is the balance; less is another part.
    assert part_kind(walk_in, 4113, paid=2000) is PartKind.BALANCE
    assert part_kind(walk_in, 1000, paid=2000) is PartKind.CARD_PART
    assert part_kind(booked, 4113, paid=2000) is PartKind.BALANCE
    assert part_kind(booked, 1000, paid=2000) is PartKind.BALANCE


@pytest.mark.parametrize("amount", [0, -1, 3501])
def test_nothing_or_more_than_the_total_is_not_asked(amount: int) -> None:
    with pytest.raises(ValueError):
        checkout_lines(make_order([HAIRCUT]), amount)


def test_more_than_a_hundred_items_are_grouped_by_tax_rate() -> None:
    # 100 lines of Gel 1.00 untaxed, 50 of Shampoo 12.00 at 8.875 %, and a tip line: 151
    # items. Grouped: Shampoo's 50 × 1200 = 60000 (tax 50 × 106.5 → 107 each = 5350),
    # Gel's 100 × 100 = 10000, then the tax line and the tip.
    lines = [OrderLine("Gel", usd(100), 1)] * 100 + [
        OrderLine("Shampoo", usd(1200), 1, pct("8.875"))
    ] * 50
    order = make_order(lines, tip=Tip(amount=usd(500)))
    items = checkout_lines(order)
    assert items == (
        CheckoutLine("Order 12 at 8.875% tax", 60000, "50 items"),
        CheckoutLine("Order 12, no tax", 10000, "100 items"),
        CheckoutLine("Tax 8.875%", 5350),
        CheckoutLine("Tip", 500),
    )
    assert sum(item.amount for item in items) == order.total == 75850


def test_exactly_a_hundred_items_are_sent_one_by_one() -> None:
    lines = [OrderLine("Gel", usd(100), 1)] * 99
    items = checkout_lines(make_order(lines, tip=Tip(amount=usd(100))))
    assert len(items) == MAX_ITEMS and items[0] == CheckoutLine("Gel", 100)


def test_dozens_of_tax_rates_over_the_limit_become_one_item() -> None:
    # 60 rates, tax added: 60 groups and 60 tax lines is still over 100.
    lines = [OrderLine("Gel", usd(1000), 1, Percent(1000 * (i + 1))) for i in range(60)]
    order = make_order(lines)
    assert checkout_lines(order) == (CheckoutLine("Order 12", order.total, "60 items"),)


def test_a_line_item_is_never_negative_nor_a_float() -> None:
    with pytest.raises(ValueError):
        CheckoutLine("Gel", -1)
    with pytest.raises(TypeError):
        CheckoutLine("Gel", 1.0)  # type: ignore[arg-type]


# -- the invariant ----------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(priced_orders(), st.integers(1, 10**7), st.sampled_from(list(PartKind)))
def test_items_add_up_to_the_amount_asked_exactly(
    drawn: tuple[str, list[OrderLine], Discount | None, Tip | None, bool],
    part_of: int,
    part: PartKind,
) -> None:
    currency, lines, discount, tip, included = drawn
    order = make_order(lines, discount=discount, tip=tip, included=included)
    if order.total <= 0:
        return  # nothing to charge: create_walk_in refuses such an order
    whole = checkout_lines(order)
    assert sum(item.amount for item in whole) == order.total
    assert 1 <= len(whole) <= MAX_ITEMS
    step = cur.amount_step(currency)
    assert all(item.amount >= 0 and item.amount % step == 0 for item in whole)
    asked = min(order.total, part_of * step)
    assert sum(item.amount for item in checkout_lines(order, asked, part)) == asked


@settings(max_examples=30, deadline=None)
# A few rates, as a shop has: the lines are grouped by rate, not folded into one item.
@given(st.lists(st.sampled_from([0, 5000, 8875, 20_000]), min_size=95, max_size=200), st.booleans())
def test_many_lines_still_add_up_and_stay_within_the_limit(
    rates: list[int], included: bool
) -> None:
    lines = [OrderLine("Gel", usd(199), 2, Percent(rate)) for rate in rates]
    order = make_order(lines, tip=Tip(pct("15")), included=included)
    items = checkout_lines(order)
    assert len(items) <= MAX_ITEMS
    assert sum(item.amount for item in items) == order.total
    assert len(items) > 1  # grouped by rate, with the tax and tip items
