"""An overpaid booking: what is owed back, and the sentences that say so (rules live here once).

A booking is overpaid when what it kept (paid less settled refunds) is more than its price;
:func:`pos_app.domain.booking.derive_status` says so. The excess still to refund also counts
refunds on their way (pending), so a second click never refunds the same excess twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from pos_app.domain.audit import Detail, DetailValue
from pos_app.domain.booking import Booking
from pos_app.domain.errors import InvalidStateError
from pos_app.domain.money import Money
from pos_app.domain.payment import Refund
from pos_app.i18n import N_, gettext

NOT_OVERPAID = N_("This booking is not overpaid any more, so there is no excess to refund.")
ORDER_NOT_OVERPAID = N_("This order is not overpaid any more, so there is no excess to refund.")
EXCESS_REFUND_REASON = "duplicate"  # Stripe's reason; shown as "Duplicate payment"
EXCESS_REFUND_NOTE = "Excess of an overpaid booking"


class Overpayable(Protocol):
    """What can be overpaid: a booking, or an order as the payable (domain/payable.py), so
    one rule serves a booking and a walk-in order (issue 14)."""

    @property
    def id(self) -> str:
        """The booking's id, or the order's: what its refunds name."""
        ...

    @property
    def currency(self) -> str:
        """Its currency."""
        ...

    @property
    def paid_amount(self) -> int:
        """Received (minor units)."""
        ...

    @property
    def price_amount(self) -> int:
        """What it costs (minor units)."""
        ...

    @property
    def overpaid(self) -> Money:
        """Kept beyond the price; zero unless overpaid."""
        ...

    @property
    def paid(self) -> Money:
        """Received."""
        ...

    @property
    def price(self) -> Money:
        """What it costs."""
        ...


def excess_to_refund(payable: Overpayable, refunds: Iterable[Refund]) -> Money:
    """What is still to be refunded so the booking (or order) keeps exactly its price: paid,
    less the price, less every refund of it that holds money (settled or on its way); never
    below zero."""
    held = sum(
        r.amount
        for r in refunds
        if payable.id in (r.booking_id, r.order_id) and r.status.holds_money
    )
    return Money(max(payable.paid_amount - payable.price_amount - held, 0), payable.currency)


def not_overpaid(is_booking: bool) -> str:
    """The refusal when there is no excess (left) to refund, in the words of what it is."""
    return NOT_OVERPAID if is_booking else ORDER_NOT_OVERPAID


def check_excess_refund(
    excess: Money, refundable_by_card: Money, *, refusal: str = NOT_OVERPAID
) -> None:
    """Raise InvalidStateError unless the whole ``excess`` can be refunded to the card now
    (``refusal``: the sentence when there is none)."""
    if excess.amount <= 0:
        raise InvalidStateError(refusal)
    if refundable_by_card < excess:
        raise InvalidStateError(
            gettext(
                "Only {card} of the {excess} excess was paid by card. Refund that "
                "with Refund… and give the rest back in cash."
            ).format(card=refundable_by_card, excess=excess)
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


def overpaid_log_detail(payable: Overpayable, title: str | Detail = "") -> Detail:
    """The audit log's words when a booking (or, named by ``title``, a walk-in order)
    becomes overpaid."""
    params: dict[str, DetailValue] = {
        "excess": payable.overpaid,
        "paid": payable.paid,
        "price": payable.price,
    }
    if title:
        return Detail(
            N_(
                "{title}: Overpaid by {excess}: received {paid} for a price of {price}; "
                "refund the excess"
            ),
            {"title": title, **params},
        )
    return Detail(
        N_("Overpaid by {excess}: received {paid} for a price of {price}; refund the excess"),
        params,
    )
