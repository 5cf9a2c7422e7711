"""A booking's status and its words: in a module of their own so that the window's theme
(status chips) names them without loading the booking model, Money and Percent before the
first frame (``domain.booking`` re-exports them)."""

from __future__ import annotations

from enum import StrEnum

from pos_app.i18n import N_, gettext

__all__ = ["BookingStatus"]


class BookingStatus(StrEnum):
    """What the front desk sees for a booking."""

    NEW = "new"
    AWAITING_PAYMENT = "awaiting_payment"
    # Nothing paid yet, but a bank payment is on its way (it may still fail).
    PAYMENT_PROCESSING = "payment_processing"
    DEPOSIT_PAID = "deposit_paid"
    PAID = "paid"
    # More was received than the booking costs (net of settled refunds): the excess is owed
    # back to the customer, e.g. a card link paid at the moment cash was taken.
    OVERPAID = "overpaid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        """Words for the screen, in the current language."""
        return gettext(_LABELS[self])


_LABELS = {
    BookingStatus.NEW: N_("Not paid"),
    BookingStatus.AWAITING_PAYMENT: N_("Awaiting payment"),
    BookingStatus.PAYMENT_PROCESSING: N_("Bank payment processing"),
    BookingStatus.DEPOSIT_PAID: N_("Deposit paid"),
    BookingStatus.PAID: N_("Paid"),
    BookingStatus.OVERPAID: N_("Overpaid"),
    BookingStatus.PARTIALLY_REFUNDED: N_("Partially refunded"),
    BookingStatus.REFUNDED: N_("Refunded"),
    BookingStatus.CANCELLED: N_("Cancelled"),
    BookingStatus.NO_SHOW: N_("No-show"),
}
