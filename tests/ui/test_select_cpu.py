"""What a select costs the GUI thread in Python (issue 12).

A select that scrolls the day's list repaints a dozen status chips: each finds its drawn
pixmap without asking the font for its key or the app for its scheme (both ~20 µs inside a
paint). The schedule, shown or not, follows every select: it finds the selected booking's
block by its id, not by reading every booking's id four or five times. And Qt paints on the
GUI thread alone, without handing pieces of a big blend to threads of its own and waiting.
A select asks for its booking's detail once the list has repainted the selection: the load's
Python on a worker then does not fight that paint for the GIL. And the detail panel lays a
booking out once after its hint (a day change), not once more when its scroll bar shows.
"""

from __future__ import annotations

import dataclasses
import inspect
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, date
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.booking import BookingStatus
from pos_app.domain.people import Resource
from pos_app.services.bookings import BookingDetail
from pos_app.ui.day.booking_table import Column
from pos_app.ui.day.day_list import DayList
from pos_app.ui.day.day_view import DayView
from pos_app.ui.day.detail_panel import DetailPanel
from pos_app.ui.kit import tables, theme
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.shell.gui import NO_PAINT_THREADS
from pos_app.ui.shell.main_window import MainWindow
from tests.ui.conftest import make_booking
from tests.ui.day_rows import plain_booking
from tests.ui.test_detail_actions import _booking
from tests.ui.test_detail_passes import _Resizes, _settle

T = TypeVar("T")
STATUSES = [BookingStatus.NEW, BookingStatus.PAID, BookingStatus.REFUNDED]


class _Counted(list[T]):
    """A list that counts the passes made over it."""

    passes = 0

    def __iter__(self) -> Iterator[T]:
        self.passes += 1
        return super().__iter__()

    def __reversed__(self) -> Iterator[T]:
        self.passes += 1
        return super().__reversed__()


def _is_font_key(method: Any) -> bool:
    return getattr(method, "__name__", "") == "key" and isinstance(
        getattr(method, "__self__", None), QFont
    )


@pytest.fixture
def light() -> Iterator[QApplication]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply_theme(app, dark=False)
    yield app
    theme.apply_theme(app, dark=False)


def _day_list(qtbot: QtBot) -> DayList:
    days = DayList(lambda: None)
    qtbot.addWidget(days)
    rows = [plain_booking(n, step=5, status=STATUSES[n % 3]) for n in range(40)]
    days.model.set_rows(rows)
    days.show_rows(len(rows))
    days.resize(900, 500)
    days.show()
    qtbot.waitExposed(days)
    return days


def test_a_repaint_finds_each_chip_without_a_font_key_or_a_scheme_look_up(
    qtbot: QtBot, light: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    days = _day_list(qtbot)
    viewport = days.table.viewport()
    viewport.grab()  # every chip drawn once
    asked: list[str] = []
    real_is_dark = theme.is_dark

    def is_dark(widget: Any = None) -> bool:
        asked.append("is_dark")
        return real_is_dark(widget)

    monkeypatch.setattr(theme, "is_dark", is_dark)

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        code = frame.f_code
        if event == "call" and (code.co_name, code.co_filename) == ("paint", tables.__file__):
            asked.append("chip")
        elif event == "c_call" and _is_font_key(arg):
            asked.append("font key")

    sys.setprofile(profile)
    try:
        viewport.grab()  # paints the rows as a repaint does
    finally:
        sys.setprofile(None)
    assert asked.count("chip") >= 8  # the visible rows' chips were painted…
    assert "is_dark" not in asked and "font key" not in asked  # …from what they had


def test_the_chips_still_follow_a_switch_to_the_dark_scheme(
    qtbot: QtBot, light: QApplication
) -> None:
    days = _day_list(qtbot)
    cell = days.table.visualRect(days.model.index(1, Column.STATUS))  # a paid booking
    inside = QRect(cell.left() + 14, cell.center().y(), 1, 1)  # left of the chip's words

    def chip_colour() -> str:
        return days.table.viewport().grab(inside).toImage().pixelColor(0, 0).name()

    assert chip_colour() == theme.status_chip(BookingStatus.PAID, False).bg.lower()
    theme.apply_theme(light, dark=True)
    assert chip_colour() == theme.status_chip(BookingStatus.PAID, True).bg.lower()
    theme.apply_theme(light, dark=False)
    assert chip_colour() == theme.status_chip(BookingStatus.PAID, False).bg.lower()


def test_the_schedule_finds_the_selected_block_by_its_id(qtbot: QtBot) -> None:
    view = DayView(UTC)
    qtbot.addWidget(view)
    view.resize(900, 600)
    staff = [Resource("res_a", "Ana"), Resource("res_b", "Bilal")]
    bookings = [plain_booking(n, step=10, resource_id=("res_a", "res_b")[n % 2]) for n in range(60)]
    view.set_day(date(2030, 6, 1), bookings, staff)  # hidden, as behind the list
    scanned = {b.booking.id: rect.toAlignedRect() for rect, b in view._rects}
    rects = _Counted(view._rects)
    view._rects = rects
    layout = view.day_layout()
    blocks = _Counted(layout.blocks)
    view._layout = dataclasses.replace(layout, blocks=blocks)
    for n in (3, 40, 17, 58, 3):
        booking_id = f"bk_{n:03d}"
        view.select(booking_id)
        assert view.selected_id() == booking_id
        assert view.block_rect(booking_id) == scanned[booking_id]
    view.select("bk_999")  # not on this day: nothing selected
    assert view.selected_id() is None
    # Each list indexed once, not scanned on every look-up.
    assert rects.passes <= 1 and blocks.passes <= 1


# A big antialiased fill (a frame's rounded corners, the table's rows), then the process's
# threads by name: Qt's painting helpers are named "Thread (pooled)".
_PAINT_AND_LIST_THREADS = """
from pathlib import Path
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from pos_app.ui.shell.gui import ensure_application
app = ensure_application()
image = QImage(900, 600, QImage.Format.Format_ARGB32_Premultiplied)
image.fill(0)
painter = QPainter(image)
painter.setRenderHint(QPainter.RenderHint.Antialiasing)
painter.setBrush(QColor(20, 120, 200, 128))
painter.drawRoundedRect(QRectF(4.5, 4.5, 880, 580), 8, 8)
painter.end()
print(sorted(p.read_text().strip() for p in Path("/proc/self/task").glob("*/comm")))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads listed by /proc")
def test_qt_paints_on_the_gui_thread_alone() -> None:
    # In a process of its own: Qt reads its switch once, at its first big blend.
    env = {k: v for k, v in os.environ.items() if k != NO_PAINT_THREADS}
    env["QT_QPA_PLATFORM"] = "offscreen"
    root = Path(__file__).resolve().parents[2]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_PAINT_AND_LIST_THREADS)],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    threads = done.stdout.strip().splitlines()[-1]
    assert "pooled" not in threads, threads


class _Paints(QObject):
    """Notes "paint" in ``events`` for each paint of the watched widget."""

    def __init__(self, events: list[str]) -> None:
        super().__init__()
        self.events = events

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.events.append("paint")
        return False


def test_a_select_asks_for_the_detail_after_the_list_repainted(
    qtbot: QtBot,
    window: MainWindow,
    ui_app: AppContext,
    runner: TaskRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second, third = (
        make_booking(ui_app, f"Guest {n}", minutes=60 + 30 * n) for n in range(3)
    )
    qtbot.waitUntil(lambda: window.select_booking(first.id))
    qtbot.waitUntil(lambda: window.detail.booking_id() == first.id)
    events: list[str] = []
    paints = _Paints(events)
    window.days.table.viewport().installEventFilter(paints)
    real_run = runner.run

    def run(fn: Any, **kwargs: Any) -> bool:
        if kwargs.get("key") == "detail":
            # Who asked: the select itself, a reload of the day landing, or the select's
            # later ask (Qt's timer, nothing of ours on the stack).
            callers = {frame.function for frame in inspect.stack()}
            events.append(
                "by the select"
                if "_on_selection" in callers
                else "by a reload"
                if "_on_loaded" in callers
                else "later"
            )
        return bool(real_run(fn, **kwargs))

    monkeypatch.setattr(runner, "run", run)
    assert window.select_booking(second.id)
    qtbot.waitUntil(lambda: window.detail.booking_id() == second.id)
    assert "by the select" not in events
    assert events.index("paint") < events.index("later")  # painted first, then asked
    # Two selects in a row (a held arrow key): one detail asked for, the last one's.
    events.clear()
    assert window.select_booking(first.id) and window.select_booking(third.id)
    qtbot.waitUntil(lambda: window.detail.booking_id() == third.id)
    qtbot.wait(50)
    assert "by the select" not in events and events.count("later") == 1


def test_after_the_hint_a_booking_is_laid_out_once_with_its_scroll_bar(qtbot: QtBot) -> None:
    panel = DetailPanel(UTC)
    qtbot.addWidget(panel)
    panel.resize(395, 583)  # the main window's panel: a booking needs the scroll bar
    panel.show()
    panel.set_ready(attached=True, ready=True)
    panel.show_detail(BookingDetail(_booking(), [], []))
    _settle()
    bar = panel.verticalScrollBar()
    assert bar.isVisible()
    name = panel.findChild(QLabel, "detailName")
    assert name is not None
    for n in range(2):
        panel.show_hint("Pick a booking")  # a day change
        _settle()
        assert not bar.isVisible()  # the hint needs no bar
        resizes = _Resizes(name)
        panel.show_detail(BookingDetail(_booking(BookingStatus.PAID, id=f"bk_{n + 2}"), [], []))
        _settle()
        assert bar.isVisible() and name.width() == panel.viewport().width() - 36
        assert resizes.count == 0  # laid out where it was, at its width with the bar
    # A booking that fits gets no bar: Qt still decides.
    panel.resize(395, 1400)
    _settle()
    panel.show_hint("Pick a booking")
    _settle()
    panel.show_detail(BookingDetail(_booking(BookingStatus.PAID, id="bk_9"), [], []))
    _settle()
    assert not bar.isVisible() and name.width() == panel.viewport().width() - 36
