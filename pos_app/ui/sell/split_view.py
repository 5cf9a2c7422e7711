"""Split payment's line on the Sell screen, for an order still partly paid (the dialog
asking for the cash part is the payments feature's ``split_dialog``, opened by the shell).

What they say and allow comes from ``split_presenter`` (no Qt); every service call runs on
the task runner.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_app.domain.payment import Payment
from pos_app.i18n import _
from pos_app.services.orders import OrderMoneyDetail
from pos_app.ui.kit import theme
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.sell.split_presenter import SplitPhase, SplitState, split_state


class SplitServices(Protocol):
    """What the split panel asks of the app."""

    def order_money(self, order_id: str) -> OrderMoneyDetail:
        """The order with its money summary and payments."""
        ...

    def record_cash(self, booking_id: str, amount_text: str | None = None) -> Payment:
        """Record cash for an order's balance (its ``ord_…`` id), or a sentence (raise)."""
        ...


class SplitPanel(QFrame):
    """The Sell screen's line for an order paid in parts, with the rest's two buttons.

    It follows one order at a time: :meth:`follow` re-reads the order's money in the
    background (after the cash part, and whenever its charge screen changes or closes), so
    what it says is what is stored. "Cash for the rest" records the stored balance in cash;
    "Charge the rest (QR)" asks the shell for the charge screen (``charge_rest``).
    """

    charge_rest = Signal(str)  # order id: open the charge screen for the stored balance

    def __init__(
        self, services: SplitServices, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sellSplitPanel")
        theme.set_role(self, "notice", tone="info")
        self._services = services
        self._runner = runner
        self.state: SplitState | None = None
        self.order_id: str | None = None
        self._charging = False  # as last followed: whether its charge screen is open
        self.text_label = QLabel("")
        self.text_label.setObjectName("sellSplitText")
        self.text_label.setWordWrap(True)
        self.charge_button = QPushButton(_("Charge the rest (QR)"))
        self.charge_button.setToolTip(_("Show the customer a payment link for what is still due"))
        self.cash_button = QPushButton(_("Cash for the rest"))
        self.cash_button.setToolTip(_("Record what is still due as paid in cash"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.cash_button, 1)
        buttons.addWidget(self.charge_button, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 8, 10, 8)
        box.addWidget(self.text_label)
        box.addLayout(buttons)
        self.charge_button.clicked.connect(self._charge_pressed)
        self.cash_button.clicked.connect(self.take_rest_in_cash)
        self.hide()

    def text(self) -> str:
        """The line as shown."""
        return self.text_label.text()

    def follow(self, order_id: str, *, charging: bool = False) -> None:
        """Show ``order_id`` (replacing any other), read from the database in the background;
        ``charging``: its charge screen is open, so the buttons wait for it."""
        self.order_id = order_id
        self._charging = charging
        services = self._services
        # Reads run side by side and may come back in any order: only the newest asked for
        # counts (it started last, so it read the latest; it knows if the screen is open).
        self._runner.run(
            lambda: services.order_money(order_id),
            on_success=lambda detail: self._paint(split_state(detail, charging=charging)),
            on_failure=self._on_refused,
            owner=self,
            latest=self,
        )

    def forget(self) -> None:
        """Follow nothing (hidden); a read still on its way is ignored."""
        self.order_id, self.state, self._charging = None, None, False
        self._runner.supersede(self)
        self.hide()

    def refresh(self) -> None:
        """Read the followed order again (another station changed it), its charge screen
        as it was last said to be."""
        if self.order_id is not None:
            self.follow(self.order_id, charging=self._charging)

    def show_detail(self, detail: OrderMoneyDetail, *, charging: bool = False) -> None:
        """Show an order already read (the part-paid list's); ``charging``: its charge
        screen is open here."""
        self.order_id = detail.payable.id
        self._charging = charging
        self._runner.supersede(self)  # a read of this line still on its way is older
        self._paint(split_state(detail, charging=charging))

    def take_rest_in_cash(self) -> None:
        """Record the stored balance in cash (the cash service closes an open link first)."""
        state = self.state
        if state is None or not state.can_pay_rest:
            return
        self._busy(_("Recording the cash payment…"))
        services, order_id = self._services, state.order_id
        self._runner.run(
            lambda: services.record_cash(order_id),
            on_success=lambda _p: self.follow(order_id),
            on_failure=self._on_refused,
            owner=self,
        )

    def _charge_pressed(self) -> None:
        state = self.state
        if state is not None and state.can_pay_rest:
            self._busy(_("Opening the payment link…"))
            self.charge_rest.emit(state.order_id)

    def _on_refused(self, error: BaseException) -> None:
        # The order stays as stored; the buttons work again so the desk can retry.
        state = self.state
        if state is not None:
            self._paint(state)
        self.text_label.setText(user_message(error))

    def _paint(self, state: SplitState) -> None:
        self.state = state
        self.text_label.setText(state.text)
        theme.set_role(self, "notice", tone="success" if state.phase is SplitPhase.PAID else "info")
        for button in (self.charge_button, self.cash_button):
            button.setVisible(state.phase is not SplitPhase.PAID)
            button.setEnabled(state.can_pay_rest)
        self.show()

    def _busy(self, text: str) -> None:
        self.text_label.setText(text)
        for button in (self.charge_button, self.cash_button):
            button.setEnabled(False)


__all__ = ["SplitPanel", "SplitServices"]
