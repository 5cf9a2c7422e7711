"""The refund dialog asks for a manager's PIN when staff are signed in, and only then."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import Booking
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import AuditQuery
from pos_app.services.people import UserForm
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.payments.refund_dialog import RefundDialog
from tests.payments import pay
from tests.ui.conftest import make_booking

MANAGER_PIN = "2580"


@pytest.fixture
def paid(ui_app: AppContext) -> Booking:
    """A $35.00 booking paid by card."""
    booking = make_booking(ui_app, "Grace Hopper")
    view = ui_app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    ui_app.checkout.refresh(view.payment_id)
    return booking


@pytest.fixture
def staff_signed_in(ui_app: AppContext) -> Actor:
    """Alex Morgan (manager, PIN 2580) exists; Sam Lee (staff) is at the desk."""
    ui_app.people.create_first_manager("Alex Morgan", MANAGER_PIN, MANAGER_PIN)
    sam = ui_app.people.create_user(UserForm("Sam Lee", Role.STAFF, "1357", "1357"))
    actor = Actor(sam.id, sam.name, sam.role)
    ui_app.deps.desk.sign_in(actor)
    return actor


def _open(qtbot: QtBot, ui_app: AppContext, runner: TaskRunner, booking: Booking) -> RefundDialog:
    needs_pin = not ui_app.deps.desk.actor.is_manager
    dialog = RefundDialog(ui_app.refunds, runner, booking.id, needs_pin=needs_pin)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.amount_edit.text() == "35.00")  # the remainder, prefilled
    return dialog


def test_staff_refund_with_a_manager_pin(
    qtbot: QtBot,
    runner: TaskRunner,
    ui_app: AppContext,
    paid: Booking,
    staff_signed_in: Actor,
) -> None:
    dialog = _open(qtbot, ui_app, runner, paid)
    assert dialog.needs_pin and not dialog.pin_row.isHidden()
    assert dialog.pin_edit.echoMode() == dialog.pin_edit.EchoMode.Password
    dialog.amount_edit.setText("10.00")
    qtbot.keyClicks(dialog.pin_edit, "25a8x0")  # only digits are taken
    assert dialog.pin_edit.text() == MANAGER_PIN
    with qtbot.waitSignal(dialog.refunded, timeout=8000):
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    assert ui_app.refunds.refundable(paid.id).amount == 2500
    ui_app.deps.desk.sign_in(Actor(None, "Reader", Role.MANAGER))
    [entry] = ui_app.audit.query(
        AuditQuery(booking_id=paid.id, actions=frozenset({AuditAction.REFUND_REQUESTED}))
    )
    assert entry.actor_name == "Sam Lee" and entry.amount == 1000
    assert entry.detail.endswith("approved by Alex Morgan (manager PIN)")


def test_a_missing_or_wrong_pin_is_said_under_the_field_and_refunds_nothing(
    qtbot: QtBot,
    runner: TaskRunner,
    ui_app: AppContext,
    paid: Booking,
    staff_signed_in: Actor,
) -> None:
    dialog = _open(qtbot, ui_app, runner, paid)
    dialog.submit()
    assert dialog.pin_error() == "A manager must approve refunds. Enter a manager PIN."
    dialog.pin_edit.setText("1357")  # a staff PIN approves nothing
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.pin_error() == "That PIN is not right.", timeout=5000)
    assert dialog.pin_edit.text() == ""  # typed again from scratch
    assert dialog.isVisible() and dialog.refund_button.isEnabled()
    assert dialog.preview_text().startswith("Refund $35.00 of $35.00")  # still there
    assert ui_app.bookings.detail(paid.id).refunds == []
    assert ui_app.refunds.refundable(paid.id).amount == 3500


def test_a_manager_at_the_desk_is_not_asked_for_a_pin(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext, paid: Booking
) -> None:
    assert ui_app.deps.desk.actor.is_manager  # the fixture's manager
    dialog = _open(qtbot, ui_app, runner, paid)
    assert not dialog.needs_pin and dialog.pin_row.isHidden()
    with qtbot.waitSignal(dialog.refunded, timeout=8000):
        dialog.submit()
    assert ui_app.refunds.refundable(paid.id).amount == 0
