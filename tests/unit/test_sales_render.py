"""The sales report's words and HTML (pos_app.reports.render.sales), without Qt."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pos_app.domain.reports import Conversion, CurrencyTotals, SalesReport
from pos_app.reports.render.sales import (
    MARKER,
    no_sales_sentence,
    period_title,
    report_filename,
    report_html,
    report_title,
)

DAY = date(2026, 11, 20)
AT = datetime(2026, 11, 20, 18, 5, tzinfo=UTC)


def _report(*codes: str, start: date = DAY, end: date = DAY) -> SalesReport:
    return SalesReport(
        start=start,
        end=end,
        timezone="Europe/London",
        currencies={c: CurrencyTotals(c, 3500, 0, 0, 1, 0) for c in codes},
        conversion=Conversion(started=2, paid=1),
    )


def test_periods_read_as_people_say_them() -> None:
    assert period_title(DAY, DAY) == "Friday 20 November 2026"
    assert period_title(date(2026, 11, 16), date(2026, 11, 22)) == "16–22 November 2026"
    assert period_title(date(2026, 11, 1), date(2026, 11, 30)) == "November 2026"
    assert period_title(date(2026, 10, 28), date(2026, 11, 3)) == "28 October – 3 November 2026"
    assert no_sales_sentence(date(2026, 11, 16), date(2026, 11, 22)) == (
        "No sales from 16 to 22 November 2026."
    )
    assert report_filename(_report("usd"), "pdf") == "sales-2026-11-20.pdf"


def test_the_html_has_one_chart_placeholder_per_currency_and_escapes_the_name() -> None:
    page = report_html(_report("usd", "eur"), business_name="Tom & <Jerry>", generated_at=AT)
    assert "Tom &amp; &lt;Jerry&gt;" in page and "<Jerry>" not in page
    assert page.count(MARKER.format("usd")) == 1 and page.count(MARKER.format("eur")) == 1
    assert "Figures in USD" in page and "Figures in EUR" in page  # never added together
    assert "Generated 20 November 2026 at 18:05" in page
    assert report_title(_report("usd"), "Nine") == "Sales report Friday 20 November 2026 — Nine"


def test_an_empty_period_says_so_instead_of_a_chart() -> None:
    page = report_html(_report(), business_name="Nine", generated_at=AT)
    assert "No sales on Friday 20 November 2026." in page
    assert "chart:" not in page
