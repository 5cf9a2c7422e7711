"""The deposit prompt: how much of the balance to ask for now, before the charge screen.

Continue asks ``CheckoutService.start`` for a link for that amount (in the background), so the
limits are the service's own and a refused amount is a sentence under the field; once the link
is open the charge screen shows it (the service hands back the same link).
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

from pos_app.domain.errors import PosError
from pos_app.domain.money import Money, parse_money
from pos_app.domain.payment import check_deposit
from pos_app.services.checkout import CheckoutView
from pos_app.ui import theme
from pos_app.ui.forms import FieldWithError, form_label
from pos_app.ui.tasks import TaskRunner, user_message

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.domain.booking import Booking

PLACEHOLDER = "10.00"


def deposit_preview(amount_text: str, balance_due: Money) -> str:
    """One line saying what will happen, e.g. 'Ask $10.00 by card now — $25.00 stays due';
    or what is wrong with the amount ('' while the field is empty)."""
    if not amount_text.strip():
        return ""
    try:
        amount = parse_money(amount_text, balance_due.currency, field="deposit")
        check_deposit(amount, balance_due)
    except PosError as err:
        return err.message
    rest = balance_due - amount
    if rest.amount <= 0:
        return f"Ask {amount.format()} by card now — the whole balance"
    return f"Ask {amount.format()} by card now — {rest.format()} stays due"


class DepositDialog(QDialog):
    """Ask for part of a booking's balance by card; emits the amount once the link is open."""

    confirmed = Signal(str)  # the deposit as typed, accepted by the service

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
        self.view: CheckoutView | None = None
        self.setWindowTitle("Deposit")
        self.setModal(True)
        self.setMinimumWidth(560)

        title = QLabel("Deposit")
        title.setFont(theme.font(self, scale=1.35, bold=True))
        self.due_label = QLabel(
            f"{booking.customer_name} · {booking.service_name} — balance due {self._due.format()}"
        )
        self.due_label.setWordWrap(True)
        self.due_label.setFont(theme.font(self, scale=1.1))

        self.amount_edit = QLineEdit()
        self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount_edit.setPlaceholderText(PLACEHOLDER)
        self.amount_row = FieldWithError(self.amount_edit)
        self.preview_label = QLabel("How much should the customer pay by card now?")
        self.preview_label.setWordWrap(True)
        self.preview_label.setFont(theme.font(self, scale=1.05, bold=True))

        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.setHorizontalSpacing(14)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.addRow(form_label("&Deposit", self.amount_edit), self.amount_row)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.continue_button = self.buttons.addButton(
            "Show QR", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.continue_button.setDefault(True)
        self.continue_button.setEnabled(False)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(self.due_label)
        layout.addLayout(form)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.buttons)

        self.amount_edit.textChanged.connect(self._update_preview)
        self.amount_edit.setFocus()

    # -- public -------------------------------------------------------------------------

    def booking_id(self) -> str:
        """The booking the deposit is for."""
        return self._booking_id

    def amount_error(self) -> str:
        """The sentence under the deposit field ('' when none)."""
        return self.amount_row.error.text()

    def preview_text(self) -> str:
        """The preview line as shown."""
        return self.preview_label.text()

    def submit(self) -> None:
        """Ask ``CheckoutService.start`` for a link for the deposit, in the background."""
        self.amount_row.error.show_error(None)
        text = self.amount_edit.text().strip()
        if not text:
            self.amount_row.error.show_error("Enter the deposit, like 10.00.")
            return
        booking_id = self._booking_id
        checkout = self._ctx.checkout
        self._set_busy(True)
        self._runner.run(
            lambda: checkout.start(booking_id, text),
            on_success=lambda view: self._on_started(text, view),
            on_failure=self._on_failed,
            owner=self,
        )

    # -- internals ----------------------------------------------------------------------

    def _update_preview(self) -> None:
        self.amount_row.error.show_error(None)
        text = self.amount_edit.text()
        self.preview_label.setText(deposit_preview(text, self._due))
        self.continue_button.setEnabled(bool(text.strip()))

    def _set_busy(self, busy: bool) -> None:
        self.continue_button.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)
        self.amount_edit.setEnabled(not busy)
        if busy:
            self.preview_label.setText("Creating the payment link…")

    def _on_started(self, text: str, view: CheckoutView) -> None:
        self._set_busy(False)
        self.view = view
        self.confirmed.emit(text)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._update_preview()
        self.preview_label.setText("")  # the sentence under the amount says it all
        self.amount_row.error.show_error(user_message(error))
        self.amount_edit.setFocus()
