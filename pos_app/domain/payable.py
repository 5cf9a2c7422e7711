"""What a customer pays: an order, with its booking when it has one (issue 14, docs/orders.md
2.3). One money model for bookings and walk-ins: the order's total is the price, its
payments and refunds are the money, and the "cash is being taken" claim is the order's.

A booking's order also carries the booking's cancel and no-show flags, and its sentences
speak of the booking, as they always did; a walk-in's speak of the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.audit import Detail
from pos_app.domain.booking import (
    CASH_IN_PROGRESS,
    Booking,
    BookingStatus,
    CashClaim,
    derive_status,
)
from pos_app.domain.errors import InvalidStateError
from pos_app.domain.money import PaidFigures
from pos_app.domain.orders import Order
from pos_app.i18n import N_

ORDER_CASH_IN_PROGRESS = (
    "Cash is being taken for this order right now. Wait a moment, then check the balance "
    "before taking another payment."
)
ORDER_VOID = "This order is void, so it cannot be charged."
ORDER_PAID = "This order is already paid in full."


@dataclass(frozen=True)
class RefundLine:
    """Part of a refund: ``quantity`` of the order's line at ``position``, and whether it
    goes back on the shelf when the refund succeeds."""

    position: int
    quantity: int
    restock: bool


def line_share(amount: int, quantity: int, upto: int) -> int:
    """What the first ``upto`` of a line's ``quantity`` cost, of its ``amount`` (rounded
    half-up). Refunding ``n`` more after ``k`` is ``share(k + n) − share(k)``, so the parts
    always add up to the line's amount exactly, however it is split."""
    if not 0 <= upto <= quantity or quantity <= 0:
        raise ValueError("upto must be within the line's quantity")
    return (2 * amount * upto + quantity) // (2 * quantity)


@dataclass(frozen=True)
class OrderMoney:
    """An order's stored money summary, claim and promo flag (its row's, as read)."""

    paid_amount: int = 0
    refunded_amount: int = 0
    cash_claim: str | None = None
    cash_claim_until: datetime | None = None
    promo_use_taken: bool = False
    voided: bool = False  # the order was voided unpaid (its own status is void)


@dataclass
class Payable(PaidFigures, CashClaim):
    """An order as the thing paid: its figures, its booking (or None) and its money."""

    order: Order
    booking: Booking | None
    paid_amount: int = 0
    refunded_amount: int = 0
    cash_claim: str | None = None
    cash_claim_until: datetime | None = None
    promo_use_taken: bool = False
    voided: bool = False
    # The status a booking would show, derived from the payments (see ``payables.load``).
    status: BookingStatus = BookingStatus.NEW

    @classmethod
    def of(cls, order: Order, booking: Booking | None, money: OrderMoney) -> Payable:
        """The payable from its stored parts."""
        return cls(
            order=order,
            booking=booking,
            paid_amount=money.paid_amount,
            refunded_amount=money.refunded_amount,
            cash_claim=money.cash_claim,
            cash_claim_until=money.cash_claim_until,
            promo_use_taken=money.promo_use_taken,
            voided=money.voided,
        )

    @property
    def id(self) -> str:
        """The order's id: what payments and refunds point at."""
        return self.order.id

    @property
    def booking_id(self) -> str | None:
        """The booking's id, or None for a walk-in."""
        return self.booking.id if self.booking is not None else None

    @property
    def currency(self) -> str:
        """The order's currency."""
        return self.order.currency

    @property
    def price_amount(self) -> int:
        """What the customer owes in all: the order's total."""
        return self.order.total

    @property
    def cancelled(self) -> bool:
        """Given up unpaid: the booking cancelled, or the walk-in order voided."""
        return self.booking.cancelled if self.booking is not None else self.voided

    @property
    def no_show(self) -> bool:
        """The booking's customer did not come (never for a walk-in)."""
        return self.booking is not None and self.booking.no_show

    @property
    def title(self) -> str:
        """What is being paid, in words: the booked service, or "Order 12"."""
        if self.booking is not None:
            return self.booking.service_name
        return f"Order {self.order.number or self.order.id}"

    @property
    def title_words(self) -> str | Detail:
        """:attr:`title` for the audit log: the booked service (data), or "Order 12" as a
        marked sentence said in the reader's language."""
        if self.booking is not None:
            return self.booking.service_name
        return Detail(N_("Order {number}"), {"number": str(self.order.number or self.order.id)})

    @property
    def title_shown(self) -> str:
        """:attr:`title` in the UI language, for a screen: "Bestellung 12" for a German desk."""
        words = self.title_words
        return words if isinstance(words, str) else words.words()

    @property
    def customer_name(self) -> str:
        """Who pays: the booking's customer, or the name on the order (may be empty)."""
        return self.booking.customer_name if self.booking is not None else self.order.customer.name

    @property
    def customer_email(self) -> str | None:
        """Where a link or a receipt may be emailed, or None."""
        if self.booking is not None:
            return self.booking.customer_email
        return self.order.customer.email or None

    def derive(self, *, open_checkout: bool, processing: bool) -> BookingStatus:
        """The status from the money, by the one rule bookings use; stored on ``status``."""
        self.status = derive_status(
            price=self.price_amount,
            paid=self.paid_amount,
            refunded=self.refunded_amount,
            cancelled=self.cancelled,
            no_show=self.no_show,
            has_open_checkout=open_checkout,
            has_processing_payment=processing,
        )
        return self.status

    def ensure_chargeable(self) -> None:
        """Raise InvalidStateError unless a payment can be taken now."""
        if self.booking is not None:
            self.booking.ensure_chargeable()  # its cancel and no-show sentences
        elif self.voided:
            raise InvalidStateError(ORDER_VOID)
        if self.balance_due.amount <= 0:
            raise InvalidStateError(
                "This booking is already paid in full." if self.booking else ORDER_PAID
            )

    def _cash_in_progress(self) -> str:
        return CASH_IN_PROGRESS if self.booking is not None else ORDER_CASH_IN_PROGRESS
