"""Orders worked out by hand (the arithmetic is in the comments), then invariants.

Each figure below was computed on paper from the rules of ``domain/pricing.py`` (and
docs/tax-and-discounts.md): line discounts first, the order's discount allocated by largest
remainder, tax per line rounded half-up, tip before tax.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_app.domain import currency as cur
from pos_app.domain.errors import ValidationError
from pos_app.domain.money import Money
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import (
    MAX_QUANTITY,
    Discount,
    OrderLine,
    Tip,
    TipBase,
    allocate,
    line_tax,
    price_order,
)
from tests.language import language


def usd(cents: int) -> Money:
    return Money(cents, "usd")


def pct(text: str) -> Percent:
    return Percent.of(text)


def test_several_lines_a_percent_order_discount_tax_added_and_a_percent_tip() -> None:
    lines = [
        OrderLine("Shampoo", usd(1200), 2, pct("8.875")),  # gross 2400
        OrderLine("Conditioner", usd(799), 1, pct("8.875")),  # gross 799
        OrderLine("Haircut", usd(3500), 1),  # gross 3500, no tax
    ]
    t = price_order(lines, order_discount=Discount.of_percent(pct("10")), tip=Tip(pct("15")))
    # subtotal 2400 + 799 + 3500 = 6699; 10 % of it is 669.9 → 670.
    # 670 over [2400, 799, 3500] (sum 6699):
    #   670·2400 = 1 608 000 = 240·6699 + 240      → 240, remainder 240
    #   670·799  =   535 330 =  79·6699 + 6109     →  79, remainder 6109
    #   670·3500 = 2 345 000 = 350·6699 + 350      → 350, remainder 350
    #   669 given, 1 left → the largest remainder (Conditioner): [240, 80, 350].
    assert [p.order_discount for p in t.lines] == [240, 80, 350]
    assert [p.net for p in t.lines] == [2160, 719, 3150]
    # tax: 2160 · 8.875 % = 191.7 → 192; 719 · 8.875 % = 63.81125 → 64; 0.
    assert [p.tax for p in t.lines] == [192, 64, 0]
    # tip: 15 % of 6029 (after discount, before tax) = 904.35 → 904.
    assert (t.subtotal, t.discount, t.tax, t.tip) == (6699, 670, 256, 904)
    # 6699 − 670 + 256 + 904 = 7189
    assert t.total == 7189
    assert [p.amount(t.tax_included) for p in t.lines] == [2352, 783, 3150]


def test_a_line_discount_then_a_fixed_order_discount_and_a_tip_amount() -> None:
    lines = [
        # gross 1000, its own 10 % off: 100 → 900
        OrderLine("Brush", usd(1000), 1, pct("10"), Discount.of_percent(pct("10"))),
        OrderLine("Clips", usd(333), 3, pct("5")),  # gross 999
    ]
    t = price_order(lines, order_discount=Discount.of_amount(usd(500)), tip=Tip(amount=usd(300)))
    # 500 over [900, 999] (sum 1899):
    #   500·900 = 450 000 = 236·1899 + 1836 → 236
    #   500·999 = 499 500 = 263·1899 + 63   → 263
    #   499 given, 1 left → Brush (1836 > 63): [237, 263].
    assert [(p.line_discount, p.order_discount) for p in t.lines] == [(100, 237), (0, 263)]
    # nets 900 − 237 = 663 and 999 − 263 = 736; tax 66.3 → 66 and 36.8 → 37.
    assert [p.net for p in t.lines] == [663, 736]
    assert [p.tax for p in t.lines] == [66, 37]
    # 1999 − 600 + 103 + 300 = 1802
    assert (t.subtotal, t.discount, t.tax, t.tip, t.total) == (1999, 600, 103, 300, 1802)


def test_prices_including_tax_extract_it_per_line_rounded_half_up() -> None:
    gbp = [
        OrderLine("Serum", Money(999, "gbp"), 1, pct("20")),
        OrderLine("Comb", Money(99, "gbp"), 1, pct("20")),
    ]
    t = price_order(gbp, prices_include_tax=True, tip=Tip(pct("10")))
    # 999 · 20/120 = 166.5 → 167; 99 · 20/120 = 16.5 → 17: 184 in all. (On the total,
    # 1098 · 20/120 = 183: per line is not per order, and per line is the rule.)
    assert [p.tax for p in t.lines] == [167, 17]
    assert t.tax == 184
    # tip 10 % of the amount before tax: 1098 − 184 = 914 → 91.4 → 91.
    assert t.tip == 91
    # tax is inside the prices: total = 1098 − 0 + 91 = 1189.
    assert (t.subtotal, t.discount, t.total, t.tax_included) == (1098, 0, 1189, True)
    assert [p.amount(t.tax_included) for p in t.lines] == [999, 99]


def test_the_same_lines_with_tax_added_instead() -> None:
    gbp = [
        OrderLine("Serum", Money(999, "gbp"), 1, pct("20")),
        OrderLine("Comb", Money(99, "gbp"), 1, pct("20")),
    ]
    t = price_order(gbp)
    # 999 · 20 % = 199.8 → 200; 99 · 20 % = 19.8 → 20; total 1098 + 220 = 1318.
    assert [p.tax for p in t.lines] == [200, 20]
    assert t.total == 1318


def test_tip_after_tax_is_of_the_amount_with_tax() -> None:
    t = price_order(
        [OrderLine("Shampoo", usd(1000), 1, pct("8.875"))],
        tip=Tip(pct("20")),
        tip_base=TipBase.AFTER_TAX,
    )
    # tax 88.75 → 89; 20 % of 1089 = 217.8 → 218; total 1000 + 89 + 218 = 1307.
    assert (t.tax, t.tip, t.total) == (89, 218, 1307)


def test_yen_has_no_minor_unit_to_round_to() -> None:
    lines = [
        OrderLine("Treatment", Money(1980, "jpy"), 3, pct("10")),  # gross 5940
        OrderLine("Tea", Money(550, "jpy"), 1, pct("8")),  # gross 550
    ]
    t = price_order(lines, order_discount=Discount.of_percent(pct("15")))
    # 15 % of 6490 = 973.5 → 974, over [5940, 550]:
    #   974·5940 = 5 785 560 = 891·6490 + 2970 → 891
    #   974·550  =   535 700 =  82·6490 + 3520 → 82
    #   973 given, 1 left → Tea (3520 > 2970): [891, 83].
    assert [p.order_discount for p in t.lines] == [891, 83]
    # tax 5049 · 10 % = 504.9 → 505; 467 · 8 % = 37.36 → 37.
    assert [p.tax for p in t.lines] == [505, 37]
    # 6490 − 974 + 542 = 6058 yen
    assert (t.discount, t.tax, t.total) == (974, 542, 6058)


def test_three_decimal_currencies_round_to_their_step_of_ten() -> None:
    # 1.250 KWD at 5 %: 125 steps of 10 fils · 5 % = 6.25 → 6 steps = 0.060 KWD (Stripe
    # refuses a last digit other than 0, so 0.0625 is not rounded to 0.063).
    t = price_order([OrderLine("Oil", Money(1250, "kwd"), 1, pct("5"))])
    assert (t.tax, t.total) == (60, 1310)
    assert t.total % cur.amount_step("kwd") == 0


def test_a_discount_larger_than_the_order_takes_it_to_zero_never_below() -> None:
    lines = [OrderLine("Shampoo", usd(1200), 1, pct("8.875"))]
    t = price_order(lines, order_discount=Discount.of_amount(usd(5000)))
    assert (t.discount, t.tax, t.total) == (1200, 0, 0)
    assert t.lines[0].net == 0
    # A line's own fixed discount above the line is cut to it, and the order's then has
    # nothing left to take from that line.
    own = [
        OrderLine("Shampoo", usd(1200), 1, discount=Discount.of_amount(usd(2000))),
        OrderLine("Gel", usd(500), 1),
    ]
    t = price_order(own, order_discount=Discount.of_amount(usd(100)))
    assert [(p.line_discount, p.order_discount, p.net) for p in t.lines] == [
        (1200, 0, 0),
        (0, 100, 400),
    ]
    assert t.total == 400


def test_largest_remainder_allocation_sums_exactly() -> None:
    # 100 over three equal lines: 33 each, 1 left → the first (ties go to the earlier line).
    assert allocate(100, [500, 500, 500]) == [34, 33, 33]
    assert allocate(2, [1, 1, 1]) == [1, 1, 0]
    # 10 over [1, 2, 7]: exact shares 1, 2, 7.
    assert allocate(10, [1, 2, 7]) == [1, 2, 7]
    # 5 over [3, 3, 4] (sum 10): 1.5, 1.5, 2 → floors 1, 1, 2; 1 left, remainders 5, 5, 0 →
    # the first: [2, 1, 2].
    assert allocate(5, [3, 3, 4]) == [2, 1, 2]
    assert allocate(50, [3, 4]) == [3, 4]  # more than there is: each line taken to zero
    assert allocate(7, [0, 0]) == [0, 0]


def test_half_up_rounding_at_the_half() -> None:
    # 8.875 % of 200 = 17.75 → 18; 10 % of 5 = 0.5 → 1; 10 % of 4 = 0.4 → 0.
    assert line_tax(200, pct("8.875")) == 18
    assert line_tax(5, pct("10")) == 1
    assert line_tax(4, pct("10")) == 0
    # included (amount · rate / (100 + rate)): 21 · 5/105 = 1.0 → 1; 33 · 50/150 = 11.
    assert line_tax(21, pct("5"), included=True) == 1
    assert line_tax(33, pct("50"), included=True) == 11
    # 3 · 50/150 = 1.0; 1 · 50/150 = 0.333 → 0; 3 · 100/200 = 1.5 → 2.
    assert line_tax(1, pct("50"), included=True) == 0
    assert line_tax(3, pct("100"), included=True) == 2


def test_bad_orders_are_refused_with_a_sentence() -> None:
    with pytest.raises(ValidationError, match="at least one item"):
        price_order([])
    with pytest.raises(ValidationError, match="every item of one order must be in USD"):
        price_order([OrderLine("A", usd(100), 1), OrderLine("B", Money(100, "eur"), 1)])
    with pytest.raises(ValidationError, match=f"from 1 to {MAX_QUANTITY}"):
        OrderLine("Shampoo", usd(100), 0)
    with pytest.raises(ValidationError, match="this order is in USD"):
        price_order(
            [OrderLine("A", usd(100), 1)], order_discount=Discount.of_amount(Money(5, "eur"))
        )


def test_tax_by_rate_sums_each_rate() -> None:
    lines = [
        OrderLine("A", usd(1000), 1, pct("10")),
        OrderLine("B", usd(2000), 1, pct("10")),
        OrderLine("C", usd(1000), 1, pct("5")),
    ]
    t = price_order(lines)
    assert t.tax_by_rate() == {pct("10"): 300, pct("5"): 50}


# -- invariants -----------------------------------------------------------------------------

CURRENCIES = ("usd", "jpy", "kwd", "ugx")
percents = st.integers(0, 100_000).map(Percent)


@st.composite
def orders(draw: st.DrawFn) -> tuple[str, list[OrderLine], Discount | None, Tip | None, bool]:
    currency = draw(st.sampled_from(CURRENCIES))
    step = cur.amount_step(currency)
    money = st.integers(0, 200_000).map(lambda units: Money(units * step, currency))
    discounts = st.one_of(
        st.none(), percents.map(Discount.of_percent), money.map(Discount.of_amount)
    )
    lines = draw(
        st.lists(
            st.builds(
                OrderLine,
                name=st.just("Item"),
                unit_amount=money,
                quantity=st.integers(1, 50),
                tax_rate=st.integers(0, 30_000).map(Percent),
                discount=discounts,
            ),
            min_size=1,
            max_size=8,
        )
    )
    tip = draw(st.one_of(st.none(), percents.map(Tip), money.map(lambda m: Tip(amount=m))))
    return currency, lines, draw(discounts), tip, draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(orders())
def test_parts_sum_to_the_totals_and_nothing_is_negative(
    order: tuple[str, list[OrderLine], Discount | None, Tip | None, bool],
) -> None:
    currency, lines, discount, tip, included = order
    t = price_order(lines, order_discount=discount, tip=tip, prices_include_tax=included)
    step = cur.amount_step(currency)
    assert t.subtotal == sum(p.gross for p in t.lines)
    assert t.discount == sum(p.discount for p in t.lines)
    assert t.tax == sum(p.tax for p in t.lines)
    added = 0 if included else t.tax
    assert t.total == t.subtotal - t.discount + added + t.tip
    assert t.total == sum(p.amount(included) for p in t.lines) + t.tip
    for p in t.lines:
        assert p.net == p.gross - p.line_discount - p.order_discount >= 0
        assert p.tax >= 0 and (not included or p.tax <= p.net)
    for figure in (t.subtotal, t.discount, t.tax, t.tip, t.total):
        assert figure >= 0 and figure % step == 0
    if discount is not None and discount.percent is not None:
        base = sum(p.gross - p.line_discount for p in t.lines) // step
        shares = sum(p.order_discount for p in t.lines)
        assert shares == min(base, discount.percent.of_amount(base)) * step


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**7), min_size=1, max_size=20))
def test_allocation_is_exact_bounded_and_proportional(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    whole = sum(weights)
    assert sum(parts) == min(total, whole)
    for part, weight in zip(parts, weights, strict=True):
        assert 0 <= part <= weight
        if total < whole:  # within one unit of the exact share
            assert total * weight // whole <= part <= total * weight // whole + 1


def test_a_discount_reads_as_a_whole_sentence_in_the_ui_language() -> None:
    # Sell's "Promo code SUMMER10: 10 % Rabatt." and the promo list: the word "off" is the
    # catalog's, placed by the translator, and the figure is CLDR's for the language.
    ten = Discount.of_percent(Percent(10_000))
    five = Discount.of_amount(Money(500, "eur"))
    with language("de"):
        assert ten.label() == "10\u00a0% Rabatt"
        assert five.label() == "5,00\u00a0€ Rabatt"
    with language("es"):
        assert ten.label() == "10\u00a0% de descuento"
    with language("bn"):
        assert ten.label() == "10% ছাড়"
    assert ten.label() == "10% off"
    assert five.label() == "€5.00 off"
