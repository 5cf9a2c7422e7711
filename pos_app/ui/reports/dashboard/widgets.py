"""The dashboard's widgets: figure tiles, the checkouts panel, breakdown tables and their
model, and the file choosers for the exports. They paint what they are given."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.money import Money
from pos_app.domain.reports import Breakdown, Conversion
from pos_app.reports.render.sales import conversion_rows, paid_share, percent
from pos_app.ui.kit import theme
from pos_app.ui.kit.tables import ROW_HEIGHT, style_table

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
        self.value = QLabel("—")
        self.value.setFont(theme.font(self, scale=1.55, bold=True))
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = muted(QLabel(""))
        self.hint.setFont(theme.font(self, scale=1.0))
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
        theme.set_role(self, "card")
        self.title = title = QLabel("Checkouts")
        title.setFont(theme.font(self, scale=1.05, bold=True))
        self.headline = QLabel("")
        self.headline.setFont(theme.font(self, scale=1.55, bold=True))
        self.subline = muted(QLabel("of payment links were paid"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(5)
        self._counts: dict[str, QLabel] = {}
        self._bars: dict[str, RatioBar] = {}
        for row, (label, _count) in enumerate(conversion_rows(Conversion())):
            name = QLabel(label)
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


def breakdown_table(model: BreakdownModel) -> QTableView:
    """A read-only table of one breakdown, in the app's table look."""
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
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    style_table(table, rows=ROW_HEIGHT)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(Col.NAME, QHeaderView.ResizeMode.Stretch)
    for column in (Col.COUNT, Col.GROSS, Col.REFUNDS, Col.NET):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    table.setMinimumHeight(ROW_HEIGHT * 3 + 30)
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
