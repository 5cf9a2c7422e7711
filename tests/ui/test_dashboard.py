"""The sales dashboard: the engine's figures on tiles, chart and tables; period navigation;
currencies kept apart; error sentences; managers only; CSV export; the chart's geometry."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.errors import PosError
from pos_app.domain.people import Actor, Role
from pos_app.domain.reports import Breakdown, Conversion, CurrencyTotals, SalesReport
from pos_app.printing.chart import (
    GROSS,
    MIN_BAR_HEIGHT,
    REFUNDS,
    axis_money,
    chart_layout,
    nice_step,
    visible_hours,
)
from pos_app.ui.kit.tasks import GENERIC_ERROR, TaskRunner
from pos_app.ui.reports.dashboard.dashboard_view import (
    DashboardDialog,
    Page,
    Period,
    Preset,
    Unit,
    matching_preset,
    preset_period,
)
from pos_app.ui.shell.main_window import MainWindow
from tests.language import language
from tests.ui.conftest import make_booking

WAIT_MS = 10_000
DAY = date(2026, 11, 20)  # a Friday


# -- hand-made reports ---------------------------------------------------------------------


def hours(values: dict[int, tuple[int, int, int]]) -> tuple[Breakdown, ...]:
    """24 by-hour rows; ``values`` maps hour → (gross, refunds, count)."""
    rows = []
    for hour in range(24):
        gross, refunds, count = values.get(hour, (0, 0, 0))
        rows.append(
            Breakdown(f"{hour:02d}", f"{hour:02d}:00", count, gross, refunds, gross - refunds)
        )
    return tuple(rows)


def usd_totals() -> CurrencyTotals:
    """$485 gross in 9 payments, $70 refunded in 2, $11.90 fees."""
    return CurrencyTotals(
        currency="usd",
        gross=48500,
        refunds=7000,
        fees=1190,
        count=9,
        refund_count=2,
        by_service=(
            Breakdown("svc_haircut", "Haircut", 4, 18000, 2000, 16000),
            Breakdown("svc_colour", "Colour & style", 2, 19000, 5000, 14000),
            Breakdown("svc_massage", "Massage", 3, 11500, 0, 11500),
        ),
        by_staff=(
            Breakdown("res_priya", "Priya", 4, 20000, 2000, 18000),
            Breakdown("res_jordan", "Jordan", 3, 17000, 5000, 12000),
            Breakdown("", "Unassigned", 2, 11500, 0, 11500),
        ),
        by_method=(
            Breakdown("card", "Card (Stripe)", 6, 36500, 7000, 29500),
            Breakdown("cash", "Cash", 3, 12000, 0, 12000),
        ),
        by_hour=hours(
            {
                9: (4500, 0, 1),
                10: (12000, 0, 2),
                11: (9500, 2000, 2),
                13: (4500, 0, 1),
                14: (11000, 5000, 2),
                16: (7000, 0, 1),
            }
        ),
    )


def eur_totals() -> CurrencyTotals:
    """€90 in two card payments, nothing refunded."""
    return CurrencyTotals(
        currency="eur",
        gross=9000,
        refunds=0,
        fees=290,
        count=2,
        refund_count=0,
        by_service=(Breakdown("svc_consult", "Consultation", 2, 9000, 0, 9000),),
        by_method=(Breakdown("card", "Card (Stripe)", 2, 9000, 0, 9000),),
        by_hour=hours({12: (4500, 0, 1), 15: (4500, 0, 1)}),
    )


def sample_report(
    start: date = DAY, end: date | None = None, *, currencies: tuple[CurrencyTotals, ...] = ()
) -> SalesReport:
    chosen = currencies or (usd_totals(),)
    return SalesReport(
        start=start,
        end=end or start,
        timezone="Europe/London",
        currencies={t.currency: t for t in chosen},
        conversion=Conversion(started=12, paid=8, expired=2, failed=1, open=1),
    )


Answer = Callable[[date, date], SalesReport]


class FakeReports:
    """Stands in for ctx.reports: records what was asked, and on which thread."""

    def __init__(self, answer: Answer | BaseException) -> None:
        self.answer = answer
        self.calls: list[tuple[str, date, date]] = []
        self.on_gui_thread = 0

    def daily(self, day: date) -> SalesReport:
        return self._reply("daily", day, day)

    def range(self, start: date, end: date) -> SalesReport:
        return self._reply("range", start, end)

    def _reply(self, kind: str, start: date, end: date) -> SalesReport:
        self.calls.append((kind, start, end))
        if threading.current_thread() is threading.main_thread():
            self.on_gui_thread += 1
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer(start, end)


def periods_asked(fake: FakeReports) -> list[tuple[str, date, date]]:
    """The period each load asked for. A load reads its period first, then the period of
    the same length before it (the headline's comparison), then each day of a range."""
    asked, index = [], 0
    while index < len(fake.calls):
        kind, start, end = fake.calls[index]
        asked.append((kind, start, end))
        before = fake.calls[index + 1] if index + 1 < len(fake.calls) else None
        length = (end - start).days + 1
        assert before is None or before == (
            "range",
            start - (end - start) - timedelta(days=1),
            start - timedelta(days=1),
        )
        index += 2 + (length if length > 1 else 0)
    return asked


def same_figures(currencies: tuple[CurrencyTotals, ...] = ()) -> Answer:
    """Whatever period is asked, the sample figures for it."""
    return lambda start, end: sample_report(start, end, currencies=currencies)


def open_dashboard(
    qtbot: QtBot,
    ctx: AppContext,
    runner: TaskRunner,
    fake: FakeReports,
    **kwargs: object,
) -> DashboardDialog:
    ctx.reports = fake  # type: ignore[attr-defined]
    dialog = DashboardDialog(ctx, runner, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loads >= 1, timeout=WAIT_MS)
    return dialog


def today_of(ctx: AppContext) -> date:
    return datetime.now(ctx.config.timezone).date()


# -- the figures ---------------------------------------------------------------------------


def test_tiles_tables_and_conversion_show_the_engines_figures(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner
) -> None:
    fake = FakeReports(same_figures())
    dialog = open_dashboard(qtbot, ui_app, runner, fake)

    assert dialog.page() is Page.FIGURES
    shown = {key: dialog.tile_text(key) for key in dialog.tiles}
    assert shown == {
        "gross": "$485.00",
        "refunds": "$70.00",
        "net": "$415.00",
        "fees": "$11.90",
        "net_after_fees": "$403.10",
        "count": "9",
        "average": "$53.89",  # 485 / 9 = 53.888…, half up
        "refund_rate": "14.4 %",
    }
    assert dialog.table_rows("method") == [
        ("Card (Stripe)", "6", "$365.00", "$70.00", "$295.00"),
        ("Cash", "3", "$120.00", "$0.00", "$120.00"),
    ]
    assert dialog.table_rows("service")[1] == (
        "Colour & style",
        "2",
        "$190.00",
        "$50.00",
        "$140.00",
    )
    assert [row[0] for row in dialog.table_rows("staff")] == ["Priya", "Jordan", "Unassigned"]
    conversion = dialog.conversion_texts()
    assert conversion["Started"] == "12" and conversion["Paid"] == "8"
    assert conversion["Expired or cancelled"] == "2" and conversion["Still open"] == "1"
    assert conversion["Paid share"] == "66.7 %"
    # Only one currency had activity: no selector.
    assert dialog.currencies() == [] and dialog.currency_combo.isHidden()
    # The chart has the day's bars: six hours of sales, two of them with refunds.
    layout = dialog.chart.current_layout()
    assert layout is not None
    assert sum(b.kind == GROSS for b in layout.bars) == 6
    assert sum(b.kind == REFUNDS for b in layout.bars) == 2
    assert "Friday 20 November" not in dialog.period_label.text()  # today, not the sample day
    assert fake.on_gui_thread == 0
    assert dialog.csv_button.isEnabled() and dialog.pdf_button.isEnabled()


def test_a_seeded_day_through_the_real_engine(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner, tmp_path: Path
) -> None:
    if not hasattr(ui_app, "reports"):
        pytest.fail("ctx.reports is not wired in app.py")
    # Two haircuts paid in cash today ($35.00 each): figures a person can add up.
    for name in ("Ada Lovelace", "Grace Hopper"):
        booking = make_booking(ui_app, name)
        ui_app.cash.record(booking.id)
    target = tmp_path / "today.csv"
    dialog = DashboardDialog(ui_app, runner, csv_chooser=lambda _parent, _name: str(target))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loads >= 1, timeout=WAIT_MS)

    assert dialog.page() is Page.FIGURES, dialog.error_text()
    assert dialog.tile_text("gross") == "$70.00"
    assert dialog.tile_text("count") == "2"
    assert dialog.tile_text("refunds") == "$0.00"
    assert dialog.tile_text("fees") == "$0.00"  # cash has no Stripe fee
    assert dialog.tile_text("average") == "$35.00"
    assert ("Cash", "2", "$70.00", "$0.00", "$70.00") in dialog.table_rows("method")
    expected = ui_app.reports.daily(today_of(ui_app))
    assert dialog.report == expected
    # The bookings' orders, paid in full: their service on the product panel; untaxed, no
    # tips or discounts, so the other panel says so instead of an empty table.
    assert dialog.table_rows("product") == [("Haircut", "× 2", "$70.00")]
    assert dialog.table_rows("extras") == []
    assert dialog.figure_stacks["extras"].currentIndex() == 1
    assert "No tax, tips or discounts" in dialog.figure_empty["extras"].text()

    # Export CSV… goes to the real export service, in the background.
    dialog.export_csv()
    assert dialog.status_text() == "Exporting the CSV…"
    qtbot.waitUntil(lambda: dialog.last_csv is not None, timeout=WAIT_MS)
    assert dialog.status_text() == "Saved today.csv (2 rows)."
    assert target.read_text(encoding="utf-8-sig").count("Haircut") == 2


def test_empty_day_says_so(qtbot: QtBot, ui_app: AppContext, runner: TaskRunner) -> None:
    nothing = FakeReports(
        lambda start, end: SalesReport(start, end, "Europe/London", {}, Conversion())
    )
    dialog = open_dashboard(qtbot, ui_app, runner, nothing)
    dialog.set_period(date(2026, 11, 22), date(2026, 11, 22), Unit.DAY)
    qtbot.waitUntil(lambda: dialog.loads >= 2, timeout=WAIT_MS)

    assert dialog.page() is Page.EMPTY
    year = "" if today_of(ui_app).year == 2026 else " 2026"
    assert dialog.empty_text() == f"No sales on Sunday 22 November{year}."


def test_a_slow_answer_shows_progress_after_300_ms(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner
) -> None:
    release = threading.Event()

    def slow(start: date, end: date) -> SalesReport:
        release.wait(5)
        return sample_report(start, end)

    ui_app.reports = FakeReports(slow)  # type: ignore[attr-defined]
    dialog = DashboardDialog(ui_app, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.page() is Page.LOADING and not dialog.loading_label.isVisible()
    qtbot.waitUntil(dialog.loading_label.isVisible, timeout=WAIT_MS)  # the first load
    release.set()
    qtbot.waitUntil(lambda: dialog.loads == 1, timeout=WAIT_MS)
    assert not dialog.loading_label.isVisible() and not dialog.spinner.isVisible()

    release.clear()
    dialog.go_previous()
    assert not dialog.pdf_button.isEnabled()  # no export of figures being replaced
    qtbot.waitUntil(lambda: dialog.status_text() == "Loading…", timeout=WAIT_MS)
    assert dialog.spinner.isVisible() and dialog.page() is Page.FIGURES  # the old figures stay
    release.set()
    qtbot.waitUntil(lambda: dialog.loads == 2, timeout=WAIT_MS)
    assert not dialog.spinner.isVisible() and dialog.pdf_button.isEnabled()


# -- periods -------------------------------------------------------------------------------


def test_period_navigation_changes_the_request(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner
) -> None:
    fake = FakeReports(same_figures())
    dialog = open_dashboard(qtbot, ui_app, runner, fake)
    today = today_of(ui_app)
    yesterday = today - timedelta(days=1)
    assert periods_asked(fake) == [("daily", today, today)]
    assert fake.calls[1] == ("range", yesterday, yesterday)  # compared with yesterday
    assert not dialog.next_button.isEnabled()  # nothing after today

    qtbot.keyClick(dialog, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.loads >= 2, timeout=WAIT_MS)
    assert periods_asked(fake)[-1] == ("daily", yesterday, yesterday)
    assert dialog.preset_combo.currentData() is Preset.YESTERDAY
    assert dialog.next_button.isEnabled()

    dialog.select_preset(Preset.LAST_7_DAYS)
    qtbot.waitUntil(lambda: dialog.loads == 3, timeout=WAIT_MS)
    assert periods_asked(fake)[-1] == ("range", today - timedelta(days=6), today)
    # A range is charted by day: each of its 7 days is read too.
    assert fake.calls[-7:] == [
        ("daily", today - timedelta(days=n), today - timedelta(days=n)) for n in range(6, -1, -1)
    ]

    dialog.previous_button.click()
    qtbot.waitUntil(lambda: dialog.loads == 4, timeout=WAIT_MS)
    asked = ("range", today - timedelta(days=13), today - timedelta(days=7))
    assert periods_asked(fake)[-1] == asked
    assert dialog.preset_combo.currentData() is Preset.CUSTOM

    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.loads == 5, timeout=WAIT_MS)
    assert periods_asked(fake)[-1] == ("range", today - timedelta(days=6), today)
    assert dialog.preset_combo.currentData() is Preset.LAST_7_DAYS
    assert fake.on_gui_thread == 0


def test_typed_dates_ask_for_that_range(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner
) -> None:
    fake = FakeReports(same_figures())
    dialog = open_dashboard(qtbot, ui_app, runner, fake)
    dialog.select_preset(Preset.CUSTOM)
    dialog.from_edit.setDate(date(2026, 3, 1))
    dialog.to_edit.setDate(date(2026, 3, 10))
    qtbot.waitUntil(lambda: dialog.loads >= 2, timeout=WAIT_MS)
    # one load for both edits (debounced)
    assert periods_asked(fake)[-1] == ("range", date(2026, 3, 1), date(2026, 3, 10))
    assert len(periods_asked(fake)) == 2


def test_presets_and_steps() -> None:
    today = date(2026, 11, 18)  # a Wednesday
    assert preset_period(Preset.THIS_WEEK, today) == Period(date(2026, 11, 16), today, Unit.WEEK)
    assert preset_period(Preset.THIS_MONTH, today) == Period(date(2026, 11, 1), today, Unit.MONTH)
    last_month = preset_period(Preset.THIS_MONTH, today).shifted(-1, today)
    assert last_month == Period(date(2026, 10, 1), date(2026, 10, 31), Unit.MONTH)
    assert last_month.shifted(1, today) == preset_period(Preset.THIS_MONTH, today)
    january = Period(date(2026, 1, 1), date(2026, 1, 31), Unit.MONTH).shifted(-1, today)
    assert (january.start, january.end) == (date(2025, 12, 1), date(2025, 12, 31))
    last_week = preset_period(Preset.THIS_WEEK, today).shifted(-1, today)
    assert (last_week.start, last_week.end) == (date(2026, 11, 9), date(2026, 11, 15))
    assert matching_preset(last_week.shifted(1, today), today) is Preset.THIS_WEEK
    custom = Period(date(2026, 11, 1), date(2026, 11, 3))
    assert custom.shifted(-1, today) == Period(date(2026, 10, 29), date(2026, 10, 31))
    assert matching_preset(custom, today) is Preset.CUSTOM


# -- currencies, errors, permissions -------------------------------------------------------


def test_two_currencies_are_shown_separately(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner
) -> None:
    fake = FakeReports(same_figures((usd_totals(), eur_totals())))
    dialog = open_dashboard(qtbot, ui_app, runner, fake)

    assert dialog.currencies() == ["usd", "eur"]  # busiest first
    assert dialog.currency() == "usd"
    assert dialog.tile_text("gross") == "$485.00"  # not $485 + €90
    assert dialog.tile_text("count") == "9"

    dialog.select_currency("eur")
    assert dialog.currency() == "eur"
    assert dialog.tile_text("gross") == "€90.00"
    assert dialog.tile_text("fees") == "€2.90"
    assert dialog.tile_text("count") == "2"
    assert dialog.table_rows("method") == [("Card (Stripe)", "2", "€90.00", "€0.00", "€90.00")]
    chart_totals = dialog.chart.totals()
    assert chart_totals is not None and chart_totals.currency == "eur"

    # The choice survives moving to another period that has it too.
    dialog.go_previous()
    qtbot.waitUntil(lambda: dialog.loads >= 2, timeout=WAIT_MS)
    assert dialog.currency() == "eur" and dialog.tile_text("gross") == "€90.00"


def test_engine_errors_are_sentences(qtbot: QtBot, ui_app: AppContext, runner: TaskRunner) -> None:
    fake = FakeReports(PosError("The database is busy. Try again in a moment."))
    dialog = open_dashboard(qtbot, ui_app, runner, fake)
    assert dialog.page() is Page.FAILED
    assert dialog.error_text() == "The database is busy. Try again in a moment."
    assert not dialog.csv_button.isEnabled() and not dialog.pdf_button.isEnabled()

    fake.answer = RuntimeError("boom: secret internals")
    dialog.retry_button.click()
    qtbot.waitUntil(lambda: dialog.loads >= 2, timeout=WAIT_MS)
    assert dialog.error_text() == GENERIC_ERROR
    assert "boom" not in dialog.error_text() and "Traceback" not in dialog.error_text()

    fake.answer = same_figures()
    qtbot.keyClick(dialog, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: dialog.loads >= 3, timeout=WAIT_MS)
    assert dialog.page() is Page.FIGURES and dialog.error_text() == ""


def test_staff_are_refused_with_a_sentence(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    ui_app.reports = FakeReports(same_figures())  # type: ignore[attr-defined]
    ui_app.deps.desk.sign_in(Actor("usr_sam", "Sam Lee", Role.STAFF))
    assert window.open_dashboard() is None
    assert window.notice.text() == "Only a manager can see the sales figures."

    ui_app.deps.desk.sign_in(Actor("usr_alex", "Alex Morgan", Role.MANAGER))
    window.dashboard_action.trigger()
    dialog = window.dashboard_dialog
    assert isinstance(dialog, DashboardDialog)
    qtbot.waitUntil(lambda: dialog.loads >= 1, timeout=WAIT_MS)
    assert dialog.tile_text("gross") == "$485.00"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_engine_refuses_staff_too(qtbot: QtBot, ui_app: AppContext, runner: TaskRunner) -> None:
    if not hasattr(ui_app, "reports"):
        pytest.fail("ctx.reports is not wired in app.py")
    ui_app.deps.desk.sign_in(Actor("usr_sam", "Sam Lee", Role.STAFF))
    dialog = DashboardDialog(ui_app, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loads >= 1, timeout=WAIT_MS)
    assert dialog.page() is Page.FAILED
    assert "manager" in dialog.error_text()


# -- CSV export ----------------------------------------------------------------------------


def test_csv_export_calls_the_exporter_with_the_chosen_path(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner, tmp_path: Path
) -> None:
    chosen = tmp_path / "week.csv"
    asked: list[str] = []
    exported: list[tuple[date, date, Path, bool]] = []

    def chooser(_parent: QWidget, suggested: str) -> str:
        asked.append(suggested)
        return str(chosen)

    def exporter(start: date, end: date, path: Path) -> int:
        on_gui = threading.current_thread() is threading.main_thread()
        exported.append((start, end, path, on_gui))
        path.write_text("kind,amount\n", encoding="utf-8")
        return 14

    fake = FakeReports(same_figures())
    dialog = open_dashboard(qtbot, ui_app, runner, fake, csv_chooser=chooser, csv_exporter=exporter)
    dialog.select_preset(Preset.LAST_7_DAYS)
    qtbot.waitUntil(lambda: dialog.loads >= 2, timeout=WAIT_MS)
    today = today_of(ui_app)
    qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.last_csv is not None, timeout=WAIT_MS)

    assert exported == [(today - timedelta(days=6), today, chosen, False)]
    assert asked[0].endswith(f"sales-{(today - timedelta(days=6)).isoformat()}-to-{today}.csv")
    assert dialog.status_text() == "Saved week.csv (14 rows)."


def test_csv_export_failure_is_a_sentence_and_cancel_does_nothing(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner
) -> None:
    calls: list[Path] = []

    def exporter(start: date, end: date, path: Path) -> int:
        calls.append(path)
        raise PermissionError(13, "Permission denied")

    answers = iter([None, "/nowhere/x.csv"])
    fake = FakeReports(same_figures())
    dialog = open_dashboard(
        qtbot,
        ui_app,
        runner,
        fake,
        csv_chooser=lambda _p, _s: next(answers),
        csv_exporter=exporter,
    )
    dialog.csv_button.click()  # cancelled in the chooser
    assert calls == [] and dialog.csv_button.isEnabled()
    dialog.csv_button.click()
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT_MS)
    assert dialog.error.text() == "The file could not be written: Permission denied."
    assert dialog.csv_button.isEnabled()


# -- the chart's geometry ------------------------------------------------------------------


def test_chart_bars_are_proportional_to_the_amounts() -> None:
    rows = hours({10: (12000, 0, 2), 11: (3000, 1500, 1), 14: (6000, 0, 1)})
    plot = QRectF(50, 20, 450, 200)
    layout = chart_layout(rows, "usd", plot)

    assert layout.hours == tuple(range(9, 18))  # the working day around the sales
    assert layout.scale_max == 15000  # $120 rounds up to the $50 grid: $150
    assert [t[0] for t in layout.ticks] == [0, 5000, 10000, 15000]
    assert [(b.hour, b.kind) for b in layout.bars] == [
        (10, GROSS),
        (11, GROSS),
        (11, REFUNDS),
        (14, GROSS),
    ]
    for bar in layout.bars:
        assert bar.rect.bottom() == pytest.approx(plot.bottom())
        assert bar.rect.height() == pytest.approx(plot.height() * bar.amount / 15000)
        assert layout.slot(bar.hour).contains(bar.rect)
    heights = {(b.hour, b.kind): b.rect.height() for b in layout.bars}
    assert heights[(10, GROSS)] == pytest.approx(2 * heights[(14, GROSS)])
    assert heights[(11, GROSS)] == pytest.approx(2 * heights[(11, REFUNDS)])
    assert layout.hour_at(layout.slot(14).center().x()) == 14
    assert layout.hour_at(plot.left() - 1) is None


def test_chart_edges_late_hours_tiny_amounts_and_axis_labels() -> None:
    late = hours({23: (4000, 0, 1), 7: (1, 0, 1)})
    assert visible_hours(late) == tuple(range(7, 24))
    assert visible_hours(hours({})) == tuple(range(9, 18))
    layout = chart_layout(late, "usd", QRectF(0, 0, 340, 100))
    tiny = next(b for b in layout.bars if b.hour == 7)
    assert tiny.rect.height() == MIN_BAR_HEIGHT  # one cent still shows
    assert layout.label_stride >= 1
    assert nice_step(12000, "usd") == 5000
    assert nice_step(3500, "jpy") == 1000
    assert nice_step(0, "usd") == 100
    assert axis_money(15000, "usd") == "$150"
    assert axis_money(15050, "usd") == "$150.50"
    assert axis_money(3000, "jpy") == "¥3,000"
    assert axis_money(12500, "kwd") == "KWD\u00a012.500"  # CLDR en puts the code first
    assert axis_money(12000, "kwd") == "KWD\u00a012"
    with language("de"):
        assert axis_money(125000, "eur") == "1.250\u00a0€"


def test_chart_widget_paints_its_bars_in_the_theme_colours(qtbot: QtBot, qapp: object) -> None:
    from PySide6.QtWidgets import QApplication

    from pos_app.ui.kit import theme
    from pos_app.ui.reports.dashboard.sales_chart import SalesChart

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    chart = SalesChart()
    qtbot.addWidget(chart)
    chart.resize(600, 240)
    chart.set_totals(usd_totals())
    layout = chart.current_layout()
    assert layout is not None and len(layout.bars) == 8
    try:
        for dark in (False, True):
            theme.apply_theme(app, dark=dark)
            image = chart.grab().toImage()
            ratio = image.devicePixelRatio()
            for bar in layout.bars:
                centre = bar.rect.center()
                pixel = image.pixelColor(int(centre.x() * ratio), int(centre.y() * ratio))
                tone = "accent" if bar.kind == GROSS else "danger"
                assert pixel.name() == theme.semantic(tone, chart).name(), (dark, bar)
    finally:
        theme.apply_theme(app, dark=False)
    assert "Busiest hour 10:00" in chart.accessibleDescription()
