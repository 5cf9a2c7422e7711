"""The customer-facing window mirrors the charge screen, thanks, and forgets the customer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.payments import customer_display
from pos_app.ui.payments.charge_presenter import ChargePhase, ChargeSettings, ChargeState
from pos_app.ui.payments.charge_view import ChargeDialog
from pos_app.ui.payments.customer_display import CustomerDisplay, View, choose_screen
from pos_app.ui.payments.display_presenter import DECLINED
from pos_app.ui.shell.main_window import MainWindow
from tests.payments import DECLINED as DECLINED_CARD
from tests.payments import pay
from tests.ui.conftest import in_thread, make_booking
from tests.ui.qr import decode


@pytest.fixture
def display(qtbot: QtBot) -> Iterator[CustomerDisplay]:
    """A customer display whose thank-you lasts 0.4 s instead of 8."""
    d = CustomerDisplay("Studio Nord", thanks_ms=400)
    qtbot.addWidget(d)
    d.resize(1366, 768)
    d.show()
    yield d
    d.close()


def _texts(widget: CustomerDisplay) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel) if label.isVisible())


def test_mirrors_the_charge_then_thanks_then_welcome(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext, display: CustomerDisplay
) -> None:
    assert display.view() is View.WELCOME
    assert "Welcome" in _texts(display) and "Studio Nord" in _texts(display)
    booking = make_booking(ui_app, "Grace Hopper")
    dialog = ChargeDialog.start(
        ui_app.checkout, runner, booking.id, settings=ChargeSettings.from_config(ui_app.config)
    )
    qtbot.addWidget(dialog)
    display.follow(dialog)
    qtbot.waitUntil(lambda: display.view() is View.CHARGE, timeout=10000)

    # The same link, readable by a phone from the customer's own screen.
    url = dialog.qr.url()
    assert url and display.qr.url() == url
    assert decode(display.grab().toImage()) == [url]
    assert display.amount_label.text() == "$35.00"
    assert display.service_label.text() == "Haircut"
    assert customer_display.SCAN in _texts(display)
    assert display.ring.text() != "--:--"
    # Nothing for staff: no buttons, no fields, not even the customer's own name (the tip
    # page's buttons are the customer's, and shown only on that page).
    assert [b for b in display.findChildren(QAbstractButton) if b.isVisible()] == []
    assert all(b.objectName().startswith("tip") for b in display.findChildren(QAbstractButton))
    assert display.findChildren(QLineEdit) == []
    assert "Grace Hopper" not in _texts(display)

    # A declined card: the customer reads why and that they may try again.
    in_thread(lambda: pay(url, DECLINED_CARD)).join(10)
    qtbot.waitUntil(lambda: display.attempt_label.isVisible(), timeout=8000)
    assert display.attempt_label.text() == DECLINED  # no bank reason on the customer's side
    assert display.qr.url() == url

    # Paid: a big thank-you, then back to Welcome by itself, with nothing of this customer.
    in_thread(lambda: pay(url))
    qtbot.waitUntil(lambda: display.view() is View.THANKS, timeout=8000)
    assert display.thanks_label.text() == "Thank you!" and display.qr.url() is None
    # Stripe was asked (when the link was made) to email its receipt to the booking's address.
    assert display.receipt_label.text() == "Receipt sent to a•••@e…"
    assert "TEST MODE" not in _texts(display)  # this display was never told a test mode
    dialog.done(0)  # closing the charge screen does not cut the thank-you short
    assert display.view() is View.THANKS
    qtbot.waitUntil(lambda: display.view() is View.WELCOME, timeout=3000)
    assert display.qr.url() is None and display.amount_label.text() == ""
    assert "$35.00" not in _texts(display) and display.state() is None


def test_cancelled_or_closed_charge_returns_to_welcome(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext, display: CustomerDisplay
) -> None:
    booking = make_booking(ui_app)
    dialog = ChargeDialog.start(
        ui_app.checkout, runner, booking.id, settings=ChargeSettings.from_config(ui_app.config)
    )
    qtbot.addWidget(dialog)
    display.follow(dialog)
    qtbot.waitUntil(lambda: display.view() is View.CHARGE, timeout=10000)
    dialog.cancel_link()
    qtbot.waitUntil(lambda: display.view() is View.WELCOME, timeout=8000)
    assert dialog.charge_state().phase is ChargePhase.CANCELLED
    assert display.qr.url() is None

    # A fresh link shows again; closing the charge screen takes it off the customer's screen.
    dialog.regenerate()
    qtbot.waitUntil(lambda: display.view() is View.CHARGE, timeout=8000)
    dialog.done(0)
    assert display.view() is View.WELCOME


def test_preparing_then_idle_states_without_a_network(display: CustomerDisplay) -> None:
    display.show_state(ChargeState(ChargePhase.PREPARING, "bk_1", amount="$12.00", service="Trim"))
    assert display.view() is View.PREPARING
    assert display.preparing_amount.text() == "$12.00"
    display.show_state(ChargeState(ChargePhase.EXPIRED, "bk_1", payment_id="pay_1"))
    assert display.view() is View.WELCOME
    display.show_state("not a state")  # ignored
    assert display.view() is View.WELCOME


def test_choose_screen_prefers_a_screen_that_is_not_the_staffs() -> None:
    staff, other = object(), object()
    assert choose_screen([staff], staff) is None
    assert choose_screen([staff, other], staff) is other
    assert choose_screen([other, staff], staff) is other
    assert choose_screen([], staff) is None


def test_f8_toggles_the_display_and_it_follows_the_charge_screen(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    display = window.customer_display
    assert not display.isVisible()
    assert window.customer_display_action.shortcut().toString() == "F8"
    assert window.customer_display_action in window.view_menu.actions()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert display.isVisible() and window.customer_display_action.isChecked()
    assert display.view() is View.WELCOME

    booking = make_booking(ui_app)
    window.refresh()
    qtbot.waitUntil(lambda: window.select_booking(booking.id))
    qtbot.waitUntil(lambda: window.charge_action.isEnabled())
    dialog = window.charge_selected()
    assert dialog is not None
    qtbot.waitUntil(lambda: display.view() is View.CHARGE, timeout=10000)
    assert display.qr.url() == dialog.qr.url()
    # F8 over the charge screen hides it (and shows it again).
    assert window.customer_display_action in dialog.actions()
    window.customer_display_action.trigger()
    assert not display.isVisible()
    window.customer_display_action.trigger()
    assert display.isVisible() and display.view() is View.CHARGE
    dialog.done(0)
    qtbot.waitUntil(lambda: display.view() is View.WELCOME)
    # Closing the customer window itself unchecks the menu item.
    display.close()
    assert not window.customer_display_action.isChecked()
