"""The schedule's touch gestures and its icon + word status: tap a slot to book, drag a
block to move it, tap a short block to see all of it, a legend and a now line with the time."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.people import Resource
from pos_app.services.bookings import BookingRequest
from pos_app.ui.day.day_view import DayView
from pos_app.ui.day.schedule_paint import _block_colours
from pos_app.ui.kit.palette import status_chip
from pos_app.ui.shell.main_window import MainWindow

PRIYA, JORDAN = "res_priya", "res_jordan"


def _at(ctx: AppContext, minutes: int) -> datetime:
    """A quarter hour ``minutes`` from now, today in the business's zone."""
    now = datetime.now(ctx.config.timezone).replace(second=0, microsecond=0)
    return now - timedelta(minutes=now.minute % 15) + timedelta(minutes=minutes)


def _book(ctx: AppContext, name: str, minutes: int, resource: str | None = PRIYA) -> Booking:
    return ctx.bookings.create(
        BookingRequest(
            customer_name=name,
            service_id="svc_haircut",
            starts_at=_at(ctx, minutes),
            resource_id=resource,
        )
    )


def _schedule(qtbot: QtBot, window: MainWindow, count: int) -> DayView:
    window.refresh()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    view = window.days.view
    qtbot.waitUntil(
        lambda: (
            view.isVisible()
            and len(view.day_layout().blocks) == count
            and len(view.column_titles()) > 1
        )  # the staff columns have come in
    )
    return view


def _visible(view: DayView, point: QPoint) -> QPoint:
    view.scroll_area.ensureVisible(point.x(), point.y(), 10, 60)
    return point


def test_a_tap_on_an_empty_slot_books_it(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    view = _schedule(qtbot, window, 0)
    slot = _at(ui_app, 180)
    point = _visible(view, view.slot_point(JORDAN, slot))
    with qtbot.waitSignal(view.slot_activated) as asked:
        qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=point)
    assert asked.args == [JORDAN, slot]
    qtbot.waitUntil(lambda: window.booking_dialog is not None)
    dialog = window.booking_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.staff_combo.isEnabled)
    assert dialog.staff_combo.currentData() == JORDAN
    assert dialog.starts_at() == slot
    dialog.reject()


def test_a_tap_in_the_past_only_clears_and_a_double_click_says_why(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    view = _schedule(qtbot, window, 0)
    past = _at(ui_app, -60)
    point = _visible(view, view.slot_point(PRIYA, past))
    taps: list[object] = []
    view.slot_activated.connect(lambda *args: taps.append(args))
    qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=point)
    assert taps == [] and window.booking_dialog is None
    qtbot.mouseDClick(view.canvas, Qt.MouseButton.LeftButton, pos=point)
    assert len(taps) == 1
    qtbot.waitUntil(lambda: window.notice.text() == "That time has passed. Tap a time from now on.")
    assert window.booking_dialog is None


def _drag(qtbot: QtBot, view: DayView, booking_id: str, to: QPoint) -> None:
    view.ensure_visible(booking_id)
    start = view.block_rect(booking_id).topLeft() + QPoint(20, 5)
    QTest.mousePress(view.canvas, Qt.MouseButton.LeftButton, pos=start)
    for step in (QPoint(0, 12), QPoint(0, 30), to - view.block_rect(booking_id).topLeft()):
        QTest.mouseMove(view.canvas, start + step)
    QTest.mouseRelease(
        view.canvas,
        Qt.MouseButton.LeftButton,
        pos=start + (to - view.block_rect(booking_id).topLeft()),
    )


def test_dragging_a_block_moves_it_and_a_clash_is_refused_in_a_sentence(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    maya = _book(ui_app, "Maya Thompson", 60)
    _book(ui_app, "Daniel Okafor", 120, JORDAN)
    view = _schedule(qtbot, window, 2)
    # Onto Daniel's time in Jordan's column: the service refuses, in its own words.
    target = view.slot_point(JORDAN, _at(ui_app, 120))
    dropped: list[tuple[object, ...]] = []
    view.booking_dropped.connect(lambda *args: dropped.append(args))
    _drag(qtbot, view, maya.id, target - QPoint(0, 3))
    assert dropped == [(maya.id, JORDAN, _at(ui_app, 120))]
    qtbot.waitUntil(lambda: "already booked" in window.notice.text())
    assert "Daniel Okafor" in window.notice.text()
    assert ui_app.bookings.detail(maya.id).booking.resource_id == PRIYA  # nothing changed
    # Right after Daniel: it moves, off the GUI thread, through the booking service.
    qtbot.waitUntil(lambda: not view.block_rect(maya.id).isEmpty())
    _drag(qtbot, view, maya.id, view.slot_point(JORDAN, _at(ui_app, 150)) - QPoint(0, 3))
    qtbot.waitUntil(lambda: ui_app.bookings.detail(maya.id).booking.resource_id == JORDAN)
    stored = ui_app.bookings.detail(maya.id).booking
    assert stored.starts_at == _at(ui_app, 150)
    qtbot.waitUntil(lambda: "Moved Maya Thompson" in window.notice.text())


def test_a_cancelled_booking_cannot_be_dragged(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    maya = _book(ui_app, "Maya Thompson", 60)
    ui_app.bookings.cancel(maya.id)
    view = _schedule(qtbot, window, 1)
    dropped: list[tuple[object, ...]] = []
    view.booking_dropped.connect(lambda *args: dropped.append(args))
    _drag(qtbot, view, maya.id, view.slot_point(JORDAN, _at(ui_app, 150)))
    assert dropped == [] and not view.canvas.dragging


# -- one view, no window --------------------------------------------------------------------

DAY = date(2030, 5, 6)


def _short(status: BookingStatus, minutes: int = 15) -> Booking:
    start = datetime(2030, 5, 6, 10, tzinfo=UTC)
    return Booking(
        id=f"bk_{status.value}",
        customer_name="Annabelle Fitzgerald-Smythe",
        service_id="svc",
        service_name="Fringe trim",
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        price_amount=1500,
        currency="usd",
        created_at=start,
        resource_id="r1",
        status=status,
    )


def _view(qtbot: QtBot, bookings: list[Booking], width: int = 420) -> DayView:
    view = DayView(UTC)
    qtbot.addWidget(view)
    view.resize(width, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_day(DAY, bookings, [Resource("r1", "Priya")], only="r1")
    return view


def test_short_blocks_cut_no_word_and_expand_on_tap(qtbot: QtBot) -> None:
    short = _short(BookingStatus.PARTIALLY_REFUNDED)
    view = _view(qtbot, [short], width=260)
    lines, complete = view.block_lines(short.id)
    assert len(lines) == 1 and not complete
    assert "…" not in lines[0] and "Partiall" not in lines[0].replace("Partially", "")
    assert lines[0].startswith("↩")  # the status's icon, whatever else fits
    assert view.expanded_rect().isEmpty()
    view.ensure_visible(short.id)
    qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=view.block_rect(short.id).center())
    assert view.selected_id() == short.id
    card = view.expanded_rect()
    assert card.height() > view.block_rect(short.id).height()  # taller: shows everything
    lines, complete = view.block_lines(short.id)
    assert complete and lines == [
        "Annabelle Fitzgerald-Smythe",
        "↩ Partially refunded",
        "10:00–10:15 · Fringe trim",
    ]
    # A tap on the card keeps it selected (it covers what is under it).
    assert view.booking_at(card.bottomLeft() + QPoint(10, -4)) == short.id
    view.select(None)
    assert view.expanded_rect().isEmpty()


def test_a_block_that_has_room_does_not_expand(qtbot: QtBot) -> None:
    roomy = _short(BookingStatus.PAID, minutes=90)
    roomy = dataclasses.replace(roomy, customer_name="Ana")
    view = _view(qtbot, [roomy], width=600)
    lines, complete = view.block_lines(roomy.id)
    assert complete and lines == ["Ana", "✓ Paid", "10:00–11:30 · Fringe trim"]
    view.select(roomy.id)
    assert view.expanded_rect().isEmpty()


def test_the_legend_names_every_status_with_its_icon(qtbot: QtBot) -> None:
    view = _view(qtbot, [])
    texts = view.legend.texts()
    assert len(texts) == len(BookingStatus)
    for wanted in ("◔ Deposit paid", "↩ Partially refunded", "↺ Refunded", "✓ Paid", "○ Not paid"):
        assert wanted in texts
    assert view.legend.isVisible() and view.legend.height() >= view.legend.heightForWidth(
        view.legend.width()
    )
    rects = view.legend.chip_rects(view.legend.width())
    assert all(r.right() <= view.legend.width() for r in rects)  # wrapped, never clipped


def test_the_now_line_carries_the_time(qtbot: QtBot) -> None:
    view = _view(qtbot, [])
    assert view.now_text() == ""  # 2030 is not today
    today = datetime.now(UTC).date()
    view.set_day(today, [], [Resource("r1", "Priya")])
    view.set_now(datetime.now(UTC).replace(hour=10, minute=42))
    assert view.now_text() == "10:42"


def test_a_blocks_colours_are_its_statuss_made_once(qapp: object) -> None:
    fg, bg, border = _block_colours(BookingStatus.PAID, False, False)
    chip = status_chip(BookingStatus.PAID, False)
    assert (fg, bg) == (QColor(chip.fg), QColor(chip.bg))
    assert border.color().rgb() == fg.rgb() and border.color().alpha() == 90
    assert border.style() == Qt.PenStyle.SolidLine
    # A freed slot (cancelled, no-show, not held) is outlined dashed; the dark scheme's own.
    assert _block_colours(BookingStatus.PAID, False, True)[2].style() == Qt.PenStyle.DashLine
    dark = status_chip(BookingStatus.NEW, True)
    assert _block_colours(BookingStatus.NEW, True, False)[:2] == (
        QColor(dark.fg),
        QColor(dark.bg),
    )
    # Made once per status: a busy day draws 166 blocks.
    assert _block_colours(BookingStatus.PAID, False, False)[2] is border
