"""What the front desk may do with a booking right now, and why not, in one place.

Each ``can_*`` returns an :class:`Eligibility`: allowed, or refused with one sentence a
front-desk person can act on. The screens enable their buttons from these and show the
sentence as the disabled button's tooltip; a screen never re-implements a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pos_app.domain.booking_status import BookingStatus
from pos_app.domain.errors import InvalidStateError
from pos_app.i18n import N_

if TYPE_CHECKING:  # the model is named only as a type (the window's start loads these rules)
    from pos_app.domain.booking import Booking

# Statuses the desk can take money for: nothing or only a deposit received yet.
_CHARGEABLE = frozenset(
    {BookingStatus.NEW, BookingStatus.AWAITING_PAYMENT, BookingStatus.DEPOSIT_PAID}
)
# Statuses with money the desk can give back.
_REFUNDABLE = frozenset(
    {
        BookingStatus.PAID,
        BookingStatus.PARTIALLY_REFUNDED,
        BookingStatus.DEPOSIT_PAID,
        BookingStatus.OVERPAID,
    }
)

CANCELLED_NO_CHARGE = N_("This booking is cancelled, so it cannot be charged.")
NO_SHOW_NO_CHARGE = N_("This booking is marked as a no-show, so it cannot be charged.")
PROCESSING_NO_CHARGE = N_(
    "A bank payment for this booking is still processing — wait until it succeeds or fails."
)
PAID_NO_CHARGE = N_("Already paid in full — nothing to charge.")
REFUNDED_NO_CHARGE = N_("Refunded in full — book again to take a new payment.")
UNPAID_NO_REFUND = N_("Nothing has been paid yet — nothing to refund.")
PROCESSING_NO_REFUND = N_("The bank payment is still processing — refund once it has arrived.")
REFUNDED_NO_REFUND = N_("Already refunded in full — nothing left to refund.")
CANCELLED_NO_MOVE = N_("This booking is cancelled, so it cannot be moved.")
NO_SHOW_NO_MOVE = N_("This booking is marked as a no-show, so it cannot be moved.")
ALREADY_CANCELLED = N_("This booking is already cancelled.")
CANCELLED_NO_NO_SHOW = N_("This booking is cancelled, so it cannot be a no-show.")
ALREADY_NO_SHOW = N_("This booking is already marked as a no-show.")
NOT_STARTED_NO_SHOW = N_(
    "You can mark a no-show once the start time has passed. Move or cancel the booking instead."
)
NO_RECEIPT = N_("No money received yet — a receipt comes after a payment.")


@dataclass(frozen=True)
class Eligibility:
    """Allowed, or refused with the sentence that says why (``reason``, empty when allowed)."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def ensure(self) -> None:
        """Raise InvalidStateError with the refusal sentence unless allowed."""
        if not self.allowed:
            raise InvalidStateError(self.reason)


ALLOWED = Eligibility(True)


def refused(reason: str) -> Eligibility:
    """A refusal with its front-desk sentence."""
    return Eligibility(False, reason)


def can_charge(booking: Booking) -> Eligibility:
    """Whether a card payment (the charge screen) can be taken for the booking's balance."""
    if booking.cancelled:
        return refused(CANCELLED_NO_CHARGE)
    if booking.no_show:
        return refused(NO_SHOW_NO_CHARGE)
    if booking.status in _CHARGEABLE:
        return ALLOWED
    if booking.status is BookingStatus.PAYMENT_PROCESSING:
        return refused(PROCESSING_NO_CHARGE)
    if booking.status is BookingStatus.REFUNDED:
        return refused(REFUNDED_NO_CHARGE)
    if booking.status is BookingStatus.CANCELLED:
        return refused(CANCELLED_NO_CHARGE)
    if booking.status is BookingStatus.NO_SHOW:
        return refused(NO_SHOW_NO_CHARGE)
    return refused(PAID_NO_CHARGE)  # paid, overpaid, partly refunded


def can_take_cash(booking: Booking) -> Eligibility:
    """Whether cash can be recorded against the booking (the same rule as a card charge)."""
    return can_charge(booking)


def can_take_deposit(booking: Booking) -> Eligibility:
    """Whether part of the balance can be asked for by card (the same rule as a charge)."""
    return can_charge(booking)


def can_refund(booking: Booking) -> Eligibility:
    """Whether money received for the booking can be given back (cancelled ones included)."""
    if booking.status in _REFUNDABLE:
        return ALLOWED
    if booking.status is BookingStatus.REFUNDED:
        return refused(REFUNDED_NO_REFUND)
    if booking.status is BookingStatus.PAYMENT_PROCESSING:
        return refused(PROCESSING_NO_REFUND)
    return refused(UNPAID_NO_REFUND)


def can_move(booking: Booking) -> Eligibility:
    """Whether the booking can move to another time or person."""
    if booking.cancelled:
        return refused(CANCELLED_NO_MOVE)
    if booking.no_show:
        return refused(NO_SHOW_NO_MOVE)
    return ALLOWED


def can_cancel(booking: Booking) -> Eligibility:
    """Whether the booking can be cancelled (money received stays received)."""
    if booking.cancelled:
        return refused(ALREADY_CANCELLED)
    return ALLOWED


def can_mark_no_show(booking: Booking, now: datetime) -> Eligibility:
    """Whether the booking can be marked a no-show at ``now``: once its start has passed."""
    if booking.cancelled:
        return refused(CANCELLED_NO_NO_SHOW)
    if booking.no_show:
        return refused(ALREADY_NO_SHOW)
    if booking.starts_at > now:
        return refused(NOT_STARTED_NO_SHOW)
    return ALLOWED


def can_show_receipt(booking: Booking) -> Eligibility:
    """Whether the booking has a receipt: once money was received (it shows refunds too)."""
    if booking.paid_amount <= 0:
        return refused(NO_RECEIPT)
    return ALLOWED
