"""A day change repaints what changed, not the window around it (issue 12): the load of the
shown day leaves the date picker alone, and a new count does not lay the status bar out and
repaint all of it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from pos_app.ui.day.day_bar import DayBar
from pos_app.ui.shell.pages import StatusBarParts, count_width


class _Events(QObject):
    """Counts paints and layout requests of the widgets it watches."""

    def __init__(self) -> None:
        super().__init__()
        self.paints: list[QObject] = []
        self.widths: list[int] = []  # of each area painted
        self.layouts = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints.append(watched)
            self.widths.append(event.rect().width())  # type: ignore[attr-defined]
        elif event.type() == QEvent.Type.LayoutRequest:
            self.layouts += 1
        return False


def test_the_load_of_the_shown_day_does_not_repaint_the_date_picker(qtbot: QtBot) -> None:
    bar = DayBar()
    qtbot.addWidget(bar)
    bar.set_day(date(2030, 6, 3), date(2030, 6, 1))
    bar.show()
    qtbot.waitExposed(bar)
    qtbot.wait(50)
    events = _Events()
    for widget in (bar.date_edit, bar.date_edit.lineEdit(), bar.today_button):
        widget.installEventFilter(events)
    asked: list[date] = []
    bar.day_requested.connect(asked.append)
    bar.set_day(date(2030, 6, 3), date(2030, 6, 1))  # the day's load lands: the same day
    qtbot.wait(50)
    assert events.paints == []
    bar.set_day(date(2030, 6, 1), date(2030, 6, 1))  # another day (today): shown, Today off
    qtbot.waitUntil(lambda: bar.date_edit.lineEdit() in events.paints)
    assert bar.date_edit.date().day() == 1 and not bar.today_button.isEnabled()
    assert asked == []  # showing a day never asks for it again


def test_a_new_count_does_not_lay_the_status_bar_out_again(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    parts = StatusBarParts(window.statusBar())
    parts.stripe_label.setText("● Connected to Stripe")
    parts.show_count("166 bookings on Mon 7 Dec")
    window.resize(900, 300)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    right = parts.count_label.geometry().right()
    events = _Events()
    window.statusBar().installEventFilter(events)
    parts.stripe_label.installEventFilter(events)
    for text in ("83 bookings on Tue 8 Dec", "9 bookings on Wed 9 Dec", "12 bookings today"):
        parts.show_count(text)
        qtbot.wait(30)
        label = parts.count_label
        assert label.text() == text
        # The text stays where a relayout would have put it: flush with the same right edge,
        # as far in as a label of its own width would start.
        assert label.geometry().right() == right
        assert label.contentsRect().left() == label.width() - count_width(label) > 0
    assert events.layouts == 0
    # The bar paints only under the label (it shows through), never all of itself, and the
    # Stripe line beside it is not repainted.
    assert parts.stripe_label not in events.paints
    assert max(events.widths) <= parts.count_label.width()
    # A longer count than any before still gets its room.
    parts.show_count("1,234 bookings on Wednesday 30 December for Priyanka")
    qtbot.wait(30)
    assert parts.count_label.width() == count_width(parts.count_label) > 200
    assert parts.count_label.contentsRect().left() == 0
