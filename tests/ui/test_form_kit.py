"""The shared form pieces: Enter confirms, busy forms cannot be sent twice, sentences land
under their fields; and the dialogs built on them behave that way."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.errors import FormErrors, ValidationError
from pos_app.domain.payment import PaymentMethod
from pos_app.i18n import gettext
from pos_app.services.bookings import PAST_TIME
from pos_app.services.people import LAST_MANAGER
from pos_app.ui.kit.form_kit import (
    BusyState,
    FormFeedback,
    cancel_button,
    dialog_buttons,
    dialog_layout,
)
from pos_app.ui.kit.forms import ErrorLabel, FieldWithError
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tasks import GENERIC_ERROR, TaskRunner
from pos_app.ui.payments.cash_dialog import CashDialog
from pos_app.ui.payments.refund_dialog import RefundDialog
from tests.language import language
from tests.payments import pay
from tests.ui.conftest import make_booking


def _shown(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def test_enter_in_a_field_presses_the_action_button_not_cancel(qtbot: QtBot) -> None:
    dialog = QDialog()
    edit = QLineEdit()
    layout = dialog_layout(dialog)
    layout.addWidget(edit)
    pressed: list[str] = []
    box, ok = dialog_buttons(dialog, layout, "Record", lambda: pressed.append("ok"))
    dialog.rejected.connect(lambda: pressed.append("closed"))
    _shown(qtbot, dialog)
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert pressed == ["ok"] and ok.isDefault() and dialog.isVisible()
    qtbot.mouseClick(cancel_button(box), Qt.MouseButton.LeftButton)
    assert pressed == ["ok", "closed"] and not dialog.isVisible()


def test_buttons_outside_the_dialog_are_refused(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    loose = QHBoxLayout()  # not in the dialog yet: "default" would be ignored
    with pytest.raises(RuntimeError, match="put the layout in the dialog"):
        dialog_buttons(dialog, loose, "Save", lambda: None)


def test_busy_disables_then_restores_and_the_spinner_waits(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    save, other, off = QPushButton("Save", parent), QLineEdit(parent), QLineEdit(parent)
    off.setEnabled(False)  # disabled before: stays disabled after
    spinner = Spinner(parent, diameter=16)
    busy = BusyState(parent, save, other, off, label=save, spinner=spinner, delay_ms=80)
    parent.show()
    assert spinner.isHidden()

    busy.begin()
    assert busy.busy and save.text() == "Saving…"
    assert not save.isEnabled() and not other.isEnabled() and not off.isEnabled()
    assert spinner.isHidden()  # quick work never flashes it
    qtbot.waitUntil(spinner.isVisible, timeout=2000)

    busy.end()
    assert not busy.busy and save.text() == "Save" and spinner.isHidden()
    assert save.isEnabled() and other.isEnabled() and not off.isEnabled()


def test_busy_says_so_in_a_label_and_empties_it_after(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    button, status = QPushButton("Move", parent), QLabel("", parent)
    busy = BusyState(parent, button, label=status)
    busy.begin("Moving…")
    busy.begin("Again…")  # already busy: nothing changes
    assert status.text() == "Moving…" and not button.isEnabled()
    busy.end()
    assert status.text() == "" and button.isEnabled()


def test_feedback_puts_sentences_under_their_fields(qtbot: QtBot) -> None:
    dialog = QDialog()
    rows = {"name": FieldWithError(QLineEdit()), "email": FieldWithError(QLineEdit())}
    general = ErrorLabel()
    layout = dialog_layout(dialog)
    for row in rows.values():
        layout.addWidget(row)
    layout.addWidget(general)
    _shown(qtbot, dialog)
    feedback = FormFeedback(rows, general, grow=dialog)

    first = feedback.show_error(
        FormErrors({"email": "Enter an email like name@example.com.", "other": "Try later."})
    )
    assert first == "email" and rows["email"].field.hasFocus()
    assert feedback.text("email") == "Enter an email like name@example.com."
    assert feedback.text("name") == "" and general.text() == "Try later."

    assert feedback.show_error(ValidationError("name", "Enter a name.")) == "name"
    assert feedback.text("name") == "Enter a name." and feedback.text("email") == ""
    assert general.isHidden()

    feedback.clear_field_of(rows["name"].field)
    assert feedback.text("name") == ""

    assert feedback.show_error(RuntimeError("database on fire")) is None
    assert general.text() == GENERIC_ERROR  # never the exception's own words

    height = dialog.height()
    long = "A sentence long enough to wrap onto several lines in a narrow dialog. " * 6
    feedback.show({"name": long})
    qtbot.waitUntil(lambda: dialog.height() > height)  # grown to show it whole
    feedback.clear()
    assert feedback.text("name") == "" and general.isHidden()


def test_feedback_says_a_services_marked_sentence_in_the_desks_language(qtbot: QtBot) -> None:
    # A service raises FormErrors with its N_ sentence (LAST_MANAGER, PAST_TIME) in English;
    # the form row looks it up, as the command line does, so German is shown under the field.
    dialog = QDialog()
    rows = {"active": FieldWithError(QLineEdit())}
    general = ErrorLabel()
    layout = dialog_layout(dialog)
    layout.addWidget(rows["active"])
    layout.addWidget(general)
    _shown(qtbot, dialog)
    feedback = FormFeedback(rows, general)
    with language("de"):
        feedback.show_error(FormErrors({"active": LAST_MANAGER, "other": PAST_TIME}))
        assert feedback.text("active") == _german(LAST_MANAGER)
        assert general.text() == _german(PAST_TIME)
        feedback.show_error(ValidationError("active", PAST_TIME))
        assert feedback.text("active") == _german(PAST_TIME)


def _german(sentence: str) -> str:
    with language("de"):
        german = gettext(sentence)
    assert german != sentence  # the catalog has it: the test would pass on English otherwise
    return german


def test_enter_in_the_cash_amount_records_it(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    booking = make_booking(ui_app, "Grace Hopper")
    dialog = CashDialog(ui_app.cash, runner, booking)
    _shown(qtbot, dialog)
    assert dialog.amount_edit.hasFocus()
    qtbot.keyClicks(dialog.amount_edit, "20")  # replaces the selected balance
    assert dialog.record_button.text() == "Record $20.00"
    with qtbot.waitSignal(dialog.recorded, timeout=8000):
        qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Return)
    payments = ui_app.bookings.detail(booking.id).payments
    assert [(p.method, p.amount) for p in payments] == [(PaymentMethod.CASH, 2000)]
    assert dialog.payment is not None and dialog.payment.amount == 2000


def test_refund_fields_come_before_the_buttons_and_enter_refunds(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    booking = make_booking(ui_app, "Grace Hopper")
    view = ui_app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    ui_app.checkout.refresh(view.payment_id)
    dialog = RefundDialog(ui_app.refunds, runner, booking.id, needs_pin=False)
    _shown(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.amount_edit.text() == "35.00")
    qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Tab)
    assert dialog.reason_combo.hasFocus()
    qtbot.keyClick(dialog.reason_combo, Qt.Key.Key_Tab)
    assert dialog.note_edit.hasFocus()
    qtbot.keyClicks(dialog.note_edit, "Spilled coffee")
    with qtbot.waitSignal(dialog.refunded, timeout=8000):
        qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return)
    assert ui_app.refunds.refundable(booking.id).amount == 0
