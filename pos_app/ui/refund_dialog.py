"""The refund dialog: how much, why, and what the booking will show afterwards.

The limits (more than zero, no more than what is left) are checked by ``RefundService`` under
the booking's lock; the dialog only previews and shows the sentences the service returns.
A manager approves every refund: when the person signed in is not one, the dialog asks for a
manager's PIN and the service checks it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.errors import PermissionDeniedError, PosError, ValidationError
from pos_app.domain.money import Money, parse_money
from pos_app.domain.payment import REFUND_REASONS
from pos_app.services.refunds import RefundOutcome
from pos_app.ui import theme
from pos_app.ui.forms import ErrorLabel, FieldWithError, form_label
from pos_app.ui.sign_in import pin_edit
from pos_app.ui.tasks import TaskRunner, user_message

if TYPE_CHECKING:
    from pos_app.app import AppContext


def refund_preview(amount_text: str, refundable: Money) -> str:
    """One line saying what will happen, e.g. 'Refund $35.00 of $35.00 — the booking will
    show Refunded'; or what is wrong with the amount."""
    try:
        amount = parse_money(amount_text, refundable.currency, field="amount")
    except PosError as err:
        return err.message
    if amount.amount <= 0:
        return "The refund must be more than zero."
    if amount > refundable:
        return f"You can refund at most {refundable.format()}."
    outcome = "Refunded" if amount == refundable else "Partially refunded"
    return f"Refund {amount.format()} of {refundable.format()} — the booking will show {outcome}"


class RefundDialog(QDialog):
    """Refund all or part of a booking's card payments."""

    refunded = Signal(object)  # RefundOutcome

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        booking_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._booking_id = booking_id
        self._refundable: Money | None = None
        self.outcome: RefundOutcome | None = None
        self.setWindowTitle("Refund")
        self.setModal(True)
        self.setMinimumWidth(560)

        title = QLabel("Refund")
        title.setFont(theme.font(self, scale=1.35, bold=True))
        self.available_label = QLabel("Checking what can be refunded…")
        self.available_label.setFont(theme.font(self, scale=1.1))

        self.amount_edit = QLineEdit()
        self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount_edit.setEnabled(False)
        self.amount_row = FieldWithError(self.amount_edit)
        self.reason_combo = QComboBox()
        for code, label in REFUND_REASONS.items():
            self.reason_combo.addItem(label, code)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(
            "Optional — kept with the refund, not sent to the customer"
        )
        # Asked for only when the person signed in is not a manager.
        self.needs_pin = not ctx.deps.desk.actor.is_manager
        self.pin_edit = pin_edit("A manager types their PIN here")
        self.pin_row = FieldWithError(self.pin_edit)
        self.pin_hint = QLabel("A manager must approve refunds.")
        self.pin_hint.setStyleSheet("color: palette(placeholder-text);")
        self.pin_edit.returnPressed.connect(self.submit)
        self.preview_label = QLabel("")
        self.preview_label.setWordWrap(True)
        self.preview_label.setFont(theme.font(self, scale=1.05, bold=True))

        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.setHorizontalSpacing(14)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.addRow(form_label("&Amount", self.amount_edit), self.amount_row)
        form.addRow(form_label("&Reason", self.reason_combo), self.reason_combo)
        form.addRow(form_label("&Note", self.note_edit), self.note_edit)
        if self.needs_pin:
            form.addRow(form_label("Manager &PIN", self.pin_edit), self.pin_row)
            form.addRow("", self.pin_hint)
        else:
            self.pin_row.hide()
            self.pin_hint.hide()

        self.general_error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.refund_button = self.buttons.addButton(
            "Refund", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.refund_button.setEnabled(False)
        self.refund_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(self.available_label)
        layout.addLayout(form)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

        self.amount_edit.textChanged.connect(self._update_preview)
        self._load()

    # -- public -------------------------------------------------------------------------

    def amount_error(self) -> str:
        """The sentence under the amount field ('' when none)."""
        return self.amount_row.error.text()

    def pin_error(self) -> str:
        """The sentence under the manager PIN field ('' when none)."""
        return "" if self.pin_row.error.isHidden() else self.pin_row.error.text()

    def preview_text(self) -> str:
        """The preview line as shown."""
        return self.preview_label.text()

    def submit(self) -> None:
        """Send the refund to ``RefundService.refund`` in the background."""
        if self._refundable is None:
            return
        self.amount_row.error.show_error(None)
        self.pin_row.error.show_error(None)
        self.general_error.show_error(None)
        manager_pin = self.pin_edit.text() if self.needs_pin else None
        if self.needs_pin and not manager_pin:
            self.pin_row.error.show_error("A manager must approve refunds. Enter a manager PIN.")
            self.pin_edit.setFocus()
            return
        amount_text = self.amount_edit.text()
        reason = self.reason_combo.currentData()
        note = self.note_edit.text().strip()
        booking_id = self._booking_id
        refunds = self._ctx.refunds
        self._set_busy(True)
        self._runner.run(
            lambda: refunds.refund(
                booking_id, amount_text, reason=reason, note=note, manager_pin=manager_pin
            ),
            on_success=self._on_refunded,
            on_failure=self._on_failed,
            owner=self,
        )

    # -- internals ----------------------------------------------------------------------

    def _load(self) -> None:
        refunds = self._ctx.refunds
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
            self.available_label.setText("There is nothing left to refund on this booking.")
            return
        self.available_label.setText(f"Up to {money.format()} can be refunded.")
        self.amount_edit.setEnabled(True)
        self.amount_edit.setText(money.plain())
        self.amount_edit.selectAll()
        self.amount_edit.setFocus()
        self.refund_button.setEnabled(True)

    def _update_preview(self) -> None:
        self.amount_row.error.show_error(None)
        if self._refundable is None:
            return
        text = self.amount_edit.text()
        self.preview_label.setText(refund_preview(text, self._refundable))
        try:
            amount = parse_money(text, self._refundable.currency, field="amount")
        except PosError:
            amount = None
        valid = amount is not None and 0 < amount.amount <= self._refundable.amount
        # Say the amount on the button too: the last thing read before money moves.
        self.refund_button.setText(f"Refund {amount.format()}" if valid and amount else "Refund")

    def _set_busy(self, busy: bool) -> None:
        self.refund_button.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)
        self.amount_edit.setEnabled(not busy)
        self.pin_edit.setEnabled(not busy)
        if busy:
            self.preview_label.setText("Sending the refund to Stripe…")

    def _on_refunded(self, outcome: RefundOutcome) -> None:
        self._set_busy(False)
        self.outcome = outcome
        self.refunded.emit(outcome)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._update_preview()
        if isinstance(error, PermissionDeniedError) and self.needs_pin:
            # Wrong PIN, locked, or no manager: said under the PIN; nothing was refunded,
            # and the preview of what will happen still stands.
            self.pin_edit.clear()
            self.pin_row.error.show_error(user_message(error))
            self.pin_edit.setFocus()
            return
        self.preview_label.setText("")  # the sentence under the amount says it all
        if isinstance(error, ValidationError) and error.field != "amount":
            self.general_error.show_error(error.message)
        else:
            # Amount problems, and anything else (nothing left, Stripe refused), sit right
            # under the amount: that is where the person is looking.
            self.amount_row.error.show_error(user_message(error))
