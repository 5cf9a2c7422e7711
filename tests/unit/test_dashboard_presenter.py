"""The dashboard's presenter without a window: the headline against the previous period,
panel titles with their period, and a range charted by day."""

from __future__ import annotations

from datetime import date, timedelta

from pos_app.domain.reports import CurrencyTotals, SalesReport
from pos_app.ui.reports.dashboard.dashboard_presenter import (
    DashboardData,
    dashboard_state,
    headline,
    load_dashboard,
    period_words,
)
from pos_app.ui.reports.dashboard.periods import Period, Unit, previous_period

TODAY = date(2026, 12, 5)  # a Saturday


def usd(gross: int, fees: int = 0, pending: int = 0) -> CurrencyTotals:
    return CurrencyTotals("usd", gross, 0, fees, 1, 0, fees_pending=pending)


def report(start: date, end: date, gross: int) -> SalesReport:
    return SalesReport(start, end, "UTC", {"usd": usd(gross, 100)})


def test_the_headline_is_net_after_fees_with_an_arrow_and_words() -> None:
    up = headline(usd(11300, 100), usd(10100, 100), "yesterday")
    assert (up.value, up.arrow, up.comparison, up.tone) == (
        "$112.00",
        "▲",
        "▲ 12 % vs yesterday",
        "success",
    )
    down = headline(usd(5100, 100), usd(10100, 100), "the 7 days before")
    assert (down.arrow, down.comparison, down.tone) == (
        "▼",
        "▼ 50 % vs the 7 days before",
        "danger",
    )
    assert headline(usd(100), usd(100), "yesterday").comparison == "= same as yesterday"
    assert headline(usd(500), None, "yesterday").comparison == "▲ vs $0.00 yesterday"
    assert headline(usd(500, pending=1), None, "yesterday").value == "Fees pending"


def test_the_previous_period_has_the_same_length() -> None:
    week = Period(TODAY - timedelta(days=6), TODAY, Unit.SPAN)
    assert previous_period(week) == Period(date(2026, 11, 22), date(2026, 11, 28), Unit.SPAN)
    day = Period(TODAY, TODAY, Unit.DAY)
    assert previous_period(day).start == previous_period(day).end == date(2026, 12, 4)


def test_panels_name_their_period_and_a_range_is_charted_by_day() -> None:
    assert period_words(TODAY, TODAY, TODAY) == "Sat 5 Dec"
    assert period_words(date(2026, 11, 29), TODAY, TODAY) == "29 Nov – 5 Dec"
    day = Period(TODAY, TODAY, Unit.DAY)
    data = DashboardData(
        report(TODAY, TODAY, 1000), report(date(2026, 12, 4), date(2026, 12, 4), 500)
    )
    state = dashboard_state(data, "usd", day, TODAY)
    assert state.titles["chart"] == "By hour · Sat 5 Dec" and state.chart_days is None
    assert state.titles["method"] == "By payment method · Sat 5 Dec"
    assert state.headline.comparison == "▲ 125 % vs yesterday"
    week = Period(date(2026, 11, 29), TODAY, Unit.SPAN)
    days = tuple(
        report(week.start + timedelta(days=n), week.start + timedelta(days=n), n * 100)
        for n in range(7)
    )
    data = DashboardData(report(week.start, TODAY, 2100), None, days)
    state = dashboard_state(data, "usd", week, TODAY)
    assert state.titles["chart"] == "By day · 29 Nov – 5 Dec"
    assert state.chart_days is not None
    assert [r.label for r in state.chart_days][:2] == ["Sun 29", "Mon 30"]
    assert [r.gross for r in state.chart_days] == [0, 100, 200, 300, 400, 500, 600]


class Reports:
    def __init__(self) -> None:
        self.calls: list[tuple[str, date, date]] = []

    def daily(self, day: date) -> SalesReport:
        self.calls.append(("daily", day, day))
        return report(day, day, 0)

    def range(self, start: date, end: date) -> SalesReport:
        self.calls.append(("range", start, end))
        return report(start, end, 0)


def test_a_load_reads_the_period_the_one_before_and_a_ranges_days() -> None:
    reports = Reports()
    data = load_dashboard(reports, Period(date(2026, 12, 3), TODAY, Unit.SPAN))
    assert reports.calls[:2] == [
        ("range", date(2026, 12, 3), TODAY),
        ("range", date(2026, 11, 30), date(2026, 12, 2)),
    ]
    assert [r.start for r in data.days] == [date(2026, 12, 3), date(2026, 12, 4), TODAY]
