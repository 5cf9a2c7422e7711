"""Bookings and the one rule that says what state a booking is in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pos_app.domain.booking_status import BookingStatus as BookingStatus
from pos_app.domain.errors import InvalidStateError
from pos_app.domain.money import Money, PaidFigures
from pos_app.domain.percent import Percent
from pos_app.i18n import N_, gettext

CASH_IN_PROGRESS = N_(
    "Cash is being taken for this booking right now. Wait a moment, then check the balance "
    "before taking another payment."
)
CLOSING_IN_PROGRESS = N_(
    "This booking is being cancelled or marked a no-show at another station right now. "
    "Wait a moment, then check it again."
)
#: Id prefix of the claim a station takes to cancel a booking or mark a no-show (the same
#: lease as cash: no card link opens and no cash is taken while it closes the open links).
CLOSING_CLAIM = "closing"
# How long a claim keeps card links shut: closing one link is an expire call and perhaps a
# read (about a minute at worst with the SDK's retries). Past it a station that died while
# taking cash no longer blocks the booking; a live one re-checks everything under the lock.
CASH_CLAIM_LEASE = timedelta(minutes=2)


class CashClaim:
    """The "cash is being taken" claim of something paid for (a booking, an order as the
    payable): written under its lock by the station taking cash (or closing the booking), so
    no card link opens meanwhile; a lease that lapses at ``cash_claim_until`` (Stripe's
    clock) should that station die. The one rule for both; the caller stores the change."""

    cash_claim: str | None
    cash_claim_until: datetime | None

    def cash_claim_live(self, now: datetime) -> bool:
        """Whether a station is taking cash (or closing the booking) at ``now``."""
        return (
            self.cash_claim is not None
            and self.cash_claim_until is not None
            and self.cash_claim_until > now
        )

    def ensure_no_cash_claim(self, now: datetime) -> None:
        """Raise InvalidStateError while a station is taking cash, or closing the booking
        (cancel, no-show): no link may open now."""
        if self.cash_claim_live(now):
            raise InvalidStateError(self.claim_sentence())

    def claim_sentence(self) -> str:
        """What the standing claim is doing, in words for the desk."""
        if (self.cash_claim or "").startswith(f"{CLOSING_CLAIM}_"):
            return CLOSING_IN_PROGRESS
        return self._cash_in_progress()

    def _cash_in_progress(self) -> str:
        """The sentence for cash being taken (a walk-in order says "order")."""
        return CASH_IN_PROGRESS

    def claim_for_cash(self, claim_id: str, now: datetime) -> None:
        """Take the claim (the caller holds the lock), or raise InvalidStateError while
        another one stands."""
        self.ensure_no_cash_claim(now)
        self.cash_claim = claim_id
        self.cash_claim_until = now + CASH_CLAIM_LEASE

    def release_cash_claim(self, claim_id: str) -> bool:
        """Drop the claim if it is still ``claim_id``; True if it was."""
        if self.cash_claim != claim_id:
            return False
        self.cash_claim = None
        self.cash_claim_until = None
        return True



@dataclass
class Service:
    """Something the business sells by the slot, e.g. a 30-minute haircut."""

    id: str
    name: str
    duration_minutes: int
    price_amount: int
    currency: str
    active: bool = True
    tax_rate_thousandths: int = 0  # 8.875 % is 8875 (domain.percent)

    @property
    def price(self) -> Money:
        """The list price."""
        return Money(self.price_amount, self.currency)

    @property
    def tax_rate(self) -> Percent:
        """The tax rate its price is sold with."""
        return Percent(self.tax_rate_thousandths)


@dataclass
class Booking(PaidFigures, CashClaim):
    """A customer's slot for a service, with its price and the money received against it.

    ``paid_amount``, ``refunded_amount`` and ``status`` are a summary of the booking's payments
    and refunds, kept current by :func:`summarize` so lists never aggregate on the fly.
    """

    id: str
    customer_name: str
    service_id: str
    service_name: str
    starts_at: datetime
    ends_at: datetime
    price_amount: int
    currency: str
    created_at: datetime
    customer_email: str | None = None
    customer_phone: str | None = None
    status: BookingStatus = BookingStatus.NEW
    paid_amount: int = 0
    refunded_amount: int = 0
    cancelled: bool = False
    notes: str = field(default="")
    resource_id: str | None = None  # the staff member or room the booking occupies
    customer_id: str | None = None
    no_show: bool = False
    # True while the booking occupies its resource's time; the database refuses two such
    # bookings of one resource that overlap. Cancelling or a no-show frees the slot.
    holds_slot: bool = True
    created_by: str | None = None  # user id
    # "Cash is being taken": written under the booking's lock by the station taking cash, so
    # no card link opens while it closes the open ones at Stripe. A lease: it lapses at
    # ``cash_claim_until`` (Stripe's clock, as holds are) should that station die meanwhile.
    cash_claim: str | None = None
    cash_claim_until: datetime | None = None

    def ensure_chargeable(self) -> None:
        """Raise InvalidStateError unless a payment can be taken for this booking now."""
        if self.cancelled:
            raise InvalidStateError("This booking is cancelled, so it cannot be charged.")
        if self.no_show:
            raise InvalidStateError("This booking is marked as a no-show, so it cannot be charged.")
        if self.balance_due.amount <= 0:
            raise InvalidStateError(gettext("This booking is already paid in full."))


def derive_status(
    *,
    price: int,
    paid: int,
    refunded: int,
    cancelled: bool,
    has_open_checkout: bool,
    no_show: bool = False,
    has_processing_payment: bool = False,
) -> BookingStatus:
    """The booking's status from its money, in one place so every path agrees."""
    if paid <= 0:
        if cancelled:
            return BookingStatus.CANCELLED
        if no_show:
            return BookingStatus.NO_SHOW
        if has_processing_payment:
            return BookingStatus.PAYMENT_PROCESSING
        return BookingStatus.AWAITING_PAYMENT if has_open_checkout else BookingStatus.NEW
    if paid - refunded > price:
        return BookingStatus.OVERPAID  # before any other state: the excess is owed back
    if refunded >= paid:
        return BookingStatus.REFUNDED
    if refunded > 0 and paid - refunded < price:
        return BookingStatus.PARTIALLY_REFUNDED
    # Refunds that gave back only an overpayment leave the booking simply paid.
    if paid - refunded >= price:
        return BookingStatus.PAID
    return BookingStatus.DEPOSIT_PAID
