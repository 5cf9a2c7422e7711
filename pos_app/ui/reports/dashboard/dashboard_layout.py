"""The sales dashboard's layout: the header with the period controls, the figures page
(headline, tiles, chart, checkouts, breakdowns), the empty, loading and failed pages, and
the footer. :class:`DashboardLayout` builds them; the dialog fills them in."""

from __future__ import annotations

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.reports import CurrencyTotals
from pos_app.i18n import N_, _
from pos_app.reports.render.sales import figures
from pos_app.ui.kit import theme
from pos_app.ui.kit.date_fields import DateEdit
from pos_app.ui.kit.forms import ErrorLabel
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tables import ROW_HEIGHT, table_or_empty
from pos_app.ui.reports.dashboard.periods import Preset
from pos_app.ui.reports.dashboard.sales_chart import SalesChart
from pos_app.ui.reports.dashboard.widgets import (
    BreakdownModel,
    ConversionPanel,
    FigureRowsModel,
    Page,
    Tile,
    breakdown_table,
    card,
    figure_table,
    muted,
)

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
    "gross": N_("Payments received in the period, card (Stripe) and cash."),
    "refunds": N_("Refunds that succeeded in the period, whatever day the sale was."),
    "net": N_("Gross sales less refunds."),
    "fees": N_(
        "Stripe's fees from its balance transactions: card payments' fees less fees "
        "returned on refunds. Cash has no fees."
    ),
    "net_after_fees": N_("Net less Stripe's fees."),
    "count": N_("Payments received, card and cash."),
    "average": N_("Gross sales per payment."),
    "refund_rate": N_("Refunds as a share of gross sales."),
}


class DashboardLayout(QDialog):
    """The dashboard's widgets, built and placed (the dialog subclasses it)."""

    # -- construction -------------------------------------------------------------------

    def _build_header(self, preset: Preset) -> None:
        self.title_label = QLabel(_("Sales"))
        self.title_label.setFont(theme.font(self, scale=1.35, bold=True))
        self.period_label = muted(QLabel(""))
        self.period_label.setFont(theme.font(self, scale=1.05))
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title_label)
        titles.addWidget(self.period_label)

        self.preset_combo = QComboBox()
        for choice in Preset:
            self.preset_combo.addItem(_(choice.value), choice)
        self.preset_combo.setCurrentIndex(list(Preset).index(preset))
        self.preset_combo.setAccessibleName(_("Period"))
        self.from_edit = self._date_edit(_("From"))
        self.to_edit = self._date_edit(_("To"))
        self.previous_button = QPushButton(_("‹ Previous"))
        self.previous_button.setToolTip(_("The period before (Alt+Left)"))
        self.next_button = QPushButton(_("Next ›"))
        self.next_button.setToolTip(_("The period after (Alt+Right)"))
        for button in (self.previous_button, self.next_button):
            button.setAutoDefault(False)
        self.currency_label = QLabel(_("&Currency"))
        self.currency_combo = QComboBox()
        self.currency_combo.setAccessibleName(_("Currency"))
        self.currency_combo.setToolTip(_("Each currency on its own: amounts are never added up"))
        self.currency_label.setBuddy(self.currency_combo)
        self.currency_label.hide()
        self.currency_combo.hide()

        period_label = QLabel(_("&Period"))
        period_label.setBuddy(self.preset_combo)
        from_label = QLabel(_("&From"))
        from_label.setBuddy(self.from_edit)
        to_label = QLabel(_("&to"))
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
        edit = DateEdit()
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
            self.tiles[key] = Tile(caption, _(TILE_TIPS[key]))
        self.headline_caption = muted(QLabel(_("Net after fees")))
        self.headline_value = QLabel("—")
        self.headline_value.setObjectName("headlineValue")
        self.headline_value.setFont(theme.font(self, scale=2.0, bold=True))
        self.headline_change = QLabel("")
        self.headline_change.setObjectName("headlineChange")
        self.headline_change.setFont(theme.font(self, scale=1.1, bold=True))
        headline = QHBoxLayout()
        headline.setSpacing(12)
        headline.addWidget(self.headline_caption, 0, Qt.AlignmentFlag.AlignBottom)
        headline.addWidget(self.headline_value)
        headline.addWidget(self.headline_change, 1, Qt.AlignmentFlag.AlignBottom)
        self._tile_grid = QGridLayout()
        self._tile_grid.setSpacing(10)
        self._tile_columns = 0
        self._place_tiles(8)
        self.adjustment_note = QLabel("")
        self.adjustment_note.setObjectName("adjustmentNote")
        self.adjustment_note.setWordWrap(True)
        self.adjustment_note.hide()

        self.chart = SalesChart()
        self.chart_title = QLabel(_("By hour"))
        self.chart_title.setFont(theme.font(self, scale=1.05, bold=True))
        self.chart_note = muted(QLabel(""))
        chart_card = card()
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
            "service": BreakdownModel(_("Service"), self),
            "staff": BreakdownModel(_("Staff or room"), self),
            "method": BreakdownModel(_("Method"), self),
        }
        self.tables: dict[str, QTableView] = {}
        self.headings: dict[str, QLabel] = {}
        cards: dict[str, QFrame] = {}
        for key, title in (
            ("service", _("By service")),
            ("staff", _("By staff and room")),
            ("method", _("By payment method")),
        ):
            table = breakdown_table(self.models[key])
            cards[key] = self._panel(key, title, table, table)
        # The orders paid in full (issue 14): what sold, and tax, tips and discounts.
        self.figure_stacks: dict[str, QStackedWidget] = {}
        self.figure_empty: dict[str, QLabel] = {}
        self.figure_models = {
            "product": FigureRowsModel(_("Product or service"), _("Qty"), self),
            "extras": FigureRowsModel(_("Tax, tips, discounts"), "", self),
        }
        for key, title in (
            ("product", _("Sales by product")),
            ("extras", _("Tax, tips and discounts")),
        ):
            table = figure_table(self.figure_models[key])
            stack, self.figure_empty[key] = table_or_empty(table, "")
            self.figure_stacks[key] = stack
            cards[key] = self._panel(key, title, table, stack)
        # Card and cash: a short table, so it sits under the checkouts, beside the chart.
        self.tables["method"].setMinimumHeight(ROW_HEIGHT * 2 + 32)
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
        orders_row = QHBoxLayout()
        orders_row.setSpacing(10)
        orders_row.addWidget(cards["product"], 1)
        orders_row.addWidget(cards["extras"], 1)

        figures_page = QWidget()
        body = QVBoxLayout(figures_page)
        body.setContentsMargins(0, 0, 4, 0)
        body.setSpacing(10)
        body.addLayout(headline)
        body.addLayout(self._tile_grid)
        body.addWidget(self.adjustment_note)
        body.addLayout(middle, 3)
        body.addLayout(bottom, 2)
        body.addLayout(orders_row, 2)
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
        self.empty_detail = muted(QLabel(""))
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
        self.loading_label = muted(QLabel(_("Adding up the figures…")))
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
        self.retry_button = QPushButton(_("Try again"))
        self.retry_button.setToolTip(_("Ask for the figures again (F5)"))
        self.retry_button.setAutoDefault(False)
        failed_box.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        failed_box.addStretch(3)

        self.pages = QStackedWidget()
        self.pages.addWidget(scroll)
        self.pages.addWidget(empty)
        self.pages.addWidget(loading)
        self.pages.addWidget(failed)
        self.pages.setCurrentIndex(Page.LOADING)

    def _panel(self, key: str, title: str, table: QTableView, shown: QWidget) -> QFrame:
        """A card headed ``title`` holding ``shown`` (the table, or a stack around it)."""
        panel = card()
        box = QVBoxLayout(panel)
        box.setContentsMargins(10, 8, 10, 8)
        box.setSpacing(4)
        heading = QLabel(title)
        heading.setFont(theme.font(self, scale=1.05, bold=True))
        self.headings[key] = heading
        box.addWidget(heading)
        table.setAccessibleName(title)
        self.tables[key] = table
        box.addWidget(shown, 1)
        return panel

    def _build_footer(self) -> None:
        self.spinner = Spinner(diameter=18)
        self.spinner.hide()
        self.status_label = muted(QLabel(""))
        self.error = ErrorLabel()
        self.csv_button = QPushButton(_("Export CSV…"))
        self.csv_button.setToolTip(
            _("One row per payment or refund in the period, for a spreadsheet (Ctrl+E)")
        )
        self.pdf_button = QPushButton(_("Export PDF…"))
        self.pdf_button.setToolTip(_("The report with its chart, ready to print or send (Ctrl+S)"))
        self.close_button = QPushButton(_("Close"))
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
