"""The Z report's HTML (pos_app.reports.render.z_report), without Qt: the figures the screen
shows, the float and the count of a closed day, and every user string escaped."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pos_app.domain.reports import DayClose, SalesReport
from pos_app.reports.render.z_report import z_report_html, z_report_title
from pos_app.services.day_close import ZReport, ZTotals

DAY = date(2026, 12, 5)
USD = ZTotals(
    "usd",
    card_count=2,
    card_gross=15000,
    card_refunds=2000,
    fees=495,
    cash_count=2,
    cash_received=4500,
    opening_float=15000,
)


def _closed(note: str) -> ZReport:
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
        note=note,
        opening_float=15000,
    )
    return ZReport(
        DAY,
        "Europe/London",
        (USD,),
        SalesReport(DAY, DAY, "Europe/London"),
        closes=(close,),
        closed_sentence="Saturday 5 December was closed at 18:00 by Alex.",
    )


def test_an_open_day_says_so_and_shows_the_screens_figures() -> None:
    page = z_report_html(ZReport(DAY, "UTC", (USD,), SalesReport(DAY, DAY, "UTC")), business="Nine")
    assert "Z report — Saturday 5 December 2026" in page
    assert "Not closed yet" in page
    for expected in ("Card payments (2)", "$150.00", "−$20.00", "$130.00", "Cash payments (2)"):
        assert expected in page, expected
    assert "Cash counted" not in page  # nothing counted before the close


def test_a_closed_day_shows_the_float_the_count_and_the_difference_in_words() -> None:
    page = z_report_html(_closed(""), business="Nine")
    assert "Saturday 5 December was closed at 18:00 by Alex." in page
    assert "Opening float" in page and "$150.00" in page
    assert "Cash counted" in page and "$190.00" in page
    assert "−$5.00 short" in page  # a word, not a colour
    assert "Times in Europe/London." in page


def test_the_business_and_the_note_are_escaped() -> None:
    page = z_report_html(_closed("<b>till</b> & safe"), business="Tom & <Jerry>")
    assert "<b>till" not in page and "<Jerry>" not in page
    assert "&lt;b&gt;till&lt;/b&gt; &amp; safe" in page and "Tom &amp; &lt;Jerry&gt;" in page
    assert z_report_title(_closed(""), "Nine") == "Z report Saturday 5 December 2026 — Nine"
