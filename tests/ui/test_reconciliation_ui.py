"""Manage ▸ Reconcile with Stripe…: a difference listed and settled from its row, the
comparison run again; a non-manager is told why nothing loads."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.people import Actor, Role
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.reports.reconcile.reconciliation_view import Col, ReconcileDialog
from tests.payments import pay
from tests.ui.conftest import make_booking


def dialog_for(qtbot: QtBot, ui_app: AppContext, runner: TaskRunner) -> ReconcileDialog:
    today = datetime.now(ui_app.config.timezone).date()
    dialog = ReconcileDialog(
        ui_app.reconciliation,
        runner,
        timezone=ui_app.config.timezone,
        start=today - timedelta(days=1),
        end=today,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_payment_made_on_the_phone_but_not_synced_is_settled_from_its_row(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    booking = make_booking(ui_app)
    view = ui_app.checkout.start(booking.id)
    assert view.url is not None
    pay(view.url)  # paid at "Stripe"; no sync has run at this desk
    dialog = dialog_for(qtbot, ui_app, runner)
    assert dialog.stack.currentWidget() is dialog.empty_label  # nothing read before Compare
    dialog.compare_button.click()
    qtbot.waitUntil(lambda: dialog.compares >= 1, timeout=10000)
    assert dialog.summary_text() == "⚠ 0 match · 1 difference"
    assert len(dialog.mismatches()) == 1
    row = [dialog.model.index(0, c).data() for c in range(dialog.model.columnCount())]
    assert row[Col.KIND] == "Missing here" and row[Col.OBJECT] == "Payment"
    assert (row[Col.HERE], row[Col.STRIPE]) == ("$35.00 · open", "$35.00 · succeeded")
    assert row[Col.WHAT].startswith("Stripe took $35.00")
    # The booking in words, never its bk_ id (the id stays in the tooltip).
    name = ui_app.bookings.detail(booking.id).booking.service_name
    assert row[Col.BOOKING] == f"Ada Lovelace · {name}" and "bk_" not in row[Col.BOOKING]
    assert booking.id in dialog.model.index(0, Col.BOOKING).data(Qt.ItemDataRole.ToolTipRole)
    button = dialog.settle_button(0)
    assert button.isEnabled() and button.text() == "Settle from Stripe"

    settled: list[bool] = []
    dialog.settled.connect(lambda: settled.append(True))
    button.click()
    qtbot.waitUntil(lambda: dialog.compares >= 2, timeout=10000)
    assert settled == [True]
    assert dialog.summary_text() == "✓ 1 match · no differences"
    assert dialog.stack.currentWidget() is dialog.empty_label
    assert dialog.status_label.text().startswith("Recorded the payment of $35.00 from Stripe.")
    assert ui_app.bookings.detail(booking.id).booking.paid_amount == 3500
    assert not dialog.settle_all_button.isEnabled()


def test_a_non_manager_is_told_and_nothing_is_listed(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    dialog = dialog_for(qtbot, ui_app, runner)
    ui_app.deps.desk.sign_in(Actor("usr_pat", "Pat Staff", Role.STAFF))
    dialog.compare()
    qtbot.waitUntil(lambda: dialog.compares >= 1, timeout=5000)
    assert dialog.error.text() == "Only a manager can reconcile with Stripe."
    assert dialog.mismatches() == [] and dialog.compare_button.isEnabled()
