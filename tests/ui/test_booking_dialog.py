"""The New booking form: saves through the service, or shows its sentences under the fields."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.services.bookings import BookingRequest
from pos_app.ui.day.booking_dialog import (
    BookingDialog,
    aware_to_wall_clock,
    next_quarter_hour,
    wall_clock_to_aware,
)
from pos_app.ui.day.booking_table import Column
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.shell.main_window import MainWindow


def _open_form(qtbot: QtBot, window: MainWindow) -> BookingDialog:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.booking_dialog is not None)
    dialog = window.booking_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.service_combo.isEnabled())  # services came from the runner
    dialog.name_edit.setFocus()  # the service comes first; the desk then taps the name
    return dialog


def test_new_booking_happy_path(qtbot: QtBot, window: MainWindow, ui_app: AppContext) -> None:
    dialog = _open_form(qtbot, window)
    assert dialog.isVisible()
    assert dialog.service_combo.count() == len(ui_app.catalog.list_services())
    # Changing the service prefills its price.
    dialog.select_service("svc_colour")
    assert dialog.price_edit.text() == "120.00"
    dialog.select_service("svc_haircut")
    assert dialog.price_edit.text() == "35.00"
    # The default time is the next quarter hour, today, in the business's time zone.
    starts = wall_clock_to_aware(dialog.starts_edit.dateTime(), ui_app.config.timezone)
    now = datetime.now(ui_app.config.timezone)
    assert starts.minute % 15 == 0 and now < starts <= now + timedelta(minutes=15)

    qtbot.keyClicks(dialog.name_edit, "Katherine Johnson")
    qtbot.keyClicks(dialog.email_edit, "kj@example.com")
    dialog.price_edit.clear()
    qtbot.keyClicks(dialog.price_edit, "30")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    created = dialog.created
    assert created is not None

    qtbot.waitUntil(lambda: window.model.row_of(created.id) >= 0)
    row = window.model.row_of(created.id)
    assert window.model.index(row, Column.CUSTOMER).data() == "Katherine Johnson"
    assert window.model.index(row, Column.AMOUNT).data() == "$30.00"
    assert window.model.index(row, Column.STATUS).data() == "Not paid"
    qtbot.waitUntil(lambda: window.selected_booking_id() == created.id)  # new row selected
    stored = ui_app.bookings.detail(created.id).booking
    assert stored.starts_at == starts and stored.customer_email == "kj@example.com"


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        ("abc", "Enter an amount as a number, like 35.00."),
        ("-5", "The amount must be more than zero."),
        ("10.001", "USD amounts have at most 2 decimal places."),
    ],
)
def test_errors_show_under_fields_and_nothing_is_saved(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext, price: str, expected: str
) -> None:
    dialog = _open_form(qtbot, window)
    dialog.price_edit.clear()
    qtbot.keyClicks(dialog.price_edit, price)
    dialog.save()  # empty name on purpose
    qtbot.waitUntil(lambda: dialog.error_text("price") != "")
    assert dialog.error_text("price") == expected
    assert dialog.error_text("customer_name") == "Enter the customer's name."
    assert dialog._rows["price"].error.isVisible()
    assert dialog._rows["customer_name"].error.isVisible()
    assert dialog.error_text("customer_email") == ""
    assert dialog.isVisible() and dialog.result() == 0
    assert dialog.save_button.isEnabled()  # usable again after the answer
    assert dialog.name_edit.hasFocus()  # the first field with an error
    assert ui_app.bookings.list_day(ui_app.bookings.today()) == []

    # Fixing the name clears its sentence as soon as the user types.
    qtbot.keyClicks(dialog.name_edit, "A")
    assert dialog.error_text("customer_name") == ""


def test_quarter_hour_and_wall_clock_helpers() -> None:
    tz = ZoneInfo("Europe/Berlin")
    assert next_quarter_hour(datetime(2030, 3, 1, 10, 7, 30, tzinfo=tz)).minute == 15
    assert next_quarter_hour(datetime(2030, 3, 1, 10, 15, tzinfo=tz)).minute == 30
    assert next_quarter_hour(datetime(2030, 3, 1, 23, 50, tzinfo=tz)).day == 2
    local = datetime(2030, 7, 1, 9, 45, tzinfo=tz)
    back = wall_clock_to_aware(aware_to_wall_clock(local), tz)
    assert back == local and back.utcoffset() == timedelta(hours=2)


def test_suggestions_as_you_type_fill_the_form_and_link_the_customer(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    first = ui_app.bookings.create(
        BookingRequest(
            "Maya Thompson",
            "svc_haircut",
            next_quarter_hour(datetime.now(ui_app.config.timezone)) + timedelta(hours=2),
            customer_email="maya@example.com",
            customer_phone="+1 555 0100",
        )
    )
    ui_app.bookings.create(
        BookingRequest(
            "Daniel Okafor",
            "svc_haircut",
            next_quarter_hour(datetime.now(ui_app.config.timezone)) + timedelta(hours=3),
        )
    )
    dialog = _open_form(qtbot, window)
    qtbot.keyClicks(dialog.name_edit, "555 01")  # phone digits find her too
    qtbot.waitUntil(lambda: dialog.suggestion_names() == ["Maya Thompson"])
    popup = dialog.completer.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    assert dialog.customer_id is None
    dialog.choose_suggestion(0)
    assert dialog.name_edit.text() == "Maya Thompson"
    assert dialog.email_edit.text() == "maya@example.com"
    assert dialog.phone_edit.text() == "+1 555 0100"
    assert dialog.customer_id == first.customer_id and dialog.customer_hint.isVisible()
    dialog.select_resource("res_sam")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    assert dialog.created is not None
    assert dialog.created.customer_id == first.customer_id
    assert dialog.created.resource_id == "res_sam"
    history = ui_app.customers.detail(first.customer_id or "").bookings
    assert {b.id for b in history} == {first.id, dialog.created.id}


def test_editing_the_name_unlinks_the_chosen_customer(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    ui_app.bookings.create(
        BookingRequest(
            "Maya Thompson",
            "svc_haircut",
            next_quarter_hour(datetime.now(ui_app.config.timezone)) + timedelta(hours=2),
            customer_email="maya@example.com",
        )
    )
    dialog = _open_form(qtbot, window)
    qtbot.keyClicks(dialog.name_edit, "maya")
    qtbot.waitUntil(lambda: dialog.suggestion_names() == ["Maya Thompson"])
    dialog.choose_suggestion(0)
    assert dialog.customer_id is not None
    qtbot.keyClicks(dialog.name_edit, "x")
    assert dialog.customer_id is None and not dialog.customer_hint.isVisible()
    qtbot.keyClicks(dialog.name_edit, "zzz")
    qtbot.wait(400)  # a search ran and found nobody: no suggestions stay up
    assert dialog.suggestion_names() == []


def test_a_taken_slot_is_named_under_the_time_and_nothing_is_saved(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    tz = ui_app.config.timezone
    slot = next_quarter_hour(datetime.now(tz)) + timedelta(hours=2)
    ui_app.bookings.create(
        BookingRequest("Maya Thompson", "svc_haircut", slot, resource_id="res_priya")
    )
    dialog = _open_form(qtbot, window)
    qtbot.waitUntil(dialog.staff_combo.isEnabled)
    assert dialog.staff_combo.itemText(0) == "Anyone"
    assert dialog.staff_combo.count() == 1 + len(ui_app.catalog.list_resources())
    qtbot.keyClicks(dialog.name_edit, "Bo Diddley")
    dialog.select_resource("res_priya")
    dialog.starts_edit.setDateTime(aware_to_wall_clock(slot + timedelta(minutes=15)))
    dialog.save()
    qtbot.waitUntil(lambda: dialog.error_text("starts_at") != "")
    priya = next(r.name for r in ui_app.catalog.list_resources() if r.id == "res_priya")
    end = slot + timedelta(minutes=30)
    assert dialog.error_text("starts_at") == (
        f"{priya} is already booked {slot:%H:%M}–{end:%H:%M} for Maya Thompson (Haircut). "
        "Choose another time or person."
    )
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert len(ui_app.bookings.list_day(slot.date())) == 1
    dialog.select_resource(None)  # Anyone: the sentence goes, and the booking saves
    assert dialog.error_text("starts_at") == ""
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    assert dialog.created is not None and dialog.created.resource_id is None


def test_service_first_with_its_end_time_and_free_slot_chips(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    tz = ui_app.config.timezone
    dialog = _open_form(qtbot, window)
    service, name = (dialog._rows[f].field for f in ("service_id", "customer_name"))
    top = QPoint(0, 0)
    assert service.mapTo(dialog, top).y() < name.mapTo(dialog, top).y()  # service first
    dialog.select_service("svc_colour")
    start = dialog.starts_at()
    end = start + timedelta(minutes=90)
    assert dialog.service_line.text() == f"Colour & style · 90 min · ends {end:%H:%M}"
    # The chips come from the day's bookings: one row per staff member.
    qtbot.waitUntil(lambda: bool(dialog.chips.buttons))
    staff = [r.name for r in ui_app.catalog.list_resources() if r.kind.value == "staff"]
    assert [name for name, _labels in dialog.chips.chip_texts()] == staff
    # Tapping Priya's first chip fills the staff member and the time.
    priya_row = dict(dialog.chips.chip_texts())["Priya"]
    button = next(
        b for b in dialog.chips.buttons if b.accessibleName() == f"Priya at {priya_row[0]}"
    )
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.staff_combo.currentData() == "res_priya"
    assert f"{dialog.starts_at():%H:%M}" == priya_row[0]
    assert dialog.name_edit.hasFocus()  # next: who
    # A booking that holds Priya's time takes that chip away once the day is read again.
    taken = dialog.starts_at()
    ui_app.bookings.create(BookingRequest("Maya", "svc_colour", taken, resource_id="res_priya"))
    dialog.starts_edit.setDateTime(aware_to_wall_clock(taken + timedelta(days=1)))
    dialog.starts_edit.setDateTime(aware_to_wall_clock(taken))
    qtbot.waitUntil(lambda: "Priya" in dict(dialog.chips.chip_texts()))
    assert f"{taken:%H:%M}" not in dict(dialog.chips.chip_texts())["Priya"]
    assert dialog.starts_at().tzinfo == tz


def test_new_customer_is_among_the_suggestions(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    maya = ui_app.bookings.create(
        BookingRequest(
            "Maya Thompson",
            "svc_haircut",
            next_quarter_hour(datetime.now(ui_app.config.timezone)) + timedelta(hours=2),
            customer_email="maya@example.com",
        )
    )
    dialog = _open_form(qtbot, window)
    qtbot.keyClicks(dialog.name_edit, "Maya")
    qtbot.waitUntil(lambda: dialog.suggestion_names() == ["Maya Thompson"])
    assert dialog.picker.suggestion_texts()[-1] == "+ New customer “Maya”"
    dialog.choose_suggestion(1)  # another Maya
    assert dialog.customer_id is None and dialog.name_edit.text() == "Maya"
    assert dialog.customer_hint.text() == "New customer: remembered when you save."
    assert dialog.email_edit.hasFocus()
    qtbot.keyClicks(dialog.email_edit, "maya.b@example.com")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    assert dialog.created is not None and dialog.created.customer_id != maya.customer_id


def test_the_customers_notes_show_and_save_with_the_booking(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    first = ui_app.bookings.create(
        BookingRequest(
            "Maya Thompson",
            "svc_haircut",
            next_quarter_hour(datetime.now(ui_app.config.timezone)) + timedelta(hours=2),
            customer_email="maya@example.com",
        )
    )
    assert first.customer_id is not None
    ui_app.customers.set_notes(first.customer_id, "Allergic to latex")
    dialog = _open_form(qtbot, window)
    qtbot.keyClicks(dialog.name_edit, "maya")
    qtbot.waitUntil(lambda: dialog.suggestion_names() == ["Maya Thompson"])
    dialog.choose_suggestion(0)
    assert dialog.notes_edit.toPlainText() == "Allergic to latex"
    # A control character is refused under the notes, and nothing is saved.
    dialog.notes_edit.setPlainText("Allergic to latex\x1b[31m")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.error_text("notes") != "")
    assert "invisible control character" in dialog.error_text("notes")
    assert len(ui_app.customers.detail(first.customer_id).bookings) == 1
    dialog.notes_edit.setPlainText("Allergic to latex\nPrefers Priya")
    assert dialog.error_text("notes") == ""  # editing clears the sentence
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    stored = ui_app.customers.detail(first.customer_id)
    assert stored.customer.notes == "Allergic to latex\nPrefers Priya"
    assert len(stored.bookings) == 2


def test_book_again_prefills_service_staff_customer_and_notes(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    tz = ui_app.config.timezone
    past = ui_app.bookings.create(
        BookingRequest(
            "Maya Thompson",
            "svc_colour",
            next_quarter_hour(datetime.now(tz)) + timedelta(hours=1),
            customer_email="maya@example.com",
            resource_id="res_sam",
        )
    )
    assert past.customer_id is not None
    ui_app.customers.set_notes(past.customer_id, "Likes it short")
    dialog = BookingDialog(ui_app, runner, again=past)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.service_combo.isEnabled)
    assert dialog.service_combo.currentData() == "svc_colour"
    assert dialog.staff_combo.currentData() == "res_sam"
    assert dialog.name_edit.text() == "Maya Thompson"
    assert dialog.email_edit.text() == "maya@example.com"
    assert dialog.customer_id == past.customer_id
    qtbot.waitUntil(lambda: dialog.notes_edit.toPlainText() == "Likes it short")
    dialog.starts_edit.setDateTime(
        aware_to_wall_clock(past.starts_at.astimezone(tz) + timedelta(days=7))
    )
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    again = dialog.created
    assert again is not None
    assert (again.service_id, again.resource_id, again.customer_id) == (
        "svc_colour",
        "res_sam",
        past.customer_id,
    )
