"""What a receipt says: the booking, what was paid and given back, and who issued it.

A :class:`Receipt` is built from the booking, its payments and refunds as stored locally
(:func:`build_receipt` is pure); the card's brand and last four digits come from Stripe when
it answers, and the receipt says "Card" when it does not. Rendering it is
:mod:`pos_app.reports.render.receipt`'s; the use cases are :mod:`pos_app.services.receipts`'.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from pos_app.domain.money import Money
from pos_app.domain.orders import Order
from pos_app.domain.payment import (
    REFUND_REASONS,
    PaymentMethod,
    PaymentStatus,
    RefundStatus,
)
from pos_app.domain.people import Resource, ResourceKind
from pos_app.domain.percent import Percent
from pos_app.i18n import N_, gettext
from pos_app.services.bookings import BookingDetail

_HEX_ID = re.compile(r"^[0-9a-f]{10,}$")

REFUND_STATES = {
    RefundStatus.CREATING: N_("Being sent"),
    RefundStatus.PENDING: N_("Pending"),
    RefundStatus.REQUIRES_ACTION: N_("Needs action"),
    RefundStatus.SUCCEEDED: N_("Refunded"),
    RefundStatus.FAILED: N_("Failed"),
    RefundStatus.CANCELED: N_("Canceled"),
}
# The words the model keeps in English (the receipt's JSON carries ``label`` and ``part``);
# the renderer translates them where they are shown.
CARD = N_("Card")
CASH = N_("Cash")
PART_DEPOSIT = N_("Deposit")
PART_PAYMENT = N_("Part payment")
PART_BALANCE = N_("Balance")
STAFF_WITH = N_("With")
STAFF_ROOM = N_("Room")
_BRANDS = {
    "amex": "American Express",
    "diners": "Diners Club",
    "discover": "Discover",
    "eftpos_au": "eftpos",
    "jcb": "JCB",
    "mastercard": "Mastercard",
    "unionpay": "UnionPay",
    "visa": "Visa",
    "cartes_bancaires": "Cartes Bancaires",
}


# -- the model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CardSummary:
    """What a receipt says about the card: brand and last four digits, when Stripe told us."""

    brand: str | None
    last4: str | None
    charge_id: str | None = None


@dataclass(frozen=True)
class ReceiptPayment:
    """One payment received: card through Stripe, or cash at the desk."""

    payment_id: str
    method: PaymentMethod
    label: str  # "Visa •••• 4242", "Card" or "Cash" (English: translated when shown)
    part: str  # "Deposit", "Part payment", "Balance" or "" (paid in one go; English)
    amount: Money
    at: datetime  # local time
    payment_intent_id: str | None = None
    charge_id: str | None = None

    @property
    def stripe_ids(self) -> tuple[str, ...]:
        """The Stripe ids to quote to support (PaymentIntent, then charge)."""
        return tuple(i for i in (self.payment_intent_id, self.charge_id) if i)


@dataclass(frozen=True)
class ReceiptRefund:
    """Money given back, with where it stands."""

    refund_id: str
    amount: Money
    status: RefundStatus
    at: datetime  # local time
    reason: str
    stripe_refund_id: str | None = None

    @property
    def state(self) -> str:
        """The refund's state in words ("Refunded", "Pending", ...), in the UI language."""
        return gettext(REFUND_STATES[self.status])


@dataclass(frozen=True)
class ReceiptLine:
    """One line of the order as sold: quantity, name, and its price before discounts."""

    name: str
    quantity: int
    amount: Money  # unit price × quantity

    @property
    def words(self) -> str:
        """'2 × Shampoo', or the name alone for one."""
        return f"{self.quantity} × {self.name}" if self.quantity != 1 else self.name


@dataclass(frozen=True)
class ReceiptOrder:
    """The order's lines and figures (issue 14): subtotal, discount, tax by rate, tip and
    total; ``tax_included``: the prices held the tax, so it is shown, not added."""

    lines: tuple[ReceiptLine, ...]
    subtotal: Money
    discount: Money
    promo_code: str | None
    tax_by_rate: tuple[tuple[str, Money], ...]  # ("8.875%", tax), highest rate first
    tax_included: bool
    tip: Money
    total: Money


def receipt_order(order: Order) -> ReceiptOrder | None:
    """The order as a receipt shows it, or None for a booking's service alone with no
    discount, tax or tip (its receipt keeps the one line it always had)."""
    if len(order.lines) == 1 and not (order.discount or order.tax or order.tip):
        return None
    rates: dict[Percent, int] = {}
    for sold in order.lines:
        rates[sold.line.tax_rate] = rates.get(sold.line.tax_rate, 0) + sold.tax
    m = order.money
    return ReceiptOrder(
        lines=tuple(
            ReceiptLine(
                s.line.name, s.line.quantity, m(s.line.unit_amount.amount * s.line.quantity)
            )
            for s in order.lines
        ),
        subtotal=m(order.subtotal),
        discount=m(order.discount),
        promo_code=order.promo_code,
        tax_by_rate=tuple((str(r), m(t)) for r, t in sorted(rates.items(), reverse=True) if t),
        tax_included=order.prices_include_tax,
        tip=m(order.tip),
        total=m(order.total),
    )


@dataclass(frozen=True)
class Receipt:
    """Everything a receipt shows, with times already in the business's time zone."""

    number: str
    booking_id: str
    business_name: str
    issued_at: datetime
    customer_name: str
    customer_email: str | None
    customer_phone: str | None
    service_name: str
    starts_at: datetime
    ends_at: datetime
    price: Money
    status_label: str
    payments: tuple[ReceiptPayment, ...]
    refunds: tuple[ReceiptRefund, ...]
    paid: Money
    refunded: Money  # settled refunds only
    refund_pending: Money  # refunds sent and not settled yet
    balance_due: Money
    mode: str = "live"  # sandbox | test | live
    business_address: str = ""  # as set in Settings, possibly several lines; "" leaves it off
    business_tax_id: str = ""  # VAT number, ABN, EIN…; "" leaves it off
    staff: str | None = None
    staff_label: str = STAFF_WITH  # "With" for a staff member, "Room" for a room (English)
    notes: tuple[str, ...] = field(default=())
    order: ReceiptOrder | None = None  # its lines and figures, when more than one service

    @property
    def net_paid(self) -> Money:
        """What the business keeps: paid minus settled refunds."""
        return self.paid - self.refunded

    @property
    def card_payments(self) -> tuple[ReceiptPayment, ...]:
        """Card payments Stripe can send its receipt for."""
        return tuple(
            p for p in self.payments if p.method is PaymentMethod.CARD and p.payment_intent_id
        )

    @property
    def can_email(self) -> bool:
        """Whether "Email receipt (Stripe)" applies: the booking has a paid card payment."""
        return bool(self.card_payments)

    @property
    def test_mode(self) -> bool:
        """Card money on this receipt was not real (Stripe test mode or the sandbox)."""
        return self.mode != "live"


def receipt_number(booking_id: str) -> str:
    """A short number printed on the receipt, the same every time for one booking.

    Taken from the booking id's random part (``bk_3f2a9c1b07…`` → ``R-3F2A9-C1B07``), so it
    also finds the booking; other ids are hashed.
    """
    tail = booking_id.split("_", 1)[-1].lower()
    code = tail if _HEX_ID.match(tail) else hashlib.sha256(booking_id.encode()).hexdigest()
    code = code[:10].upper()
    return f"R-{code[:5]}-{code[5:]}"


def card_label(summary: CardSummary | None) -> str:
    """ "Visa •••• 4242" when Stripe told us the card, else "Card"."""
    if summary is None or not summary.last4:
        return CARD
    brand = _BRANDS.get((summary.brand or "").lower(), (summary.brand or CARD).title())
    return f"{brand} •••• {summary.last4}"


def build_receipt(
    detail: BookingDetail,
    *,
    business_name: str,
    timezone: tzinfo,
    issued_at: datetime,
    mode: str = "live",
    resource: Resource | None = None,
    cards: Mapping[str, CardSummary] | None = None,
    business_address: str = "",
    business_tax_id: str = "",
    order: Order | None = None,
) -> Receipt:
    """The receipt of a booking from its stored payments and refunds (no I/O).

    ``cards`` maps payment ids to what Stripe said about the card. Only succeeded payments
    appear; every refund appears with its state, and only settled ones count as refunded.
    ``order``: the booking's order, whose lines and figures the receipt lists.
    """
    booking = detail.booking
    cards = cards or {}
    currency = booking.currency
    received = sorted(
        (p for p in detail.payments if p.status is PaymentStatus.SUCCEEDED),
        key=lambda p: (p.paid_at or p.created_at, p.id),
    )
    payments: list[ReceiptPayment] = []
    running = 0
    for p in received:
        before, running = running, running + p.amount
        summary = cards.get(p.id)
        payments.append(
            ReceiptPayment(
                payment_id=p.id,
                method=p.method,
                label=card_label(summary) if p.method is PaymentMethod.CARD else CASH,
                part=_part(before, running, booking.price_amount, len(received)),
                amount=p.money,
                at=(p.paid_at or p.created_at).astimezone(timezone),
                payment_intent_id=p.stripe_payment_intent_id,
                charge_id=p.stripe_charge_id or (summary.charge_id if summary else None),
            )
        )
    refunds = tuple(
        ReceiptRefund(
            refund_id=r.id,
            amount=r.money,
            status=r.status,
            at=r.created_at.astimezone(timezone),
            reason=REFUND_REASONS.get(r.reason or "", ""),
            stripe_refund_id=r.stripe_refund_id,
        )
        for r in sorted(detail.refunds, key=lambda r: (r.created_at, r.id))
    )
    paid = sum(p.amount for p in received)
    refunded = sum(r.amount for r in detail.refunds if r.status is RefundStatus.SUCCEEDED)
    pending = sum(
        r.amount
        for r in detail.refunds
        if r.status in (RefundStatus.CREATING, RefundStatus.PENDING, RefundStatus.REQUIRES_ACTION)
    )
    notes: list[str] = []  # sentences, in the language the receipt is made in
    if booking.cancelled:
        notes.append(gettext("This booking was cancelled."))
    if mode != "live" and any(p.method is PaymentMethod.CARD for p in received):
        notes.append(
            gettext("Card payments were made in the sandbox: no real money moved.")
            if mode == "sandbox"
            else gettext("Card payments were made in Stripe test mode: no real money moved.")
        )
    is_room = resource is not None and resource.kind is ResourceKind.ROOM
    staff_label = STAFF_ROOM if is_room else STAFF_WITH
    return Receipt(
        number=receipt_number(booking.id),
        booking_id=booking.id,
        business_name=business_name,
        issued_at=issued_at.astimezone(timezone),
        customer_name=booking.customer_name,
        customer_email=booking.customer_email,
        customer_phone=booking.customer_phone,
        service_name=booking.service_name,
        starts_at=booking.starts_at.astimezone(timezone),
        ends_at=booking.ends_at.astimezone(timezone),
        price=booking.price,
        status_label=booking.status.label,
        payments=tuple(payments),
        refunds=refunds,
        paid=Money(paid, currency),
        refunded=Money(refunded, currency),
        refund_pending=Money(pending, currency),
        balance_due=Money(max(booking.price_amount - paid, 0), currency),
        mode=mode,
        business_address=business_address.strip(),
        business_tax_id=business_tax_id.strip(),
        staff=resource.name if resource is not None else None,
        staff_label=staff_label,
        notes=tuple(notes),
        order=receipt_order(order) if order is not None else None,
    )


def _part(before: int, after: int, price: int, count: int) -> str:
    """Whether a payment was a deposit, a later part, the balance, or all of it at once."""
    if count == 1 and after >= price:
        return ""
    if after < price:
        return PART_DEPOSIT if before == 0 else PART_PAYMENT
    return PART_BALANCE if before > 0 else ""
