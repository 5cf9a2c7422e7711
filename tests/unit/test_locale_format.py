"""CLDR formatting and locale input (issue 15): money, numbers, percentages, dates, typing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from pos_app.domain import currency as cur
from pos_app.domain import locale_format as lf
from pos_app.domain.errors import ValidationError
from pos_app.domain.money import Money, parse_money
from pos_app.domain.percent import Percent, parse_percent
from tests.language import language

NB = "\u00a0"


@pytest.mark.parametrize(
    ("lang", "money", "shown"),
    [
        ("en", Money(3500, "usd"), "$35.00"),
        ("en", Money(3500, "eur"), "€35.00"),
        ("en", Money(3500, "chf"), f"CHF{NB}35.00"),  # CLDR's currency spacing
        ("de", Money(3500, "eur"), f"35,00{NB}€"),
        ("de", Money(123456, "eur"), f"1.234,56{NB}€"),
        ("es", Money(3500, "eur"), f"35,00{NB}€"),
        ("es", Money(-3500, "eur"), f"-35,00{NB}€"),
        ("bn", Money(3500, "bdt"), "35.00৳"),
        ("bn", Money(123456789, "bdt"), "12,34,567.89৳"),  # Indian grouping
        ("de", Money(500, "ugx"), f"5{NB}UGX"),  # the app's decimals, not CLDR's
        ("de", Money(550, "ugx"), f"5,50{NB}UGX"),
        ("de", Money(3500, "jpy"), f"3.500{NB}¥"),
        ("de", Money(12340, "kwd"), f"12,340{NB}KWD"),
    ],
)
def test_money_reads_the_way_the_language_writes_it(lang: str, money: Money, shown: str) -> None:
    with language(lang):
        assert money.format() == shown
        assert str(money) == shown


def test_decimals_stay_the_apps_rule_not_cldrs() -> None:
    # CLDR gives ISK and UGX zero digits and BHD three; what counts is Stripe's table.
    with language("de"):
        assert Money(1_234_500, "isk").format() == f"12.345{NB}ISK"
        assert Money(1_234_550, "isk").format() == f"12.345,50{NB}ISK"
    assert cur.decimals_shown(550, "ugx") == 2


def test_symbols_table_is_gone() -> None:
    assert not hasattr(cur, "SYMBOLS")


@pytest.mark.parametrize(
    ("lang", "value", "shown"),
    [
        ("en", Percent(8875), "8.875%"),
        ("de", Percent(8875), f"8,875{NB}%"),
        ("es", Percent(20000), f"20{NB}%"),
        ("bn", Percent(7500), "7.5%"),
    ],
)
def test_percentages(lang: str, value: Percent, shown: str) -> None:
    with language(lang):
        assert str(value) == shown
    assert value.plain() in ("8.875", "20", "7.5")  # machine text never changes


def test_lists_are_joined_the_languages_way() -> None:
    # The command line's "this day has USD and EUR" (cli/input.counted).
    assert lf.and_list([]) == ""
    assert lf.and_list(["USD"]) == "USD"
    assert lf.and_list(["USD", "EUR"]) == "USD and EUR"
    with language("de"):
        assert lf.and_list(["USD", "EUR"]) == "USD und EUR"
    with language("es"):
        assert lf.and_list(["USD", "EUR"]) == "USD y EUR"


def test_numbers_dates_and_weekdays() -> None:
    day = date(2026, 12, 6)
    at = datetime(2026, 12, 6, 14, 5)
    with language("de"):
        assert lf.number(1234567) == "1.234.567"
        assert lf.weekday(day) == "Sonntag"
        assert lf.date_text(day, "day") == "Sonntag, 6. Dezember 2026"
        assert lf.date_text(day, "short_day") == "So., 6. Dez. 2026"
        assert lf.moment(at) == "6. Dez. 2026, 14:05"
        assert lf.clock(at) == "14:05"
    with language("es"):
        assert lf.weekday(day) == "domingo"
        assert lf.date_text(day, "month_day") == "6 de diciembre"
    with language("bn"):
        assert lf.weekday(day) == "রবিবার"
        assert lf.number(1234567) == "12,34,567"
        assert lf.date_text(day, "day") == "রবিবার, 6 ডিসেম্বর, 2026"
    # English keeps the day-first house style it always printed, as CLDR patterns.
    assert lf.weekday(day) == "Sunday"
    assert lf.date_text(day, "day") == "Sunday 6 December 2026"
    assert lf.date_text(day, "short_day") == "Sun 06 Dec 2026"
    assert lf.moment(at) == "06 Dec 2026, 14:05"
    assert lf.clock(at) == "14:05"


@pytest.mark.parametrize(
    ("lang", "typed", "minor"),
    [
        ("de", "35,50", 3550),
        ("de", "1.000,50", 100050),
        ("de", "35,50 €", 3550),
        ("es", "35,5", 3550),
        ("es", "1.234", 123400),
        ("en", "1,000.50", 100050),
        ("bn", "৩৫.৫০", 3550),
        ("bn", "3৫.50", 3550),
        ("bn", "1,23,456", 12345600),
        ("bn", "35.50", 3550),
    ],
)
def test_typing_follows_the_language(lang: str, typed: str, minor: int) -> None:
    with language(lang):
        assert parse_money(typed, "eur").amount == minor


_AS_A_NUMBER = {  # the refusal in the language typed in, its example typed that way too
    "de": "Geben Sie den Betrag als Zahl ein, z. B. 35,00.",
    "en": "Enter an amount as a number, like 35.00.",
    "es": "Indique el importe como número, p. ej. 35,00.",
}


@pytest.mark.parametrize(
    ("lang", "typed"),
    [
        ("de", "35.50"),  # "." groups thousands in German: 35.50 is not a number there
        ("de", "1,000.50"),
        ("en", "35,50"),
        ("es", "1,5,0"),
    ],
)
def test_the_other_languages_separators_are_refused(lang: str, typed: str) -> None:
    with language(lang), pytest.raises(ValidationError) as err:
        parse_money(typed, "eur")
    assert err.value.message == _AS_A_NUMBER[lang]


@pytest.mark.parametrize(
    ("lang", "typed"), [("bn", "٣٥"), ("bn", "३५"), ("de", "৩৫"), ("en", "৩৫")]
)
def test_other_scripts_digits_get_a_sentence(lang: str, typed: str) -> None:
    with language(lang), pytest.raises(ValidationError) as err:
        parse_money(typed, "usd")
    expected = {
        "bn": "পরিমাণটি 0–9 বা ০–৯ অঙ্ক দিয়ে লিখুন।",  # Bangla's own digits are typed too
        "de": "Geben Sie den Betrag mit den Ziffern 0–9 ein.",
        "en": "Type the amount with the digits 0–9.",
    }
    assert err.value.message == expected[lang]


def test_percent_fields_follow_the_language() -> None:
    with language("de"):
        assert parse_percent("8,875", field="tax_rate") == Percent(8875)
        assert parse_percent("7,5 %", field="tax_rate") == Percent(7500)
        with pytest.raises(ValidationError):
            parse_percent("8.875", field="tax_rate")
    with language("bn"):
        assert parse_percent("৮.৮৭৫", field="tax_rate") == Percent(8875)
        with pytest.raises(ValidationError, match="০–৯"):
            parse_percent("٨", field="tax_rate")
    assert parse_percent("8.875", field="tax_rate") == Percent(8875)


def test_input_text_reads_back() -> None:
    for lang in ("en", "de", "es", "bn"):
        with language(lang):
            for money in (Money(3550, "eur"), Money(100050, "eur"), Money(500, "ugx")):
                assert parse_money(money.input_text(), money.currency) == money
                assert parse_money(money.format(), money.currency) == money
            assert parse_percent(Percent(8875).input_text(), field="x") == Percent(8875)


def test_the_command_line_types_ascii_whatever_the_language() -> None:
    lf.set_ascii_input(True)
    try:
        with language("de"):
            assert parse_money("1,000.50", "eur").amount == 100050
            with pytest.raises(ValidationError):
                parse_money("35,50", "eur")
        with language("bn"), pytest.raises(ValidationError):
            parse_money("৩৫", "eur")
    finally:
        lf.set_ascii_input(False)


def test_receipts_reports_and_the_day_close_write_dates_the_languages_way() -> None:
    from types import SimpleNamespace

    from pos_app.reports.render import receipt, sales
    from pos_app.services import day_close

    start = datetime(2026, 11, 22, 10, 30)
    slot = SimpleNamespace(starts_at=start, ends_at=datetime(2026, 11, 22, 11, 0))
    day = date(2026, 11, 22)
    assert receipt.slot_text(slot) == "Sun 22 Nov 2026, 10:30–11:00"  # type: ignore[arg-type]
    assert sales.day_words(day) == "Sunday 22 November 2026"
    with language("de"):
        assert receipt.slot_text(slot) == "So., 22. Nov. 2026, 10:30–11:00"  # type: ignore[arg-type]
        assert sales.day_words(day) == "Sonntag, 22. November 2026"
        assert day_close.day_words(day, date(2027, 1, 2)) == "Sonntag, 22. November 2026"
    with language("es"):
        assert day_close.day_words(day, day) == "dom, 22 de noviembre"
    with language("bn"):
        assert sales.day_words(day, year=False) == "রবি, 22 নভেম্বর"
        assert lf.clock(start) == "10:30"


@pytest.mark.parametrize("lang", ["en", "de", "es", "bn"])
def test_every_date_style_exists_in_every_language(lang: str) -> None:
    with language(lang):
        for style in lf._DATE_STYLES:
            assert lf.date_text(date(2026, 12, 6), style)


def test_periods_and_shares() -> None:
    week = (date(2026, 11, 16), date(2026, 11, 22))
    assert lf.period_text(*week) == "16–22 November 2026"
    assert lf.period_text(date(2026, 11, 1), date(2026, 11, 30)) == "November 2026"
    assert lf.share(0.0452) == "4.5 %"
    with language("de"):
        assert lf.period_text(date(2026, 11, 1), date(2026, 11, 30)) == "November 2026"
        assert lf.period_text(*week, year=False) == "16.–22. November"
        assert lf.share(0.0452) == f"4,5{NB}%"
    with language("es"):
        assert lf.period_text(*week) == "16–22 de noviembre de 2026"
    with language("bn"):
        assert lf.date_text(date(2026, 11, 1), "month") == "নভেম্বর"
        assert lf.share(0.0452) == "4.5%"


@pytest.mark.parametrize("lang", ["en", "de", "es", "bn"])
def test_the_fast_money_layout_is_babels(lang: str) -> None:
    """``_money`` lays amounts out itself (speed); it must say exactly what Babel says."""
    loc = lf._locale(lang)
    amounts = [0, 1, 9, 10, 99, 100, 999, 1000, 12345, 99999, 100000, 1234567, 99999999]
    for currency, decimals in (("usd", 2), ("eur", 2), ("jpy", 0), ("kwd", 3), ("bdt", 2)):
        for minor in amounts + [-a for a in amounts[1:]]:
            value = Decimal(minor).scaleb(-decimals)
            expected = lf._babel_money(loc, value, currency, decimals)
            assert lf._money(lang, value, currency, decimals) == expected, (currency, minor)


def test_a_promo_codes_days_follow_the_language_and_its_audit_record_does_not() -> None:
    from pos_app.domain import promo

    day = date(2026, 8, 31)
    assert promo.day_words(day) == "31 Aug 2026"
    with language("de"):
        assert promo.day_words(day) == "31. Aug. 2026"
        assert promo.record_day(day) == "31 Aug 2026"
    with language("es"):
        assert promo.day_words(day) == "31 ago 2026"


def test_a_stock_changes_own_note_is_said_in_the_readers_language_and_a_typed_one_is_not() -> None:
    from datetime import UTC

    from pos_app.domain.products import StockAdjustment, StockReason, note_words

    def change(note: str, order_id: str | None) -> StockAdjustment:
        at = datetime(2026, 12, 6, tzinfo=UTC)
        return StockAdjustment(
            1, "prd_1", -1, 4, StockReason.SALE, "System", at, note, None, order_id
        )

    with language("de"):
        assert note_words(change("sold on order 18", "ord_1")) == "verkauft mit Bestellung 18"
        assert note_words(change("sold on order 18", None)) == "sold on order 18"  # typed
        assert note_words(change("Delivery 4471", "ord_1")) == "Delivery 4471"
