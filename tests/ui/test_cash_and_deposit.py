"""Cash taken at the desk, and a deposit asked by card, from the main window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.payment import PaymentMethod, PaymentStatus
from pos_app.ui.day.booking_table import Column
from pos_app.ui.payments import charge_presenter
from pos_app.ui.shell.main_window import MainWindow
from tests.payments import pay
from tests.ui.conftest import in_thread, make_booking


def _select(qtbot: QtBot, window: MainWindow, booking_id: str) -> None:
    window.refresh()
    qtbot.waitUntil(lambda: window.select_booking(booking_id))
    qtbot.waitUntil(lambda: window.cash_action.isEnabled())
    assert window.deposit_action.isEnabled()


def _status(window: MainWindow, booking_id: str) -> str:
    return str(window.model.index(window.model.row_of(booking_id), Column.STATUS).data())


def test_actions_follow_the_selection(qtbot: QtBot, window: MainWindow, ui_app: AppContext) -> None:
    booking = make_booking(ui_app)
    assert not window.cash_action.isEnabled() and not window.deposit_action.isEnabled()
    _select(qtbot, window, booking.id)
    assert "Ctrl+Shift+C" in window.cash_button.toolTip()
    assert window.deposit_action.shortcut().toString() == "Ctrl+Shift+D"
    assert window.deposit_action in window.table.actions()  # the row's right-click menu


def test_cash_records_the_balance(qtbot: QtBot, window: MainWindow, ui_app: AppContext) -> None:
    booking = make_booking(ui_app, "Grace Hopper")
    _select(qtbot, window, booking.id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window.table,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = window.cash_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.amount_edit.text() == "35.00"
    assert "balance due $35.00" in dialog.due_label.text()
    assert dialog.preview_text() == "Record $35.00 in cash — the booking will show Paid"
    dialog.amount_edit.setText("25")
    assert dialog.preview_text() == "Record $25.00 in cash — the booking will show Deposit paid"
    dialog.amount_edit.setText("35.00")
    assert dialog.record_button.text() == "Record $35.00"

    with qtbot.waitSignal(dialog.accepted, timeout=8000):
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _status(window, booking.id) == "Paid", timeout=8000)
    row = window.model.row_of(booking.id)
    assert window.model.index(row, Column.PAID).data() == "$35.00"
    qtbot.waitUntil(lambda: "Cash · $35.00" in window.detail.text(), timeout=8000)
    assert "Paid" in window.detail.text()
    payments = ui_app.bookings.detail(booking.id).payments
    assert [(p.method, p.amount) for p in payments] == [(PaymentMethod.CASH, 3500)]
    assert not window.cash_action.isEnabled()  # nothing left to take


def test_cash_errors_show_under_amount(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    booking = make_booking(ui_app, "Alan Turing")
    _select(qtbot, window, booking.id)
    dialog = window.cash_selected()
    assert dialog is not None

    dialog.amount_edit.setText("abc")
    assert dialog.preview_text() == "Enter an amount as a number, like 35.00."
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.amount_error() != "")
    assert dialog.amount_error() == "Enter an amount as a number, like 35.00."
    assert dialog.isVisible() and dialog.record_button.isEnabled()

    dialog.amount_edit.setText("50")
    assert dialog.amount_error() == ""  # typing clears the old sentence
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.amount_error() != "")
    assert dialog.amount_error() == (
        "The balance due is $35.00. Record at most that and give change for the rest."
    )
    assert dialog.isVisible()
    assert ui_app.bookings.detail(booking.id).payments == []
    assert _status(window, booking.id) == "Not paid"
    dialog.reject()


def test_deposit_then_pay(qtbot: QtBot, window: MainWindow, ui_app: AppContext) -> None:
    booking = make_booking(ui_app, "Ada Lovelace")
    _select(qtbot, window, booking.id)
    prompt = window.deposit_selected()
    assert prompt is not None and prompt.isVisible()
    assert prompt.amount_edit.text() == "" and prompt.amount_edit.placeholderText() == "10.00"
    assert not prompt.continue_button.isEnabled()
    prompt.amount_edit.setText("10.00")
    assert prompt.preview_text() == "Ask $10.00 by card now — $25.00 stays due"
    qtbot.mouseClick(prompt.continue_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(
        lambda: window.charge_dialog is not None and window.charge_dialog.qr.url() is not None,
        timeout=10000,
    )
    dialog = window.charge_dialog
    assert dialog is not None and dialog.deposit_text() == "10.00"
    assert dialog.amount_label.text() == "$10.00"
    view = dialog.current_view()
    assert view is not None and view.status is PaymentStatus.OPEN
    stored = ui_app.checkout.view(view.payment_id)
    assert stored.amount.amount == 1000
    assert stored.url and dialog.qr.url() == stored.url
    # One link only: the prompt's link is the one on the screen.
    assert len(ui_app.bookings.detail(booking.id).payments) == 1

    paid = in_thread(lambda: pay(stored.url or ""))
    qtbot.waitUntil(lambda: dialog.status_text() == charge_presenter.PAID, timeout=8000)
    paid.join(5)
    qtbot.waitUntil(lambda: _status(window, booking.id) == "Deposit paid", timeout=8000)
    row = window.model.row_of(booking.id)
    assert window.model.index(row, Column.PAID).data() == "$10.00"
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    # The rest can still be taken.
    qtbot.waitUntil(lambda: window.cash_action.isEnabled())


def test_deposit_over_the_balance_is_a_sentence(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    booking = make_booking(ui_app, "Edsger Dijkstra")
    _select(qtbot, window, booking.id)
    prompt = window.deposit_selected()
    assert prompt is not None
    prompt.amount_edit.setText("40.00")
    assert prompt.preview_text() == "The deposit can be at most the balance due, $35.00."
    prompt.submit()
    qtbot.waitUntil(lambda: prompt.amount_error() != "")
    assert prompt.amount_error() == "The deposit can be at most the balance due, $35.00."
    assert prompt.isVisible() and window.charge_dialog is None
    assert ui_app.bookings.detail(booking.id).payments == []
    prompt.reject()
