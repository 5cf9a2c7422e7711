"""The sales dashboard without Qt: what to read for a period (the period, the one before it,
and a range's days), and the frozen state the dialog paints for one currency: the headline
(net after fees, ▲/▼ against the previous period, in words), every panel's title with its
period, and the chart's rows (by hour for a day, by day for a range).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from pos_app.domain import locale_format as lf
from pos_app.domain.money import Money
from pos_app.domain.reports import FEES_PENDING, Breakdown, CurrencyTotals, SalesReport
from pos_app.i18n import N_, _
from pos_app.reports.render.order_figures import FigureRow, money_rows, product_rows
from pos_app.ui.reports.dashboard.periods import Period, previous_period

UP, DOWN, SAME = "▲", "▼", "="
PANELS = ("chart", "checkouts", "service", "staff", "method", "product", "extras")
PANEL_NAMES = {
    "checkouts": N_("Checkouts"),
    "service": N_("By service"),
    "staff": N_("By staff and room"),
    "method": N_("By payment method"),
    "product": N_("Sales by product"),
    "extras": N_("Tax, tips and discounts"),
}
NO_ORDERS = "No order was paid in full in this period."
NO_EXTRAS = "No tax, tips or discounts on the orders of this period."


class SalesReports(Protocol):
    """The report engine, as the dashboard reads it (``services.reports``)."""

    def daily(self, day: date) -> SalesReport:
        """The figures of one local business day."""
        ...

    def range(self, start: date, end: date) -> SalesReport:
        """The figures of the local business days ``start``..``end``."""
        ...


@dataclass(frozen=True)
class DashboardData:
    """Everything one load read: the period, the period before it, and a range's days."""

    report: SalesReport
    previous: SalesReport | None = None
    days: tuple[SalesReport, ...] = ()  # one per day of a range, oldest first; () for a day


def load_dashboard(reports: SalesReports, period: Period) -> DashboardData:
    """Read the period, the same length before it and (for a range) each day; runs on a
    worker thread."""
    if period.days == 1:
        report = reports.daily(period.start)
    else:
        report = reports.range(period.start, period.end)
    before = previous_period(period)
    previous = reports.range(before.start, before.end)
    days: tuple[SalesReport, ...] = ()
    if period.days > 1:
        days = tuple(
            reports.daily(day)
            for day in (period.start + timedelta(days=n) for n in range(period.days))
        )
    return DashboardData(report, previous, days)


def day_words(day: date, today: date) -> str:
    """'Sat 5 Dec' (with the year when it is not ``today``'s)."""
    return lf.date_text(day, "short_day_no_year" if day.year == today.year else "short_date")


def period_words(start: date, end: date, today: date) -> str:
    """'Sat 5 Dec' for a day, '29 Nov – 5 Dec' for a range (years when not this year's)."""
    if start == end:
        return day_words(start, today)
    first = lf.date_text(
        start, "day_month_plain" if start.year == end.year == today.year else "date_plain"
    )
    last = lf.date_text(end, "day_month_plain" if end.year == today.year else "date_plain")
    return f"{first} – {last}"


def previous_words(period: Period, today: date) -> str:
    """What the headline compares with: 'yesterday', 'Fri 4 Dec', 'the 7 days before'."""
    if period.days == 1:
        before = period.start - timedelta(days=1)
        return _("yesterday") if period.start == today else day_words(before, today)
    return _("the {count} days before").format(count=period.days)


@dataclass(frozen=True)
class Headline:
    """The net after fees, and how it moved against the previous period (icon and words)."""

    value: str  # "$1,204.50", or "Fees pending"
    arrow: str  # UP, DOWN, SAME, or '' when there is nothing to compare
    comparison: str  # "▲ 12 % vs yesterday"
    tone: str  # 'success' up, 'danger' down, '' otherwise


def headline(totals: CurrencyTotals, previous: CurrencyTotals | None, against: str) -> Headline:
    """Net after fees of ``totals`` against ``previous`` (same currency; None: no sales)."""
    if not totals.fees_known:
        return Headline(_(FEES_PENDING), "", _("Compared once Stripe reports every fee"), "")
    now = totals.net_after_fees
    value = Money(now, totals.currency).format()
    if previous is not None and not previous.fees_known:
        return Headline(
            value,
            "",
            _("{against}: fees pending, not compared").format(against=against.capitalize()),
            "",
        )
    before = previous.net_after_fees if previous is not None else 0
    if now == before:
        return Headline(
            value, SAME, _("{arrow} same as {against}").format(arrow=SAME, against=against), ""
        )
    arrow, tone = (UP, "success") if now > before else (DOWN, "danger")
    if before <= 0:
        was = Money(before, totals.currency).format()
        return Headline(
            value,
            arrow,
            _("{arrow} vs {was} {against}").format(arrow=arrow, was=was, against=against),
            tone,
        )
    change = round(abs(now - before) * 100 / before)  # a ratio for people, not money
    return Headline(
        value,
        arrow,
        _("{arrow} {change} % vs {against}").format(arrow=arrow, change=change, against=against),
        tone,
    )


def day_rows(days: tuple[SalesReport, ...], currency: str, today: date) -> tuple[Breakdown, ...]:
    """A range's days as chart rows (one per day, 'Sat 5' labels; zeros on a quiet day)."""
    rows = []
    for report in days:
        t = report.currencies.get(currency)
        label = lf.date_text(report.start, "weekday_day")
        if t is None:
            rows.append(Breakdown(report.start.isoformat(), label, 0, 0, 0, 0))
        else:
            rows.append(
                Breakdown(report.start.isoformat(), label, t.count, t.gross, t.refunds, t.net)
            )
    return tuple(rows)


@dataclass(frozen=True)
class DashboardState:
    """What the figures page shows for one currency."""

    period: str  # "Sat 5 Dec" / "29 Nov – 5 Dec"
    headline: Headline
    titles: dict[str, str]  # panel key (PANELS) → "By service · Sat 5 Dec"
    chart_days: tuple[Breakdown, ...] | None  # None: by hour (a single day)
    # The orders paid in full in the period (issue 14): each product or service sold, and
    # tax by rate, tips by staff, discounts and promo codes (reports/render/order_figures).
    products: tuple[FigureRow, ...] = ()
    extras: tuple[FigureRow, ...] = ()

    def empty_sentence(self, key: str) -> str:
        """What the 'product' or 'extras' panel says in place of an empty table ('' when
        it has rows)."""
        rows = self.products if key == "product" else self.extras
        if rows:
            return ""
        return NO_ORDERS if not self.products else NO_EXTRAS


def dashboard_state(
    data: DashboardData, currency: str, period: Period, today: date
) -> DashboardState:
    """The state of the figures page for ``currency``."""
    report = data.report
    words = period_words(report.start, report.end, today)
    totals = report.currencies[currency]
    previous = data.previous.currencies.get(currency) if data.previous is not None else None
    by_day = report.start != report.end
    chart = _("By day") if by_day else _("By hour")
    titles = {"chart": f"{chart} · {words}"}
    titles.update({key: f"{_(name)} · {words}" for key, name in PANEL_NAMES.items()})
    return DashboardState(
        period=words,
        headline=headline(totals, previous, previous_words(period, today)),
        titles=titles,
        chart_days=day_rows(data.days, currency, today) if by_day else None,
        products=product_rows(totals.order_figures, currency),
        extras=money_rows(totals.order_figures, currency),
    )
