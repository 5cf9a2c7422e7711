"""The Customers window (search as you type, corrections, history) and the Services editor."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.booking import Booking
from pos_app.domain.people import Actor, Role
from pos_app.services.bookings import BookingRequest
from pos_app.ui.manage.catalog_editor import CatalogEditor
from pos_app.ui.manage.customers_view import CustomersView
from pos_app.ui.shell.main_window import MainWindow
from tests.conftest import TEST_MANAGER


def _book(ctx: AppContext, name: str, email: str = "", phone: str = "", hours: int = 2) -> Booking:
    now = datetime.now(ctx.config.timezone).replace(second=0, microsecond=0)
    return ctx.bookings.create(
        BookingRequest(
            customer_name=name,
            service_id="svc_haircut",
            starts_at=now - timedelta(minutes=now.minute % 15) + timedelta(hours=hours),
            customer_email=email,
            customer_phone=phone,
        )
    )


def _customers(qtbot: QtBot, window: MainWindow) -> CustomersView:
    qtbot.keyClick(
        window,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.customers_window is not None)
    view = window.customers_window
    assert view is not None
    return view


def test_customers_search_as_you_type_and_show_history(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    maya = _book(ui_app, "Maya Thompson", "maya@example.com", hours=1)
    _book(ui_app, "Maya Thompson", "MAYA@example.com", hours=3)  # the same customer
    _book(ui_app, "Daniel Okafor", phone="+1 (555) 0134")
    view = _customers(qtbot, window)
    qtbot.waitUntil(lambda: view.result_names() == ["Daniel Okafor", "Maya Thompson"])
    assert view.results_label.text() == "2 customers"

    qtbot.keyClicks(view.search_edit, "555-01")  # phone digits, typed any way
    qtbot.waitUntil(lambda: view.result_names() == ["Daniel Okafor"])
    view.search_edit.clear()
    qtbot.keyClicks(view.search_edit, "nobody")
    qtbot.waitUntil(lambda: view.result_names() == [])
    assert view.results_label.text() == "No customers match “nobody”."
    view.search_edit.clear()
    qtbot.keyClicks(view.search_edit, "thomp")
    qtbot.waitUntil(lambda: view.result_names() == ["Maya Thompson"])

    view.results.setCurrentRow(0)
    qtbot.waitUntil(lambda: len(view.history_rows()) == 2)
    shown = view.shown_customer()
    assert shown is not None and shown.id == maya.customer_id
    assert [row[4] for row in view.history_rows()] == ["Not paid", "Not paid"]
    assert "2 bookings" in view.summary_label.text()
    # Double-clicking a booking in the history selects it in the main window.
    view.history.setCurrentCell(1, 0)
    view.history.doubleClicked.emit(view.history.currentIndex())
    qtbot.waitUntil(lambda: window.selected_booking_id() == maya.id)


def test_customer_corrections_show_sentences_then_save(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    maya = _book(ui_app, "Maya Thompson", "maya@example.com")
    _book(ui_app, "Sofia Rossi", "sofia@example.com", hours=3)
    view = _customers(qtbot, window)
    qtbot.waitUntil(lambda: len(view.result_names()) == 2)
    view.results.setCurrentRow(view.result_names().index("Maya Thompson"))
    qtbot.waitUntil(lambda: view.email_edit.text() == "maya@example.com")
    assert not view.save_button.isEnabled()  # nothing changed yet

    view.email_edit.clear()
    qtbot.keyClicks(view.email_edit, "sofia@example.com")
    view.phone_edit.clear()
    qtbot.keyClicks(view.phone_edit, "call me")
    assert view.save_button.isEnabled()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.error_text("email") != "")
    assert view.error_text("email") == "Sofia Rossi already has this email address."
    assert view.error_text("phone") == "Enter a phone number with digits only, or leave it empty."
    assert ui_app.customers.detail(maya.customer_id or "").customer.email == "maya@example.com"

    view.email_edit.clear()
    qtbot.keyClicks(view.email_edit, "maya.t@example.com")
    view.phone_edit.clear()
    qtbot.keyClicks(view.phone_edit, "+44 20 7946 0958")
    qtbot.keyClick(view.phone_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.save_status.text() == "Saved.")
    stored = ui_app.customers.detail(maya.customer_id or "").customer
    assert (stored.email, stored.phone) == ("maya.t@example.com", "+44 20 7946 0958")
    qtbot.waitUntil(lambda: view.email_edit.text() == "maya.t@example.com")


def test_detail_panel_links_to_the_customer(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    maya = _book(ui_app, "Maya Thompson", "maya@example.com")
    window.refresh()
    qtbot.waitUntil(lambda: window.select_booking(maya.id))
    qtbot.waitUntil(lambda: window.detail.booking_id() == maya.id)
    assert "All bookings of Maya Thompson…" in window.detail.text()
    window.detail.customer_requested.emit(maya.customer_id)
    qtbot.waitUntil(lambda: window.customers_window is not None)
    view = window.customers_window
    assert view is not None
    qtbot.waitUntil(lambda: (c := view.shown_customer()) is not None and c.id == maya.customer_id)


def _catalog(qtbot: QtBot, window: MainWindow) -> CatalogEditor:
    window.catalog_action.trigger()
    qtbot.waitUntil(lambda: window.catalog_window is not None)
    editor = window.catalog_window
    assert editor is not None
    qtbot.waitUntil(lambda: len(editor.service_names()) == 5)
    return editor


def test_a_manager_adds_and_edits_services(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    editor = _catalog(qtbot, window)
    assert not editor.banner.isVisible() and editor.save_button.isEnabled()
    editor.new_service()
    qtbot.keyClicks(editor.name_edit, "Blow-dry")
    editor.duration_spin.setValue(45)
    qtbot.keyClicks(editor.price_edit, "abc")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.error_text("price") != "")
    assert editor.error_text("price") == "Enter an amount as a number, like 35.00."
    assert "Blow-dry" not in editor.service_names()

    editor.price_edit.clear()
    qtbot.keyClicks(editor.price_edit, "28.50")
    assert editor.error_text("price") == ""  # typing clears the sentence
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Blow-dry" in editor.service_names())
    added = next(s for s in ui_app.catalog.list_services() if s.name == "Blow-dry")
    assert (added.duration_minutes, added.price_amount, added.currency) == (45, 2850, "usd")
    assert editor.form_title.text() == "Edit Blow-dry"  # the saved service stays selected

    # Hide a service from new bookings.
    editor.edit_service("svc_beard")
    qtbot.waitUntil(lambda: editor.name_edit.text() == "Beard trim")
    editor.active_check.setChecked(False)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.status_label.text() == "Saved.")
    assert "Beard trim" not in [s.name for s in ui_app.catalog.list_services()]
    editor.reject()


def test_staff_see_the_catalogue_but_cannot_change_it(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    ui_app.deps.desk.sign_in(Actor("usr_riley", "Riley", Role.STAFF))
    try:
        editor = _catalog(qtbot, window)
        assert editor.banner.isVisible()
        assert editor.banner.text().startswith("Only a manager can change the catalogue.")
        assert not editor.save_button.isEnabled() and not editor.name_edit.isEnabled()
        editor.save()  # even if asked: the service refuses and says why
        qtbot.waitUntil(lambda: editor.error_text("general") != "")
        assert editor.error_text("general") == "Only a manager can change the catalogue."
        assert len(ui_app.catalog.list_services(include_inactive=True)) == 5
    finally:
        ui_app.deps.desk.sign_in(TEST_MANAGER)


def test_a_services_tax_rate_is_shown_kept_and_changed(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    from pos_app.services.catalog import ServiceForm

    haircut = next(s for s in ui_app.catalog.list_services() if s.id == "svc_haircut")
    ui_app.catalog.save_service(
        ServiceForm(
            id=haircut.id,
            name=haircut.name,
            duration_minutes=haircut.duration_minutes,
            price_text=haircut.price.plain(),
            currency=haircut.currency,
            tax_rate_text="8.875",
        )
    )
    editor = _catalog(qtbot, window)
    editor.edit_service("svc_haircut")
    qtbot.waitUntil(lambda: editor.name_edit.text() == "Haircut")
    assert editor.tax_edit.text() == "8.875"
    # Another field changed: the rate is kept, not reset to 0.
    editor.duration_spin.setValue(haircut.duration_minutes + 5)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.status_label.text() == "Saved.")
    saved = next(s for s in ui_app.catalog.list_services() if s.id == "svc_haircut")
    assert saved.tax_rate_thousandths == 8875

    editor.tax_edit.setText("")
    qtbot.keyClicks(editor.tax_edit, "7.12345")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.error_text("tax_rate") != "")
    assert "3 decimals" in editor.error_text("tax_rate")
    editor.tax_edit.setText("20")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            next(
                s for s in ui_app.catalog.list_services() if s.id == "svc_haircut"
            ).tax_rate_thousandths
            == 20_000
        )
    )
    editor.reject()
