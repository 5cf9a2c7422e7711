"""Split payment's dialog: the part the customer pays first, in cash (then the rest by card)
or by card (then the rest in cash). Opened by the shell for the Sell screen with the work to
do (save the sale, record a cash part); the limits are the domain's ``check_split`` and
``check_card_first``, shown word for word in the preview.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QWidget

from pos_app.domain.errors import PosError
from pos_app.domain.money import Money
from pos_app.i18n import _
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.payments.amount_dialog import AmountDialog
from pos_app.ui.payments.amount_presenter import first_part, split_preview, split_summary

#: (amount typed, cash first) → what was saved (the sale's order); run in the background.
SplitWorkFn = Callable[[str, bool], Any]


class SplitDialog(AmountDialog):
    """How much the customer pays first, and how: cash first (recorded at once, the rest
    by card) or card first (the charge screen asks for it, the rest in cash after)."""

    #: What the work returned (the sale's order), the first part as typed, cash first.
    recorded = Signal(object, str, bool)

    def __init__(
        self,
        work: SplitWorkFn,
        runner: TaskRunner,
        total: Money,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            runner,
            parent,
            title=_("Split payment"),
            summary=split_summary(total),
            field_label=_("&First part"),
            field="amount",
            action=_("Take cash"),
            busy_text=_("Saving the sale…"),
        )
        self.setObjectName("splitDialog")
        self._work = work
        self._total = total
        self.outcome: Any = None
        self.cash_first_button = QPushButton(_("Cash first"))
        self.card_first_button = QPushButton(_("Card first"))
        self._first = QButtonGroup(self)
        row = QHBoxLayout()
        for button in (self.cash_first_button, self.card_first_button):
            button.setCheckable(True)
            button.setAutoDefault(False)
            self._first.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        self.form.insertRow(0, row)
        self.cash_first_button.setChecked(True)
        self._first.buttonToggled.connect(lambda _b, _on: self._on_way_changed())
        self.amount_edit.setPlaceholderText(Money(total.amount // 2, total.currency).input_text())
        self.amount_edit.setFocus()

    def cash_first(self) -> bool:
        """Whether the first part is cash (else card)."""
        return self.cash_first_button.isChecked()

    def set_cash_first(self, cash: bool) -> None:
        """Cash first, or card first."""
        (self.cash_first_button if cash else self.card_first_button).setChecked(True)

    def _on_way_changed(self) -> None:
        self._action = _("Take cash") if self.cash_first() else _("Charge card")
        self.amount_row.error.show_error(None)
        self._update_preview()

    def _request(self) -> Callable[[], Any] | None:
        text, cash = self.amount_edit.text(), self.cash_first()
        try:
            first_part(text, self._total, cash_first=cash)  # refused here: nothing is saved
        except PosError as err:
            self._show_failure(err)
            return None
        work = self._work
        return lambda: work(text, cash)

    def _finish(self, result: Any) -> None:
        self.outcome = result
        self.recorded.emit(result, self.amount_edit.text(), self.cash_first())

    def _update_preview(self) -> None:
        text = self.amount_edit.text()
        self.preview_label.setText(split_preview(text, self._total, cash_first=self.cash_first()))
        self._say_amount_on_button(self._total)


__all__ = ["SplitDialog", "SplitWorkFn"]
