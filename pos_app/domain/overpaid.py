"""An overpaid booking: what is owed back, and the sentences that say so (rules live here once).

A booking is overpaid when what it kept (paid less settled refunds) is more than its price;
:func:`pos_app.domain.booking.derive_status` says so. The excess still to refund also counts
refunds on their way (pending), so a second click never refunds the same excess twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from pos_app.domain.audit import Detail
from pos_app.domain.booking import Booking
from pos_app.domain.errors import InvalidStateError
from pos_app.domain.money import Money
from pos_app.domain.payment import Refund
from pos_app.i18n import N_, gettext

NOT_OVERPAID = N_("This booking is not overpaid any more, so there is no excess to refund.")
EXCESS_REFUND_REASON = "duplicate"  # Stripe's reason; shown as "Duplicate payment"
EXCESS_REFUND_NOTE = "Excess of an overpaid booking"


def excess_to_refund(booking: Booking, refunds: Iterable[Refund]) -> Money:
    """What is still to be refunded so the booking keeps exactly its price: paid, less the
    price, less every refund that holds money (settled or on its way); never below zero."""
    held = sum(r.amount for r in refunds if r.booking_id == booking.id and r.status.holds_money)
    return Money(max(booking.paid_amount - booking.price_amount - held, 0), booking.currency)


def check_excess_refund(excess: Money, refundable_by_card: Money) -> None:
    """Raise InvalidStateError unless the whole ``excess`` can be refunded to the card now."""
    if excess.amount <= 0:
        raise InvalidStateError(NOT_OVERPAID)
    if refundable_by_card < excess:
        raise InvalidStateError(
            f"Only {refundable_by_card} of the {excess} excess was paid by card. Refund that "
            "with Refund… and give the rest back in cash."
        )


def overpaid_headline(booking: Booking, refunds: Iterable[Refund]) -> str:
    """'Overpaid by $35.00 — refund the excess', or that its refund is on its way; empty when
    the booking is not overpaid."""
    if booking.overpaid.amount <= 0:
        return ""
    if excess_to_refund(booking, refunds).amount <= 0:
        return gettext("Overpaid by {amount} — the refund of the excess is on its way").format(
            amount=booking.overpaid
        )
    return gettext("Overpaid by {amount} — refund the excess").format(amount=booking.overpaid)


def overpaid_log_detail(booking: Booking) -> Detail:
    """The audit log's words when a booking becomes overpaid."""
    return Detail(
        N_("Overpaid by {excess}: received {paid} for a price of {price}; refund the excess"),
        {"excess": booking.overpaid, "paid": booking.paid, "price": booking.price},
    )
