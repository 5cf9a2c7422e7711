"""What the audit log and the desk are told about a booking's changes, as marked sentences
(issue 15): whole sentences per case, so each language can order them its own way."""

from __future__ import annotations

from pos_app.domain.audit import Detail
from pos_app.domain.booking import Booking
from pos_app.domain.money import Money
from pos_app.i18n import N_

# What closing a booking's open links is for ("cancelling", "marking a no-show"), as the
# audit log says it and as the refusal when the customer paid meanwhile says it.
CLOSED_BEFORE = {
    "cancelling": N_("Closed before cancelling the booking"),
    "marking a no-show": N_("Closed before marking a no-show the booking"),
}
JUST_PAID = {
    "cancelling": N_(
        "The customer has just paid {amount} by card, so nothing was changed. Check with them "
        "before cancelling the booking."
    ),
    "marking a no-show": N_(
        "The customer has just paid {amount} by card, so nothing was changed. Check with them "
        "before marking a no-show the booking."
    ),
}


def booked(service: str, customer: str, when: str | Detail) -> Detail:
    """'Haircut for Ada Silva, Tue 08 Dec 10:30–11:15 with Sam' (``when`` a sentence of its
    own, said in the reader's language)."""
    return Detail(
        N_("{service} for {customer}, {when}"),
        {"service": service, "customer": customer, "when": when},
    )


def for_customer(booking: Booking, kept: Money | None = None) -> Detail:
    """'Haircut for Ada Silva', and what was paid and kept when there is some."""
    who = {"service": booking.service_name, "customer": booking.customer_name}
    if kept is None:
        return Detail(N_("{service} for {customer}"), who)
    return Detail(
        N_("{service} for {customer}; {amount} paid and not refunded"), {**who, "amount": kept}
    )
