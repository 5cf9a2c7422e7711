"""The day's bookings as a Qt table model, fed with plain rows (testable without a window)."""

from __future__ import annotations

from datetime import tzinfo
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from pos_app.domain.booking import Booking
from pos_app.domain.booking_display import display_status
from pos_app.i18n import N_, _
from pos_app.ui.day.day_load_state import row_texts
from pos_app.ui.kit import theme
from pos_app.ui.kit.tables import STATUS_ROLE

BOOKING_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_TEXT_ROLES = frozenset({int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.AccessibleTextRole)})
_TOOLTIP_ROLE = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT_ROLE = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND_ROLE = int(Qt.ItemDataRole.ForegroundRole)
# Every role data() answers; any other is None at once.
_ROLES = _TEXT_ROLES | {
    int(BOOKING_ID_ROLE),
    int(STATUS_ROLE),
    _TOOLTIP_ROLE,
    _ALIGNMENT_ROLE,
    _FOREGROUND_ROLE,
}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

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


class BookingTableModel(QAbstractTableModel):
    """Bookings with Time (business time zone), Customer, Service, Staff, Amount, Status,
    Paid."""

    def __init__(self, timezone: tzinfo, parent: Any = None) -> None:
        super().__init__(parent)
        self._tz = timezone
        self._rows: list[Booking] = []
        self._staff: dict[str, str] = {}  # resource id → name
        # Each row's cell texts, made once per load: a paint asks for them hundreds of times.
        self._cells: list[tuple[str, ...]] = []

    def set_resource_names(self, names: dict[str, str]) -> None:
        """Names for the Staff column (resource id → name)."""
        if names == self._staff:
            return
        self._staff = dict(names)
        self._cells = [self._row_texts(b) for b in self._rows]
        if self._rows:
            last = len(self._rows) - 1
            self.dataChanged.emit(self.index(0, Column.STAFF), self.index(last, Column.STAFF))

    def set_timezone(self, timezone: tzinfo) -> None:
        """Show times in ``timezone`` (the business's)."""
        self._tz = timezone
        self._cells = [self._row_texts(b) for b in self._rows]
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.TIME),
                self.index(len(self._rows) - 1, Column.TIME),
            )

    def set_rows(self, rows: list[Booking], cells: list[tuple[str, ...]] | None = None) -> None:
        """Replace the rows, telling the view only what changed, so it keeps its selection
        and scroll position across the periodic reload and repaints as little as it can:
        changed rows are repainted, added and removed bookings inserted and removed, and
        unchanged rows do nothing at all. Only a list with no booking in common (another day)
        or one whose bookings changed order resets the model. ``cells`` are the rows' texts
        when already worked out (in the background, for this model's time zone and staff
        names)."""
        if cells is None:
            if rows == self._rows:
                return
            cells = [self._row_texts(b) for b in rows]
        if [b.id for b in rows] != [b.id for b in self._rows] and not self._move_rows(rows, cells):
            self.beginResetModel()
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
        last = len(Column) - 1
        for first, end in _runs(changed):
            self.dataChanged.emit(self.index(first, 0), self.index(end, last))

    def _move_rows(self, rows: list[Booking], cells: list[tuple[str, ...]]) -> bool:
        """Remove the bookings gone and insert the new ones, so the rows match ``rows``' ids;
        False (nothing done) when no booking stays or those that stay changed order."""
        new_ids = {b.id: i for i, b in enumerate(rows)}
        old_ids = {b.id for b in self._rows}
        kept = [b.id for b in self._rows if b.id in new_ids]
        if not kept or kept != [b.id for b in rows if b.id in old_ids]:
            return False
        gone = [i for i, b in enumerate(self._rows) if b.id not in new_ids]
        for first, end in reversed(_runs(gone)):
            self.beginRemoveRows(QModelIndex(), first, end)
            del self._rows[first : end + 1]
            del self._cells[first : end + 1]
            self.endRemoveRows()
        # What is left is ``rows`` less the new bookings, in order: each run of new ones goes
        # in at its own place, top down.
        added = [i for i, b in enumerate(rows) if b.id not in old_ids]
        for first, end in _runs(added):
            self.beginInsertRows(QModelIndex(), first, end)
            self._rows[first:first] = rows[first : end + 1]
            self._cells[first:first] = cells[first : end + 1]
            self.endInsertRows()
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

    # -- QAbstractTableModel ------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

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

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Qt asks each painted cell for a dozen roles, most of which the table leaves unset:
        # answer those first, with plain ints (comparing Qt's enums costs microseconds a call).
        if role not in _ROLES:
            return None
        row = index.row()
        if not 0 <= row < len(self._rows) or not index.isValid():
            return None
        if role in _TEXT_ROLES:
            return self._cells[row][index.column()]
        booking = self._rows[row]
        column = index.column()  # an int compares with Column's members as they are IntEnums
        if role == BOOKING_ID_ROLE:
            return booking.id
        if role == STATUS_ROLE:
            return display_status(booking).value  # Qt hands enums back as plain str anyway
        if role == _TOOLTIP_ROLE:
            if column == Column.PAID and booking.refunded_amount:
                return _("Paid {paid}, refunded {refunded}").format(
                    paid=booking.paid.format(), refunded=booking.refunded.format()
                )
            if column == Column.CUSTOMER:
                contact = [c for c in (booking.customer_email, booking.customer_phone) if c]
                return " · ".join([booking.customer_name, *contact])
            return None
        if role == _ALIGNMENT_ROLE:
            return _RIGHT if column in (Column.AMOUNT, Column.PAID) else _LEFT
        if role == _FOREGROUND_ROLE and column == Column.STATUS:
            return QColor(theme.status_chip(display_status(booking), theme.is_dark()).fg)
        return None

    def _row_texts(self, booking: Booking) -> tuple[str, ...]:
        return row_texts(booking, self._tz, self._staff)


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Ascending ``positions`` as runs of consecutive ones: (first, last) each."""
    runs: list[tuple[int, int]] = []
    for i in positions:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs
