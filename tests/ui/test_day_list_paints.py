"""A day change paints the day's table once: the rows are laid out before the repaint, not
one event-loop pass after it (Qt's delayed items layout), which repainted the table again."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from pytestqt.qtbot import QtBot

from pos_app.domain.booking import Booking
from pos_app.ui.day.day_list import DayList
from tests.ui.day_rows import plain_booking


def _day(day: int, count: int) -> list[Booking]:
    return [plain_booking(n, day=day, step=10, prefix=f"bk_{day}") for n in range(count)]


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_a_day_change_paints_the_table_once(qtbot: QtBot) -> None:
    days = DayList(lambda: None)
    qtbot.addWidget(days)
    days.resize(900, 600)
    days.model.set_rows(_day(1, 40))
    days.show_rows(40)
    days.show()
    qtbot.waitExposed(days)
    days.table.selectRow(30)
    days.table.scrollTo(days.model.index(30, 0))
    qtbot.wait(100)
    paints = _Paints()
    days.table.viewport().installEventFilter(paints)
    # Every day fills the table: a scroll bar coming or going resizes the viewport, which
    # is a repaint of its own.
    for day, count in ((2, 35), (3, 40), (4, 20)):
        paints.count = 0
        days.model.set_rows(_day(day, count))
        qtbot.wait(100)  # the repaint and any delayed layout after it
        assert paints.count == 1, day
        assert days.model.index(0, 0).data() == "08:00"


def test_another_days_rows_are_painted_in_a_pass_of_their_own(qtbot: QtBot) -> None:
    # The window's day change (date, count, actions, the detail's hint) and the table's full
    # repaint were one event-loop pass; the table now paints a turn later, alone.
    from PySide6.QtWidgets import QApplication

    days = DayList(lambda: None)
    qtbot.addWidget(days)
    days.resize(900, 600)
    days.model.set_rows(_day(1, 40))
    days.show_rows(40)
    days.show()
    qtbot.waitExposed(days)
    qtbot.wait(100)
    paints = _Paints()
    days.table.viewport().installEventFilter(paints)
    days.model.set_rows(_day(2, 35))
    QApplication.sendPostedEvents()  # what the same pass does after the rows land
    assert paints.count == 0  # not in the pass that brought the rows
    qtbot.waitUntil(lambda: paints.count == 1)
    assert days.table.viewport().updatesEnabled()
    qtbot.wait(50)
    assert paints.count == 1


def test_a_first_fill_is_painted_at_once(qtbot: QtBot) -> None:
    # Nothing shown yet to keep on screen: the rows are painted with the pass that brings
    # them, so a grab of the window straight after (the screenshots) finds them drawn.
    days = DayList(lambda: None)
    qtbot.addWidget(days)
    days.resize(900, 600)
    days.show()
    qtbot.waitExposed(days)
    days.model.set_rows(_day(1, 10))
    assert days.table.viewport().updatesEnabled()
    days.model.set_rows(_day(2, 12))  # another day over these rows: held a turn
    assert not days.table.viewport().updatesEnabled()
    qtbot.waitUntil(days.table.viewport().updatesEnabled)
