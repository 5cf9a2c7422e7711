"""The day as a list: the bookings table, or an empty state with a New booking button.

Owned by the :class:`~pos_app.ui.day.day_controller.DayController`; the shell reads the
selection from ``table`` and ``model``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
)

from pos_app.domain.booking import Booking
from pos_app.i18n import N_, _
from pos_app.ui.day.booking_table import BookingTableModel, Column, booking_items
from pos_app.ui.day.day_load_state import Cells, Items
from pos_app.ui.kit import theme
from pos_app.ui.kit.opaque_viewport import keep_viewport_opaque
from pos_app.ui.kit.tables import StatusChipDelegate, style_table

EMPTY_TEXT = N_("No bookings today — press New booking")
OTHER_DAY_EMPTY = N_("No bookings on this day — press New booking")
#: After a reset, how long the table waits to paint: past this turn of the event loop.
PAINT_LATER_MS = 2
WIDTHS = {
    Column.TIME: 80,
    Column.AMOUNT: 110,
    Column.STATUS: 190,
    Column.PAID: 110,
    Column.STAFF: 140,
}


class DayList(QStackedWidget):
    """Page 0: the table of the shown day's bookings; page 1: the empty state."""

    def __init__(self, new_booking: Callable[[], object]) -> None:
        super().__init__()
        self.model = BookingTableModel(UTC, self)
        self.table = QTableView()
        self.table.setObjectName("bookingTable")
        self.table.setModel(self.model)
        # A reset (another day) lays the rows out at once, before the repaint it asks for:
        # left to Qt's delayed items layout, the whole table (6-8 ms) was painted twice, the
        # second time one event-loop pass later, once the layout had run.
        self.model.modelReset.connect(self.table.doItemsLayout)
        # ... and painted a turn later (see _paint_later).
        self._paint_timer = QTimer(self)
        self._paint_timer.setSingleShot(True)
        self._paint_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._paint_timer.setInterval(PAINT_LATER_MS)
        self._paint_timer.timeout.connect(self._paint_now)
        self.model.modelAboutToBeReset.connect(self._hold_paint)
        self.model.modelReset.connect(self._paint_later)
        self.table.setItemDelegateForColumn(Column.STATUS, StatusChipDelegate(self.table))
        self.table.setFont(theme.font(self, scale=1.1))
        style_table(self.table)
        # The sheet's frame would make the viewport see-through: repainted with the window
        # (6 ms a time). Opaque, only the bottom corners of a table its rows don't fill change:
        # they look as those of a full table (see kit/opaque_viewport.py).
        keep_viewport_opaque(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        # The header shares the table's selection model, and repaints the columns a selection
        # spans on every change: all of it for a row. It highlights nothing (above), so a
        # selection model of its own, never changed, spares each select that repaint.
        header.setSelectionModel(QItemSelectionModel(self.model, header))
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(60)
        for column in Column:
            if column in WIDTHS:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
                header.resizeSection(column, WIDTHS[column])
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        # Right-click a row for its actions (the shell's and the controller's).
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.empty_label = QLabel(_(EMPTY_TEXT))
        self.empty_label.setObjectName("emptyText")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setFont(theme.font(self, scale=1.3))
        theme.set_role(self.empty_label, None, muted=True)
        empty = QFrame()
        empty.setObjectName("emptyState")
        theme.set_role(empty, "card")
        box = QVBoxLayout(empty)
        box.addStretch(1)
        box.addWidget(self.empty_label)
        self.empty_button = QPushButton(_("New booking"))
        self.empty_button.setToolTip(_("Book a customer in (Ctrl+N)"))
        self.empty_button.setMinimumSize(180, 44)
        self.empty_button.clicked.connect(lambda _checked=False: new_booking())
        theme.make_primary(self.empty_button)
        box.addSpacing(10)
        box.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)
        self.addWidget(self.table)
        self.addWidget(empty)

    def show_rows(self, count: int) -> None:
        """The table when there are rows, else the empty state."""
        self.setCurrentIndex(0 if count else 1)

    def set_empty_text(self, today: bool) -> None:
        """What the empty state says for today or another day."""
        self.empty_label.setText(_(EMPTY_TEXT) if today else _(OTHER_DAY_EMPTY))

    def items_maker(self, shown: date | None) -> Items:
        """How the day's load makes the list's items on the worker: for a day other than
        ``shown`` (all its rows new: about 10 ms of items for a busy day, kept off the GUI thread).
        The shown day's reload changes a row or two: those few are made here."""
        dark = theme.is_dark()

        def make(day: date, rows: list[Booking], cells: list[Cells]) -> object:
            return None if day == shown else booking_items(rows, cells, dark)

        return make

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.model.set_dark(theme.is_dark())  # the Status column's colour

    def _hold_paint(self) -> None:
        # Only over rows already shown: the backing store keeps them on screen meanwhile.
        # A first fill is painted at once (a grab of the window right after it, as the
        # screenshots make, would find no table painted yet).
        if self.model.rowCount() > 0:
            self.table.viewport().setUpdatesEnabled(False)

    def _paint_later(self) -> None:
        # Another day's rows land with the rest of the window's day change (the date, the
        # count, the actions, the detail panel's hint), all in one event-loop pass, and the
        # table's full repaint is most of that pass. Painted PAINT_LATER_MS later, it is a
        # pass of its own: input and timers are served between the two.
        self._paint_timer.start()

    def _paint_now(self) -> None:
        viewport = self.table.viewport()
        if not viewport.updatesEnabled():
            viewport.setUpdatesEnabled(True)  # repaints it
