"""Manage ▸ Sales dashboard: a day's or a range's figures for managers, with the by-hour chart.

The figures come from the report engine (``ctx.reports``) in the background; the screen only
lays them out. Each currency is shown on its own (a selector appears when more than one had
activity): amounts are never added across currencies. CSV and PDF exports run in the
background too; the file choosers and the CSV exporter are injectable for tests.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import Enum, IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QGuiApplication,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.money import Money
from pos_app.domain.reports import Breakdown, Conversion, CurrencyTotals, SalesReport
from pos_app.ui.kit import theme
from pos_app.ui.kit.forms import ErrorLabel
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.reports.dashboard.report_pdf import (
    adjustment_sentence,
    conversion_rows,
    figures,
    no_sales_sentence,
    ordered_currencies,
    paid_share,
    percent,
    period_title,
    report_filename,
    write_report_pdf,
)
from pos_app.ui.reports.dashboard.sales_chart import SalesChart
from pos_app.ui.reports.receipt_view import typesetting

if TYPE_CHECKING:
    from pos_app.app import AppContext

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 300  # quick answers never flash a spinner
DEBOUNCE_MS = 250  # typing a date reloads once, when the typing stops
WIDE_TILES = 1180  # below this width the eight tiles wrap onto two rows
WIDE_HEADER = 1240  # below this width the period controls go under the title
TILE_KEYS = (
    "gross",
    "refunds",
    "net",
    "fees",
    "net_after_fees",
    "count",
    "average",
    "refund_rate",
)
TILE_TIPS = {
    "gross": "Payments received in the period, card (Stripe) and cash.",
    "refunds": "Refunds that succeeded in the period, whatever day the sale was.",
    "net": "Gross sales less refunds.",
    "fees": "Stripe's fees from its balance transactions: card payments' fees less fees "
    "returned on refunds. Cash has no fees.",
    "net_after_fees": "Net less Stripe's fees.",
    "count": "Payments received, card and cash.",
    "average": "Gross sales per payment.",
    "refund_rate": "Refunds as a share of gross sales.",
}

PathChooser = Callable[[QWidget, str], str | None]
CsvExporter = Callable[[date, date, Path], Any]


# -- periods (pure) ------------------------------------------------------------------------


class Preset(Enum):
    """The period picker's choices."""

    TODAY = "Today"
    YESTERDAY = "Yesterday"
    THIS_WEEK = "This week"
    LAST_7_DAYS = "Last 7 days"
    THIS_MONTH = "This month"
    CUSTOM = "Custom"


class Unit(Enum):
    """What Previous / Next step by."""

    DAY = "day"
    WEEK = "week"  # a calendar week, Monday first
    MONTH = "month"
    SPAN = "span"  # the period's own length in days


@dataclass(frozen=True)
class Period:
    """Business days ``start`` to ``end`` inclusive, and how to step to the next one."""

    start: date
    end: date
    unit: Unit = Unit.SPAN

    @property
    def days(self) -> int:
        """How many business days the period covers."""
        return (self.end - self.start).days + 1

    def shifted(self, steps: int, today: date) -> Period:
        """The period ``steps`` units later (earlier when negative); a week or month that
        holds ``today`` ends today."""
        if self.unit is Unit.DAY:
            day = self.start + timedelta(days=steps)
            return Period(day, day, Unit.DAY)
        if self.unit is Unit.WEEK:
            start = self.start - timedelta(days=self.start.weekday()) + timedelta(weeks=steps)
            return Period(start, min(start + timedelta(days=6), max(today, start)), Unit.WEEK)
        if self.unit is Unit.MONTH:
            index = self.start.year * 12 + self.start.month - 1 + steps
            year, month = divmod(index, 12)
            start = date(year, month + 1, 1)
            last = date(year, month + 1, calendar.monthrange(year, month + 1)[1])
            return Period(start, min(last, max(today, start)), Unit.MONTH)
        length = timedelta(days=self.days * steps)
        return Period(self.start + length, self.end + length, Unit.SPAN)


def preset_period(preset: Preset, today: date) -> Period:
    """The period a preset stands for, as of ``today`` (Custom: today alone)."""
    if preset is Preset.YESTERDAY:
        day = today - timedelta(days=1)
        return Period(day, day, Unit.DAY)
    if preset is Preset.THIS_WEEK:
        return Period(today - timedelta(days=today.weekday()), today, Unit.WEEK)
    if preset is Preset.LAST_7_DAYS:
        return Period(today - timedelta(days=6), today, Unit.SPAN)
    if preset is Preset.THIS_MONTH:
        return Period(today.replace(day=1), today, Unit.MONTH)
    return Period(today, today, Unit.DAY)


def matching_preset(period: Period, today: date) -> Preset:
    """The preset that gives exactly this period today (stepping the same way), else Custom."""
    for preset in Preset:
        if preset is Preset.CUSTOM:
            continue
        candidate = preset_period(preset, today)
        if (candidate.start, candidate.end, candidate.unit) == (
            period.start,
            period.end,
            period.unit,
        ):
            return preset
    return Preset.CUSTOM


# -- tables --------------------------------------------------------------------------------


class Col(IntEnum):
    """A breakdown table's columns."""

    NAME = 0
    COUNT = 1
    GROSS = 2
    REFUNDS = 3
    NET = 4


NUMBER_HEADERS = {Col.COUNT: "Payments", Col.GROSS: "Gross", Col.REFUNDS: "Refunds", Col.NET: "Net"}
ModelIndex = QModelIndex | QPersistentModelIndex
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class BreakdownModel(QAbstractTableModel):
    """Rows of one breakdown (by service, staff or method) in one currency."""

    def __init__(self, title: str, parent: Any = None) -> None:
        super().__init__(parent)
        self._title = title
        self._rows: list[Breakdown] = []
        self._currency = "usd"

    def set_rows(self, rows: Sequence[Breakdown], currency: str) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self._currency = currency
        self.endResetModel()

    def texts(self) -> list[tuple[str, ...]]:
        """Every row as the table shows it, for tests and screen readers."""
        return [tuple(self._text(row, Col(c)) for c in range(len(Col))) for row in self._rows]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Col)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._title if section == Col.NAME else NUMBER_HEADERS[Col(section)]
        if role == Qt.ItemDataRole.TextAlignmentRole and section != Col.NAME:
            return RIGHT
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = Col(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != Col.NAME:
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column == Col.NAME:
            return row.label
        return None

    def _text(self, row: Breakdown, column: Col) -> str:
        if column is Col.NAME:
            return row.label
        if column is Col.COUNT:
            return str(row.count)
        amount = {Col.GROSS: row.gross, Col.REFUNDS: row.refunds, Col.NET: row.net}[column]
        return Money(amount, self._currency).format()


# -- small widgets -------------------------------------------------------------------------

CARD_STYLE = (
    "QFrame#card { background: palette(base); border: 1px solid palette(mid); border-radius: 6px; }"
)


def _card() -> QFrame:
    frame = QFrame()
    frame.setObjectName("card")
    frame.setStyleSheet(CARD_STYLE)
    return frame


def _muted(label: QLabel) -> QLabel:
    label.setStyleSheet("color: palette(placeholder-text); background: transparent;")
    return label


class Tile(QFrame):
    """One big figure with its caption and a hint underneath."""

    def __init__(self, caption: str, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setStyleSheet(CARD_STYLE)
        self.setToolTip(tip)
        self.caption = _muted(QLabel(caption))
        self.caption.setFont(theme.font(self, scale=0.9))
        self.value = QLabel("—")
        self.value.setFont(theme.font(self, scale=1.55, bold=True))
        self.value.setStyleSheet("background: transparent;")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = _muted(QLabel(""))
        self.hint.setFont(theme.font(self, scale=0.85))
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 9, 12, 9)
        box.setSpacing(1)
        box.addWidget(self.caption)
        box.addWidget(self.value)
        box.addWidget(self.hint)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(128)

    def set_figure(self, value: str, hint: str) -> None:
        """Show ``value`` with ``hint`` under it."""
        self.value.setText(value)
        self.hint.setText(hint)
        self.setAccessibleName(f"{self.caption.text()}: {value}")


class RatioBar(QWidget):
    """A thin bar showing a share of a whole (the conversion's proportions)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._share = 0.0
        self._tone = "accent"
        self.setFixedHeight(6)
        self.setMinimumWidth(60)

    def sizeHint(self) -> QSize:
        return QSize(120, 6)

    def set_share(self, share: float, tone: str) -> None:
        """Fill ``share`` (0..1) of the bar in the theme's ``tone``."""
        self._share = max(0.0, min(1.0, share))
        self._tone = tone
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            rect = QRectF(self.rect())
            painter.setBrush(self.palette().color(QPalette.ColorRole.Midlight))
            painter.drawRoundedRect(rect, 3, 3)
            if self._share > 0:
                painter.setBrush(theme.semantic(self._tone, self))
                filled = QRectF(
                    rect.left(), rect.top(), max(6.0, rect.width() * self._share), rect.height()
                )
                painter.drawRoundedRect(filled, 3, 3)
        finally:
            painter.end()


class ConversionPanel(QFrame):
    """Checkout links started in the period and what became of them."""

    TONES: ClassVar[dict[str, str]] = {
        "Paid": "success",
        "Expired or cancelled": "warning",
        "Failed": "danger",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setStyleSheet(CARD_STYLE)
        title = QLabel("Checkouts")
        title.setFont(theme.font(self, scale=1.05, bold=True))
        title.setStyleSheet("background: transparent;")
        self.headline = QLabel("")
        self.headline.setFont(theme.font(self, scale=1.55, bold=True))
        self.headline.setStyleSheet("background: transparent;")
        self.subline = _muted(QLabel("of payment links were paid"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(5)
        self._counts: dict[str, QLabel] = {}
        self._bars: dict[str, RatioBar] = {}
        for row, (label, _count) in enumerate(conversion_rows(Conversion())):
            name = QLabel(label)
            name.setStyleSheet("background: transparent;")
            count = QLabel("0")
            count.setAlignment(RIGHT_ALIGN)
            count.setStyleSheet("background: transparent;")
            count.setMinimumWidth(34)
            grid.addWidget(name, row, 0)
            grid.addWidget(count, row, 1)
            if label != "Started":
                bar = RatioBar()
                grid.addWidget(bar, row, 2)
                self._bars[label] = bar
            self._counts[label] = count
        grid.setColumnStretch(2, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 10, 14, 12)
        box.setSpacing(4)
        box.addWidget(title)
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.headline)
        head.addWidget(self.subline, 1, Qt.AlignmentFlag.AlignBottom)
        box.addLayout(head)
        box.addSpacing(6)
        box.addLayout(grid)
        box.addStretch(1)

    def set_conversion(self, conversion: Conversion) -> None:
        """Show the counts and the paid share."""
        started = conversion.started
        self.headline.setText(percent(paid_share(conversion)) if started else "—")
        self.subline.setText(
            "of payment links were paid" if started else "No payment links in this period"
        )
        for label, count in conversion_rows(conversion):
            self._counts[label].setText(str(count))
            bar = self._bars.get(label)
            if bar is not None:
                bar.set_share(count / started if started else 0.0, self.TONES.get(label, "accent"))

    def texts(self) -> dict[str, str]:
        """Label → count as shown, plus the headline under 'Paid share'."""
        shown = {label: widget.text() for label, widget in self._counts.items()}
        shown["Paid share"] = self.headline.text()
        return shown


RIGHT_ALIGN = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _table(model: BreakdownModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setObjectName("breakdownTable")
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(26)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setStyleSheet(
        "QTableView#breakdownTable { border: none; background: palette(base);"
        " alternate-background-color: palette(alternate-base); }"
        "QTableView#breakdownTable::item { padding: 0px 6px; border: none; }"
        "QHeaderView::section { background: palette(base); border: none;"
        " border-bottom: 1px solid palette(mid); padding: 4px 6px; font-weight: bold; }"
    )
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(Col.NAME, QHeaderView.ResizeMode.Stretch)
    for column in (Col.COUNT, Col.GROSS, Col.REFUNDS, Col.NET):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    table.setMinimumHeight(26 * 3 + 30)
    return table


def choose_csv_path(parent: QWidget, suggested: str) -> str | None:
    """Qt's save dialog for a CSV file; the path, or None if cancelled."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, "Export sales as CSV", suggested, "CSV files (*.csv)"
    )
    if not path:
        return None
    return path if path.lower().endswith(".csv") else path + ".csv"


def choose_pdf_path(parent: QWidget, suggested: str) -> str | None:
    """Qt's save dialog for the PDF report; the path, or None if cancelled."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, "Export sales report as PDF", suggested, "PDF files (*.pdf)"
    )
    if not path:
        return None
    return path if path.lower().endswith(".pdf") else path + ".pdf"


class Page(IntEnum):
    """The dialog's body: figures, nothing sold, loading the first time, or a failure."""

    FIGURES = 0
    EMPTY = 1
    LOADING = 2
    FAILED = 3


# -- the dialog ----------------------------------------------------------------------------


class DashboardDialog(QDialog):
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
        self._generation = 0
        self._currency: str | None = None
        self.report: SalesReport | None = None
        self.loads = 0  # finished loads (success or failure), for tests and screenshots
        self.last_csv: Path | None = None
        self.last_pdf: Path | None = None
        self._period = preset_period(preset, self._today())
        self.setWindowTitle("Sales dashboard")
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

    # -- construction -------------------------------------------------------------------

    def _build_header(self, preset: Preset) -> None:
        self.title_label = QLabel("Sales")
        self.title_label.setFont(theme.font(self, scale=1.35, bold=True))
        self.period_label = _muted(QLabel(""))
        self.period_label.setFont(theme.font(self, scale=1.05))
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title_label)
        titles.addWidget(self.period_label)

        self.preset_combo = QComboBox()
        for choice in Preset:
            self.preset_combo.addItem(choice.value, choice)
        self.preset_combo.setCurrentIndex(list(Preset).index(preset))
        self.preset_combo.setAccessibleName("Period")
        self.from_edit = self._date_edit("From")
        self.to_edit = self._date_edit("To")
        self.previous_button = QPushButton("‹ Previous")
        self.previous_button.setToolTip("The period before (Alt+Left)")
        self.next_button = QPushButton("Next ›")
        self.next_button.setToolTip("The period after (Alt+Right)")
        for button in (self.previous_button, self.next_button):
            button.setAutoDefault(False)
        self.currency_label = QLabel("&Currency")
        self.currency_combo = QComboBox()
        self.currency_combo.setAccessibleName("Currency")
        self.currency_combo.setToolTip("Each currency on its own: amounts are never added up")
        self.currency_label.setBuddy(self.currency_combo)
        self.currency_label.hide()
        self.currency_combo.hide()

        period_label = QLabel("&Period")
        period_label.setBuddy(self.preset_combo)
        from_label = QLabel("&From")
        from_label.setBuddy(self.from_edit)
        to_label = QLabel("&to")
        to_label.setBuddy(self.to_edit)
        controls = QHBoxLayout()
        controls.setSpacing(6)
        controls.addWidget(period_label)
        controls.addWidget(self.preset_combo)
        controls.addSpacing(10)
        controls.addWidget(from_label)
        controls.addWidget(self.from_edit)
        controls.addWidget(to_label)
        controls.addWidget(self.to_edit)
        controls.addSpacing(10)
        controls.addWidget(self.previous_button)
        controls.addWidget(self.next_button)
        controls.addSpacing(16)
        controls.addWidget(self.currency_label)
        controls.addWidget(self.currency_combo)

        self._controls = QWidget()
        controls.setContentsMargins(0, 0, 0, 0)
        self._controls.setLayout(controls)
        self._header = QGridLayout()
        self._header.setHorizontalSpacing(12)
        self._header.setVerticalSpacing(8)
        self._header.addLayout(titles, 0, 0)
        self._header.setColumnStretch(1, 1)
        self._header_wide: bool | None = None
        self._place_controls(wide=True)

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMM yyyy")
        edit.setMinimumDate(QDate(2000, 1, 1))
        edit.setAccessibleName(name)
        edit.setMinimumWidth(edit.sizeHint().width() + 8)
        return edit

    def _build_body(self) -> None:
        self.tiles: dict[str, Tile] = {}
        for key, (caption, _value, _hint) in zip(
            TILE_KEYS, figures(CurrencyTotals("usd", 0, 0, 0, 0, 0)), strict=True
        ):
            self.tiles[key] = Tile(caption, TILE_TIPS[key])
        self._tile_grid = QGridLayout()
        self._tile_grid.setSpacing(10)
        self._tile_columns = 0
        self._place_tiles(8)
        self.adjustment_note = QLabel("")
        self.adjustment_note.setObjectName("adjustmentNote")
        self.adjustment_note.setWordWrap(True)
        self.adjustment_note.hide()

        self.chart = SalesChart()
        self.chart_title = QLabel("Sales by hour")
        self.chart_title.setFont(theme.font(self, scale=1.05, bold=True))
        self.chart_title.setStyleSheet("background: transparent;")
        self.chart_note = _muted(QLabel(""))
        chart_card = _card()
        chart_box = QVBoxLayout(chart_card)
        chart_box.setContentsMargins(14, 10, 14, 10)
        chart_box.setSpacing(4)
        chart_head = QHBoxLayout()
        chart_head.addWidget(self.chart_title)
        chart_head.addWidget(self.chart_note, 1)
        chart_box.addLayout(chart_head)
        chart_box.addWidget(self.chart, 1)
        self.conversion = ConversionPanel()

        self.models = {
            "service": BreakdownModel("Service", self),
            "staff": BreakdownModel("Staff or room", self),
            "method": BreakdownModel("Method", self),
        }
        self.tables: dict[str, QTableView] = {}
        cards: dict[str, QFrame] = {}
        for key, title in (
            ("service", "By service"),
            ("staff", "By staff and room"),
            ("method", "By payment method"),
        ):
            card = _card()
            box = QVBoxLayout(card)
            box.setContentsMargins(10, 8, 10, 8)
            box.setSpacing(4)
            heading = QLabel(title)
            heading.setFont(theme.font(self, scale=1.05, bold=True))
            heading.setStyleSheet("background: transparent;")
            box.addWidget(heading)
            table = _table(self.models[key])
            table.setAccessibleName(title)
            self.tables[key] = table
            box.addWidget(table, 1)
            cards[key] = card
        # Card and cash: a short table, so it sits under the checkouts, beside the chart.
        self.tables["method"].setMinimumHeight(26 * 2 + 32)
        right = QVBoxLayout()
        right.setSpacing(10)
        right.addWidget(self.conversion, 3)
        right.addWidget(cards["method"], 2)
        middle = QHBoxLayout()
        middle.setSpacing(10)
        middle.addWidget(chart_card, 3)
        middle.addLayout(right, 2)
        bottom = QHBoxLayout()
        bottom.setSpacing(10)
        bottom.addWidget(cards["service"], 1)
        bottom.addWidget(cards["staff"], 1)

        figures_page = QWidget()
        body = QVBoxLayout(figures_page)
        body.setContentsMargins(0, 0, 4, 0)
        body.setSpacing(10)
        body.addLayout(self._tile_grid)
        body.addWidget(self.adjustment_note)
        body.addLayout(middle, 3)
        body.addLayout(bottom, 2)
        scroll = QScrollArea()
        scroll.setWidget(figures_page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll = scroll

        self.empty_label = QLabel("")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setFont(theme.font(self, scale=1.3))
        self.empty_label.setWordWrap(True)
        self.empty_detail = _muted(QLabel(""))
        self.empty_detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_detail.setWordWrap(True)
        empty = QWidget()
        empty_box = QVBoxLayout(empty)
        empty_box.addStretch(2)
        empty_box.addWidget(self.empty_label)
        empty_box.addWidget(self.empty_detail)
        empty_box.addStretch(3)

        loading = QWidget()
        loading_box = QVBoxLayout(loading)
        loading_box.addStretch(1)
        self.loading_spinner = Spinner(diameter=40)
        loading_box.addWidget(self.loading_spinner, 0, Qt.AlignmentFlag.AlignHCenter)
        self.loading_label = _muted(QLabel("Adding up the figures…"))
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        loading_box.addWidget(self.loading_label)
        loading_box.addStretch(2)
        self.loading_spinner.hide()
        self.loading_label.hide()

        failed = QWidget()
        failed_box = QVBoxLayout(failed)
        failed_box.addStretch(2)
        self.failed_label = QLabel("")
        self.failed_label.setObjectName("failedSentence")
        self.failed_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.failed_label.setWordWrap(True)
        self.failed_label.setFont(theme.font(self, scale=1.15))
        failed_box.addWidget(self.failed_label)
        self.retry_button = QPushButton("Try again")
        self.retry_button.setToolTip("Ask for the figures again (F5)")
        self.retry_button.setAutoDefault(False)
        failed_box.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        failed_box.addStretch(3)

        self.pages = QStackedWidget()
        self.pages.addWidget(scroll)
        self.pages.addWidget(empty)
        self.pages.addWidget(loading)
        self.pages.addWidget(failed)
        self.pages.setCurrentIndex(Page.LOADING)

    def _build_footer(self) -> None:
        self.spinner = Spinner(diameter=18)
        self.spinner.hide()
        self.status_label = _muted(QLabel(""))
        self.error = ErrorLabel()
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.setToolTip(
            "One row per payment or refund in the period, for a spreadsheet (Ctrl+E)"
        )
        self.pdf_button = QPushButton("Export PDF…")
        self.pdf_button.setToolTip("The report with its chart, ready to print or send (Ctrl+S)")
        self.close_button = QPushButton("Close")
        for button in (self.csv_button, self.pdf_button, self.close_button):
            button.setAutoDefault(False)
        for button in (self.csv_button, self.pdf_button):
            button.setEnabled(False)
            button.setMinimumWidth(120)
        self._footer = QHBoxLayout()
        self._footer.setSpacing(8)
        self._footer.addWidget(self.spinner)
        self._footer.addWidget(self.status_label)
        self._footer.addWidget(self.error, 1)
        self._footer.addStretch(1)  # the buttons keep their size while the error is hidden
        self._footer.addWidget(self.csv_button)
        self._footer.addWidget(self.pdf_button)
        self._footer.addWidget(self.close_button)

    def _fitting_size(self) -> QSize:
        # 1300 × 740 where the screen has room; on a 1366 × 768 laptop, what is left of it
        # once the task bar and the title bar are counted (the body scrolls if it must).
        screen = (self.parentWidget() or self).screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().size() if screen is not None else QSize(1300, 740)
        return QSize(min(1300, room.width() - 24), min(740, room.height() - 48))

    def _place_tiles(self, columns: int) -> None:
        if columns == self._tile_columns:
            return
        self._tile_columns = columns
        for tile in self.tiles.values():
            self._tile_grid.removeWidget(tile)
        for index, key in enumerate(TILE_KEYS):
            self._tile_grid.addWidget(self.tiles[key], index // columns, index % columns)
        for column in range(8):
            self._tile_grid.setColumnStretch(column, 1 if column < columns else 0)

    def _place_controls(self, *, wide: bool) -> None:
        # Beside the title when there is room, else on a row of their own under it.
        if wide == self._header_wide:
            return
        self._header_wide = wide
        self._header.removeWidget(self._controls)
        if wide:
            self._header.addWidget(self._controls, 0, 2, Qt.AlignmentFlag.AlignRight)
        else:
            self._header.addWidget(self._controls, 1, 0, 1, 3, Qt.AlignmentFlag.AlignLeft)

    def resizeEvent(self, event: QResizeEvent) -> None:
        width = event.size().width()
        self._place_tiles(8 if width >= WIDE_TILES else 4)
        self._place_controls(wide=width >= WIDE_HEADER)
        super().resizeEvent(event)

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
        """A breakdown table's rows as shown ('service', 'staff' or 'method')."""
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
        self._generation += 1
        generation = self._generation
        self.error.show_error(None)
        self.csv_button.setEnabled(False)
        self.pdf_button.setEnabled(False)
        self._progress_timer.start()

        def work() -> SalesReport:
            return reports.daily(start) if start == end else reports.range(start, end)

        self._runner.run(
            work,
            on_success=lambda report: self._on_report(generation, report),
            on_failure=lambda err: self._on_failed(generation, err),
            owner=self,
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
        self._set_exporting("Exporting the CSV…")
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
        self._set_exporting("Writing the PDF…")
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
        self.status_label.setText("Loading…")

    def _stop_progress(self) -> None:
        self._progress_timer.stop()
        self.spinner.hide()
        self.loading_spinner.hide()
        self.loading_label.hide()

    def _on_report(self, generation: int, report: SalesReport) -> None:
        if generation != self._generation:
            return  # the period changed meanwhile: a newer answer is on its way
        self._stop_progress()
        self.loads += 1
        self.report = report
        today = self._today()
        self.period_label.setText(
            f"{period_title(report.start, report.end)} · times in {report.timezone}"
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
        self.status_label.setText(f"Updated {datetime.now(self._ctx.config.timezone):%H:%M}")
        self.csv_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        if not ordered:
            year = report.end.year != today.year
            self.empty_label.setText(no_sales_sentence(report.start, report.end, year=year))
            started = report.conversion.started
            self.empty_detail.setText(
                f"{started} payment link{'s were' if started != 1 else ' was'} opened; "
                "none was paid."
                if started
                else "Payments by card and in cash show here as they are taken."
            )
            self.pages.setCurrentIndex(Page.EMPTY)
            return
        self._show_currency()
        self.conversion.set_conversion(report.conversion)
        self.pages.setCurrentIndex(Page.FIGURES)

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._stop_progress()
        self.loads += 1
        self.report = None
        self.status_label.setText("")
        period = self._period
        self.period_label.setText(period_title(period.start, period.end))
        self.failed_label.setText(user_message(error))
        color = theme.semantic("danger", self).name()
        self.failed_label.setStyleSheet(f"QLabel#failedSentence {{ color: {color}; }}")
        self.pages.setCurrentIndex(Page.FAILED)

    def _show_currency(self) -> None:
        report = self.report
        if report is None or self._currency is None:
            return
        totals = report.currencies[self._currency]
        for key, (_caption, value, hint) in zip(TILE_KEYS, figures(totals), strict=True):
            self.tiles[key].set_figure(value, hint)
        self.chart.set_totals(totals)
        note = adjustment_sentence(totals)
        color = theme.semantic("warning", self).name()
        self.adjustment_note.setStyleSheet(f"QLabel#adjustmentNote {{ color: {color}; }}")
        self.adjustment_note.setText(note)
        self.adjustment_note.setVisible(bool(note))
        days = "" if report.is_day else f" · all {(report.end - report.start).days + 1} days"
        self.chart_note.setText(f"local time, {totals.currency.upper()}{days}")
        self.models["service"].set_rows(totals.by_service, totals.currency)
        self.models["staff"].set_rows(totals.by_staff, totals.currency)
        self.models["method"].set_rows(totals.by_method, totals.currency)

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
        counted = f" ({rows} row{'s' if rows != 1 else ''})" if rows is not None else ""
        self._export_done(f"Saved {path.name}{counted}.")
        self.status_label.setToolTip(str(path))

    def _on_pdf_saved(self, path: Path) -> None:
        self.last_pdf = path
        self._export_done(f"Saved {path.name}.")
        self.status_label.setToolTip(str(path))

    def _on_export_failed(self, error: BaseException) -> None:
        self._export_done("")
        message = user_message(error)
        if isinstance(error, OSError):
            message = f"The file could not be written: {error.strerror or error}."
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
