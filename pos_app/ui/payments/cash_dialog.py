"""The cash dialog: how much cash was taken, and what the booking will show afterwards.

The limits (more than zero, no more than the balance due) are the domain's ``check_cash``:
``CashService`` applies it under the booking's lock, and the preview shows its sentence. The
dialog calls one service method, through the narrow :class:`~.ports.CashRecorder`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from pos_app.domain.payment import Payment
from pos_app.i18n import _
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.payments.amount_dialog import AmountDialog
from pos_app.ui.payments.amount_presenter import balance_summary, cash_preview
from pos_app.ui.payments.ports import CashRecorder

if TYPE_CHECKING:
    from pos_app.domain.booking import Booking


class CashDialog(AmountDialog):
    """Record cash taken at the desk against a booking's balance."""

    recorded = Signal(object)  # Payment

    def __init__(
        self,
        cash: CashRecorder,
        runner: TaskRunner,
        booking: Booking,
        parent: QWidget | None = None,
    ) -> None:
        due = booking.balance_due
        super().__init__(
            runner,
            parent,
            title=_("Take cash"),
            summary=balance_summary(booking),
            field_label=_("&Amount"),
            field="amount",
            action=_("Record"),
            busy_text=_("Recording the cash payment…"),
        )
        self._cash = cash
        self._booking_id = booking.id
        self._due = due
        self.payment: Payment | None = None
        self.due_label = self.summary_label
        self.record_button = self.action_button
        self.amount_edit.setPlaceholderText(due.input_text())
        self.amount_edit.setText(due.input_text())
        self.amount_edit.selectAll()
        self.amount_edit.setFocus()

    def booking_id(self) -> str:
        """The booking the cash is for."""
        return self._booking_id

    def _request(self) -> Callable[[], Payment]:
        amount_text = self.amount_edit.text()
        booking_id = self._booking_id
        cash = self._cash
        return lambda: cash.record(booking_id, amount_text)

    def _finish(self, result: Any) -> None:
        self.payment = result
        self.recorded.emit(result)

    def _update_preview(self) -> None:
        self.preview_label.setText(cash_preview(self.amount_edit.text(), self._due))
        self._say_amount_on_button(self._due)
