"""A select repaints the rows it changes, not the table's header (issue 12): the header shares
no selection with the table, so a new row selected does not repaint all its columns' titles."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QMainWindow, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from pos_app.domain.booking import Booking
from pos_app.ui.day.day_list import DayList
from tests.ui.day_rows import plain_booking


def _booking(n: int) -> Booking:
    return plain_booking(n, step=5)


class _Paints(QObject):
    """The widgets painted, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.painted: list[QObject] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted.append(watched)
        return False


def test_a_select_does_not_repaint_the_table_s_header(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    outer = QWidget()
    days = DayList(lambda: None)
    QVBoxLayout(outer).addWidget(days)
    window.setCentralWidget(outer)
    days.model.set_rows([_booking(n) for n in range(100)])
    days.show_rows(100)
    window.resize(900, 500)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    header = days.table.horizontalHeader()
    paints = _Paints()
    days.table.viewport().installEventFilter(paints)
    header.viewport().installEventFilter(paints)
    # Off screen (a scroll: all rows repainted), back, the next row, the one after it.
    for row in (60, 5, 6, 7):
        paints.painted.clear()
        days.table.selectRow(row)
        assert days.table.selectionModel().isRowSelected(row)  # at once; painted later
        qtbot.waitUntil(lambda: days.table.viewport() in paints.painted)  # the rows, repainted
        qtbot.wait(30)
        assert header.viewport() not in paints.painted
        assert days.table.currentIndex().row() == row
    # The header still answers its clicks and sizes as before: only its selection is its own.
    assert header.selectionModel() is not days.table.selectionModel()
    assert header.selectionModel().model() is days.model
