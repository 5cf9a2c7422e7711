"""The Z report's presenter, without a window: the drawer as the float and count are typed,
a closed day's drawer, and the question before a close."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pos_app.domain.money import Money
from pos_app.domain.reports import DayClose, SalesReport
from pos_app.reports.render.z_report import card_lines, difference_text
from pos_app.services.day_close import ZReport, ZTotals
from pos_app.ui.reports.day_close.day_close_presenter import (
    closed_drawer_state,
    confirmation,
    drawer_state,
)

DAY = date(2026, 12, 5)
USD = ZTotals(
    "usd",
    card_count=2,
    card_gross=15000,
    card_refunds=2000,
    fees=495,
    cash_count=2,
    cash_received=4500,
)


def report(*totals: ZTotals) -> ZReport:
    return ZReport(DAY, "UTC", totals, SalesReport(DAY, DAY, "UTC"))


def test_the_drawer_expects_the_float_plus_the_cash_taken() -> None:
    state = drawer_state(USD, "150", "")
    assert (state.float_amount, state.expected, state.expected_text) == (15000, 19500, "$195.00")
    assert state.expected_detail == "float $150.00 + cash $45.00"
    assert (state.difference, state.tone) == ("", "")
    assert drawer_state(USD, "150", "190").difference == "−$5.00 short"
    assert drawer_state(USD, "150", "195.00").tone == "success"
    assert drawer_state(USD, "", "46").difference == "+$1.00 over"
    assert drawer_state(USD, "", "").expected_detail == ""


def test_an_unreadable_float_or_count_says_so_and_shows_no_difference() -> None:
    bad = drawer_state(USD, "-1", "45")
    assert bad.float_amount is None and bad.float_error == "The amount must be more than zero."
    assert (bad.difference, bad.expected) == ("—", 4500)
    assert drawer_state(USD, "1.234", "").float_error.endswith("decimal places.")
    assert drawer_state(USD, "10", "abc").difference == "—"


def test_a_closed_drawer_reads_as_recorded() -> None:
    close = DayClose(
        DAY,
        "usd",
        datetime(2026, 12, 5, 18, tzinfo=UTC),
        None,
        "Alex",
        13000,
        cash_expected=19500,
        cash_counted=19000,
        report_json="{}",
        opening_float=15000,
    )
    state = closed_drawer_state(USD, close)
    assert (state.expected_text, state.difference, state.tone) == (
        "$195.00",
        "−$5.00 short",
        "danger",
    )
    assert state.expected_detail == "float $150.00 + cash $45.00"


def test_the_question_names_the_day_and_each_currencys_totals() -> None:
    eur = ZTotals("eur", card_count=1, card_gross=4000, fees=146)
    asked = confirmation(report(eur, USD), {"usd": "150"}, {"usd": "190", "eur": ""})
    assert asked is not None
    assert asked.title == "Close Saturday 5 December?"
    assert "USD: card net $130.00 (after fees $125.05); cash payments $45.00." in asked.text
    assert (
        "USD: counted $190.00, expected $195.00 (float $150.00 + cash $45.00) — −$5.00 short."
        in asked.text
    )
    assert "EUR: counted €0.00, expected €0.00 — exact." in asked.text
    assert confirmation(report(USD), {"usd": "x"}, {"usd": "1"}) is None
    assert confirmation(report(USD), {}, {"usd": "1.999"}) is None


def test_words_for_lines_and_differences() -> None:
    assert difference_text(Money(-495, "usd")) == ("−$4.95 short", "danger")
    assert difference_text(Money(0, "usd")) == ("Exact", "success")
    lines = card_lines(USD)
    assert lines[0].heading and lines[3].caption == "Card net" and lines[3].bold
    assert [line.value for line in lines[4:]] == ["−$4.95", "$125.05"]
