"""Payments (a checkout attempt or cash) and refunds, with idempotent state transitions.

Stripe is the source of truth: transitions take what Stripe reports and are no-ops when the
record already says the same, so events may arrive twice or in any order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pos_app.domain import currency as cur
from pos_app.domain.errors import InvalidStateError, ValidationError
from pos_app.domain.gateway_types import ChargeDetails, CheckoutSessionInfo, RefundInfo
from pos_app.domain.money import Money, validate_chargeable
from pos_app.domain.payment_terms import HOLD_MINUTES_MAX as HOLD_MINUTES_MAX
from pos_app.domain.payment_terms import HOLD_MINUTES_MIN as HOLD_MINUTES_MIN
from pos_app.domain.payment_terms import HOLD_MINUTES_RANGE as HOLD_MINUTES_RANGE
from pos_app.domain.payment_terms import REFUND_REASONS as REFUND_REASONS
from pos_app.domain.payment_terms import hold_minutes_ok as hold_minutes_ok
from pos_app.domain.text import outside_text
from pos_app.i18n import N_, gettext


class PaymentMethod(StrEnum):
    """How the money was taken."""

    CARD = "card"
    CASH = "cash"


class PaymentStatus(StrEnum):
    """Lifecycle of one attempt to take money."""

    CREATING = "creating"  # idempotency key stored, Stripe's answer not yet stored
    OPEN = "open"  # checkout session open, customer may pay
    # The customer completed the session but the money has not arrived: a delayed method
    # (bank debit, voucher) or a PaymentIntent still ``processing``. Not final, never expired.
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    EXPIRED = "expired"  # session expired or was cancelled before payment
    FAILED = "failed"  # Stripe refused to create the session, or the bank payment failed

    @property
    def is_final(self) -> bool:
        """No further change can come from Stripe."""
        return self in (PaymentStatus.SUCCEEDED, PaymentStatus.EXPIRED, PaymentStatus.FAILED)

    @property
    def link_open(self) -> bool:
        """A payment link being made or open: the customer may pay through it now."""
        return self in (PaymentStatus.CREATING, PaymentStatus.OPEN)


#: A link in one of these may still change: its day's link counts are not settled.
LINK_STILL_OPEN = tuple(s for s in PaymentStatus if not s.is_final)


class RefundStatus(StrEnum):
    """Lifecycle of a refund, mirroring Stripe's refund statuses."""

    CREATING = "creating"
    PENDING = "pending"
    REQUIRES_ACTION = "requires_action"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def is_final(self) -> bool:
        """No further change is expected."""
        return self in (RefundStatus.SUCCEEDED, RefundStatus.FAILED, RefundStatus.CANCELED)

    @property
    def holds_money(self) -> bool:
        """Counts against what may still be refunded (everything but failed and canceled)."""
        return self not in (RefundStatus.FAILED, RefundStatus.CANCELED)


#: The moves a payment may make; anything else (a stale read, a late answer) is ignored.
#: Paid wins: an expired or failed attempt whose customer paid anyway has paid. A processing
#: attempt whose bank method failed can go back to OPEN (the link takes another card).
PAYMENT_MOVES: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.CREATING: frozenset(
        {
            PaymentStatus.OPEN,
            PaymentStatus.PROCESSING,
            PaymentStatus.SUCCEEDED,
            PaymentStatus.EXPIRED,
            PaymentStatus.FAILED,
        }
    ),
    PaymentStatus.OPEN: frozenset(
        {
            PaymentStatus.PROCESSING,
            PaymentStatus.SUCCEEDED,
            PaymentStatus.EXPIRED,
            PaymentStatus.FAILED,
        }
    ),
    PaymentStatus.PROCESSING: frozenset(
        {PaymentStatus.OPEN, PaymentStatus.SUCCEEDED, PaymentStatus.EXPIRED, PaymentStatus.FAILED}
    ),
    PaymentStatus.EXPIRED: frozenset({PaymentStatus.SUCCEEDED}),
    PaymentStatus.FAILED: frozenset({PaymentStatus.SUCCEEDED}),
    PaymentStatus.SUCCEEDED: frozenset(),
}

_REFUND_OPEN = frozenset(
    {
        RefundStatus.PENDING,
        RefundStatus.REQUIRES_ACTION,
        RefundStatus.SUCCEEDED,
        RefundStatus.FAILED,
        RefundStatus.CANCELED,
    }
)
#: The moves a refund may make; anything else is a stale read and is ignored. The one move out
#: of a final state is Stripe's documented exception: a succeeded refund can still fail later
#: (``refund.failed``; test card 4000000000005126). Pending and requires_action may swap (no
#: money changes between them); neither ever follows a final state.
REFUND_MOVES: dict[RefundStatus, frozenset[RefundStatus]] = {
    RefundStatus.CREATING: _REFUND_OPEN,
    RefundStatus.PENDING: _REFUND_OPEN - {RefundStatus.PENDING},
    RefundStatus.REQUIRES_ACTION: _REFUND_OPEN - {RefundStatus.REQUIRES_ACTION},
    RefundStatus.SUCCEEDED: frozenset({RefundStatus.FAILED}),
    RefundStatus.FAILED: frozenset(),
    RefundStatus.CANCELED: frozenset(),
}

#: A completed session's PaymentIntent in one of these has not taken the money and will not.
FAILED_INTENT_STATUSES = frozenset({"requires_payment_method", "canceled"})
BANK_PAYMENT_FAILED = N_("The bank payment failed, so nothing was paid. Charge the booking again.")


@dataclass
class Payment:
    """One attempt to take money for an order (a booking's, or a walk-in's)."""

    id: str
    booking_id: str | None  # None for a walk-in order's payment
    method: PaymentMethod
    status: PaymentStatus
    amount: int
    currency: str
    idempotency_key: str
    created_at: datetime
    hold_until: datetime | None = None
    stripe_session_id: str | None = None
    checkout_url: str | None = None
    expires_at: datetime | None = None
    stripe_payment_intent_id: str | None = None
    stripe_charge_id: str | None = None
    paid_at: datetime | None = None
    failure_message: str | None = None
    stripe_balance_transaction_id: str | None = None
    fee_amount: int | None = None
    net_amount: int | None = None
    created_by: str | None = None  # the user who took it or asked for it
    # When this station recorded the final state (succeeded): shown, and the day an
    # adjustment is shown on. Never compared with a close (station clocks differ).
    recorded_at: datetime | None = None
    # The create request as frozen when the attempt was reserved (JSON, see
    # services/checkout_request.py): every send and resend is built from it alone.
    checkout_request: str | None = None
    # The database's order of recorded money: given when the payment is written succeeded
    # (None until then, and again when recorded anew). "After a close" means a higher one.
    record_seq: int | None = None
    # The order this pays (issue 14): a booking's payment pays the booking's order.
    order_id: str | None = None

    @property
    def money(self) -> Money:
        """The amount asked for."""
        return Money(self.amount, self.currency)

    @property
    def open_card_link(self) -> bool:
        """A card payment whose link is being made or open: no cash may be taken beside it."""
        return self.method is PaymentMethod.CARD and self.status.link_open

    def apply_session(self, session: CheckoutSessionInfo, now: datetime) -> bool:
        """Bring this payment in line with Stripe's view of its session; True if anything changed.

        Paid wins over expired: a customer who paid as the hold ended has paid. A session
        completed unpaid is PROCESSING until its PaymentIntent succeeds or fails (FAILED).
        A final payment never reverts and never gets a link back; only "paid" moves it on.
        """
        if session.id != self.stripe_session_id and self.stripe_session_id is not None:
            raise ValueError("session does not belong to this payment")
        before = (
            self.status,
            self.stripe_session_id,
            self.checkout_url,
            self.expires_at,
            self.stripe_payment_intent_id,
        )
        self.stripe_session_id = session.id
        if session.payment_intent_id:
            self.stripe_payment_intent_id = session.payment_intent_id
        intent = session.payment_intent_status
        if session.is_paid:
            if self._move(PaymentStatus.SUCCEEDED, now):
                self.paid_at = self.paid_at or now
            self.checkout_url = None
        elif session.status == "expired":
            self._move(PaymentStatus.EXPIRED, now)  # a replaced (FAILED) attempt stays FAILED
            self.checkout_url = None
        elif session.status == "complete":
            # Completed but unpaid: a delayed method whose money is on its way, or whose
            # debit failed (the PaymentIntent then wants a new payment method or is canceled).
            if intent in FAILED_INTENT_STATUSES:
                if self._move(PaymentStatus.FAILED, now):
                    self.failure_message = BANK_PAYMENT_FAILED
            else:
                self._move(PaymentStatus.PROCESSING, now)
            self.checkout_url = None
        elif session.status == "open" and not self.status.is_final:
            if intent == "processing":
                self._move(PaymentStatus.PROCESSING, now)
            elif self.status is PaymentStatus.CREATING or (
                # The processing attempt failed and the link takes another card.
                self.status is PaymentStatus.PROCESSING and intent is not None
            ):
                self._move(PaymentStatus.OPEN, now)
        if session.status == "open" and not self.status.is_final:
            # A final payment's session (a replaced attempt's late answer, a stale read)
            # must never hand out a link: the caller closes such a session at Stripe.
            self.checkout_url = session.url
            self.expires_at = session.expires_at
        after = (
            self.status,
            self.stripe_session_id,
            self.checkout_url,
            self.expires_at,
            self.stripe_payment_intent_id,
        )
        return before != after

    def _move(self, to: PaymentStatus, now: datetime) -> bool:
        """Take status ``to`` if ``PAYMENT_MOVES`` allows it; True if it was taken.

        Reaching SUCCEEDED stamps ``recorded_at`` (a day closed before then gets the money as
        an adjustment); SUCCEEDED is never left, so the stamp is made once.
        """
        if to not in PAYMENT_MOVES[self.status]:
            return False
        self.status = to
        if to is PaymentStatus.SUCCEEDED:
            self.recorded_at = now
        return True

    def recorded_again(self, now: datetime) -> None:
        """Its money was recorded anew (Stripe corrected it): the database gives it a new
        place in its order, after every close made so far, when it is next written."""
        self.recorded_at = now
        self.record_seq = None

    @property
    def awaiting_order(self) -> bool:
        """Money recorded that the database has not yet put in its order."""
        return self.status is PaymentStatus.SUCCEEDED and self.record_seq is None

    @property
    def needs_charge_details(self) -> bool:
        """A card payment whose charge, fee and net are not known yet."""
        return (
            self.method is PaymentMethod.CARD
            and self.status is PaymentStatus.SUCCEEDED
            and self.stripe_payment_intent_id is not None
            and self.fee_amount is None
        )

    def apply_charge_details(self, details: ChargeDetails) -> bool:
        """Record the charge, balance transaction, fee and net; True if anything changed.

        A succeeded payment's ``paid_at`` becomes Stripe's time of the charge: when the
        customer paid, not when the app happened to notice.
        """
        before = (
            self.stripe_charge_id,
            self.stripe_balance_transaction_id,
            self.fee_amount,
            self.net_amount,
            self.paid_at,
        )
        if details.charged_at is not None and self.status is PaymentStatus.SUCCEEDED:
            self.paid_at = details.charged_at
        self.stripe_charge_id = details.charge_id or self.stripe_charge_id
        self.stripe_balance_transaction_id = (
            details.balance_transaction_id or self.stripe_balance_transaction_id
        )
        if details.fee is not None:
            self.fee_amount = details.fee
            self.net_amount = details.net
        return before != (
            self.stripe_charge_id,
            self.stripe_balance_transaction_id,
            self.fee_amount,
            self.net_amount,
            self.paid_at,
        )

    def mark_failed(self, message: str) -> None:
        """Stripe refused to create the session; nothing was charged."""
        if self.status is PaymentStatus.CREATING:
            self.status = PaymentStatus.FAILED  # CREATING -> FAILED, in PAYMENT_MOVES
            self.failure_message = outside_text(message)  # Stripe's words: bounded, no controls


@dataclass
class Refund:
    """Money returned against one succeeded payment."""

    id: str
    payment_id: str
    booking_id: str | None  # None for a walk-in order's refund
    amount: int
    currency: str
    reason: str | None
    status: RefundStatus
    idempotency_key: str
    created_at: datetime
    stripe_refund_id: str | None = None
    failure_reason: str | None = None
    note: str = ""
    stripe_balance_transaction_id: str | None = None
    fee_amount: int | None = None
    net_amount: int | None = None
    created_by: str | None = None  # the user who took it or asked for it
    # When this station recorded it succeeded (shown; never compared with a close), and
    # the database's order of that recording (see Payment.record_seq).
    recorded_at: datetime | None = None
    record_seq: int | None = None
    # A succeeded refund that failed after all (Stripe's test card 4000000000005126): the
    # money came back. Recorded like money taken, so a day closed with the refund gets it
    # back as an adjustment.
    reversed_at: datetime | None = None
    reversed_seq: int | None = None
    order_id: str | None = None  # the order whose payment it returns (issue 14)

    @property
    def money(self) -> Money:
        """The amount returned."""
        return Money(self.amount, self.currency)

    @property
    def awaiting_order(self) -> bool:
        """Its success is recorded but not yet in the database's order."""
        return self.recorded_at is not None and self.record_seq is None

    @property
    def reversal_awaiting_order(self) -> bool:
        """Its failure after success is recorded but not yet in the database's order."""
        return self.reversed_at is not None and self.reversed_seq is None

    def mark_failed(self, message: str) -> None:
        """Stripe refused to create the refund: it holds no money any more."""
        if self.status is RefundStatus.CREATING:
            self.status = RefundStatus.FAILED
            self.failure_reason = outside_text(message)  # Stripe's words: bounded, no controls

    def apply_stripe(self, info: RefundInfo, now: datetime | None = None) -> bool:
        """Take Stripe's view of this refund; True if anything changed.

        The status moves only as ``REFUND_MOVES`` allows, so a stale read never takes a final
        refund back. ``now`` stamps ``recorded_at`` when the refund first succeeds.
        """

        def snapshot() -> tuple[object, ...]:
            return (
                self.status,
                self.stripe_refund_id,
                self.failure_reason,
                self.stripe_balance_transaction_id,
                self.fee_amount,
                self.net_amount,
            )

        before = snapshot()
        self.stripe_refund_id = info.id
        status = _refund_status(info.status)
        # A null or unknown status is no news, and a forbidden move a stale read: keep ours.
        if status is not None and (status is self.status or status in REFUND_MOVES[self.status]):
            self.status = status
            self.failure_reason = outside_text(info.failure_reason)
            if status is RefundStatus.SUCCEEDED and self.recorded_at is None and now is not None:
                # Set once, when the money first counts as returned; a stale read can never
                # stamp it again (SUCCEEDED is never re-entered).
                self.recorded_at = now
            elif status is RefundStatus.FAILED and self.recorded_at is not None:
                # It had succeeded, so reports counted it: its failure is recorded as money
                # coming back (once: FAILED is never left), which a day closed in between
                # gets as an adjustment, never as money that vanished.
                self.reversed_at = self.reversed_at or now or self.recorded_at
        if info.balance_transaction_id:
            self.stripe_balance_transaction_id = info.balance_transaction_id
        if info.fee is not None:
            self.fee_amount, self.net_amount = info.fee, info.net
        return before != snapshot()


def _refund_status(value: str | None) -> RefundStatus | None:
    """Stripe's refund status as ours; None for a null (Stripe types it nullable) or a value
    this version does not know, rather than a crash on the event that carried it."""
    try:
        return RefundStatus(value) if value is not None else None
    except ValueError:
        return None


def ensure_none_processing(payments: Iterable[Payment]) -> None:
    """Raise InvalidStateError while one of a booking's bank payments is still processing.

    Its money may still arrive, so taking another payment now could charge twice.
    """
    for payment in payments:
        if payment.status is PaymentStatus.PROCESSING:
            raise InvalidStateError(
                gettext(
                    "A bank payment of {amount} for this booking is still processing. "
                    "Wait until it succeeds or fails before taking another payment."
                ).format(amount=payment.money)
            )


def refundable_amount(payment: Payment, refunds: list[Refund]) -> Money:
    """What can still be refunded on a payment: paid minus every refund that holds money."""
    if payment.status is not PaymentStatus.SUCCEEDED:
        return Money.zero(payment.currency)
    held = sum(r.amount for r in refunds if r.payment_id == payment.id and r.status.holds_money)
    return Money(max(payment.amount - held, 0), payment.currency)


def check_deposit(amount: Money, balance_due: Money) -> None:
    """Raise unless ``amount`` can be asked for now: chargeable and at most the balance due."""
    validate_chargeable(amount, field="deposit")
    if amount > balance_due:
        raise ValidationError(
            "deposit",
            gettext("The deposit can be at most the balance due, {amount}.").format(
                amount=balance_due
            ),
        )


def check_cash(amount: Money, balance_due: Money) -> None:
    """Raise unless ``amount`` of cash can be recorded: more than zero, at most the balance."""
    if balance_due.amount <= 0:
        raise InvalidStateError(gettext("This booking is already paid in full."))
    if amount.amount <= 0:
        raise ValidationError("amount", gettext("The amount must be more than zero."))
    if amount > balance_due:
        raise ValidationError(
            "amount",
            gettext(
                "The balance due is {amount}. Record at most that and give change for the rest."
            ).format(amount=balance_due),
        )


def check_split(cash: Money, balance_due: Money) -> Money:
    """Raise unless ``cash`` can be the cash part of a split (part cash now, the rest by
    card); return the card part. The cash is more than zero and less than the balance, and
    what it leaves is a card charge Stripe accepts (at least the currency's smallest)."""
    if balance_due.amount <= 0:
        raise InvalidStateError(gettext("This booking is already paid in full."))
    if cash.amount <= 0:
        raise ValidationError("amount", gettext("The amount must be more than zero."))
    if cash.amount >= balance_due.amount:
        raise ValidationError(
            "amount",
            gettext(
                "A split leaves part for the card: take less than {total} in cash, "
                "or use Cash for all of it."
            ).format(total=balance_due.format()),
        )
    card = balance_due - cash
    smallest = Money(cur.minimum_charge(card.currency), card.currency)
    if card < smallest:
        raise ValidationError(
            "amount",
            gettext(
                "That leaves {card} for the card, less than the smallest card charge, "
                "{smallest}. Take less in cash, or use Cash for all of it."
            ).format(card=card.format(), smallest=smallest.format()),
        )
    return card


def check_card_first(card: Money, balance_due: Money) -> Money:
    """Raise unless ``card`` can be the card part of a split paid by card first (the rest
    in cash after); return the cash part. The card part is a charge Stripe accepts and less
    than the balance."""
    if balance_due.amount <= 0:
        raise InvalidStateError(gettext("This booking is already paid in full."))
    validate_chargeable(card, field="amount")
    if card.amount >= balance_due.amount:
        raise ValidationError(
            "amount",
            gettext(
                "A split leaves part for the cash: charge less than {total} by card, "
                "or use Charge (QR) for all of it."
            ).format(total=balance_due.format()),
        )
    return balance_due - card


def check_refund(amount: Money, refundable: Money, reason: str | None) -> None:
    """Raise unless ``amount`` may be refunded now: 0 < amount ≤ refundable, known reason."""
    if reason is not None and reason not in REFUND_REASONS:
        raise ValidationError(
            "reason", gettext("Unknown refund reason '{reason}'.").format(reason=reason)
        )
    if refundable.amount <= 0:
        raise InvalidStateError(gettext("There is nothing left to refund on this booking."))
    if amount.currency != refundable.currency:
        raise ValidationError(
            "amount",
            gettext("Refunds must be in {currency}.").format(currency=refundable.currency.upper()),
        )
    if amount.amount <= 0:
        raise ValidationError("amount", gettext("The refund must be more than zero."))
    if amount > refundable:
        raise ValidationError(
            "amount",
            gettext("You can refund at most {amount} (what is left of the payment).").format(
                amount=refundable
            ),
        )
