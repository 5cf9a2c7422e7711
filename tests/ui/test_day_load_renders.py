"""A day's load draws the schedule's blocks only when the schedule is shown; hidden behind the
list, the schedule asks for them itself once the list has painted, and at once when it is
shown (issue 12: drawing them was ~60 % of a day change's worker CPU, and the GUI thread
waits for the GIL while the worker runs Python)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, timedelta

from PySide6.QtWidgets import QApplication, QLabel, QStackedWidget
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.booking import BookingStatus
from pos_app.domain.people import Resource
from pos_app.ui.day.day_load_state import LoadedDay
from pos_app.ui.day.day_view import DayView
from pos_app.ui.day.schedule_render import RenderedBlocks
from pos_app.ui.kit.page_ahead import lay_out_ahead
from pos_app.ui.shell.main_window import MainWindow
from tests.ui.conftest import make_booking
from tests.ui.test_schedule import DAY, _short

PRIYA = Resource("r1", "Priya")


def _run_load(window: MainWindow, ctx: AppContext) -> LoadedDay:
    """The window's day load, run on a thread of its own (as the task runner does)."""
    work = window.days.load_work(ctx.bookings)
    out: list[LoadedDay] = []
    thread = threading.Thread(target=lambda: out.append(work()))
    thread.start()
    thread.join(30)
    return out[0]


def test_the_days_load_draws_the_schedule_only_when_it_is_shown(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    make_booking(ui_app, "Grace Hopper", minutes=30)
    window.reload()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    make_booking(ui_app, "Ada Lovelace", minutes=30)  # what is shown changes: all made anew
    assert window.days.mode() == "list"
    listed = _run_load(window, ui_app)
    assert listed.rendered is None and len(listed.rows) == 2
    window.days.show_schedule()
    scheduled = _run_load(window, ui_app)
    assert isinstance(scheduled.rendered, RenderedBlocks)
    assert len(scheduled.rendered.rects) == 2


def _hidden_view(qtbot: QtBot) -> tuple[QStackedWidget, DayView, list[int]]:
    """A schedule laid out ahead behind a list page, and the render requests it makes."""
    stack = QStackedWidget()
    qtbot.addWidget(stack)
    stack.addWidget(QLabel("the list"))
    view = DayView(UTC)
    stack.addWidget(view)
    stack.resize(900, 600)
    ahead = lay_out_ahead(stack, view, delay_ms=0)
    stack.show()
    qtbot.waitUntil(lambda: ahead.done)
    asked: list[int] = []
    view.render_wanted.connect(lambda: asked.append(1))
    return stack, view, asked


def _turns(count: int) -> None:
    for _ in range(count):
        QApplication.processEvents()


def test_a_hidden_schedule_asks_for_its_blocks_after_the_lists_repaint(qtbot: QtBot) -> None:
    _stack, view, asked = _hidden_view(qtbot)
    view.set_day(DAY, [_short(BookingStatus.NEW)], [PRIYA])
    _turns(3)  # the list's repaint of the landed day comes first
    assert asked == [] and not view.isVisible()
    qtbot.waitUntil(lambda: asked == [1], timeout=2000)  # then, still hidden, it asks


def test_a_schedule_shown_while_its_request_waits_asks_at_once(qtbot: QtBot) -> None:
    stack, view, asked = _hidden_view(qtbot)
    view.set_day(DAY, [_short(BookingStatus.NEW)], [PRIYA])
    _turns(3)
    assert asked == []
    stack.setCurrentWidget(view)
    _turns(3)
    assert asked == [1]


def test_blocks_drawn_for_a_day_no_longer_shown_are_asked_for_again(qtbot: QtBot) -> None:
    stack, view, asked = _hidden_view(qtbot)
    stack.setCurrentWidget(view)
    first = _short(BookingStatus.NEW)
    view.set_day(DAY, [first], [PRIYA])
    qtbot.waitUntil(lambda: asked == [1])
    job, old_layout = view.render_job(), view.day_layout()
    later = replace(first, id="bk_later", starts_at=first.starts_at + timedelta(hours=2))
    view.set_day(DAY, [first, later], [PRIYA])  # lands while the first drawing is out
    _turns(3)
    assert asked == [1]  # one request at a time
    view.take_rendered(job(), old_layout)
    assert not view.drawn_in_background()  # not another day's blocks ...
    qtbot.waitUntil(lambda: asked == [1, 1], timeout=2000)  # ... but this day's, asked for
