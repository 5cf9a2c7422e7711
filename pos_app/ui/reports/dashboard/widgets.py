"""The dashboard's widgets: figure tiles, the checkouts panel, breakdown tables and their
model, and the file choosers for the exports. They paint what they are given."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any, ClassVar

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.money import Money
from pos_app.domain.reports import Breakdown, Conversion
from pos_app.i18n import N_, _
from pos_app.reports.render.order_figures import FigureRow
from pos_app.reports.render.sales import (
    breakdown_label,
    conversion_rows,
    paid_share,
    percent,
)
from pos_app.ui.kit import theme
from pos_app.ui.kit.fitting_label import FittingLabel
from pos_app.ui.kit.tables import (
    RIGHT,
    ROW_HEIGHT,
    Column,
    RowsModel,
    rows_table,
    size_columns,
)

# -- tables --------------------------------------------------------------------------------


class Col(IntEnum):
    """A breakdown table's columns."""

    NAME = 0
    COUNT = 1
    GROSS = 2
    REFUNDS = 3
    NET = 4


NUMBER_HEADERS = {
    Col.COUNT: N_("Payments"),
    Col.GROSS: N_("Gross"),
    Col.REFUNDS: N_("Refunds"),
    Col.NET: N_("Net"),
}


class BreakdownModel(RowsModel[Breakdown]):
    """Rows of one breakdown (by service, staff or method) in one currency."""

    def __init__(self, title: str, parent: Any = None) -> None:
        self._currency = "usd"

        figures: dict[Col, Callable[[Breakdown], int]] = {
            Col.COUNT: lambda row: row.count,
            Col.GROSS: lambda row: row.gross,
            Col.REFUNDS: lambda row: row.refunds,
            Col.NET: lambda row: row.net,
        }

        def text(column: Col, figure: Callable[[Breakdown], int]) -> Callable[[Breakdown], str]:
            if column is Col.COUNT:
                return lambda row: str(figure(row))
            return lambda row: Money(figure(row), self._currency).format()

        name: Column[Breakdown] = Column(title, breakdown_label, tooltip=breakdown_label)
        numbers = [
            Column(NUMBER_HEADERS[c], text(c, figure), align=RIGHT, sort_key=figure)
            for c, figure in figures.items()
        ]
        super().__init__([name, *numbers], parent)

    def set_rows(self, rows: Sequence[Breakdown], currency: str | None = None) -> None:
        """Replace every row, its amounts in ``currency`` (the last one given when None)."""
        self._currency = currency or self._currency
        super().set_rows(rows)


class FigureRowsModel(RowsModel[FigureRow]):
    """Rows of the orders' figures (sales by product; tax, tips and discounts), as words."""

    def __init__(self, title: str, detail: str, parent: Any = None) -> None:
        super().__init__(
            [
                Column(title, lambda r: r.label, tooltip=lambda r: r.label),
                Column(detail, lambda r: r.detail, align=RIGHT),
                Column(_("Amount"), lambda r: r.value, align=RIGHT),
            ],
            parent,
        )


def figure_table(model: FigureRowsModel) -> QTableView:
    """A read-only table of figure rows, in the app's table look."""
    table = rows_table(model, "figureTable", select=False)
    table.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    size_columns(table, stretch=0, fit=(1, 2))
    table.setMinimumHeight(ROW_HEIGHT * 3 + 30)
    return table


# -- small widgets -------------------------------------------------------------------------


def card() -> QFrame:
    """A framed surface for one panel (the stylesheet's ``role="card"``)."""
    frame = QFrame()
    frame.setObjectName("card")
    theme.set_role(frame, "card")
    return frame


def muted(label: QLabel) -> QLabel:
    """``label`` as quiet text (the stylesheet's muted colour, still ≥ 4.5:1)."""
    theme.set_role(label, muted=True)
    return label


class Tile(QFrame):
    """One big figure with its caption and a hint underneath."""

    def __init__(self, caption: str, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        theme.set_role(self, "card")
        self.setToolTip(tip)
        self.caption = muted(QLabel(caption))
        self.caption.setFont(theme.font(self, scale=1.0))
        self.value = FittingLabel("—")  # "1.350,00 US$" shrinks to fit, never cut
        self.value.setFont(theme.font(self, scale=1.55, bold=True))
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = muted(QLabel(""))
        self.hint.setFont(theme.font(self, scale=1.0))
        # "Comisiones de Stripe", "bruto menos reembolsos": words wrap onto a second line
        # rather than being cut where a language's are longer than English.
        self.caption.setWordWrap(True)
        self.hint.setWordWrap(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 9, 12, 9)
        box.setSpacing(1)
        box.addWidget(self.caption)
        box.addWidget(self.value)
        box.addWidget(self.hint)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
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
        theme.set_role(self, "card")
        self.title = title = QLabel(_("Checkouts"))
        title.setFont(theme.font(self, scale=1.05, bold=True))
        self.headline = QLabel("")
        self.headline.setFont(theme.font(self, scale=1.55, bold=True))
        self.subline = muted(QLabel(_("of payment links were paid")))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(5)
        self._counts: dict[str, QLabel] = {}
        self._bars: dict[str, RatioBar] = {}
        for row, (label, _count) in enumerate(conversion_rows(Conversion())):
            name = QLabel(_(label))
            count = QLabel("0")
            count.setAlignment(RIGHT_ALIGN)
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
            _("of payment links were paid") if started else _("No payment links in this period")
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


def breakdown_table(model: BreakdownModel) -> QTableView:
    """A read-only table of one breakdown, in the app's table look."""
    table = rows_table(model, "breakdownTable", select=False)
    table.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    size_columns(table, stretch=Col.NAME, fit=(Col.COUNT, Col.GROSS, Col.REFUNDS, Col.NET))
    table.setMinimumHeight(ROW_HEIGHT * 3 + 30)
    return table


def choose_csv_path(parent: QWidget, suggested: str) -> str | None:
    """Qt's save dialog for a CSV file; the path, or None if cancelled."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Export sales as CSV"), suggested, _("CSV files (*.csv)")
    )
    if not path:
        return None
    return path if path.lower().endswith(".csv") else path + ".csv"


def choose_pdf_path(parent: QWidget, suggested: str) -> str | None:
    """Qt's save dialog for the PDF report; the path, or None if cancelled."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Export sales report as PDF"), suggested, _("PDF files (*.pdf)")
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
