"""The day's bookings as a Qt table model, fed with plain rows (testable without a window)."""

from __future__ import annotations

from datetime import tzinfo
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from pos_app.domain.booking import Booking, BookingStatus
from pos_app.ui.kit import theme

BOOKING_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2

ModelIndex = QModelIndex | QPersistentModelIndex


def table_style(object_name: str) -> str:
    """The look of the app's tables (as the main list): framed, bold headers, roomy cells."""
    return (
        f"QTableView#{object_name} {{ border: 1px solid palette(mid); border-radius: 4px;"
        " background: palette(base); alternate-background-color: palette(alternate-base);"
        " selection-background-color: palette(highlight); }"
        f"QTableView#{object_name}::item {{ padding: 0px 10px 0px 8px; border: none; }}"
        f"QTableView#{object_name} QHeaderView::section {{ background: palette(base);"
        " border: none; border-bottom: 1px solid palette(mid); padding: 8px 13px 8px 11px;"
        " font-weight: bold; }"
    )


def status_words(booking: Booking) -> str:
    """The words for a booking's state; a cancelled booking with money kept says so."""
    if booking.cancelled and booking.status is not BookingStatus.CANCELLED:
        net = booking.net_paid
        if net.amount > 0:
            return f"Cancelled · {net} kept"
        return f"Cancelled · {booking.status.label}"
    return booking.status.label


def display_status(booking: Booking) -> BookingStatus:
    """The status whose colours a booking is shown in: cancelled wins, then no-show."""
    if booking.cancelled:
        return BookingStatus.CANCELLED
    if booking.no_show and booking.status in (BookingStatus.NEW, BookingStatus.AWAITING_PAYMENT):
        return BookingStatus.NO_SHOW
    return booking.status


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
    Column.TIME: "Time",
    Column.CUSTOMER: "Customer",
    Column.SERVICE: "Service",
    Column.STAFF: "Staff",
    Column.AMOUNT: "Amount",
    Column.STATUS: "Status",
    Column.PAID: "Net paid",
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

    def set_rows(self, rows: list[Booking]) -> None:
        """Replace the rows. Same bookings in the same order only repaint, so the view keeps
        its selection and scroll position across the periodic reload; unchanged rows do
        nothing at all."""
        if rows == self._rows:
            return
        if [b.id for b in rows] == [b.id for b in self._rows]:
            self._rows = list(rows)
            self._cells = [self._row_texts(b) for b in rows]
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(Column) - 1))
            return
        self.beginResetModel()
        self._rows = list(rows)
        self._cells = [self._row_texts(b) for b in rows]
        self.endResetModel()

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
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (Column.AMOUNT, Column.PAID):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not 0 <= row < len(self._rows) or not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.AccessibleTextRole:
            return self._cells[row][index.column()]
        booking = self._rows[row]
        column = Column(index.column())
        if role == BOOKING_ID_ROLE:
            return booking.id
        if role == STATUS_ROLE:
            return display_status(booking).value  # Qt hands enums back as plain str anyway
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.PAID and booking.refunded_amount:
                return f"Paid {booking.paid.format()}, refunded {booking.refunded.format()}"
            if column == Column.CUSTOMER:
                contact = [c for c in (booking.customer_email, booking.customer_phone) if c]
                return " · ".join([booking.customer_name, *contact])
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (Column.AMOUNT, Column.PAID):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.STATUS:
            return QColor(theme.status_chip(display_status(booking), theme.is_dark()).fg)
        return None

    def _row_texts(self, booking: Booking) -> tuple[str, ...]:
        return tuple(self._text(booking, column) for column in Column)

    def _text(self, booking: Booking, column: Column) -> str:
        if column == Column.TIME:
            return booking.starts_at.astimezone(self._tz).strftime("%H:%M")
        if column == Column.CUSTOMER:
            return booking.customer_name
        if column == Column.SERVICE:
            return booking.service_name
        if column == Column.STAFF:
            if booking.resource_id is None:
                return "Anyone"
            return self._staff.get(booking.resource_id, "—")
        if column == Column.AMOUNT:
            return booking.price.format()
        if column == Column.STATUS:
            return status_words(booking)
        # Paid: what was received net of refunds, so a refunded booking reads "—".
        net = booking.net_paid
        return net.format() if net.amount > 0 else "—"


class RowDelegate(QStyledItemDelegate):
    """Rows are selected whole: no focus frame around the one current cell."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        super().initStyleOption(option, index)
        option.state &= ~QStyle.StateFlag.State_HasFocus


class StatusChipDelegate(RowDelegate):
    """Paints the Status column as a rounded, coloured chip."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        value = index.data(STATUS_ROLE)
        if value not in BookingStatus._value2member_map_:
            super().paint(painter, option, index)
            return
        status = BookingStatus(value)
        # Draw the row background/selection as usual, then the chip without the plain text.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if isinstance(widget, QWidget) else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        chip = theme.status_chip(status, theme.is_dark())
        shown = index.data(Qt.ItemDataRole.DisplayRole)
        text = shown if isinstance(shown, str) and shown else status.label
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        f = QFont(opt.font)
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 0.92)
        painter.setFont(f)
        metrics = painter.fontMetrics()
        pad_x, pad_y = 10, 3
        width = metrics.horizontalAdvance(text) + 2 * pad_x
        height = metrics.height() + 2 * pad_y
        rect: QRect = option.rect
        chip_rect = QRect(
            rect.left() + 11,
            rect.top() + (rect.height() - height) // 2,
            min(width, rect.width() - 16),
            height,
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(chip.bg))
        painter.drawRoundedRect(chip_rect, height / 2, height / 2)
        painter.setPen(QColor(chip.fg))
        painter.drawText(chip_rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        base = super().sizeHint(option, index)
        metrics = option.fontMetrics
        return QSize(metrics.horizontalAdvance(str(index.data())) + 36, max(base.height(), 30))
