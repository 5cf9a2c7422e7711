"""The day's bookings as a Qt table model, fed with plain rows (testable without a window)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import tzinfo
from enum import IntEnum
from functools import cache
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel

from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.booking_display import display_status
from pos_app.i18n import N_, _
from pos_app.ui.day.day_load_state import row_texts
from pos_app.ui.kit import theme
from pos_app.ui.kit.tables import STATUS_ROLE

BOOKING_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY_ROLE = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP_ROLE = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT_ROLE = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND_ROLE = int(Qt.ItemDataRole.ForegroundRole)
# As a QAbstractTableModel's cells: chosen, not edited, no children.
_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_RIGHT_COLUMNS = (4, 6)  # Amount and Net paid (Column, below)

ModelIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """The table's columns, in order."""

    TIME = 0
    CUSTOMER = 1
    SERVICE = 2
    STAFF = 3
    AMOUNT = 4
    STATUS = 5
    PAID = 6


HEADERS = {
    Column.TIME: N_("Time"),
    Column.CUSTOMER: N_("Customer"),
    Column.SERVICE: N_("Service"),
    Column.STAFF: N_("Staff"),
    Column.AMOUNT: N_("Amount"),
    Column.STATUS: N_("Status"),
    Column.PAID: N_("Net paid"),
}


class BookingTableModel(QStandardItemModel):
    """Bookings with Time (business time zone), Customer, Service, Staff, Amount, Status,
    Paid.

    Every cell's roles are stored in ``QStandardItem``s, so a paint reads them in C++: a
    Python ``data()`` was asked seven roles per painted cell (616 calls, about 3 ms of each
    full repaint of the table). The items of another day are made in the background
    (:func:`booking_items`); the rows and texts stay here, in Python, for the shell."""

    def __init__(self, timezone: tzinfo, parent: Any = None) -> None:
        super().__init__(0, len(Column), parent)
        self._tz = timezone
        self._rows: list[Booking] = []
        self._staff: dict[str, str] = {}  # resource id → name
        # Each row's cell texts, made once per load (compared to tell what a reload changed).
        self._cells: list[tuple[str, ...]] = []
        self._dark = theme.is_dark()

    def set_resource_names(self, names: dict[str, str]) -> None:
        """Names for the Staff column (resource id → name)."""
        if names == self._staff:
            return
        self._staff = dict(names)
        self._retext(Column.STAFF)

    def set_timezone(self, timezone: tzinfo) -> None:
        """Show times in ``timezone`` (the business's)."""
        self._tz = timezone
        self._retext(Column.TIME)

    def set_dark(self, dark: bool) -> None:
        """The palette turned dark or light: the Status column's text colour follows."""
        if dark == self._dark:
            return
        self._dark = dark
        with self._quiet():
            for row, booking in enumerate(self._rows):
                self._set(row, Column.STATUS, _FOREGROUND_ROLE, _status_colour(booking, dark))
        self._changed(Column.STATUS, Column.STATUS)

    def _retext(self, column: Column) -> None:
        """Work the texts out again and show ``column``'s anew."""
        self._cells = [self._row_texts(b) for b in self._rows]
        with self._quiet():
            for row, cells in enumerate(self._cells):
                self._set(row, column, _DISPLAY_ROLE, cells[column])
        self._changed(column, column)

    def _set(self, row: int, column: int, role: int, value: object) -> None:
        item = self.item(row, column)
        if item is not None:
            item.setData(value, role)

    def _changed(self, first: int, last: int) -> None:
        if self._rows:
            end = len(self._rows) - 1
            self.dataChanged.emit(self.index(0, first), self.index(end, last))

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Items changed without a signal each: the caller tells the views once."""
        blocked = self.blockSignals(True)
        try:
            yield
        finally:
            self.blockSignals(blocked)

    def set_rows(
        self,
        rows: list[Booking],
        cells: list[tuple[str, ...]] | None = None,
        items: list[list[QStandardItem]] | None = None,
    ) -> None:
        """Replace the rows, telling the view only what changed, so it keeps its selection
        and scroll position across the periodic reload and repaints as little as it can:
        changed rows are repainted, added and removed bookings inserted and removed, and
        unchanged rows do nothing at all. Only a list with no booking in common (another day)
        or one whose bookings changed order resets the model. ``cells`` are the rows' texts
        when already worked out (in the background, for this model's time zone and staff
        names), ``items`` the rows' items made from them there (:func:`booking_items`; each
        is used once, by this model)."""
        if cells is None:
            if rows == self._rows:
                return
            cells = [self._row_texts(b) for b in rows]
        made = _Made(rows, cells, items, self._dark)
        if [b.id for b in rows] != [b.id for b in self._rows] and not self._move_rows(made):
            self.beginResetModel()
            with self._quiet():
                self.setRowCount(0)
                for row in range(len(rows)):
                    self.appendRow(made.row(row))
            self._rows = list(rows)
            self._cells = list(cells)
            self.endResetModel()
            return
        # The same bookings in the same order now: repaint the rows that changed, in runs
        # (a whole-table dataChanged repaints every visible cell: 6 ms a time).
        changed = [
            i for i, b in enumerate(rows) if b != self._rows[i] or cells[i] != self._cells[i]
        ]
        self._rows = list(rows)
        self._cells = list(cells)
        with self._quiet():
            for row in changed:
                for column, item in enumerate(made.row(row)):
                    self.setItem(row, column, item)
        last = len(Column) - 1
        for first, end in _runs(changed):
            self.dataChanged.emit(self.index(first, 0), self.index(end, last))

    def _move_rows(self, made: _Made) -> bool:
        """Remove the bookings gone and insert the new ones, so the rows match ``made``'s
        ids; False (nothing done) when no booking stays or those that stay changed order."""
        rows, cells = made.rows, made.cells
        new_ids = {b.id: i for i, b in enumerate(rows)}
        old_ids = {b.id for b in self._rows}
        kept = [b.id for b in self._rows if b.id in new_ids]
        if not kept or kept != [b.id for b in rows if b.id in old_ids]:
            return False
        gone = [i for i, b in enumerate(self._rows) if b.id not in new_ids]
        for first, end in reversed(_runs(gone)):
            del self._rows[first : end + 1]
            del self._cells[first : end + 1]
            self.removeRows(first, end - first + 1)
        # What is left is ``rows`` less the new bookings, in order: each run of new ones goes
        # in at its own place, top down: the run's rows are inserted empty (one signal), then
        # filled before anything paints them.
        added = [i for i, b in enumerate(rows) if b.id not in old_ids]
        for first, end in _runs(added):
            self._rows[first:first] = rows[first : end + 1]
            self._cells[first:first] = cells[first : end + 1]
            self.insertRows(first, end - first + 1)
            with self._quiet():
                for row in range(first, end + 1):
                    for column, item in enumerate(made.row(row)):
                        self.setItem(row, column, item)
        return True

    def timezone(self) -> tzinfo:
        """The time zone the Time column is shown in."""
        return self._tz

    def resource_names(self) -> dict[str, str]:
        """The Staff column's names (resource id → name)."""
        return dict(self._staff)

    def rows(self) -> list[Booking]:
        """The bookings shown, in order."""
        return list(self._rows)

    def booking_at(self, row: int) -> Booking | None:
        """The booking on ``row``, or None."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, booking_id: str) -> int:
        """The row showing ``booking_id``, or -1."""
        for i, booking in enumerate(self._rows):
            if booking.id == booking_id:
                return i
        return -1

    # -- QAbstractItemModel -------------------------------------------------------------

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(Column):
            return _(HEADERS[Column(section)])
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (Column.AMOUNT, Column.PAID):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _row_texts(self, booking: Booking) -> tuple[str, ...]:
        return row_texts(booking, self._tz, self._staff)


class _Made:
    """Each row's items: those made in the background, or made here when asked."""

    def __init__(
        self,
        rows: list[Booking],
        cells: list[tuple[str, ...]],
        items: list[list[QStandardItem]] | None,
        dark: bool,
    ) -> None:
        self.rows, self.cells, self._items, self._dark = rows, cells, items, dark

    def row(self, row: int) -> list[QStandardItem]:
        if self._items is not None:
            return self._items[row]
        return row_items(self.rows[row], self.cells[row], self._dark)


def booking_items(
    rows: list[Booking], cells: list[tuple[str, ...]], dark: bool
) -> list[list[QStandardItem]]:
    """The model's items for ``rows`` and their texts ``cells`` (made on the worker: about
    10 ms for a busy day; ``QStandardItem`` is no QObject, and belongs to no model yet)."""
    return [row_items(b, c, dark) for b, c in zip(rows, cells, strict=True)]


def row_items(booking: Booking, cells: tuple[str, ...], dark: bool) -> list[QStandardItem]:
    """One row's items: each cell's text, the Amount and Net paid cells right-aligned; the
    booking's id on the first cell, its status and colour on the Status cell; the Customer's
    contact and the refund as tooltips.

    As few calls per item as show the same: made on the worker during a day change, each
    call is GIL time the GUI thread waits for. A cell's text is what a screen reader says
    (Qt falls back to it where a cell has no AccessibleTextRole) and the view's default
    alignment is left and centred: set on every cell, those were 12 calls more a row."""
    status = display_status(booking)
    # Each made here, not cloned: a clone is made by Qt, and PySide would not hear of its
    # deletion by the model (a stale wrapper).
    items = [QStandardItem(text) for text in cells]
    for item in items:
        item.setFlags(_FLAGS)
    for column in _RIGHT_COLUMNS:
        items[column].setData(_RIGHT, _ALIGNMENT_ROLE)
    # The booking's id on its first cell, its status on the Status cell (the chip's), where
    # they are read: each role more on every cell was 1,162 more calls for a busy day.
    items[Column.TIME].setData(booking.id, BOOKING_ID_ROLE)
    status_item = items[Column.STATUS]
    status_item.setData(status.value, STATUS_ROLE)  # Qt hands enums back as plain str anyway
    status_item.setData(_colour(status, dark), _FOREGROUND_ROLE)
    contact = [c for c in (booking.customer_email, booking.customer_phone) if c]
    items[Column.CUSTOMER].setData(" · ".join([booking.customer_name, *contact]), _TOOLTIP_ROLE)
    if booking.refunded_amount:
        tip = _("Paid {paid}, refunded {refunded}").format(
            paid=booking.paid.format(), refunded=booking.refunded.format()
        )
        items[Column.PAID].setData(tip, _TOOLTIP_ROLE)
    return items


def _status_colour(booking: Booking, dark: bool) -> QColor:
    return _colour(display_status(booking), dark)


@cache
def _colour(status: BookingStatus, dark: bool) -> QColor:
    """A status's text colour (one QColor per status and scheme: ``setData`` copies it)."""
    return QColor(theme.status_chip(status, dark).fg)


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Ascending ``positions`` as runs of consecutive ones: (first, last) each."""
    runs: list[tuple[int, int]] = []
    for i in positions:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs
