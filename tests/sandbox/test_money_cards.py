"""Amount formatting, the fee model and the card form checks (no server)."""

from __future__ import annotations

import datetime as dt

import pytest

from pos_app.sandbox import cards, money

TODAY = dt.date(2026, 5, 15)


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (1234, "usd", "$12.34"),
        (3500, "jpy", "¥3,500"),
        (1500, "kwd", "KWD\u00a01.500"),
        (123456789, "eur", "€1,234,567.89"),
        (-2145, "usd", "-$21.45"),
        (5, "gbp", "£0.05"),
    ],
)
def test_format_amount(amount: int, currency: str, text: str) -> None:
    assert money.format_amount(amount, currency) == text


@pytest.mark.parametrize(
    ("amount", "fee"),
    [
        (1000, 59),  # 29.0 + 30
        (2500, 103),  # 72.5 rounds half up to 73
        (50, 31),  # 1.45 → 1
        (1, 30),  # 0.029 → 0
        (99_999_999, 2_900_030),  # 2,899,999.971 → 2,900,000
    ],
)
def test_fee_is_integer_half_up(amount: int, fee: int) -> None:
    assert money.stripe_fee(amount) == fee


def test_minimums_follow_the_facts_sheet() -> None:
    assert money.minimum_amount("usd") == 50
    assert money.minimum_amount("GBP") == 30
    assert money.minimum_amount("jpy") == 50
    assert money.exponent("jpy") == 0 and money.exponent("kwd") == 3


def _check(number: str, exp: str = "12 / 30", cvc: str = "123") -> cards.CardForm:
    return cards.check_form(number=number, exp=exp, cvc=cvc, name="A", email=None, today=TODAY)


def test_good_card_keeps_only_safe_details() -> None:
    form = _check("4242 4242 4242 4242")
    assert not form.errors and form.details is not None
    assert (form.details.brand, form.details.last4, form.details.exp_year) == ("visa", "4242", 2030)
    assert "4242424242424242" not in repr(form.details)


@pytest.mark.parametrize(
    ("number", "exp", "cvc", "field", "message"),
    [
        ("4242 4242 4242 4241", "12/30", "123", "card_number", "Your card number is incorrect."),
        ("4242", "12/30", "123", "card_number", "Your card number is incomplete."),
        (
            "4242424242424242",
            "04 / 26",
            "123",
            "exp",
            "Your card's expiration date is in the past.",
        ),
        (
            "4242424242424242",
            "12 / 25",
            "123",
            "exp",
            "Your card's expiration year is in the past.",
        ),
        ("4242424242424242", "13 / 30", "123", "exp", "Your card's expiration date is invalid."),
        ("4242424242424242", "12", "123", "exp", "Your card's expiration date is incomplete."),
        ("4242424242424242", "12/30", "12", "cvc", "Your card's security code is incomplete."),
    ],
)
def test_form_errors(number: str, exp: str, cvc: str, field: str, message: str) -> None:
    assert _check(number, exp, cvc).errors == {field: message}


def test_current_month_is_still_valid() -> None:
    assert not _check("4242424242424242", "05/26").errors


def test_declines_match_the_facts_sheet() -> None:
    expected = {
        "4000000000000002": ("card_declined", "generic_decline", "Your card was declined."),
        "4000000000009995": (
            "card_declined",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
        "4000000000009987": ("card_declined", "lost_card", "Your card was declined."),
        "4000000000000069": ("expired_card", "expired_card", "Your card has expired."),
        "4000000000000127": (
            "incorrect_cvc",
            "incorrect_cvc",
            "Your card's security code is incorrect.",
        ),
        "4000000000000119": (
            "processing_error",
            "processing_error",
            "An error occurred while processing your card. Try again in a little bit.",
        ),
    }
    for number, (code, decline_code, message) in expected.items():
        decline = cards.decline_for(cards.TEST_CARDS[number])
        assert decline is not None
        assert (decline.code, decline.decline_code, decline.message) == (
            code,
            decline_code,
            message,
        )
    assert cards.decline_for(cards.TEST_CARDS["4242424242424242"]) is None
    assert cards.TEST_CARDS["4000002760003184"].requires_3ds
    # A Luhn-valid number that is no test card is declined like a live card in test mode.
    unknown = cards.decline_for(None)
    assert unknown is not None and unknown.decline_code == "test_mode_live_card"
