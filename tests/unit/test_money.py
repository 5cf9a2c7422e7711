from __future__ import annotations

import pytest

from pos_app.domain.errors import ValidationError
from pos_app.domain.money import Money, parse_money, validate_chargeable


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("19.99", "USD", 1999),
        ("35", "usd", 3500),
        ("35.5", "usd", 3550),
        ("0.50", "usd", 50),
        (".99", "usd", 99),
        ("1,000", "JPY", 1000),
        ("3500", "jpy", 3500),
        ("1,234.56", "eur", 123456),
        ("$35.00", "usd", 3500),
        ("12.340", "kwd", 12340),
        ("  42.00  ", "gbp", 4200),
    ],
)
def test_parse_money_to_minor_units(text: str, currency: str, minor: int) -> None:
    money = parse_money(text, currency)
    assert money == Money(minor, currency.lower())
    assert isinstance(money.amount, int)


@pytest.mark.parametrize(
    ("text", "currency", "fragment"),
    [
        ("abc", "usd", "number"),
        ("-5", "usd", "more than zero"),
        ("10.001", "usd", "at most 2 decimal places"),
        ("19.989999999999998", "usd", "at most 2 decimal places"),
        ("1e3", "usd", "number"),
        ("NaN", "usd", "number"),
        ("12.5", "jpy", "whole numbers"),
        ("1,00", "usd", "number"),
        ("12.345", "kwd", "end in 0"),
        ("", "usd", "Enter an amount"),
    ],
)
def test_parse_money_rejects_with_a_sentence(text: str, currency: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_money(text, currency)
    assert fragment in err.value.message
    assert err.value.message.endswith(".")


def test_float_artefact_is_never_produced() -> None:
    # 19.99 * 100 == 1998.9999999999998 in floats; Decimal parsing must give exactly 1999.
    assert parse_money("19.99", "usd").amount == 1999
    assert parse_money("0.29", "usd").amount == 29


def test_money_refuses_floats_and_mixed_currencies() -> None:
    with pytest.raises(TypeError):
        Money(19.99, "usd")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        _ = Money(100, "usd") + Money(100, "eur")


@pytest.mark.parametrize(
    ("money", "shown"),
    [
        (Money(3500, "usd"), "$35.00"),
        (Money(350000, "usd"), "$3,500.00"),
        (Money(3500, "jpy"), "¥3,500"),
        (Money(12340, "kwd"), "KWD\u00a012.340"),  # CLDR en: code first
        (Money(-150, "eur"), "-€1.50"),
    ],
)
def test_format(money: Money, shown: str) -> None:
    assert money.format() == shown


def test_plain_round_trips_through_parse() -> None:
    for money in (Money(3500, "usd"), Money(3500, "jpy"), Money(12340, "kwd")):
        assert parse_money(money.plain(), money.currency) == money


def test_chargeable_limits() -> None:
    validate_chargeable(Money(50, "usd"))
    with pytest.raises(ValidationError, match="smallest"):
        validate_chargeable(Money(49, "usd"))
    with pytest.raises(ValidationError, match="smallest"):
        validate_chargeable(Money(29, "gbp"))
    with pytest.raises(ValidationError, match="largest"):
        validate_chargeable(Money(100_000_000, "usd"))
