"""The schedule (day view), day navigation, and Move / Cancel / No-show from the main window."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext, wire_services
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.people import Resource, ResourceKind
from pos_app.services.bookings import BookingRequest
from pos_app.ui.day.booking_table import Column
from pos_app.ui.day.day_view import DayView
from pos_app.ui.day.move_dialog import MoveDialog
from pos_app.ui.day.schedule_layout import UNASSIGNED_TITLE, layout_day
from pos_app.ui.shell.main_window import MainWindow

PRIYA, JORDAN = "res_priya", "res_jordan"


class ShiftedClock:
    """The real clock, ``hours`` away (to book a time that has already begun)."""

    def __init__(self, hours: int) -> None:
        self.shift = timedelta(hours=hours)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift


def _at(ctx: AppContext, minutes: int) -> datetime:
    """A quarter hour ``minutes`` from now, today in the business's zone."""
    now = datetime.now(ctx.config.timezone).replace(second=0, microsecond=0)
    return now - timedelta(minutes=now.minute % 15) + timedelta(minutes=minutes)


def _book(
    ctx: AppContext,
    name: str,
    minutes: int,
    resource: str | None = PRIYA,
    service: str = "svc_haircut",
) -> Booking:
    return ctx.bookings.create(
        BookingRequest(
            customer_name=name,
            service_id=service,
            starts_at=_at(ctx, minutes),
            resource_id=resource,
        )
    )


def _schedule(qtbot: QtBot, window: MainWindow, count: int) -> DayView:
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    view = window.days.view
    qtbot.waitUntil(lambda: view.isVisible() and len(view.day_layout().blocks) == count)
    return view


def _click(qtbot: QtBot, view: DayView, booking_id: str, *, double: bool = False) -> None:
    view.ensure_visible(booking_id)
    rect = view.block_rect(booking_id)
    assert not rect.isEmpty()
    click = qtbot.mouseDClick if double else qtbot.mouseClick
    click(view.canvas, Qt.MouseButton.LeftButton, pos=rect.center())


# -- layout, no window --------------------------------------------------------------------


def _booking(bid: str, start: datetime, minutes: int, resource: str | None) -> Booking:
    return Booking(
        id=bid,
        customer_name=bid,
        service_id="svc",
        service_name="Svc",
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        price_amount=1000,
        currency="usd",
        created_at=start,
        resource_id=resource,
    )


def test_layout_puts_bookings_in_columns_and_lanes() -> None:
    day = date(2030, 5, 6)
    t = datetime(2030, 5, 6, 10, tzinfo=UTC)
    staff = [Resource("r1", "Jordan"), Resource("r2", "Room", ResourceKind.ROOM)]
    bookings = [
        _booking("a", t, 30, "r1"),
        _booking("b", t + timedelta(minutes=30), 30, "r1"),  # adjacent: same lane
        _booking("c", t, 60, None),
        _booking("d", t + timedelta(minutes=15), 30, None),  # overlaps c: second lane
        _booking("e", datetime(2030, 5, 6, 6, 30, tzinfo=UTC), 30, "gone"),  # old resource
        _booking("f", datetime(2030, 5, 6, 21, 45, tzinfo=UTC), 30, "r2"),
    ]
    lay = layout_day(day, bookings, staff, UTC)
    assert [c.title for c in lay.columns] == ["Jordan", "Room", UNASSIGNED_TITLE]
    assert [c.caption for c in lay.columns] == ["", "Room", ""]
    placed = {b.booking.id: (b.column, b.lane, b.lanes, b.start_min) for b in lay.blocks}
    assert placed["a"] == (0, 0, 1, 600) and placed["b"] == (0, 0, 1, 630)
    assert placed["c"] == (2, 0, 2, 600) and placed["d"] == (2, 1, 2, 615)
    assert placed["e"][0] == 2  # a resource no longer listed shows under Unassigned
    assert (lay.first_hour, lay.last_hour) == (6, 23)  # widened from 08–20 to fit
    only = layout_day(day, bookings, staff, UTC, only="r1")
    assert [c.title for c in only.columns] == ["Jordan"]
    assert sorted(b.booking.id for b in only.blocks) == ["a", "b"]
    assert (only.first_hour, only.last_hour) == (8, 20)


def test_two_hundred_bookings_are_all_laid_out_and_painted(qtbot: QtBot) -> None:
    # Paint speed is measured by bench/gui_responsiveness.py, never asserted in a test.
    day = date(2030, 5, 6)
    staff = [Resource(f"r{i}", f"Person {i}") for i in range(8)]
    start = datetime(2030, 5, 6, 8, tzinfo=UTC)
    bookings = [
        _booking(f"b{i}", start + timedelta(minutes=15 * (i // 8) * 2), 30, f"r{i % 8}")
        for i in range(200)
    ]
    view = DayView(UTC)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    view.set_day(day, bookings, staff)
    assert len(view.day_layout().blocks) == 200
    image = view.canvas.grab().toImage()  # the whole canvas, all 200 blocks
    assert not image.isNull() and image.height() > 700


# -- the schedule in the window -----------------------------------------------------------


def test_schedule_shows_staff_columns_and_selection_follows_the_list(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    maya = _book(ui_app, "Maya Thompson", 60)
    dan = _book(ui_app, "Daniel Okafor", 60, JORDAN, "svc_colour")
    walk = _book(ui_app, "Walk-in", 90, None)
    window.refresh()
    view = _schedule(qtbot, window, 3)
    assert window.days.mode() == "schedule" and window.days.schedule_action.isChecked()
    titles = view.column_titles()
    assert titles[-1] == UNASSIGNED_TITLE and len(titles) == 1 + len(
        ui_app.catalog.list_resources()
    )
    columns = {b.booking.id: titles[b.column] for b in view.day_layout().blocks}
    names = {r.id: r.name for r in ui_app.catalog.list_resources()}
    assert columns == {maya.id: names[PRIYA], dan.id: names[JORDAN], walk.id: UNASSIGNED_TITLE}
    assert "Not paid" in view.tooltip_for(maya.id)

    # Click a block: the list, the detail panel and the actions follow.
    _click(qtbot, view, dan.id)
    assert window.selected_booking_id() == dan.id
    qtbot.waitUntil(lambda: window.detail.booking_id() == dan.id)
    assert names[JORDAN] in window.detail.text().split("\n")
    assert window.days.move_action.isEnabled()
    # Select in the list: the schedule follows; arrows move between bookings.
    window.select_booking(maya.id)
    assert view.selected_id() == maya.id
    qtbot.keyClick(view.canvas, Qt.Key.Key_Left)  # Jordan's column is left of Priya's
    assert window.selected_booking_id() == dan.id
    qtbot.keyClick(view.canvas, Qt.Key.Key_Right)
    qtbot.keyClick(view.canvas, Qt.Key.Key_Right)  # past the empty columns to Unassigned
    assert window.selected_booking_id() == walk.id
    # Clicking empty space clears the selection everywhere.
    qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert view.selected_id() is None and window.selected_booking_id() is None
    # Back to the list with Ctrl+1; the table has the Staff column.
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.days.mode() == "list" and window.table.isVisible()
    row = window.model.row_of(walk.id)
    assert window.model.index(row, Column.STAFF).data() == "Anyone"


def test_double_click_charges_and_a_slot_opens_a_new_booking(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    maya = _book(ui_app, "Maya Thompson", 60)
    window.refresh()
    view = _schedule(qtbot, window, 1)
    assert window.select_booking(maya.id)
    qtbot.waitUntil(window.charge_action.isEnabled, timeout=10_000)
    _click(qtbot, view, maya.id, double=True)
    qtbot.waitUntil(lambda: window.charge_dialog is not None)
    assert window.charge_dialog is not None
    window.charge_dialog.done(0)

    # Double-click an empty quarter hour in Jordan's column, later today.
    slot = _at(ui_app, 180)
    local = slot.astimezone(ui_app.config.timezone)
    column = view.column_titles().index(
        next(r.name for r in ui_app.catalog.list_resources() if r.id == JORDAN)
    )
    m = view.metrics
    col_w = (view.canvas.width() - m.gutter) / len(view.column_titles())
    minute = local.hour * 60 + local.minute - view.day_layout().first_hour * 60
    point = QPoint(int(m.gutter + col_w * column + col_w / 2), int(minute / 15 * m.quarter + 3))
    view.scroll_area.ensureVisible(point.x(), point.y())
    qtbot.mouseDClick(view.canvas, Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: window.booking_dialog is not None)
    dialog = window.booking_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.staff_combo.isEnabled)
    assert dialog.staff_combo.currentData() == JORDAN
    shown = dialog.starts_edit.dateTime().time()
    assert (shown.hour(), shown.minute()) == (local.hour, local.minute)
    dialog.reject()


def test_day_navigation_and_staff_filter(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    today = datetime.now(ui_app.config.timezone).date()
    _book(ui_app, "Today Person", 60)
    tomorrow = datetime.combine(
        today + timedelta(days=1), datetime.min.time(), tzinfo=ui_app.config.timezone
    )
    ui_app.bookings.create(
        BookingRequest("Tomorrow Person", "svc_haircut", tomorrow + timedelta(hours=10))
    )
    ui_app.bookings.create(
        BookingRequest(
            "Tomorrow Jordan", "svc_haircut", tomorrow + timedelta(hours=11), resource_id=JORDAN
        )
    )
    window.refresh()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert not window.days.bar.today_button.isEnabled()

    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    assert window.days.current_day() == today + timedelta(days=1)
    names = [window.model.index(r, Column.CUSTOMER).data() for r in range(2)]
    assert names == ["Tomorrow Person", "Tomorrow Jordan"]
    day = today + timedelta(days=1)
    assert window.date_label.text() in (
        f"{day:%A} {day.day} {day:%B %Y}",
        f"{day:%a} {day.day} {day:%b}",
    )
    assert window.count_label.text() == f"2 bookings on {day:%a} {day.day} {day:%b}"
    assert window.days.bar.today_button.isEnabled()

    # Only Jordan's bookings, in the list and on the schedule.
    window.days.set_staff_filter(JORDAN)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.days.bar.staff_combo.currentData() == JORDAN
    assert window.days.view.column_titles() == [
        r.name for r in ui_app.catalog.list_resources() if r.id == JORDAN
    ]
    window.days.bar.set_resource_filter(None)  # "Everyone" in the combo
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)

    # A day with nothing on it says so; Ctrl+T comes back to today.
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.table_stack.currentIndex() == 1)
    assert window.empty_label.text() == "No bookings on this day — press New booking"
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.days.current_day() == today
    # The calendar picks a day too.
    window.days.bar.date_edit.setDate(window.days.bar.date_edit.date().addDays(1))
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)


# -- move, cancel, no-show ------------------------------------------------------------------


def test_move_shows_who_holds_the_slot_then_moves(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    maya = _book(ui_app, "Maya Thompson", 60)
    _book(ui_app, "Daniel Okafor", 120, JORDAN)
    window.refresh()
    qtbot.waitUntil(lambda: window.select_booking(maya.id))
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.days.move_dialog is not None)
    dialog = window.days.move_dialog
    assert isinstance(dialog, MoveDialog)
    qtbot.waitUntil(dialog.move_button.isEnabled)
    assert dialog.staff_combo.currentData() == PRIYA
    dialog.set_target(_at(ui_app, 135), JORDAN)
    qtbot.mouseClick(dialog.move_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_text("starts_at") != "")
    jordan = next(r.name for r in ui_app.catalog.list_resources() if r.id == JORDAN)
    start = _at(ui_app, 120).astimezone(ui_app.config.timezone)
    end = start + timedelta(minutes=30)
    assert dialog.error_text("starts_at") == (
        f"{jordan} is already booked {start:%H:%M}–{end:%H:%M} for Daniel Okafor (Haircut). "
        "Choose another time or person."
    )
    assert dialog.isVisible()
    assert ui_app.bookings.detail(maya.id).booking.resource_id == PRIYA  # nothing changed

    dialog.set_target(_at(ui_app, 150), JORDAN)  # right after Daniel: fine
    assert dialog.error_text("starts_at") == ""  # changing the time clears the sentence
    with qtbot.waitSignal(dialog.moved, timeout=5000):
        qtbot.mouseClick(dialog.move_button, Qt.MouseButton.LeftButton)
    stored = ui_app.bookings.detail(maya.id).booking
    assert (stored.resource_id, stored.starts_at) == (JORDAN, _at(ui_app, 150))
    qtbot.waitUntil(lambda: window.selected_booking_id() == maya.id)
    assert "Moved Maya Thompson" in window.notice.text()


def _answer(qtbot: QtBot, window: MainWindow, text: str) -> None:
    box = window.days.confirm_box
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible)
    button = next(b for b in box.buttons() if b.text() == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_cancel_asks_first_then_frees_the_slot(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    maya = _book(ui_app, "Maya Thompson", 60)
    window.refresh()
    qtbot.waitUntil(lambda: window.select_booking(maya.id))
    qtbot.waitUntil(window.days.cancel_action.isEnabled, timeout=10_000)
    # "Keep booking" changes nothing.
    qtbot.keyClick(window, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    box = window.days.confirm_box
    assert box is not None and "Cancel Maya Thompson's Haircut" in box.text()
    _answer(qtbot, window, "Keep booking")
    assert not ui_app.bookings.detail(maya.id).booking.cancelled

    ui_app.cash.record(maya.id, "10.00")  # money kept after cancelling is said out loud
    window.reload()
    qtbot.waitUntil(lambda: (b := window.selected_booking()) is not None and b.paid_amount == 1000)
    window.days.cancel_selected()
    box = window.days.confirm_box
    assert box is not None and "Paid money is not refunded automatically" in (box.informativeText())
    _answer(qtbot, window, "Cancel booking")
    qtbot.waitUntil(lambda: "not refunded automatically" in window.notice.text())
    qtbot.waitUntil(
        lambda: (
            window.model.index(window.model.row_of(maya.id), Column.STATUS).data()
            == "Cancelled · $10.00 kept"
        )
    )
    assert not window.days.cancel_action.isEnabled() and not window.charge_action.isEnabled()
    # The time is free again.
    again = _book(ui_app, "Sofia Rossi", 60)
    assert again.resource_id == PRIYA


def test_no_show_waits_for_the_start_time(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    later = _book(ui_app, "Later Person", 60)
    window.refresh()
    qtbot.waitUntil(lambda: window.select_booking(later.id))
    qtbot.waitUntil(window.days.cancel_action.isEnabled, timeout=10_000)
    assert not window.days.no_show_action.isEnabled()  # not started yet
    # The service says why, if asked anyway (e.g. from another station's stale screen).
    window.days.no_show_selected()
    _answer(qtbot, window, "Mark no-show")
    qtbot.waitUntil(lambda: "once the start time has passed" in window.notice.text())
    assert ui_app.bookings.detail(later.id).booking.status is BookingStatus.NEW

    # A booking that started a quarter of an hour ago (booked earlier, by the clock then).
    earlier = wire_services(dataclasses.replace(ui_app.deps, clock=ShiftedClock(-2))).bookings
    started = earlier.create(
        BookingRequest("Missed Person", "svc_haircut", _at(ui_app, -15), resource_id=JORDAN)
    )
    window.reload()
    qtbot.waitUntil(lambda: window.select_booking(started.id))
    qtbot.waitUntil(window.days.no_show_action.isEnabled)
    window.activateWindow()  # back from the message box
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    _answer(qtbot, window, "Mark no-show")
    qtbot.waitUntil(
        lambda: ui_app.bookings.detail(started.id).booking.status is BookingStatus.NO_SHOW
    )
    qtbot.waitUntil(
        lambda: (
            window.model.index(window.model.row_of(started.id), Column.STATUS).data() == "No-show"
        )
    )
    assert not window.days.move_action.isEnabled()


def test_render_schedule_screen(tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    from pos_app.devtools.screenshots import render
    from tests.ui.demo_worlds import WORLDS

    out = tmp_path / "schedule.png"
    render("schedule", out, worlds=WORLDS)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
