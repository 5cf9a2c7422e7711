"""Plain snapshots of Stripe objects, as the gateway hands them to services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # an annotation only: orders and pricing load with the services, not with
    # every module that names a Stripe snapshot (pos-app's command line, before the window)
    from pos_app.domain.checkout_lines import CheckoutLine


@dataclass(frozen=True)
class CheckoutRequest:
    """What to ask Stripe for when opening a checkout."""

    amount: int
    currency: str
    product_name: str
    expires_at: datetime
    metadata: dict[str, str]
    customer_email: str | None = None
    client_reference_id: str | None = None
    success_url: str | None = None
    cancel_url: str | None = None
    # Where Stripe emails its receipt once the payment succeeds (live mode; in test mode
    # Stripe emails receipts only to the account's verified team members).
    receipt_email: str | None = None
    # Cards only (wallets ride on card): delayed methods a Dashboard may enable would
    # complete sessions unpaid and settle days later.
    allowed_payment_method_types: tuple[str, ...] = ("card",)
    # The items the customer sees (an order's lines, tax and tip, summing to ``amount``);
    # none sends one item named ``product_name`` at ``amount``, as for a booking.
    lines: tuple[CheckoutLine, ...] = ()
    # Stripe's page language (``domain.checkout_locale``), frozen with the request; None on
    # requests frozen before it was stored, which never sent one.
    locale: str | None = None
    # Our customer whose Stripe Customer writes the receipt in their language (frozen when
    # the customer had an email and a language Stripe writes); None: no Stripe Customer.
    receipt_customer_id: str | None = None
    # That Stripe Customer's id ("cus_…"), put in at send time from the customer's row, where
    # it never changes once stored; sent instead of ``customer_email`` (Stripe takes one).
    customer: str | None = None


@dataclass(frozen=True)
class CustomerRequest:
    """``POST /v1/customers``: a customer whose receipts Stripe writes in their language."""

    email: str
    name: str
    preferred_locales: tuple[str, ...]
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StripeCustomerLink:
    """What a customer row holds about its Stripe Customer: the idempotency key and the
    frozen create (or update) request, stored before the call; Stripe's id once it answered;
    the request Stripe has applied (``synced``: the request again once the call succeeded)."""

    idempotency_key: str
    request: str
    stripe_id: str | None
    synced: str | None = None


@dataclass(frozen=True)
class CheckoutLineItemInfo:
    """One line item of a Checkout Session as Stripe lists it (``item``)."""

    name: str  # Stripe's ``description``: the product's name
    quantity: int
    unit_amount: int
    amount_subtotal: int
    amount_total: int
    currency: str


@dataclass(frozen=True)
class PaymentAttemptError:
    """Why the customer's last card attempt on an open session failed (the session stays
    open for another card): Stripe's ``payment_intent.last_payment_error``."""

    code: str | None  # e.g. card_declined, expired_card
    decline_code: str | None  # the bank's reason, e.g. insufficient_funds
    message: str  # the sentence to show ("Your card was declined: insufficient funds.")
    charge_id: str | None = None  # the failed attempt's charge: tells two attempts apart


@dataclass(frozen=True)
class CheckoutSessionInfo:
    """The parts of a Checkout Session the app acts on."""

    id: str
    status: str  # open | complete | expired
    payment_status: str  # paid | unpaid | no_payment_required
    amount_total: int
    currency: str
    url: str | None
    expires_at: datetime
    payment_intent_id: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    # Only when read with the PaymentIntent expanded (the charge screen's refresh).
    last_payment_error: PaymentAttemptError | None = None
    # The PaymentIntent's status when it was read too (expanded, or looked up because the
    # session completed unpaid): tells a bank payment still processing from a failed one.
    payment_intent_status: str | None = None
    # Only when read with the latest charge expanded (the events feed's re-read of a paid
    # session): its charge, fee and net, so no second call is needed.
    charge_details: ChargeDetails | None = None

    @property
    def is_paid(self) -> bool:
        """The customer has paid."""
        return self.status == "complete" and self.payment_status == "paid"


@dataclass(frozen=True)
class RefundRequest:
    """A refund to ask Stripe for."""

    payment_intent_id: str
    amount: int
    reason: str | None
    metadata: dict[str, str]


@dataclass(frozen=True)
class RefundInfo:
    """The parts of a Stripe Refund the app acts on."""

    id: str
    # pending | requires_action | succeeded | failed | canceled; Stripe types it nullable,
    # and a null is "no news" (Refund.apply_stripe keeps the status it knows).
    status: str | None
    amount: int
    currency: str
    payment_intent_id: str | None
    failure_reason: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    balance_transaction_id: str | None = None
    fee: int | None = None  # of the refund's balance transaction, once it exists
    net: int | None = None
    charge_id: str | None = None
    created: datetime | None = None  # when Stripe created it (from lists, for reconciliation)


@dataclass(frozen=True)
class PaymentIntentInfo:
    """The parts of a PaymentIntent the app records."""

    id: str
    status: str
    amount: int
    amount_received: int
    currency: str
    latest_charge_id: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    receipt_email: str | None = None


@dataclass(frozen=True)
class ChargeDetails:
    """Where a payment's money went: the charge, its balance transaction, Stripe's fee."""

    payment_intent_id: str
    charge_id: str | None
    balance_transaction_id: str | None
    fee: int | None  # minor units, known once the balance transaction exists
    net: int | None
    card_brand: str | None = None  # e.g. "visa", for receipts
    card_last4: str | None = None
    # Stripe's time of the charge (``charge.created``): when the customer paid, which the app
    # may only learn later (a payment at 23:58 seen at 00:01 belongs to the earlier day).
    charged_at: datetime | None = None


@dataclass(frozen=True)
class ChargeInfo:
    """A Stripe Charge as a list returns it (for reconciliation)."""

    id: str
    status: str  # succeeded | pending | failed
    amount: int
    amount_refunded: int
    currency: str
    payment_intent_id: str | None
    balance_transaction_id: str | None
    created: datetime
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        """The charge took the customer's money."""
        return self.status == "succeeded"


@dataclass(frozen=True)
class BalanceTransactionInfo:
    """A movement of the Stripe balance: a charge (+amount) or a refund (−amount) and its fee."""

    id: str
    type: str  # charge | payment | refund | payment_refund | …
    amount: int
    fee: int
    net: int
    currency: str
    source_id: str | None  # the charge (ch_…) or refund (re_…) it belongs to
    created: datetime


@dataclass(frozen=True)
class EventInfo:
    """An event from Stripe: only a trigger naming the object to re-read."""

    id: str
    type: str
    created: int
    object_type: str  # e.g. "checkout.session", "refund"
    object_id: str
    metadata: dict[str, str] = field(default_factory=dict)
    # The PaymentIntent a charge or refund event's object belongs to (None for others):
    # finds the local payment without relying on the charge carrying our metadata.
    payment_intent_id: str | None = None


@dataclass(frozen=True)
class EventPage:
    """One page of events, newest first, as Stripe lists them."""

    events: list[EventInfo]
    has_more: bool


@dataclass(frozen=True)
class PermissionCheck:
    """Whether the key holds one permission the app needs or uses (see
    ``stripe_permissions``)."""

    permission: str  # Stripe's id, e.g. "rak_charge_read"
    ok: bool
    detail: str  # a sentence naming the permission in the Dashboard's words
    # One of OPTIONAL_PERMISSIONS: lacking it is a warning, never a refused key.
    optional: bool = False
