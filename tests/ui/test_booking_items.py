"""The day's table answers its cells from C++ (QStandardItems): a repaint runs no Python, and
another day's items are made on the worker, then used as they are (issue 12)."""

from __future__ import annotations

import sys
from datetime import UTC, date
from types import FrameType

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from pos_app.domain.booking import Booking, BookingStatus
from pos_app.ui.day import booking_table
from pos_app.ui.day.booking_table import BookingTableModel, Column, booking_items
from pos_app.ui.day.day_list import DayList
from pos_app.ui.day.day_load_state import DayRequest, prepare_day, row_texts
from pos_app.ui.kit import theme
from tests.ui.day_rows import painted_alignment, plain_booking, spoken_rows


def _day(day: int, count: int) -> list[Booking]:
    return [
        plain_booking(
            n,
            day=day,
            step=10,
            prefix=f"bk_{day}",
            status=BookingStatus.PAID if n % 2 else BookingStatus.NEW,
            paid_amount=3500 if n % 2 else 0,
        )
        for n in range(count)
    ]


def _shown_list(qtbot: QtBot, rows: list[Booking]) -> DayList:
    days = DayList(lambda: None)
    qtbot.addWidget(days)
    days.resize(900, 600)
    days.model.set_rows(rows)
    days.show_rows(len(rows))
    days.show()
    qtbot.waitExposed(days)
    qtbot.wait(50)
    return days


def test_a_repaint_of_the_table_runs_no_python_of_its_model(qtbot: QtBot) -> None:
    days = _shown_list(qtbot, _day(1, 30))
    called: list[str] = []
    model_file = booking_table.__file__

    def watch(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code.co_filename == model_file:
            called.append(frame.f_code.co_name)

    sys.setprofile(watch)
    try:
        image = days.table.viewport().grab()  # paints every visible cell
    finally:
        sys.setprofile(None)
    assert not image.isNull()
    # A Python data() was asked seven roles per painted cell (hundreds of calls a paint).
    assert called == []


def test_the_cells_answer_every_role_the_table_had(qtbot: QtBot) -> None:
    model = BookingTableModel(UTC)
    model.set_rows(_day(1, 3))
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    paid = model.index(1, Column.AMOUNT)
    assert paid.data() == "$35.00"
    # A screen reader is told each cell's text (Qt's fallback where a cell has no
    # AccessibleTextRole of its own).
    shown = [[model.index(r, c).data() for c in range(len(Column))] for r in range(3)]
    assert spoken_rows(table) == shown and shown[1][Column.AMOUNT] == "$35.00"
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    assert painted_alignment(table, paid) == right
    assert painted_alignment(table, model.index(1, Column.PAID)) == right
    assert painted_alignment(table, model.index(1, Column.CUSTOMER)) == left
    assert model.index(1, Column.CUSTOMER).data(Qt.ItemDataRole.ToolTipRole) == (
        "Customer 1 · c1@example.com"
    )
    assert model.index(1, Column.TIME).data(Qt.ItemDataRole.ToolTipRole) is None
    # The id where the shell reads it (a row's first cell), the status on the chip's cell.
    assert model.index(1, Column.TIME).data(booking_table.BOOKING_ID_ROLE) == "bk_1_001"
    assert model.index(0, Column.STATUS).data(booking_table.STATUS_ROLE) == "new"
    # Chosen whole, never edited in place, no children: as the table model's cells were.
    flags = model.flags(paid)
    assert flags & Qt.ItemFlag.ItemIsSelectable and flags & Qt.ItemFlag.ItemIsEnabled
    assert not flags & Qt.ItemFlag.ItemIsEditable
    assert not flags & Qt.ItemFlag.ItemIsDragEnabled


def test_another_days_items_are_made_on_the_worker_and_used_as_made(qtbot: QtBot) -> None:
    days = _shown_list(qtbot, _day(1, 5))
    make = days.items_maker(date(2030, 6, 1))
    rows = _day(2, 4)
    cells = [row_texts(b, UTC, {}) for b in rows]
    # The shown day's reload changes a row or two: those are made on the GUI thread.
    assert make(date(2030, 6, 1), rows, cells) is None
    made = make(date(2030, 6, 2), rows, cells)
    assert isinstance(made, list) and len(made) == 4
    days.model.set_rows(rows, cells, made)
    assert all(days.model.item(r, c) is made[r][c] for r in range(4) for c in range(len(Column)))
    assert days.model.index(3, Column.CUSTOMER).data() == "Customer 3"


def test_the_days_load_makes_the_items_only_when_the_day_shown_would_change() -> None:
    from pos_app.services.bookings import DaySheet

    sheet = DaySheet(day=date(2030, 6, 2), bookings=_day(2, 3), resources=[])
    request = DayRequest(UTC, None)
    asked: list[date] = []

    def items(day: date, rows: list[Booking], cells: list[tuple[str, ...]]) -> object:
        asked.append(day)
        return booking_items(rows, cells, False)

    loaded = prepare_day(sheet, request, items=items)
    assert isinstance(loaded.items, list) and len(loaded.items) == 3
    again = prepare_day(sheet, request, shown=loaded.signature, items=items)
    assert again.items is None and asked == [date(2030, 6, 2)]


def test_the_status_colour_follows_the_palette(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    days = _shown_list(qtbot, _day(1, 3))
    dark_before = theme.is_dark()
    status = days.model.index(1, Column.STATUS)
    try:
        theme.apply_theme(app, dark=not dark_before)
        qtbot.wait(20)
        want = theme.status_chip(BookingStatus.PAID, not dark_before).fg
        assert QColor(status.data(Qt.ItemDataRole.ForegroundRole)) == QColor(want)
    finally:
        theme.apply_theme(app, dark=dark_before)
    qtbot.wait(20)
    want = theme.status_chip(BookingStatus.PAID, dark_before).fg
    assert QColor(status.data(Qt.ItemDataRole.ForegroundRole)) == QColor(want)
