"""Manage ▸ Sales dashboard: a day's or a range's figures for managers.

The headline is the net after fees, with ▲/▼ against the period before (in words too); a
day is charted by hour, a range by day; every panel names its period. The figures come from
the report engine in the background (``dashboard_presenter.load_dashboard``); the screen
lays out the presenter's frozen state. Each currency is shown on its own (a selector appears
when more than one had activity): amounts are never added across currencies. CSV and PDF
exports run in the background too; the file choosers and the CSV exporter are injectable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

from pos_app.domain import locale_format as lf
from pos_app.domain.reports import SalesReport
from pos_app.i18n import _, ngettext
from pos_app.printing.paging import typesetting
from pos_app.printing.sales_report import write_report_pdf
from pos_app.reports.render.sales import (
    adjustment_sentence,
    figures,
    no_sales_sentence,
    ordered_currencies,
    period_title,
    report_filename,
)
from pos_app.ui.kit import theme
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.reports.dashboard.dashboard_layout import TILE_KEYS, DashboardLayout
from pos_app.ui.reports.dashboard.dashboard_presenter import (
    DashboardData,
    dashboard_state,
    load_dashboard,
)
from pos_app.ui.reports.dashboard.periods import (
    Period,
    Preset,
    Unit,
    matching_preset,
    preset_period,
)
from pos_app.ui.reports.dashboard.widgets import Page, choose_csv_path, choose_pdf_path

if TYPE_CHECKING:
    from pos_app.app import AppContext

__all__ = [
    "DashboardDialog",
    "Page",
    "Period",
    "Preset",
    "Unit",
    "matching_preset",
    "preset_period",
]

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 300  # quick answers never flash a spinner
DEBOUNCE_MS = 250  # typing a date reloads once, when the typing stops
PathChooser = Callable[[QWidget, str], str | None]
CsvExporter = Callable[[date, date, Path], Any]


# -- the dialog ----------------------------------------------------------------------------


class DashboardDialog(DashboardLayout):
    """Sales for a day or a range: tiles, the by-hour chart, breakdowns, conversion, exports."""

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        preset: Preset = Preset.TODAY,
        csv_chooser: PathChooser = choose_csv_path,
        pdf_chooser: PathChooser = choose_pdf_path,
        csv_exporter: CsvExporter | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._choose_csv = csv_chooser
        self._choose_pdf = pdf_chooser
        self._export_csv = csv_exporter or _engine_csv_exporter(ctx)
        self._currency: str | None = None
        self.report: SalesReport | None = None
        self.data: DashboardData | None = None
        self.loads = 0  # finished loads (success or failure), for tests and screenshots
        self.last_csv: Path | None = None
        self.last_pdf: Path | None = None
        self._period = preset_period(preset, self._today())
        self.setWindowTitle(_("Sales dashboard"))
        self.setMinimumSize(900, 560)
        self.resize(self._fitting_size())

        self._build_header(preset)
        self._build_body()
        self._build_footer()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addLayout(self._header)
        layout.addWidget(self.pages, 1)
        layout.addLayout(self._footer)

        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_DELAY_MS)
        self._progress_timer.timeout.connect(self._show_progress)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_dates_edited)

        self.preset_combo.currentIndexChanged.connect(self._on_preset)
        self.from_edit.dateChanged.connect(lambda _d: self._debounce.start())
        self.to_edit.dateChanged.connect(lambda _d: self._debounce.start())
        self.previous_button.clicked.connect(self.go_previous)
        self.next_button.clicked.connect(self.go_next)
        self.currency_combo.currentIndexChanged.connect(self._on_currency)
        self.csv_button.clicked.connect(self.export_csv)
        self.pdf_button.clicked.connect(self.export_pdf)
        self.close_button.clicked.connect(self.reject)
        self.retry_button.clicked.connect(self.reload)
        for keys, slot in (
            ("Alt+Left", self.go_previous),
            ("Alt+Right", self.go_next),
            ("F5", self.reload),
            ("Ctrl+E", self.export_csv),
            ("Ctrl+S", self.export_pdf),
        ):
            QShortcut(QKeySequence(keys), self, slot)

        self.setTabOrder(self.preset_combo, self.from_edit)
        self.setTabOrder(self.from_edit, self.to_edit)
        self.setTabOrder(self.to_edit, self.previous_button)
        self.setTabOrder(self.previous_button, self.next_button)
        self.setTabOrder(self.next_button, self.currency_combo)
        self.setTabOrder(self.currency_combo, self.csv_button)
        self.setTabOrder(self.csv_button, self.pdf_button)
        self.setTabOrder(self.pdf_button, self.close_button)
        self._show_period_controls()
        self.preset_combo.setFocus()
        self.reload()

    # -- public -------------------------------------------------------------------------

    def period(self) -> Period:
        """The period asked for (the figures shown may still be the previous one's)."""
        return self._period

    def set_period(self, start: date, end: date, unit: Unit = Unit.SPAN) -> None:
        """Show ``start`` to ``end`` (swapped if reversed) and load it."""
        if end < start:
            start, end = end, start
        self._period = Period(start, end, unit)
        self._show_period_controls()
        self.reload()

    def select_preset(self, preset: Preset) -> None:
        """Pick a preset in the period picker (loads it)."""
        self.preset_combo.setCurrentIndex(list(Preset).index(preset))

    def go_previous(self) -> None:
        """The period before this one (Alt+Left)."""
        self._step(-1)

    def go_next(self) -> None:
        """The period after this one, up to today (Alt+Right)."""
        if self.next_button.isEnabled():
            self._step(1)

    def currency(self) -> str | None:
        """The currency whose figures are shown."""
        return self._currency

    def currencies(self) -> list[str]:
        """The currencies the selector offers (empty when it is hidden: one or none)."""
        if self.currency_combo.isHidden():
            return []
        return [str(self.currency_combo.itemData(i)) for i in range(self.currency_combo.count())]

    def select_currency(self, code: str) -> None:
        """Show the figures in ``code`` (one of :meth:`currencies`)."""
        index = self.currency_combo.findData(code)
        if index >= 0:
            self.currency_combo.setCurrentIndex(index)

    def tile_text(self, key: str) -> str:
        """A tile's figure as shown (keys: TILE_KEYS)."""
        return self.tiles[key].value.text()

    def table_rows(self, key: str) -> list[tuple[str, ...]]:
        """A table's rows as shown ('service', 'staff', 'method', 'product' or 'extras')."""
        if key in self.figure_models:
            return self.figure_models[key].texts()
        return self.models[key].texts()

    def conversion_texts(self) -> dict[str, str]:
        """The conversion panel's counts and paid share as shown."""
        return self.conversion.texts()

    def page(self) -> Page:
        """Which body is up: figures, empty, loading or failed."""
        return Page(self.pages.currentIndex())

    def empty_text(self) -> str:
        """The empty state's sentence ('' unless it is shown)."""
        return self.empty_label.text() if self.page() is Page.EMPTY else ""

    def error_text(self) -> str:
        """The sentence shown for a failure (loading or exporting), '' when none."""
        if self.page() is Page.FAILED:
            return self.failed_label.text()
        return self.error.text() if self.error.isVisible() or self.error.text() else ""

    def status_text(self) -> str:
        """The footer's status line."""
        return self.status_label.text()

    def reload(self) -> None:
        """Ask the report engine for the period's figures, in the background."""
        self._debounce.stop()
        ctx = self._ctx
        reports = ctx.reports
        start, end = self._period.start, self._period.end
        self.error.show_error(None)
        self.csv_button.setEnabled(False)
        self.pdf_button.setEnabled(False)
        self._progress_timer.start()

        period = self._period

        def work() -> DashboardData:
            return load_dashboard(reports, period)

        self._runner.run(
            work,
            on_success=self._on_report,
            on_failure=self._on_failed,
            owner=self,
            latest=self,  # the period changed meanwhile: only the newest answer is shown
        )
        log.info("dashboard.load from=%s to=%s", start, end)

    def export_csv(self) -> None:
        """Ask where to save, then export the period's payments and refunds as CSV."""
        report = self.report
        if report is None or not self.csv_button.isEnabled():
            return
        suggested = str(Path.home() / report_filename(report, "csv"))
        chosen = self._choose_csv(self, suggested)
        if not chosen:
            return
        path = Path(chosen)
        exporter = self._export_csv
        start, end = report.start, report.end
        self._set_exporting(_("Exporting the CSV…"))
        self._runner.run(
            lambda: exporter(start, end, path),
            on_success=lambda result: self._on_csv_saved(path, result),
            on_failure=self._on_export_failed,
            owner=self,
        )

    def export_pdf(self) -> None:
        """Ask where to save, then write the report with its chart as a PDF."""
        report = self.report
        if report is None or not self.pdf_button.isEnabled():
            return
        suggested = str(Path.home() / report_filename(report, "pdf"))
        chosen = self._choose_pdf(self, suggested)
        if not chosen:
            return
        setting = typesetting()  # read here: fonts and screens belong to the GUI thread
        name = self._ctx.config.business_name
        generated = datetime.now(self._ctx.config.timezone)
        self._set_exporting(_("Writing the PDF…"))
        self._runner.run(
            lambda: write_report_pdf(
                report, chosen, business_name=name, generated_at=generated, setting=setting
            ),
            on_success=self._on_pdf_saved,
            on_failure=self._on_export_failed,
            owner=self,
        )

    # -- loading ------------------------------------------------------------------------

    def _today(self) -> date:
        return datetime.now(self._ctx.config.timezone).date()

    def _show_progress(self) -> None:
        if self.page() is Page.LOADING:  # the first load: the big spinner in the middle
            self.loading_spinner.show()
            self.loading_label.show()
            return
        self.spinner.show()
        self.status_label.setText(_("Loading…"))

    def _stop_progress(self) -> None:
        self._progress_timer.stop()
        self.spinner.hide()
        self.loading_spinner.hide()
        self.loading_label.hide()

    def _on_report(self, data: DashboardData) -> None:
        self._stop_progress()
        self.loads += 1
        self.data = data
        self.report = report = data.report
        today = self._today()
        self.period_label.setText(
            _("{period} · times in {zone}").format(
                period=period_title(report.start, report.end), zone=report.timezone
            )
        )
        ordered = [t.currency for t in ordered_currencies(report)]
        if self._currency not in ordered:
            self._currency = ordered[0] if ordered else None
        self.currency_combo.blockSignals(True)
        self.currency_combo.clear()
        for code in ordered:
            self.currency_combo.addItem(code.upper(), code)
        if self._currency is not None:
            self.currency_combo.setCurrentIndex(ordered.index(self._currency))
        self.currency_combo.blockSignals(False)
        several = len(ordered) > 1
        self.currency_label.setVisible(several)
        self.currency_combo.setVisible(several)
        self.status_label.setText(
            _("Updated {time}").format(time=lf.clock(datetime.now(self._ctx.config.timezone)))
        )
        self.csv_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        if not ordered:
            year = report.end.year != today.year
            self.empty_label.setText(no_sales_sentence(report.start, report.end, year=year))
            started = report.conversion.started
            self.empty_detail.setText(
                ngettext(
                    "{count} payment link was opened; none was paid.",
                    "{count} payment links were opened; none was paid.",
                    started,
                ).format(count=started)
                if started
                else _("Payments by card and in cash show here as they are taken.")
            )
            self.pages.setCurrentIndex(Page.EMPTY)
            return
        self._show_currency()
        self.conversion.set_conversion(report.conversion)
        self.pages.setCurrentIndex(Page.FIGURES)

    def _on_failed(self, error: BaseException) -> None:
        self._stop_progress()
        self.loads += 1
        self.report = None
        self.status_label.setText("")
        period = self._period
        self.period_label.setText(period_title(period.start, period.end))
        self.failed_label.setText(user_message(error))
        theme.set_role(self.failed_label, tone="danger")
        self.pages.setCurrentIndex(Page.FAILED)

    def _show_currency(self) -> None:
        report, data = self.report, self.data
        if report is None or data is None or self._currency is None:
            return
        totals = report.currencies[self._currency]
        state = dashboard_state(data, self._currency, self._period, self._today())
        self.state = state
        self.headline_value.setText(state.headline.value)
        self.headline_change.setText(state.headline.comparison)
        theme.set_role(self.headline_change, tone=state.headline.tone)
        self.chart_title.setText(state.titles["chart"])
        self.conversion.title.setText(state.titles["checkouts"])
        for key, heading in self.headings.items():
            heading.setText(state.titles[key])
        for key, (_caption, value, hint) in zip(TILE_KEYS, figures(totals), strict=True):
            self.tiles[key].set_figure(value, hint)
        self.chart.set_totals(totals, state.chart_days)
        note = adjustment_sentence(totals)
        theme.set_role(self.adjustment_note, tone="warning")
        self.adjustment_note.setText(note)
        self.adjustment_note.setVisible(bool(note))
        self.chart_note.setText(
            _("local time, {currency}").format(currency=totals.currency.upper())
            if report.is_day
            else totals.currency.upper()
        )
        self.models["service"].set_rows(totals.by_service, totals.currency)
        self.models["staff"].set_rows(totals.by_staff, totals.currency)
        self.models["method"].set_rows(totals.by_method, totals.currency)
        self.figure_models["product"].set_rows(state.products)
        self.figure_models["extras"].set_rows(state.extras)
        for key, stack in self.figure_stacks.items():
            sentence = state.empty_sentence(key)
            self.figure_empty[key].setText(sentence)
            stack.setCurrentIndex(1 if sentence else 0)

    def _on_currency(self, index: int) -> None:
        code = self.currency_combo.itemData(index)
        if code:
            self._currency = str(code)
            self._show_currency()

    # -- period controls ----------------------------------------------------------------

    def _on_preset(self, index: int) -> None:
        preset = self.preset_combo.itemData(index)
        if not isinstance(preset, Preset):
            return
        if preset is Preset.CUSTOM:
            # Keep the dates; they are now the user's to edit.
            self._period = replace(self._period, unit=Unit.SPAN)
            self.from_edit.setFocus()
            return
        self._period = preset_period(preset, self._today())
        self._show_period_controls()
        self.reload()

    def _on_dates_edited(self) -> None:
        start = self.from_edit.date().toPython()
        end = self.to_edit.date().toPython()
        assert isinstance(start, date) and isinstance(end, date)
        if (min(start, end), max(start, end)) == (self._period.start, self._period.end):
            return
        self.set_period(start, end, Unit.SPAN)

    def _step(self, steps: int) -> None:
        self._period = self._period.shifted(steps, self._today())
        self._show_period_controls()
        self.reload()

    def _show_period_controls(self) -> None:
        today = self._today()
        period = self._period
        for widget, day in ((self.from_edit, period.start), (self.to_edit, period.end)):
            widget.blockSignals(True)
            widget.setDate(QDate(day.year, day.month, day.day))
            widget.blockSignals(False)
        preset = matching_preset(period, today)
        if self.preset_combo.currentData() is not Preset.CUSTOM or preset is not Preset.CUSTOM:
            self.preset_combo.blockSignals(True)
            self.preset_combo.setCurrentIndex(list(Preset).index(preset))
            self.preset_combo.blockSignals(False)
        self.next_button.setEnabled(period.end < today)

    # -- exports ------------------------------------------------------------------------

    def _set_exporting(self, text: str) -> None:
        self.csv_button.setEnabled(False)
        self.pdf_button.setEnabled(False)
        self.error.show_error(None)
        self.spinner.show()
        self.status_label.setText(text)

    def _export_done(self, text: str) -> None:
        self.spinner.hide()
        enabled = self.report is not None
        self.csv_button.setEnabled(enabled)
        self.pdf_button.setEnabled(enabled)
        self.status_label.setText(text)

    def _on_csv_saved(self, path: Path, result: Any) -> None:
        self.last_csv = path
        rows = _row_count(result)
        if rows is None:
            self._export_done(_("Saved {file}.").format(file=path.name))
        else:
            self._export_done(
                ngettext(
                    "Saved {file} ({count} row).", "Saved {file} ({count} rows).", rows
                ).format(file=path.name, count=rows)
            )
        self.status_label.setToolTip(str(path))

    def _on_pdf_saved(self, path: Path) -> None:
        self.last_pdf = path
        self._export_done(_("Saved {file}.").format(file=path.name))
        self.status_label.setToolTip(str(path))

    def _on_export_failed(self, error: BaseException) -> None:
        self._export_done("")
        message = user_message(error)
        if isinstance(error, OSError):
            message = _("The file could not be written: {reason}.").format(
                reason=error.strerror or error
            )
        self.error.show_error(message)


def _row_count(result: Any) -> int | None:
    """Rows written, when the exporter says (an int, or an object with ``rows``)."""
    if isinstance(result, bool):
        return None
    if isinstance(result, int):
        return result
    rows = getattr(result, "rows", None)
    return rows if isinstance(rows, int) and not isinstance(rows, bool) else None


def _engine_csv_exporter(ctx: AppContext) -> CsvExporter:
    """The CSV export service's ``export(start, end, path)`` (called on a worker thread)."""

    def export(start: date, end: date, path: Path) -> Any:
        return ctx.csv_export.export(start, end, path)

    return export
