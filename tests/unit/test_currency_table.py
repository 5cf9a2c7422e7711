"""Every entry of the app's currency table, pinned to Stripe's currencies page.

Source: https://docs.stripe.com/currencies — sections "Zero-decimal currencies",
"Three-decimal currencies", "Special cases" and "Minimum and maximum charge amounts"
(read 2026-12-05). A change to ``pos_app/domain/currency.py`` must change this file too.
"""

from __future__ import annotations

import pytest

from pos_app.domain import currency as cur
from pos_app.domain.errors import ValidationError
from pos_app.domain.money import Money, parse_money, validate_chargeable
from pos_app.services.export_csv import amount_text

PAGE = "https://docs.stripe.com/currencies"

# "Zero-decimal currencies" (UGX is listed there too, but "Special cases" overrides it).
ZERO_DECIMAL = [
    "bif",
    "clp",
    "djf",
    "gnf",
    "jpy",
    "kmf",
    "krw",
    "mga",
    "pyg",
    "rwf",
    "vnd",
    "vuv",
    "xaf",
    "xof",
    "xpf",
]
# "Three-decimal currencies": "these API calls require the least-significant (last) digit
# to be 0".
THREE_DECIMAL = ["bhd", "jod", "kwd", "omr", "tnd"]
# "Special cases": ISK and UGX are zero-decimal for people, but "to maintain backwards
# compatibility, you must pass in amounts with two decimals ... to charge 5 UGX, provide an
# amount value of 500. The amount value must be evenly divisible by 100".
WHOLE_UNITS_IN_HUNDREDTHS = ["isk", "ugx"]
# "Special cases": HUF and TWD are whole units only for payouts, "even though you can
# charge two-decimal amounts": ordinary two-decimal currencies for a charge.
PAYOUT_ONLY_SPECIAL = ["huf", "twd"]
# "Minimum and maximum charge amounts", settlement currency → minimum, in minor units.
MINIMUMS = {
    "usd": 50,  # $0.50
    "aed": 200,  # 2.00 د.إ
    "aud": 50,  # $0.50
    "bgn": 100,  # лв1.00
    "brl": 50,  # R$0.50
    "cad": 50,  # $0.50
    "chf": 50,  # 0.50 Fr
    "czk": 1500,  # 15.00Kč
    "dkk": 250,  # 2.50-kr.
    "eur": 50,  # €0.50
    "gbp": 30,  # £0.30
    "hkd": 400,  # $4.00
    "huf": 17500,  # 175.00 Ft
    "inr": 50,  # ₹0.50
    "jpy": 50,  # ¥50 (zero-decimal)
    "mxn": 1000,  # $10
    "myr": 200,  # RM 2
    "nok": 300,  # 3.00-kr.
    "nzd": 50,  # $0.50
    "pln": 200,  # 2.00 zł
    "ron": 200,  # lei2.00
    "sek": 300,  # 3.00-kr.
    "sgd": 50,  # $0.50
    "thb": 1000,  # ฿10
}


def test_the_table_cites_the_page() -> None:
    assert cur.STRIPE_CURRENCIES_PAGE == PAGE


@pytest.mark.parametrize("code", ZERO_DECIMAL)
def test_zero_decimal(code: str) -> None:
    """PAGE#zero-decimal: "to charge ¥500, provide an amount value of 500"."""
    rule = cur.rule(code)
    assert (rule.api_exponent, rule.display_exponent, rule.step) == (0, 0, 1)


@pytest.mark.parametrize("code", THREE_DECIMAL)
def test_three_decimal(code: str) -> None:
    """PAGE#three-decimal: "5.124 KWD must be rounded to 5120 or 5130"."""
    rule = cur.rule(code)
    assert (rule.api_exponent, rule.display_exponent, rule.step) == (3, 3, 10)


@pytest.mark.parametrize("code", WHOLE_UNITS_IN_HUNDREDTHS)
def test_isk_and_ugx_are_whole_units_sent_in_hundredths(code: str) -> None:
    """PAGE#special-cases: "to charge 5 UGX, provide an amount value of 500"."""
    rule = cur.rule(code)
    assert (rule.api_exponent, rule.display_exponent, rule.step) == (2, 0, 100)
    assert parse_money("5", code) == Money(500, code)


@pytest.mark.parametrize("code", PAYOUT_ONLY_SPECIAL)
def test_huf_and_twd_charge_with_two_decimals(code: str) -> None:
    """PAGE#special-cases: "you can charge two-decimal amounts" (payouts are whole)."""
    rule = cur.rule(code)
    assert (rule.api_exponent, rule.display_exponent, rule.step) == (2, 2, 1)
    assert parse_money("10.45", code).amount == 1045


@pytest.mark.parametrize(("code", "minimum"), sorted(MINIMUMS.items()))
def test_minimum_charge(code: str, minimum: int) -> None:
    """PAGE#minimum-and-maximum-charge-amounts."""
    assert cur.rule(code).minimum == minimum
    assert cur.minimum_charge(code) == minimum
    validate_chargeable(Money(minimum, code))
    with pytest.raises(ValidationError, match="smallest amount"):
        validate_chargeable(Money(minimum - 1, code))


def test_the_table_has_nothing_the_page_does_not_say() -> None:
    special = {*ZERO_DECIMAL, *THREE_DECIMAL, *WHOLE_UNITS_IN_HUNDREDTHS, *MINIMUMS}
    assert set(cur.RULES) == special
    assert cur.MINIMUM_CHARGE == MINIMUMS
    assert frozenset(ZERO_DECIMAL) == cur.ZERO_DECIMAL
    assert frozenset(THREE_DECIMAL) == cur.THREE_DECIMAL


def test_other_currencies_are_two_decimal_with_the_default_minimum() -> None:
    rule = cur.rule("KES")
    assert (rule.api_exponent, rule.display_exponent, rule.step, rule.minimum) == (2, 2, 1, None)
    assert cur.minimum_charge("kes") == cur.DEFAULT_MINIMUM_CHARGE
    # Rounded up to a whole step where the currency has one: 1 UGX, 0.050 KWD.
    assert cur.minimum_charge("ugx") == 100
    assert cur.minimum_charge("kwd") == 50


# -- people see whole shillings and krónur ------------------------------------------------


@pytest.mark.parametrize(
    ("money", "shown", "plain"),
    [
        (Money(500, "ugx"), "UGX\u00a05", "5"),  # CLDR en: code first, no-break space
        (Money(1_234_500, "isk"), "ISK\u00a012,345", "12345"),
        (Money(-500, "ugx"), "-UGX\u00a05", "-5"),
        # An amount Stripe would not take still shows exactly, never rounded away.
        (Money(550, "ugx"), "UGX\u00a05.50", "5.50"),
        (Money(17500, "huf"), "HUF\u00a0175.00", "175.00"),
    ],
)
def test_format_and_plain(money: Money, shown: str, plain: str) -> None:
    assert money.format() == shown
    assert money.plain() == plain


@pytest.mark.parametrize(("text", "minor"), [("5", 500), ("1,000", 100_000), ("5.00", 500)])
def test_parse_ugx(text: str, minor: int) -> None:
    assert parse_money(text, "UGX") == Money(minor, "ugx")


def test_plain_round_trips_for_whole_unit_currencies() -> None:
    for money in (Money(500, "ugx"), Money(990_000, "isk")):
        assert parse_money(money.plain(), money.currency) == money


@pytest.mark.parametrize("text", ["5.5", "5.50", "0.01"])
def test_fractions_of_a_shilling_are_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_money(text, "ugx")
    assert err.value.message == "UGX amounts are whole numbers, with no decimals."


@pytest.mark.parametrize(("amount", "currency"), [(550, "ugx"), (12345, "isk"), (12345, "kwd")])
def test_amounts_stripe_refuses_for_their_last_digits_are_not_chargeable(
    amount: int, currency: str
) -> None:
    with pytest.raises(ValidationError) as err:
        validate_chargeable(Money(amount, currency))
    assert err.value.message.startswith(currency.upper()) and err.value.message.endswith(".")


def test_the_largest_charge_is_a_whole_step() -> None:
    assert cur.maximum_charge("usd") == 99_999_999
    assert cur.maximum_charge("ugx") == 99_999_900
    validate_chargeable(Money(99_999_900, "ugx"))
    with pytest.raises(ValidationError, match="largest amount you can charge is UGX\u00a0999,999"):
        validate_chargeable(Money(100_000_000, "ugx"))


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (500, "ugx", "5"),
        (-1_000_000, "isk", "-10000"),
        (3500, "usd", "35.00"),
        (550, "ugx", "5.50"),
    ],
)
def test_csv_amounts_show_whole_units(minor: int, currency: str, text: str) -> None:
    assert amount_text(minor, currency) == text
