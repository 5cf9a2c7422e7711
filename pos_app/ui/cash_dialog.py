"""The cash dialog: how much cash was taken, and what the booking will show afterwards.

The limits (more than zero, no more than the balance due) are checked by ``CashService`` under
the booking's lock; the dialog only previews and shows the sentences the service returns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.errors import PosError, ValidationError
from pos_app.domain.money import Money, parse_money
from pos_app.domain.payment import Payment
from pos_app.ui import theme
from pos_app.ui.forms import ErrorLabel, FieldWithError, form_label
from pos_app.ui.tasks import TaskRunner, user_message

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.domain.booking import Booking


def _parse(text: str, due: Money) -> Money | None:
    try:
        return parse_money(text, due.currency, field="amount")
    except PosError:
        return None


def cash_preview(amount_text: str, balance_due: Money) -> str:
    """One line saying what will happen, e.g. 'Record $25.00 in cash — the booking will show
    Paid'; or what is wrong with the amount."""
    try:
        amount = parse_money(amount_text, balance_due.currency, field="amount")
    except PosError as err:
        return err.message
    if amount.amount <= 0:
        return "The amount must be more than zero."
    if amount > balance_due:
        return f"The balance due is {balance_due.format()}. Record at most that."
    outcome = "Paid" if amount == balance_due else "Deposit paid"
    return f"Record {amount.format()} in cash — the booking will show {outcome}"


class CashDialog(QDialog):
    """Record cash taken at the desk against a booking's balance."""

    recorded = Signal(object)  # Payment

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        booking: Booking,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._booking_id = booking.id
        self._due = booking.balance_due
        self.payment: Payment | None = None
        self.setWindowTitle("Take cash")
        self.setModal(True)
        self.setMinimumWidth(560)

        title = QLabel("Take cash")
        title.setFont(theme.font(self, scale=1.35, bold=True))
        self.due_label = QLabel(
            f"{booking.customer_name} · {booking.service_name} — balance due {self._due.format()}"
        )
        self.due_label.setWordWrap(True)
        self.due_label.setFont(theme.font(self, scale=1.1))

        self.amount_edit = QLineEdit(self._due.plain())
        self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount_edit.setPlaceholderText(self._due.plain())
        self.amount_row = FieldWithError(self.amount_edit)
        self.preview_label = QLabel("")
        self.preview_label.setWordWrap(True)
        self.preview_label.setFont(theme.font(self, scale=1.05, bold=True))

        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.setHorizontalSpacing(14)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.addRow(form_label("&Amount", self.amount_edit), self.amount_row)

        self.general_error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.record_button = self.buttons.addButton(
            "Record", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.record_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(self.due_label)
        layout.addLayout(form)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

        self.amount_edit.textChanged.connect(self._update_preview)
        self._update_preview()
        self.amount_edit.selectAll()
        self.amount_edit.setFocus()

    # -- public -------------------------------------------------------------------------

    def booking_id(self) -> str:
        """The booking the cash is for."""
        return self._booking_id

    def amount_error(self) -> str:
        """The sentence under the amount field ('' when none)."""
        return self.amount_row.error.text()

    def preview_text(self) -> str:
        """The preview line as shown."""
        return self.preview_label.text()

    def submit(self) -> None:
        """Send the amount to ``CashService.record`` in the background."""
        self.amount_row.error.show_error(None)
        self.general_error.show_error(None)
        amount_text = self.amount_edit.text()
        booking_id = self._booking_id
        cash = self._ctx.cash
        self._set_busy(True)
        self._runner.run(
            lambda: cash.record(booking_id, amount_text),
            on_success=self._on_recorded,
            on_failure=self._on_failed,
            owner=self,
        )

    # -- internals ----------------------------------------------------------------------

    def _update_preview(self) -> None:
        self.amount_row.error.show_error(None)
        text = self.amount_edit.text()
        self.preview_label.setText(cash_preview(text, self._due))
        amount = _parse(text, self._due)
        valid = amount is not None and 0 < amount.amount <= self._due.amount
        # Say the amount on the button too: the last thing read before money is recorded.
        self.record_button.setText(f"Record {amount.format()}" if valid and amount else "Record")

    def _set_busy(self, busy: bool) -> None:
        self.record_button.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)
        self.amount_edit.setEnabled(not busy)
        if busy:
            self.preview_label.setText("Recording the cash payment…")

    def _on_recorded(self, payment: Payment) -> None:
        self._set_busy(False)
        self.payment = payment
        self.recorded.emit(payment)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._update_preview()
        self.preview_label.setText("")  # the sentence under the amount says it all
        if isinstance(error, ValidationError) and error.field != "amount":
            self.general_error.show_error(error.message)
        else:
            self.amount_row.error.show_error(user_message(error))
        self.amount_edit.setFocus()
