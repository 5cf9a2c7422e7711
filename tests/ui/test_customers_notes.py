"""Customer notes (allergies, preferences) in the Customers window, and "Book again" from a
customer's history and from a booking on the day."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.booking import Booking
from pos_app.services.bookings import BookingRequest
from pos_app.ui.manage.customers_view import CustomersView
from pos_app.ui.shell.main_window import MainWindow


def _book(
    ctx: AppContext, name: str, email: str, *, hours: int, service: str, staff: str | None
) -> Booking:
    now = datetime.now(ctx.config.timezone).replace(second=0, microsecond=0)
    return ctx.bookings.create(
        BookingRequest(
            customer_name=name,
            service_id=service,
            starts_at=now - timedelta(minutes=now.minute % 15) + timedelta(hours=hours),
            customer_email=email,
            resource_id=staff,
        )
    )


def _open_on(qtbot: QtBot, window: MainWindow, customer_id: str) -> CustomersView:
    view = window.open_customers(customer_id)
    assert isinstance(view, CustomersView)
    qtbot.waitUntil(lambda: view.shown_customer() is not None)
    return view


def test_notes_show_edit_and_refuse_control_characters(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    maya = _book(
        ui_app, "Maya Thompson", "maya@example.com", hours=2, service="svc_haircut", staff=None
    )
    assert maya.customer_id is not None
    ui_app.customers.set_notes(maya.customer_id, "Allergic to latex")
    view = _open_on(qtbot, window, maya.customer_id)
    assert view.notes_edit.toPlainText() == "Allergic to latex"
    assert not view.save_button.isEnabled()  # showing the notes is not a change
    view.notes_edit.setPlainText("Allergic to latex\x07")
    assert view.save_button.isEnabled()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.error_text("notes") != "")
    assert "invisible control character" in view.error_text("notes")
    assert ui_app.customers.detail(maya.customer_id).customer.notes == "Allergic to latex"
    view.notes_edit.setPlainText("Allergic to latex\nPrefers Priya")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.save_status.text() == "Saved.")
    stored = ui_app.customers.detail(maya.customer_id).customer
    assert stored.notes == "Allergic to latex\nPrefers Priya"
    qtbot.waitUntil(lambda: view.notes_edit.toPlainText() == stored.notes)


def test_book_again_from_the_history_prefills_a_new_booking(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    older = _book(
        ui_app, "Maya Thompson", "maya@example.com", hours=1, service="svc_colour", staff="res_sam"
    )
    _book(ui_app, "Maya Thompson", "maya@example.com", hours=4, service="svc_haircut", staff=None)
    assert older.customer_id is not None
    view = _open_on(qtbot, window, older.customer_id)
    qtbot.waitUntil(lambda: len(view.history_rows()) == 2)
    assert view.book_again_button.isEnabled()
    view.history.setCurrentCell(1, 0)  # newest first: row 1 is the colour with Sam
    qtbot.mouseClick(view.book_again_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.booking_dialog is not None)
    dialog = window.booking_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.service_combo.isEnabled)
    assert dialog.service_combo.currentData() == "svc_colour"
    assert dialog.staff_combo.currentData() == "res_sam"
    assert dialog.name_edit.text() == "Maya Thompson"
    assert dialog.customer_id == older.customer_id
    dialog.reject()


def test_book_again_from_a_booking_on_the_day(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    maya = _book(
        ui_app,
        "Maya Thompson",
        "maya@example.com",
        hours=1,
        service="svc_colour",
        staff="res_priya",
    )
    window.refresh()
    qtbot.waitUntil(lambda: window.select_booking(maya.id))
    qtbot.waitUntil(window.days.book_again_action.isEnabled)
    window.days.book_again_action.trigger()
    qtbot.waitUntil(lambda: window.booking_dialog is not None)
    dialog = window.booking_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.service_combo.isEnabled)
    assert (dialog.service_combo.currentData(), dialog.staff_combo.currentData()) == (
        "svc_colour",
        "res_priya",
    )
    assert dialog.customer_id == maya.customer_id
    dialog.reject()


def test_a_customers_language_is_chosen_for_stripes_page(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    ada = _book(
        ui_app, "Ada Brandt", "ada.b@example.com", hours=3, service="svc_haircut", staff=None
    )
    assert ada.customer_id is not None
    view = _open_on(qtbot, window, ada.customer_id)
    combo = view.language_combo
    assert combo.currentData() == "" and not view.save_button.isEnabled()
    assert combo.findText("German") >= 0 and combo.findData("bn") >= 0
    combo.setCurrentIndex(combo.findData("de"))
    assert view.save_button.isEnabled()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.save_status.text() == "Saved.")
    assert ui_app.customers.detail(ada.customer_id).customer.language == "de"
    qtbot.waitUntil(lambda: view.language_combo.currentData() == "de")
    assert not view.save_button.isEnabled()
