"""The deposit prompt: how much of the balance to ask for now, before the charge screen.

Continue asks ``CheckoutService.start`` for a link for that amount (in the background), so the
limits are the service's own and a refused amount is a sentence under the field; once the link
is open the charge screen shows it (the service hands back the same link).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from pos_app.domain.money import Money
from pos_app.i18n import _
from pos_app.services.checkout import CheckoutView
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.payments.amount_dialog import AmountDialog
from pos_app.ui.payments.amount_presenter import balance_summary, deposit_preview
from pos_app.ui.payments.ports import LinkStarter

if TYPE_CHECKING:
    from pos_app.domain.booking import Booking


class DepositDialog(AmountDialog):
    """Ask for part of a booking's balance by card; emits the amount once the link is open."""

    confirmed = Signal(str)  # the deposit as typed, accepted by the service

    def __init__(
        self,
        checkout: LinkStarter,
        runner: TaskRunner,
        booking: Booking,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            runner,
            parent,
            title=_("Deposit"),
            summary=balance_summary(booking),
            field_label=_("&Deposit"),
            field="deposit",
            action=_("Show QR"),
            busy_text=_("Creating the payment link…"),
        )
        self._checkout = checkout
        self._booking_id = booking.id
        self._due = booking.balance_due
        self._text = ""  # the deposit as sent
        self.view: CheckoutView | None = None
        self.continue_button = self.action_button
        self.continue_button.setEnabled(False)
        # An example typed the desk's way: "10.00", "10,00" (the field reads it back).
        self.amount_edit.setPlaceholderText(Money(1000, booking.currency).input_text())
        self.preview_label.setText(_("How much should the customer pay by card now?"))
        self.amount_edit.setFocus()

    def booking_id(self) -> str:
        """The booking the deposit is for."""
        return self._booking_id

    def _request(self) -> Callable[[], CheckoutView] | None:
        text = self.amount_edit.text().strip()
        if not text:
            self.amount_row.error.show_error(_("Enter the deposit, like 10.00."))
            return None
        self._text = text
        booking_id = self._booking_id
        checkout = self._checkout
        return lambda: checkout.start(booking_id, text)

    def _finish(self, result: Any) -> None:
        self.view = result
        self.confirmed.emit(self._text)

    def _update_preview(self) -> None:
        text = self.amount_edit.text()
        self.preview_label.setText(deposit_preview(text, self._due))
        self.continue_button.setEnabled(bool(text.strip()))
