"""Promo code and manual discount rules, percentages, and the stock sentences (domain only)."""

from __future__ import annotations

from datetime import date

import pytest

from pos_app.domain.errors import ValidationError
from pos_app.domain.money import Money
from pos_app.domain.people import Actor, Role
from pos_app.domain.percent import Percent, parse_percent
from pos_app.domain.pricing import Discount
from pos_app.domain.products import Product, low_stock_warning, not_enough, sku_problem
from pos_app.domain.promo import (
    PromoCode,
    can_give_discount,
    can_redeem,
    code_problem,
    day_words,
    manager_needed,
)

SUMMER = PromoCode(
    id="promo_1",
    code="SUMMER10",
    discount=Discount.of_percent(Percent(10_000)),
    uses=3,
    max_uses=5,
    valid_from=date(2026, 6, 1),
    valid_until=date(2026, 8, 31),
    min_order=Money(2000, "usd"),
)
STAFF = Actor("u1", "Sam", Role.STAFF)
MANAGER = Actor("u2", "Mia", Role.MANAGER)


def _redeem(promo: PromoCode, day: date, cents: int = 5000, currency: str = "usd") -> str:
    return can_redeem(promo, today=day, subtotal=Money(cents, currency)).reason


def test_validity_dates_are_inclusive_days_of_the_business() -> None:
    assert _redeem(SUMMER, date(2026, 6, 1)) == ""
    assert _redeem(SUMMER, date(2026, 8, 31)) == ""
    assert _redeem(SUMMER, date(2026, 5, 31)) == "Promo code SUMMER10 starts on 1 Jun 2026."
    assert _redeem(SUMMER, date(2026, 9, 1)) == "Promo code SUMMER10 ended on 31 Aug 2026."


def test_uses_minimum_order_currency_and_switched_off() -> None:
    day = date(2026, 7, 1)
    last = PromoCode(**{**_fields(SUMMER), "uses": 4})
    assert _redeem(last, day) == ""
    gone = PromoCode(**{**_fields(SUMMER), "uses": 5})
    assert _redeem(gone, day) == "Promo code SUMMER10 has been used up: all 5 uses are taken."
    # The minimum compares with the subtotal: 20.00 is enough, 19.99 is not.
    assert _redeem(SUMMER, day, 2000) == ""
    assert _redeem(SUMMER, day, 1999) == "Promo code SUMMER10 needs an order of $20.00 or more."
    assert _redeem(SUMMER, day, 5000, "eur") == (
        "Promo code SUMMER10 is for orders in USD; this one is in EUR."
    )
    off = PromoCode(**{**_fields(SUMMER), "active": False})
    assert _redeem(off, day) == "Promo code SUMMER10 is switched off."
    unlimited = PromoCode("p", "FOREVER", Discount.of_amount(Money(500, "usd")), uses=10**6)
    assert _redeem(unlimited, date(2099, 1, 1)) == ""


def _fields(promo: PromoCode) -> dict[str, object]:
    return {name: getattr(promo, name) for name in PromoCode.__slots__}


def test_a_manual_discount_above_the_threshold_needs_a_manager() -> None:
    # 20 % of 100.00 is 20.00: exactly at the threshold is allowed, one cent more is not.
    assert not manager_needed(2000, 10_000)
    assert manager_needed(2001, 10_000)
    assert can_give_discount(Money(2000, "usd"), Money(10_000, "usd"), STAFF)
    refused = can_give_discount(Money(2001, "usd"), Money(10_000, "usd"), STAFF)
    assert refused.reason == (
        "A discount above 20% of the order needs a manager; ask one to sign in and give it."
    )
    assert can_give_discount(Money(10_000, "usd"), Money(10_000, "usd"), MANAGER)
    assert not can_give_discount(Money(1001, "usd"), Money(10_000, "usd"), STAFF, Percent(10_000))


def test_codes_and_skus_are_checked() -> None:
    assert code_problem("SUMMER10") is None
    assert code_problem("summer-10_b") is None
    for bad in ("AB", "X" * 33, "SUMMER 10", "ÉTÉ10", "50%OFF"):
        assert code_problem(bad) is not None
    assert sku_problem("0123456789012") is None
    assert sku_problem("SH-500/ml") is None
    assert sku_problem("a b") is not None
    assert day_words(date(2026, 12, 1)) == "1 Dec 2026"


def test_stock_sentences_name_what_is_left() -> None:
    assert not_enough("Shampoo", 2) == "Only 2 × Shampoo left in stock."
    assert not_enough("Shampoo", 0) == "Shampoo is out of stock."
    product = Product("p", "Shampoo", Money(1200, "usd"), stock=3)
    assert low_stock_warning(product) == "Only 3 × Shampoo left: time to order more."
    assert low_stock_warning(Product("p", "Gel", Money(1200, "usd"), stock=4)) is None
    assert low_stock_warning(Product("p", "Gel", Money(1, "usd"), 0)) == "Gel is out of stock."


@pytest.mark.parametrize(
    ("text", "thousandths", "plain"),
    [
        ("8.875", 8875, "8.875"),
        ("20", 20_000, "20"),
        ("7.5 %", 7500, "7.5"),
        ("0", 0, "0"),
        ("100", 100_000, "100"),
        (".5", 500, "0.5"),
        ("8.8750", 8875, "8.875"),
    ],
)
def test_percentages_are_exact(text: str, thousandths: int, plain: str) -> None:
    parsed = parse_percent(text, field="tax_rate", what="tax rate")
    assert parsed == Percent(thousandths)
    assert parsed.plain() == plain


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("8.8751", "The tax rate has at most 3 decimals, like 8.875."),
        ("100.001", "The tax rate can be at most 100 %."),
        ("-1", "The tax rate cannot be below 0 %."),
        ("", "Enter the tax rate as a number, like 8.875."),
        ("eight", "Enter the tax rate as a number, like 8.875."),
        ("1e3", "Enter the tax rate as a number, like 8.875."),
        ("٨", "Type the tax rate with the digits 0–9."),
    ],
)
def test_bad_percentages_get_one_sentence(text: str, sentence: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_percent(text, field="tax_rate", what="tax rate")
    assert err.value.message == sentence and err.value.field == "tax_rate"


def test_a_codes_state_today_in_words_for_the_list() -> None:
    from dataclasses import replace

    from pos_app.domain.promo import PromoCode, PromoState, promo_state, state_words

    today = date(2026, 12, 6)
    base = PromoCode("pro_1", "SUMMER10", Discount.of_percent(Percent(10_000)))
    cases = [
        (base, PromoState.USABLE, "✓ Usable"),
        (replace(base, active=False), PromoState.SWITCHED_OFF, "⊘ Switched off"),
        (replace(base, valid_from=date(2026, 12, 7)), PromoState.NOT_YET, "◷ Starts 7 Dec 2026"),
        (replace(base, valid_from=today), PromoState.USABLE, "✓ Usable"),  # inclusive
        (replace(base, valid_until=today), PromoState.USABLE, "✓ Usable"),
        (replace(base, valid_until=date(2026, 12, 5)), PromoState.ENDED, "⊘ Ended 5 Dec 2026"),
        (replace(base, max_uses=3, uses=3), PromoState.USED_UP, "⊘ Used up"),
        # Switched off says so first, whatever else is true.
        (
            replace(base, active=False, max_uses=1, uses=1),
            PromoState.SWITCHED_OFF,
            "⊘ Switched off",
        ),
    ]
    for promo, state, words in cases:
        assert promo_state(promo, today=today) is state, promo
        assert state_words(promo, today=today) == words
