"""Split payment on the Sell screen without Qt: part in cash now, the rest by card (QR).

As Square does it: the desk asks how much cash the customer hands over, the sale is saved
and that cash part recorded through the same cash service the Cash button uses, then the
charge screen opens for the **stored** balance (the service derives the card amount from the
order, never from the screen). Until the order is paid in full the screen keeps a line for it
("Sale 12 is partly paid: …") with the rest chargeable again, by card or in cash, so a
cancelled or expired link never loses the cash part.

The limits of the cash part are the domain's ``check_split``; the dialog asking for it is the
payments feature's (``ui.payments.split_dialog``, opened by the shell with a
:class:`SplitRequest`), whose preview shows the rule's sentence word for word.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from pos_app.domain.money import Money
from pos_app.domain.orders import Order
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus
from pos_app.i18n import _
from pos_app.services.orders import OrderMoneyDetail


class SplitWork:
    """The split's background work: save the sale once, then record its cash part (cash
    first) or nothing more (card first: the charge screen asks for the card part).

    A refused cash part (another station sold the last one for cash, a bad amount) leaves
    the saved order as it is; trying again records cash against that same order, never a
    second sale. Called on the task runner's thread, one call at a time.
    """

    def __init__(
        self,
        save: Callable[[], Order],
        record_cash: Callable[[str, str], Payment],
    ) -> None:
        self._save = save
        self._record_cash = record_cash
        self._lock = threading.Lock()
        self.order: Order | None = None

    def __call__(self, amount_text: str, cash_first: bool = True) -> Order:
        """Save the sale (the first time only); cash first, record ``amount_text`` in cash
        for it."""
        with self._lock:
            if self.order is None:
                self.order = self._save()
            if cash_first:
                self._record_cash(self.order.id, amount_text)
            return self.order


@dataclass(frozen=True)
class SplitRequest:
    """What the shell needs to ask for a split's first part: the sale's total as priced
    (the part's bound) and the work that saves the sale and records a cash part."""

    total: Money
    work: SplitWork


class SplitPhase(StrEnum):
    """Where a split order stands, as the Sell screen shows it."""

    CHARGING = "charging"  # the charge screen is open for a part
    PART_PAID = "part_paid"  # something is paid and the rest is still due
    PROCESSING = "processing"  # a bank payment is on its way: nothing else can be taken
    PAID = "paid"


@dataclass(frozen=True, slots=True)
class SplitState:
    """A split order's line on the Sell screen and which of its two buttons work."""

    order_id: str
    number: int | None
    phase: SplitPhase
    total: Money
    cash: Money  # succeeded cash payments
    card: Money  # the rest of what was paid (card)
    due: Money
    text: str
    can_pay_rest: bool  # "Charge the rest (QR)" and "Cash for the rest"

    @property
    def paid(self) -> Money:
        """Everything paid so far."""
        return self.cash + self.card


def split_state(detail: OrderMoneyDetail, *, charging: bool) -> SplitState:
    """The line for an order paid in parts, from what is stored: its money summary (the
    ledger's) and its payments. ``charging``: the charge screen is open for it now."""
    payable = detail.payable
    order = payable.order
    currency = payable.currency
    total = Money(payable.price_amount, currency)
    paid = Money(payable.paid_amount, currency)
    cash = Money(
        sum(
            p.amount
            for p in detail.payments
            if p.method is PaymentMethod.CASH and p.status is PaymentStatus.SUCCEEDED
        ),
        currency,
    )
    cash = cash if cash <= paid else paid
    card = paid - cash
    due = payable.balance_due
    number = order.number if order.number is not None else order.id
    processing = any(p.status is PaymentStatus.PROCESSING for p in detail.payments)
    if due.amount <= 0:
        phase = SplitPhase.PAID
        if card.amount and cash.amount:
            text = _("Sale {number} paid: {cash} in cash and {card} by card.").format(
                number=number, cash=cash.format(), card=card.format()
            )
        elif cash.amount:
            text = _("Sale {number} paid: {total} in cash.").format(
                number=number, total=total.format()
            )
        else:
            text = _("Sale {number} paid: {total} by card.").format(
                number=number, total=total.format()
            )
    elif processing:
        phase = SplitPhase.PROCESSING
        text = _(
            "Sale {number}: {paid} of {total} paid; a bank payment is on its way for the rest."
        ).format(number=number, paid=paid.format(), total=total.format())
    elif charging:
        phase = SplitPhase.CHARGING
        text = _("Sale {number}: {paid} paid, {due} still to pay (charge screen open).").format(
            number=number, paid=paid.format(), due=due.format()
        )
    else:
        phase = SplitPhase.PART_PAID
        text = _("Sale {number} is partly paid: {paid} of {total}, {due} still to pay.").format(
            number=number, paid=paid.format(), total=total.format(), due=due.format()
        )
    return SplitState(
        order_id=payable.id,
        number=order.number,
        phase=phase,
        total=total,
        cash=cash,
        card=card,
        due=due,
        text=text,
        can_pay_rest=phase is SplitPhase.PART_PAID and not payable.cancelled,
    )


__all__ = ["SplitPhase", "SplitRequest", "SplitState", "SplitWork", "split_state"]
