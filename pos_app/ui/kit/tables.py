"""The app's tables: one look (from the app-wide stylesheet), whole-row selection, status chips,
and one model for a list of rows whose columns are described once.

A table opts into the shared look with ``style_table(view)`` (sets ``role="data"``; the rules
live in ``theme.py``'s stylesheet). Any feature may import this; it imports no feature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPaintDevice, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from pos_app.domain.booking_display import status_glyph
from pos_app.domain.booking_status import BookingStatus
from pos_app.i18n import _
from pos_app.ui.kit import theme

# A model puts a BookingStatus value here for StatusChipDelegate to paint the chip.
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
# Rows are tapped as a whole: at least this tall, so a row is a 44 px touch target.
ROW_HEIGHT = 44

ModelIndex = QModelIndex | QPersistentModelIndex
# Amounts and counts line up on the right, in their cells and in their headers.
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

R = TypeVar("R")


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column of a :class:`RowsModel`: its header, how a row reads in it, and optionally
    its alignment, tooltip, sort key and other roles (e.g. ``STATUS_ROLE``, a foreground)."""

    header: str
    text: Callable[[R], str]
    align: int | None = None  # e.g. RIGHT; None leaves the view's default
    tooltip: Callable[[R], str | None] | None = None
    sort_key: Callable[[R], Any] | None = None  # None sorts by the text
    roles: Mapping[int, Callable[[R], Any]] = field(default_factory=dict)


class RowsModel(QAbstractTableModel, Generic[R]):
    """A read-only table over a list of rows, fed whole with :meth:`set_rows`."""

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns: tuple[Column[R], ...] = tuple(columns)
        self._rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update_rows(self, rows: Sequence[R]) -> None:
        """Replace every row, telling the views only what changed: rows that differ in
        place are repainted, rows past the old end inserted, rows past the new end removed.

        Cheaper than :meth:`set_rows` for a list that changes a row or two at a time (a
        cart): no reset, so the view keeps its layout, selection and scroll position.
        """
        new = list(rows)
        old = self._rows
        common = min(len(old), len(new))
        if len(new) < len(old):
            self.beginRemoveRows(QModelIndex(), common, len(old) - 1)
            self._rows = old[:common]
            self.endRemoveRows()
        changed = [i for i in range(common) if old[i] != new[i]]
        self._rows = new[:common] + self._rows[common:]
        if changed:
            last = len(self.columns) - 1
            self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], last))
        if len(new) > common:
            self.beginInsertRows(QModelIndex(), common, len(new) - 1)
            self._rows = new
            self.endInsertRows()

    def row_at(self, row: int) -> R:
        """The row shown at position ``row``."""
        return self._rows[row]

    def rows(self) -> list[R]:
        """Every row, in the order shown."""
        return list(self._rows)

    def row_where(self, wanted: Callable[[R], bool]) -> int:
        """The position of the first row ``wanted`` accepts, or -1."""
        return next((i for i, row in enumerate(self._rows) if wanted(row)), -1)

    def texts(self) -> list[tuple[str, ...]]:
        """Every row as the table shows it, for tests and screen readers."""
        return [tuple(c.text(row) for c in self.columns) for row in self._rows]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            # A module-level column's header is marked with N_ and translated here.
            return _(column.header)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        get = column.roles.get(role)
        return get(row) if get is not None else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by ``column``'s sort key (its text when it has none); stable."""
        if not 0 <= column < len(self.columns):
            return
        col = self.columns[column]
        key = col.sort_key or col.text
        rows = self._rows
        self.layoutAboutToBeChanged.emit()
        order_ = sorted(
            range(len(rows)),
            key=lambda i: key(rows[i]),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._rows = [rows[i] for i in order_]
        # The selection and current row follow their rows to the new places.
        moved = {old: new for new, old in enumerate(order_)}
        before = self.persistentIndexList()
        after = [self.index(moved[i.row()], i.column()) for i in before]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()


def style_table(view: QAbstractItemView, *, rows: int = ROW_HEIGHT) -> None:
    """Give ``view`` the app's table look (``role="data"`` in the stylesheet) and touch-sized
    rows of at least ``rows`` px."""
    view.setProperty("role", "data")
    vheader = getattr(view, "verticalHeader", None)
    if vheader is not None:
        header = vheader()
        header.setMinimumSectionSize(rows)
        header.setDefaultSectionSize(max(rows, header.defaultSectionSize()))
    view.style().unpolish(view)
    view.style().polish(view)


def rows_table(
    model: QAbstractTableModel,
    name: str,
    *,
    rows: int = ROW_HEIGHT,
    select: bool = True,
    wrap: bool = False,
) -> QTableView:
    """A read-only table over ``model`` named ``name``, in the app's look: whole rows chosen
    one at a time (none when not ``select``), alternate rows, no grid and no row numbers,
    headers left-aligned; Tab leaves the table. ``wrap`` lets a long cell take two lines."""
    view = QTableView()
    view.setModel(model)
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.SingleSelection
        if select
        else QAbstractItemView.SelectionMode.NoSelection
    )
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(wrap)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    style_table(view, rows=rows)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return view


def size_columns(
    view: QTableView,
    *,
    stretch: int,
    widths: Mapping[int, int] | None = None,
    fit: Iterable[int] = (),
) -> None:
    """Columns in ``widths`` start at that many px and can be dragged wider; those in ``fit``
    take their contents' width; column ``stretch`` takes what is left."""
    header = view.horizontalHeader()
    for column, width in (widths or {}).items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width)
    for column in fit:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def table_or_empty(table: QTableView, sentence: str) -> tuple[QStackedWidget, QLabel]:
    """A stack of ``table`` (page 0) and, for when there is nothing to list, ``sentence``
    large, quiet and centred in its place (page 1); the label is returned to reword it."""
    empty = QLabel(sentence)
    empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
    empty.setWordWrap(True)
    empty.setFont(theme.font(empty, scale=1.2))
    theme.set_role(empty, muted=True)
    stack = QStackedWidget()
    stack.addWidget(table)
    stack.addWidget(empty)
    return stack, empty


def chip_text(status: BookingStatus, words: str) -> str:
    """What a status chip says: the status's glyph, then its words ("✓ Paid")."""
    return f"{status_glyph(status)} {words}"


#: Chips kept drawn, per delegate: (status, text, font, room, dark, pixel ratio) → pixmap.
_CHIP_CACHE_SIZE = 256
_DISPLAY = Qt.ItemDataRole.DisplayRole
_PANEL = QStyle.PrimitiveElement.PE_PanelItemViewItem

#: What a cell's chip is found by: its status value and words, the font's key, the cell's
#: width, whether the scheme is dark, and the device's pixel ratio.
_ChipKey = tuple[object, object, str, int, bool, float]


class StatusChipDelegate(QStyledItemDelegate):
    """Paints a status column (value in ``STATUS_ROLE``) as a rounded chip carrying the
    status words: the word says it, the colour only helps.

    Each chip is drawn once into a pixmap and reused: a table repaints every visible chip
    on each scroll, selection and day switch, and drawing them afresh in Python each time
    took several milliseconds of every frame. A cell finds its chip by what it reads from
    the cell and the option, without a font key or a palette look-up of its own per cell
    (those are kept per font and per palette): each took ~20 µs inside a paint, and a
    select that scrolls the day's list repaints a dozen chips (issue 12).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chips: dict[tuple[str, str, str, int, bool, float], QPixmap] = {}
        # Per cell key: the pixmap and its height in device-independent pixels.
        self._cells: dict[_ChipKey, tuple[QPixmap, int]] = {}
        self._font = QFont()
        self._font_key: str | None = None  # of _font, once a paint has set it
        self._dark: dict[int, bool] = {}  # palette cache key → dark scheme

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        rect: QRect = option.rect
        font = option.font
        if self._font_key is None or font != self._font:
            self._font, self._font_key = QFont(font), font.key()
        # The scheme is the app's (theme.is_dark), asked again whenever the palette differs:
        # a switch between light and dark gives every widget a new palette.
        palette_key = option.palette.cacheKey()
        dark = self._dark.get(palette_key)
        if dark is None:
            if len(self._dark) >= _CHIP_CACHE_SIZE:
                self._dark.clear()
            dark = self._dark[palette_key] = theme.is_dark()
        device = painter.device()
        ratio = float(device.devicePixelRatioF()) if isinstance(device, QPaintDevice) else 1.0
        key = (
            index.data(STATUS_ROLE),
            index.data(_DISPLAY),
            self._font_key,
            rect.width(),
            dark,
            ratio,
        )
        cell = self._cells.get(key)
        if cell is None:
            value, shown = key[0], key[1]
            if value not in BookingStatus._value2member_map_:
                super().paint(painter, option, index)
                return
            status = BookingStatus(value)
            text = chip_text(status, shown if isinstance(shown, str) and shown else status.label)
            chip = self._chip(status, text, font, rect.width() - 16, ratio, dark)
            if len(self._cells) >= _CHIP_CACHE_SIZE:
                self._cells.clear()
            cell = self._cells[key] = (chip, round(chip.height() / chip.devicePixelRatio()))
        widget = option.widget
        if isinstance(widget, QWidget):
            # The cell's own background (alternate row, selection) as its neighbours get it.
            widget.style().drawPrimitive(_PANEL, option, painter, widget)
        chip, height = cell
        painter.drawPixmap(rect.left() + 11, rect.top() + (rect.height() - height) // 2, chip)

    def _chip(
        self, status: BookingStatus, text: str, font: QFont, room: int, ratio: float, dark: bool
    ) -> QPixmap:
        key = (status.value, text, font.key(), room, dark, ratio)
        found = self._chips.get(key)
        if found is not None:
            return found
        if len(self._chips) >= _CHIP_CACHE_SIZE:
            self._chips.clear()
        colours = theme.status_chip(status, dark)
        bold = QFont(font)
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        pad_x, pad_y = 10, 3
        width = max(1, min(metrics.horizontalAdvance(text) + 2 * pad_x, room))
        height = metrics.height() + 2 * pad_y
        pixmap = QPixmap(round(width * ratio), round(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(bold)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colours.bg))
        painter.drawRoundedRect(QRect(0, 0, width, height), height / 2, height / 2)
        painter.setPen(QColor(colours.fg))
        # Elide rather than cut a word in half when the column is narrow.
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width - 8)
        painter.drawText(QRect(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, shown)
        painter.end()
        self._chips[key] = pixmap
        return pixmap

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        base = super().sizeHint(option, index)
        f = QFont(option.font)
        f.setBold(True)
        width = QFontMetrics(f).horizontalAdvance(str(index.data())) + 40
        return QSize(width, max(base.height(), ROW_HEIGHT))
