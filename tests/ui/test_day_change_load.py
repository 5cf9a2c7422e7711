"""A day change keeps its load's Python away from the GUI thread's work (issue 12: while the
worker runs Python, the GUI thread waits for the GIL at each of its own Python calls).

The load starts once the new date is painted; it draws the schedule's blocks only when the
schedule is shown (they were ~60 % of its CPU); hidden behind the list, the schedule asks for
them itself once the list has painted, and at once when it is shown."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QStackedWidget
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.people import Resource
from pos_app.services.bookings import DaySheet
from pos_app.ui.day import schedule_render
from pos_app.ui.day.day_load_state import LoadedDay, prepare_day, sheet_signature
from pos_app.ui.day.day_view import DayView
from pos_app.ui.day.schedule_render import RenderedBlocks
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.shell.main_window import MainWindow
from tests.ui.conftest import make_booking
from tests.ui.hidden_schedule import schedule_behind_a_list
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


def _one_shown_two_stored(qtbot: QtBot, window: MainWindow, ctx: AppContext) -> None:
    """One booking on screen, then a second stored that the screen does not show yet."""
    make_booking(ctx, "Grace Hopper", minutes=30)
    window.reload()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    make_booking(ctx, "Ada Lovelace", minutes=30)


class _Order(QObject):
    """Records, in order, the paints of a widget and the starts of the day's loads."""

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__()
        self.seen: list[str] = []
        run = runner.run

        def traced(fn: Callable[[], Any], **kw: Any) -> bool:
            if kw.get("key") == "reload":
                self.seen.append("load")
            return run(fn, **kw)

        runner.run = traced  # type: ignore[method-assign]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.seen.append("paint")
        return False


def test_a_day_change_is_loaded_once_the_new_date_is_painted(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner
) -> None:
    days = window.days
    qtbot.waitUntil(lambda: days.sheet is not None, timeout=10_000)
    qtbot.wait(100)
    order = _Order(runner)
    days.bar.date_edit.lineEdit().installEventFilter(order)
    days.next_day()
    assert order.seen == []  # not from inside the action
    qtbot.waitUntil(lambda: "load" in order.seen)
    assert order.seen.index("paint") < order.seen.index("load")
    next_day = days.day
    qtbot.waitUntil(lambda: days.sheet is not None and days.sheet.day == next_day)


def test_the_days_load_draws_the_schedule_only_when_it_is_shown(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    _one_shown_two_stored(qtbot, window, ui_app)  # what is shown changes: all made anew
    assert window.days.mode() == "list"
    listed = _run_load(window, ui_app)
    assert listed.rendered is None and len(listed.rows) == 2
    window.days.show_schedule()
    scheduled = _run_load(window, ui_app)
    assert isinstance(scheduled.rendered, RenderedBlocks)
    assert len(scheduled.rendered.rects) == 2


def _hidden_view(qtbot: QtBot) -> tuple[QStackedWidget, DayView, list[int]]:
    """A schedule laid out ahead behind a list page, and the render requests it makes."""
    stack, view = schedule_behind_a_list(qtbot)
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


def test_an_unchanged_load_landing_after_the_screen_changed_is_worked_out_again(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    _one_shown_two_stored(qtbot, window, ui_app)
    days = window.days
    sheets: list[DaySheet] = []
    thread = threading.Thread(target=lambda: sheets.append(ui_app.bookings.day_sheet(days.today())))
    thread.start()
    thread.join(30)
    request = days._request()
    # Left out as "unchanged" against a screen that has moved on meanwhile (two bookings
    # where one is shown): the GUI thread works the rows out itself rather than show none.
    left_out = prepare_day(sheets[0], request, shown=sheet_signature(sheets[0], request))
    assert not left_out.prepared
    rows = days.loaded(left_out)
    assert rows is not None and sorted(b.customer_name for b in rows) == [
        "Ada Lovelace",
        "Grace Hopper",
    ]


def _several(count: int) -> list[Booking]:
    first = _short(BookingStatus.NEW)
    return [
        replace(first, id=f"bk_{i}", starts_at=first.starts_at + timedelta(minutes=15 * i),
                ends_at=first.ends_at + timedelta(minutes=15 * i))
        for i in range(count)
    ]  # fmt: skip


def test_a_hidden_schedule_draws_its_blocks_in_slices_with_pauses_a_shown_one_at_once(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Drawing a hidden schedule without a break held the GIL from the GUI thread: the main
    # window's longest stall (issue 12). Nobody waits for it, so it pauses between slices.
    pauses: list[float] = []
    monkeypatch.setattr(schedule_render, "SLICE_S", 0.0)  # a pause after every block
    # This module's own name for it: time.sleep itself is shared by every thread of the test.
    monkeypatch.setattr(schedule_render, "sleep", pauses.append)
    stack, view, _asked = _hidden_view(qtbot)
    view.set_day(DAY, _several(6), [PRIYA])
    hidden = view.render_job()()
    assert len(pauses) == 5  # between the six blocks
    stack.setCurrentWidget(view)
    _turns(3)
    pauses.clear()
    shown = view.render_job()()
    assert pauses == []  # shown, someone waits: drawn in one go
    assert hidden.image == shown.image  # the pauses change nothing drawn
    assert [b.booking.id for _r, b in hidden.rects] == [b.booking.id for _r, b in shown.rects]
