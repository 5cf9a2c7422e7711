"""The refund dialog: how much, why, and what the booking will show afterwards.

The limits (more than zero, no more than what is left) are the domain's ``check_refund``:
``RefundService`` applies it under the booking's lock, and the preview shows its sentence.
A manager approves every refund: when the person signed in is not one, the dialog asks for a
manager's PIN and the service checks it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from pos_app.domain.errors import PermissionDeniedError
from pos_app.domain.money import Money
from pos_app.domain.payment import REFUND_REASONS
from pos_app.i18n import _
from pos_app.services.refunds import RefundOutcome
from pos_app.ui.kit.form_kit import muted_label
from pos_app.ui.kit.forms import FieldWithError, form_label
from pos_app.ui.kit.pin import pin_edit
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.payments.amount_dialog import AmountDialog
from pos_app.ui.payments.amount_presenter import refund_preview
from pos_app.ui.payments.ports import Refunder


class RefundDialog(AmountDialog):
    """Refund all or part of a booking's card payments."""

    refunded = Signal(object)  # RefundOutcome

    def __init__(
        self,
        refunds: Refunder,
        runner: TaskRunner,
        booking_id: str,
        parent: QWidget | None = None,
        *,
        needs_pin: bool = True,
    ) -> None:
        super().__init__(
            runner,
            parent,
            title=_("Refund"),
            summary=_("Checking what can be refunded…"),
            field_label=_("&Amount"),
            field="amount",
            action=_("Refund"),
            busy_text=_("Sending the refund to Stripe…"),
        )
        self._refunds = refunds
        self._booking_id = booking_id
        self._refundable: Money | None = None
        self.outcome: RefundOutcome | None = None
        self.available_label = self.summary_label
        self.refund_button = self.action_button
        self.amount_edit.setEnabled(False)
        self.refund_button.setEnabled(False)

        self.reason_combo = QComboBox()
        for code, label in REFUND_REASONS.items():
            self.reason_combo.addItem(_(label), code)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(
            _("Optional — kept with the refund, not sent to the customer")
        )
        # Asked for only when the person signed in is not a manager (the shell says which).
        self.needs_pin = needs_pin
        self.pin_edit = pin_edit(_("A manager types their PIN here"))
        self.pin_row = FieldWithError(self.pin_edit)
        self.pin_hint = muted_label(_("A manager must approve refunds."))
        self.form.addRow(form_label(_("&Reason"), self.reason_combo), self.reason_combo)
        self.form.addRow(form_label(_("&Note"), self.note_edit), self.note_edit)
        if self.needs_pin:
            self.form.addRow(form_label(_("Manager &PIN"), self.pin_edit), self.pin_row)
            self.form.addRow("", self.pin_hint)
        else:
            self.pin_row.hide()
            self.pin_hint.hide()
        # The rows came after the buttons: put them back before them for Tab.
        QWidget.setTabOrder(self.amount_edit, self.reason_combo)
        QWidget.setTabOrder(self.reason_combo, self.note_edit)
        QWidget.setTabOrder(self.note_edit, self.pin_edit)
        self.busy.add(self.pin_edit)
        self._load()

    # -- public -------------------------------------------------------------------------

    def booking_id(self) -> str:
        """The booking being refunded."""
        return self._booking_id

    def pin_error(self) -> str:
        """The sentence under the manager PIN field ('' when none)."""
        return "" if self.pin_row.error.isHidden() else self.pin_row.error.text()

    # -- internals ----------------------------------------------------------------------

    def _request(self) -> Callable[[], RefundOutcome] | None:
        if self._refundable is None:
            return None
        self.pin_row.error.show_error(None)
        manager_pin = self.pin_edit.text() if self.needs_pin else None
        if self.needs_pin and not manager_pin:
            self.pin_row.error.show_error(_("A manager must approve refunds. Enter a manager PIN."))
            self.pin_edit.setFocus()
            return None
        amount_text = self.amount_edit.text()
        reason = self.reason_combo.currentData()
        note = self.note_edit.text().strip()
        booking_id = self._booking_id
        refunds = self._refunds
        return lambda: refunds.refund(
            booking_id, amount_text, reason=reason, note=note, manager_pin=manager_pin
        )

    def _finish(self, result: Any) -> None:
        self.outcome = result
        self.refunded.emit(result)

    def _load(self) -> None:
        refunds = self._refunds
        booking_id = self._booking_id
        self._runner.run(
            lambda: refunds.refundable(booking_id),
            on_success=self._on_refundable,
            on_failure=lambda err: self.general_error.show_error(user_message(err)),
            owner=self,
        )

    def _on_refundable(self, money: Money) -> None:
        self._refundable = money
        if money.amount <= 0:
            self.available_label.setText(_("There is nothing left to refund on this booking."))
            return
        self.available_label.setText(
            _("Up to {amount} can be refunded.").format(amount=money.format())
        )
        self.amount_edit.setEnabled(True)
        self.amount_edit.setText(money.input_text())
        self.amount_edit.selectAll()
        self.amount_edit.setFocus()
        self.refund_button.setEnabled(True)

    def _update_preview(self) -> None:
        if self._refundable is None:
            return
        reason = self.reason_combo.currentData()
        self.preview_label.setText(
            refund_preview(self.amount_edit.text(), self._refundable, reason)
        )
        self._say_amount_on_button(self._refundable)

    def _show_failure(self, error: BaseException) -> None:
        if isinstance(error, PermissionDeniedError) and self.needs_pin:
            # Wrong PIN, locked, or no manager: said under the PIN; nothing was refunded,
            # and the preview of what will happen still stands.
            self._update_preview()
            self.pin_edit.clear()
            self.pin_row.error.show_error(user_message(error))
            self.pin_edit.setFocus()
            return
        super()._show_failure(error)
