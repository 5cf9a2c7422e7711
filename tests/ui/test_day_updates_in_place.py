"""The day's screens change only what changed: an unchanged reload leaves the list and the
schedule alone, a booking made elsewhere comes in as one more row (the selection stays), a
new selection repaints only where the selection was and is, and the schedule's blocks come
drawn from the background, looking as the canvas would draw them."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, QPoint, QRect
from PySide6.QtGui import QColor, QImage, QPaintEvent, QRegion
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.services.bookings import BookingRequest
from pos_app.ui.day.day_view import DayView
from pos_app.ui.kit import theme
from pos_app.ui.kit.palette import status_chip
from pos_app.ui.shell.main_window import MainWindow

PRIYA, JORDAN = "res_priya", "res_jordan"


def _book(ctx: AppContext, name: str, minutes: int, resource: str | None) -> Booking:
    now = datetime.now(ctx.config.timezone).replace(second=0, microsecond=0)
    start = now - timedelta(minutes=now.minute % 15) + timedelta(minutes=minutes)
    return ctx.bookings.create(BookingRequest(name, "svc_haircut", start, resource_id=resource))


def _loaded(qtbot: QtBot, window: MainWindow, count: int) -> None:
    before = window.day_loads
    window.reload()
    qtbot.waitUntil(lambda: window.day_loads > before and window.model.rowCount() == count)


def _status(window: MainWindow, row: int) -> BookingStatus | None:
    booking = window.model.booking_at(row)
    return None if booking is None else booking.status


def _schedule(qtbot: QtBot, window: MainWindow, count: int) -> DayView:
    _loaded(qtbot, window, count)
    window.days.show_schedule()
    view = window.days.view
    qtbot.waitUntil(lambda: view.isVisible() and len(view.day_layout().blocks) == count)
    # The first show sizes the canvas; the blocks are then drawn again in the background.
    qtbot.waitUntil(view.drawn_in_background)
    return view


class _Paints(QObject):
    """Records the regions a widget is asked to paint."""

    def __init__(self) -> None:
        super().__init__()
        self.regions: list[QRegion] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(event, QPaintEvent):
            self.regions.append(QRegion(event.region()))
        return False


def test_an_unchanged_reload_leaves_the_list_and_the_schedule_alone(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    _book(ui_app, "Ada Lovelace", 60, PRIYA)
    _book(ui_app, "Grace Hopper", 120, JORDAN)
    _loaded(qtbot, window, 2)
    layout = window.days.view.day_layout()
    changes: list[str] = []
    window.model.dataChanged.connect(lambda *_a: changes.append("data"))
    window.model.modelReset.connect(lambda: changes.append("reset"))
    _loaded(qtbot, window, 2)
    assert changes == []
    assert window.days.view.day_layout() is layout  # not laid out again

    # A change does come through, as a repaint of the rows (same bookings, same order).
    ada = window.model.booking_at(0)
    assert ada is not None
    ui_app.bookings.cancel(ada.id)
    window.reload()
    # Wait for the cancel itself: a reload the change feed started earlier may end first.
    qtbot.waitUntil(lambda: _status(window, 0) is BookingStatus.CANCELLED)
    assert changes == ["data"]
    assert window.days.view.day_layout() is not layout
    cancelled = window.model.booking_at(0)
    assert cancelled is not None and cancelled.cancelled


def test_a_new_selection_repaints_only_the_old_and_the_new_block(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    # Two bookings in one column, and one between them in time in the next column: a
    # repaint of everything from the first to the second would cover it.
    first = _book(ui_app, "Ada Lovelace", 60, PRIYA)
    second = _book(ui_app, "Grace Hopper", 150, PRIYA)
    far = _book(ui_app, "Alan Turing", 105, JORDAN)
    view = _schedule(qtbot, window, 3)
    view.select(first.id)
    view.ensure_visible(second.id)
    qtbot.wait(50)
    visible = (
        view.scroll_area.viewport()
        .rect()
        .translated(0, view.scroll_area.verticalScrollBar().value())
    )
    assert all(visible.contains(view.block_rect(b.id)) for b in (first, second, far))
    paints = _Paints()
    view.canvas.installEventFilter(paints)
    view.select(second.id)
    qtbot.waitUntil(lambda: bool(paints.regions))
    painted = QRegion()
    for region in paints.regions:
        painted += region
    view.canvas.removeEventFilter(paints)
    assert painted.intersects(view.block_rect(first.id))
    assert painted.intersects(view.block_rect(second.id))
    assert not painted.intersects(view.block_rect(far.id))


def _grab(view: DayView, rect: QRect) -> QImage:
    return view.canvas.grab(rect).toImage().convertToFormat(QImage.Format.Format_RGB32)


def _differing_pixels(a: QImage, b: QImage) -> int:
    assert a.size() == b.size()
    count = 0
    for y in range(a.height()):
        for x in range(a.width()):
            pa, pb = a.pixel(x, y), b.pixel(x, y)
            if any(abs(((pa >> s) & 255) - ((pb >> s) & 255)) > 2 for s in (0, 8, 16)):
                count += 1
    return count


def test_blocks_drawn_in_the_background_look_as_the_canvas_draws_them(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    ada = _book(ui_app, "Ada Lovelace", 60, PRIYA)
    grace = _book(ui_app, "Grace Hopper", 60, JORDAN)
    view = _schedule(qtbot, window, 2)
    view.select(grace.id)  # Ada's block is drawn only from the image (no outline, no card)
    rect = view.block_rect(ada.id).adjusted(-6, -6, 6, 60)
    view.ensure_visible(ada.id)
    qtbot.wait(20)
    assert view.drawn_in_background()
    background = _grab(view, rect)
    view._image = None  # as if it no longer fitted: the canvas paints the blocks itself
    live = _grab(view, rect)
    assert not view.drawn_in_background()
    assert _differing_pixels(background, live) <= rect.width()  # anti-aliasing rounding only
    # The block is really there (not two empty grids compared): its card's colour fills it.
    card = QColor(status_chip(BookingStatus.NEW, theme.is_dark(view)).bg)
    filled = sum(
        1
        for y in range(background.height())
        for x in range(background.width())
        if QColor(background.pixel(QPoint(x, y))) == card
    )
    assert filled > 200


def test_a_resized_schedule_is_drawn_again_in_the_background(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    ada = _book(ui_app, "Ada Lovelace", 60, PRIYA)
    view = _schedule(qtbot, window, 1)
    width = view.block_rect(ada.id).width()
    window.resize(window.width() + 200, window.height())
    qtbot.waitUntil(lambda: view.block_rect(ada.id).width() != width)
    qtbot.waitUntil(view.drawn_in_background)  # the new size's blocks came from the background


def test_a_booking_made_elsewhere_comes_in_as_a_row_and_the_selection_stays(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    _book(ui_app, "Ada Lovelace", 60, PRIYA)
    grace = _book(ui_app, "Grace Hopper", 120, JORDAN)
    alan = _book(ui_app, "Alan Turing", 180, PRIYA)
    _loaded(qtbot, window, 3)
    assert window.select_booking(alan.id)
    changes: list[tuple[str, int]] = []
    model = window.model
    model.modelReset.connect(lambda: changes.append(("reset", -1)))
    model.rowsInserted.connect(lambda _p, first, _last: changes.append(("insert", first)))
    model.rowsRemoved.connect(lambda _p, first, _last: changes.append(("remove", first)))
    _book(ui_app, "Edsger Dijkstra", 30, JORDAN)  # another station books the earliest slot
    _loaded(qtbot, window, 4)
    assert changes == [("insert", 0)]
    assert window.selected_booking_id() == alan.id
    assert window.days.table.currentIndex().row() == 3  # the keyboard goes on from Alan
    # Priya's bookings only: the others leave the list, Alan stays selected.
    window.days.set_staff_filter(PRIYA)
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert ("reset", -1) not in changes
    assert grace.id not in {b.id for b in model.rows()}
    assert window.selected_booking_id() == alan.id
