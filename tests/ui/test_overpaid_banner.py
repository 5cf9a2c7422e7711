"""The main window flags an overpaid booking and refunds the excess in one click."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.people import Actor, Role
from pos_app.services.people import UserForm
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.payments.overpaid_banner import OverpaidBanner
from pos_app.ui.shell.main_window import MainWindow
from tests.integration.test_overpaid import legacy_cash
from tests.payments import pay
from tests.ui.conftest import make_booking

MANAGER_PIN = "2580"


def _overpaid(ctx: AppContext) -> Booking:
    """$35.00 by card on the phone while an older station wrote $35.00 of cash."""
    booking = make_booking(ctx, "Grace Hopper")
    link = ctx.checkout.start(booking.id)
    assert link.url
    pay(link.url)
    legacy_cash(ctx, booking.id)
    ctx.checkout.refresh(link.payment_id)
    return ctx.bookings.detail(booking.id).booking


def test_the_window_flags_it_and_one_click_refunds_the_excess(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    booking = _overpaid(ui_app)
    assert booking.status is BookingStatus.OVERPAID
    window.reload()
    qtbot.waitUntil(lambda: window.select_booking(booking.id))
    banner = window.overpaid
    qtbot.waitUntil(banner.isVisible)
    assert banner.text() == "Overpaid by $35.00 — refund the excess\nRefund $35.00 to the card"
    assert banner.pin.isHidden()  # a manager is signed in: no PIN asked
    assert "Overpaid" in window.detail.text()  # the status chip says it too
    qtbot.waitUntil(window.refund_action.isEnabled)  # Refund… works for it as well

    qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)
    # Refunded and reloaded: the booking keeps its price and the flag goes.
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=15_000)
    detail = ui_app.bookings.detail(booking.id)
    assert [(r.amount, r.reason) for r in detail.refunds] == [(3500, "duplicate")]
    assert detail.booking.overpaid.amount == 0


def test_staff_type_a_manager_pin(qtbot: QtBot, runner: TaskRunner, ui_app: AppContext) -> None:
    booking = _overpaid(ui_app)
    ui_app.people.create_first_manager("Alex Morgan", MANAGER_PIN, MANAGER_PIN)
    sam = ui_app.people.create_user(UserForm("Sam Lee", Role.STAFF, "1357", "1357"))
    ui_app.deps.desk.sign_in(Actor(sam.id, sam.name, sam.role))
    banner = OverpaidBanner(runner)
    qtbot.addWidget(banner)
    banner.attach(ui_app.refunds, lambda: ui_app.deps.desk.actor)
    banner.show_detail(ui_app.bookings.detail(booking.id))
    assert not banner.isHidden() and not banner.pin.isHidden()
    assert "A manager approves refunds: type a manager PIN." in banner.text()

    banner.button.click()  # no PIN yet: said at once, nothing sent
    assert "A manager must approve refunds. Enter a manager PIN." in banner.text()
    qtbot.keyClicks(banner.pin, "9999")
    banner.button.click()
    qtbot.waitUntil(lambda: banner.view() is not None and not banner.view().busy)  # type: ignore[union-attr]
    view = banner.view()
    assert view is not None and view.error and view.can_refund
    assert ui_app.bookings.detail(booking.id).refunds == []

    qtbot.keyClicks(banner.pin, MANAGER_PIN)
    with qtbot.waitSignal(banner.refunded, timeout=15_000):
        banner.button.click()
    assert "Refund of $35.00 sent to the card." in banner.text()
    assert banner.button.isHidden()
    assert [r.amount for r in ui_app.bookings.detail(booking.id).refunds] == [3500]
