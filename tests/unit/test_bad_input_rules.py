"""Issue 11 item 9 at the lowest layer: which characters text may hold, ASCII digits in
amounts, the money bound, the app's calendar, and the command line's own parsers."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from pos_app.cli.input import UsageError, counted, parse_date, parse_when, port_number
from pos_app.domain.dates import FIRST_DAY, LAST_DAY, OUTSIDE, check_days, instant_problem
from pos_app.domain.errors import FormErrors, ValidationError
from pos_app.domain.money import ASCII_DIGITS_ONLY, Money, parse_money
from pos_app.domain.text import (
    STRIPE_TEXT_MAX,
    has_forbidden,
    name_problem,
    outside_text,
    printable,
    strip_forbidden,
)
from tests.language import language

# What reached the terminal and the CSV before: an ESC sequence, the bell, bidi overrides
# and isolates, other C0/C1 controls, zero-width and BOM format characters, a lone
# surrogate (an undecodable byte on the command line), line/paragraph separators.
HOSTILE = [
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\x07",
    "\x00",
    "\x7f",
    "\x9b",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200b",
    "\u200e",
    "\ufeff",
    "\udcff",
    "\u2028",
    "\U000e0041",
]


@pytest.mark.parametrize("bad", HOSTILE)
def test_every_control_character_makes_a_name_refused(bad: str) -> None:
    assert has_forbidden(f"Ada{bad}Lovelace")
    sentence = name_problem(f"Ada{bad}Lovelace", "customer's name")
    assert sentence is not None and sentence.startswith("The customer's name has an invisible")


@pytest.mark.parametrize(
    "name", ["Zoë Ångström 王", "O'Brien-Smith", "می‌خواهم", "👩‍👩‍👧", "José María", "Ana\u00a0Lu"]
)
def test_real_names_pass_joiners_included(name: str) -> None:
    assert name_problem(name) is None


def test_name_length_sentence_only_when_a_limit_is_given() -> None:
    assert name_problem("x" * 81, "business name", limit=80) == (
        "Keep the business name to 80 characters or fewer."
    )
    assert name_problem("x" * 81) is None


def test_notes_are_stripped_not_refused() -> None:
    assert strip_forbidden("short \x1b[2Jby $5\u202e\x07") == "short [2Jby $5"
    assert strip_forbidden("two\r\nlines\u2028here") == "two lines here"
    assert strip_forbidden("two\r\nlines\x1b\tkept", multiline=True) == "two\nlines\tkept"


def test_printable_replaces_so_tampering_shows() -> None:
    assert printable("Eve\u202egnp.exe\n") == "Eve\ufffdgnp.exe\n"
    assert printable("a\tb\r\n\x1b[2J") == "a\tb\ufffd\n\ufffd[2J"
    assert printable("a\tb\nc", multiline=False) == "a b c"
    assert printable("Zoë Ångström 王") == "Zoë Ångström 王"


def test_stripe_text_is_one_bounded_line() -> None:
    long = "Your card was declined \x1b[31m" + "x" * 5000
    stored = outside_text(long)
    assert stored is not None and len(stored) == STRIPE_TEXT_MAX and stored.endswith("…")
    assert "\x1b" not in stored
    assert outside_text("r" * 500) == "r" * 500
    assert outside_text(None) is None


@pytest.mark.parametrize("typed", ["٣٥", "１２", "۱۲", "३५", "3٥", "²", "12.٥0"])
def test_amounts_take_ascii_digits_only(typed: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_money(typed, "usd")
    assert err.value.message == ASCII_DIGITS_ONLY == "Type the amount with the digits 0–9."


def test_bangla_accepts_its_own_digits_but_english_does_not() -> None:
    with pytest.raises(ValidationError):
        parse_money("৩৫", "usd")
    with language("bn"):
        assert parse_money("৩৫", "usd") == Money(3500, "usd")


@pytest.mark.parametrize(
    ("typed", "currency"),
    [
        ("1000000000000000000000000000000000", "usd"),
        ("99999999999999999999", "usd"),
        ("9223372036854775808", "jpy"),  # one past BIGINT
        ("1000000.00", "usd"),
        ("100000000", "jpy"),
        ("1,000,000", "ugx"),
    ],
)
def test_amounts_above_stripes_maximum_are_refused(typed: str, currency: str) -> None:
    with pytest.raises(ValidationError, match=r"^The largest amount you can enter is "):
        parse_money(typed, currency)


def test_the_largest_amount_still_parses() -> None:
    assert parse_money("999,999.99", "usd") == Money(99_999_999, "usd")
    assert parse_money("99999999", "jpy") == Money(99_999_999, "jpy")


@pytest.mark.parametrize("typed", ["1e3", "-5", "", "0x10", "1_000", "Infinity", "NaN"])
def test_other_hostile_amounts_get_a_sentence(typed: str) -> None:
    with pytest.raises(ValidationError):
        parse_money(typed, "usd")


@pytest.mark.parametrize(
    "day", [date(1, 1, 1), date(1999, 12, 31), date(2100, 1, 1), date(9999, 12, 31)]
)
def test_days_outside_the_calendar_are_refused(day: date) -> None:
    with pytest.raises(FormErrors) as err:
        check_days(date=day)
    assert err.value.errors == {"date": OUTSIDE}


def test_the_calendar_edges_are_inside() -> None:
    check_days(first=FIRST_DAY, last=LAST_DAY)


def test_an_instant_is_checked_without_overflowing() -> None:
    far_west = timezone(-timedelta(hours=5))
    assert instant_problem(datetime(9999, 12, 31, 23, tzinfo=far_west)) == OUTSIDE
    assert instant_problem(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))) == OUTSIDE
    assert instant_problem(datetime(2030, 1, 1, tzinfo=UTC)) is None


@pytest.mark.parametrize(
    "text", ["", " ", "99999-01-01", "0000-01-01", "2026-02-30", "٢٠٢٦-01-01", "\udcff"]
)
def test_cli_dates_that_are_not_dates(text: str) -> None:
    with pytest.raises(FormErrors, match="is not a date"):
        parse_date(text, "date")


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_cli_dates_outside_the_calendar(text: str) -> None:
    with pytest.raises(FormErrors) as err:
        parse_date(text, "date")
    assert err.value.errors == {"date": OUTSIDE}


@pytest.mark.parametrize(
    "text", ["9999-12-31T23:59", "9999-12-31T23:00-05:00", "0001-01-01T00:00+05:00"]
)
def test_cli_times_at_the_ends_of_pythons_calendar(text: str) -> None:
    with pytest.raises(FormErrors) as err:
        parse_when(text, timezone(timedelta(hours=-5)))
    assert err.value.errors == {"starts_at": OUTSIDE}


@pytest.mark.parametrize("text", ["10000-01-01T10:00", "", "tomorrow", "2027-01-01T１０:00"])
def test_cli_times_that_are_not_times(text: str) -> None:
    with pytest.raises(FormErrors, match="is not a date and time"):
        parse_when(text, UTC)


def test_cash_counted_refuses_a_currency_the_day_does_not_have() -> None:
    assert counted(["12.50"], ["usd"]) == {"usd": "12.50"}
    assert counted(["USD=1", "eur=2"], ["usd", "eur"]) == {"usd": "1", "eur": "2"}
    with pytest.raises(UsageError, match="not EUR"):
        counted(["eur=5"], ["usd"])  # a typo must not close the day as if none was counted
    with pytest.raises(UsageError, match="USD twice"):
        counted(["5", "usd=6"], ["usd"])
    with pytest.raises(UsageError, match="USD and EUR"):
        counted(["5"], ["usd", "eur"])


@pytest.mark.parametrize("text", ["١٢١١١", "１２１１１", "-1", "65536", "12e3", ""])
def test_ports_are_ascii_numbers(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        port_number(text)
    assert port_number("0") == 0 and port_number("12111") == 12111
