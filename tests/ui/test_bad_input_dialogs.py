"""Issue 11 item 9 in the desktop dialogs: the same hostile values the CLI was tried with
give the same sentences under their fields, and nothing is saved."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.dates import FIRST_DAY, LAST_DAY
from pos_app.domain.money import ASCII_DIGITS_ONLY
from pos_app.ui.day.booking_dialog import BookingDialog
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.people.audit_view import AuditDialog
from pos_app.ui.reports.reconcile.reconciliation_view import ReconcileDialog
from pos_app.ui.shell.main_window import MainWindow
from tests.ui.conftest import make_booking


def _open_form(qtbot: QtBot, window: MainWindow) -> BookingDialog:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.booking_dialog is not None)
    dialog = window.booking_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.service_combo.isEnabled())
    return dialog


def test_the_booking_form_refuses_escape_codes_and_other_digits(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    dialog = _open_form(qtbot, window)
    dialog.name_edit.setText("Ada \x1b[31mLovelace\u202e")  # pasted: typing cannot make ESC
    dialog.price_edit.setText("٣٥")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.error_text("price") != "")
    assert dialog.error_text("price") == ASCII_DIGITS_ONLY
    assert "invisible control character" in dialog.error_text("customer_name")
    assert dialog.isVisible() and ui_app.bookings.list_day(ui_app.bookings.today()) == []


def test_the_cash_dialog_refuses_full_width_digits_and_huge_amounts(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    booking = make_booking(ui_app, "Alan Turing")
    window.refresh()
    qtbot.waitUntil(lambda: window.select_booking(booking.id))
    qtbot.waitUntil(lambda: window.cash_action.isEnabled())
    dialog = window.cash_selected()
    assert dialog is not None
    dialog.amount_edit.setText("１２")
    assert dialog.preview_text() == ASCII_DIGITS_ONLY
    dialog.amount_edit.setText("1" + "0" * 33)
    assert dialog.preview_text() == "The largest amount you can enter is $999,999.99."
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.amount_error() != "")
    assert dialog.amount_error() == "The largest amount you can enter is $999,999.99."
    assert ui_app.bookings.detail(booking.id).payments == []


def test_the_audit_and_reconcile_date_filters_stay_inside_the_calendar(
    qtbot: QtBot, ui_app: AppContext, runner: TaskRunner
) -> None:
    audit = AuditDialog(ui_app.audit, ui_app.people, ui_app.config.timezone, runner)
    qtbot.addWidget(audit)
    audit.to_edit.setDate(QDate(9999, 12, 31))  # the day after it overflowed the query
    audit.from_edit.setDate(QDate(1752, 9, 14))
    query = audit.query()
    assert query.end is not None and query.end.date() <= LAST_DAY + timedelta(days=1)
    assert query.start is not None and query.start.date() >= FIRST_DAY
    reconcile = ReconcileDialog(ui_app.reconciliation, runner, timezone=ui_app.config.timezone)
    qtbot.addWidget(reconcile)
    reconcile.to_edit.setDate(QDate(9999, 12, 31))
    assert reconcile.to_edit.date().toPython() == LAST_DAY
