"""Split payment's dialog: how much cash the customer hands over now (the rest goes to the
card). Opened by the shell for the Sell screen with the work to do (save the sale, record the
cash part); the limits are the domain's ``check_split``, shown word for word in the preview.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from pos_app.domain.errors import PosError
from pos_app.domain.money import Money
from pos_app.i18n import _
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.payments.amount_dialog import AmountDialog
from pos_app.ui.payments.amount_presenter import cash_part, split_preview, split_summary


class SplitDialog(AmountDialog):
    """How much cash the customer hands over now; the sale is then saved and that cash
    recorded (``recorded`` carries the order), and the rest goes to the card."""

    recorded = Signal(object)  # what ``take_cash`` returned (the sale's order)

    def __init__(
        self,
        take_cash: Callable[[str], Any],
        runner: TaskRunner,
        total: Money,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            runner,
            parent,
            title=_("Split payment"),
            summary=split_summary(total),
            field_label=_("Cash &now"),
            field="amount",
            action=_("Take cash"),
            busy_text=_("Saving the sale and recording the cash…"),
        )
        self.setObjectName("splitDialog")
        self._take_cash = take_cash
        self._total = total
        self.outcome: Any = None
        self.amount_edit.setPlaceholderText(Money(total.amount // 2, total.currency).input_text())
        self.amount_edit.setFocus()

    def _request(self) -> Callable[[], Any] | None:
        text = self.amount_edit.text()
        try:
            cash_part(text, self._total)  # refused here: nothing is saved
        except PosError as err:
            self._show_failure(err)
            return None
        take_cash = self._take_cash
        return lambda: take_cash(text)

    def _finish(self, result: Any) -> None:
        self.outcome = result
        self.recorded.emit(result)

    def _update_preview(self) -> None:
        self.preview_label.setText(split_preview(self.amount_edit.text(), self._total))
        self._say_amount_on_button(self._total)


__all__ = ["SplitDialog"]
