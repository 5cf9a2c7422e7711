"""Manage ▸ Audit log: typing a customer's name finds every entry of their bookings, even those
whose words name nobody (a payment link opened), and the search box takes a bounded text."""

from __future__ import annotations

from datetime import datetime, timedelta

from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.audit import SEARCH_TEXT_MAX, AuditAction
from pos_app.domain.people import Actor, Role
from pos_app.services.bookings import BookingRequest
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.people.audit_view import AuditDialog
from tests.ui.conftest import make_booking


def test_a_customers_name_finds_the_entries_of_their_bookings(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    ui_app.deps.desk.sign_in(Actor(None, "Test manager", Role.MANAGER))
    zoe = make_booking(ui_app, "Zoë Ørsted")
    ui_app.checkout.start(zoe.id)  # "Payment link opened": its words name nobody
    starts = datetime.now(ui_app.config.timezone) + timedelta(hours=3)
    other = ui_app.bookings.create(
        BookingRequest("Grace Hopper", "svc_haircut", starts, customer_email="grace@example.com")
    )
    ui_app.cash.record(other.id, "10.00")

    dialog = AuditDialog(ui_app.audit, ui_app.people, ui_app.config.timezone, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loads >= 1)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findText("Everything"))
    loads = dialog.loads
    qtbot.keyClicks(dialog.text_edit, "ZOË ØRSTED")
    qtbot.waitUntil(lambda: dialog.loads > loads and not dialog._debounce.isActive())
    qtbot.waitUntil(lambda: {e.booking_id for e in dialog.rows()} == {zoe.id})
    actions = {e.action for e in dialog.rows()}
    assert {AuditAction.BOOKING_CREATED, AuditAction.CHECKOUT_CREATED} <= actions
    texts = {dialog.model.index(r, 3).data() for r in range(dialog.model.rowCount())}
    assert texts == {"Zoë Ørsted · Haircut"}

    dialog.text_edit.setText("x" * (SEARCH_TEXT_MAX + 50))
    assert len(dialog.text_edit.text()) == SEARCH_TEXT_MAX
