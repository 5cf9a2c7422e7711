"""Taking card payment: open a Checkout Session for a booking, watch it, cancel it.

The idempotency key is stored with the payment row before Stripe is called, and every request
parameter is derived from stored data, so a retry after a crash sends the very same request and
Stripe answers with the very same session.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from pos_app.domain.audit import AuditAction, Detail
from pos_app.domain.booking import Booking
from pos_app.domain.checkout_lines import part_kind
from pos_app.domain.checkout_locale import checkout_locale
from pos_app.domain.errors import (
    GatewayError,
    GatewayRejected,
    GatewayStoredFailure,
    GatewayUnavailable,
    InvalidStateError,
    NotFoundError,
)
from pos_app.domain.gateway_types import (
    CheckoutRequest,
    CheckoutSessionInfo,
    PaymentAttemptError,
)
from pos_app.domain.money import Money, parse_money
from pos_app.domain.orders import Order
from pos_app.domain.payable import Payable
from pos_app.domain.payment import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    check_deposit,
    ensure_none_processing,
)
from pos_app.domain.people import SYSTEM_ACTOR
from pos_app.domain.ports import UnitOfWork
from pos_app.i18n import N_, gettext
from pos_app.services import (
    audit,
    checkout_request,
    failpoints,
    ledger,
    order_charge,
    payables,
    settle,
    stripe_customers,
)
from pos_app.services.context import Deps
from pos_app.services.ids import idempotency_key, new_id

log = logging.getLogger(__name__)

# Stripe refuses a session that expires sooner than this after it is created.
STRIPE_SHORTEST_SESSION = timedelta(minutes=30)
# Sessions are asked to live a minute longer: the margin absorbs clock skew.
STRIPE_MIN_LIFETIME = STRIPE_SHORTEST_SESSION + timedelta(minutes=1)
# A create resent later than this after its reservation would ask for an ``expires_at`` too
# close for Stripe (under 30 minutes ahead): it is looked up, or replaced by a new attempt.
RESEND_MIN_LIFETIME = STRIPE_SHORTEST_SESSION + timedelta(seconds=15)
# ...but replaced only once no create of it can still reach Stripe. One send may take
# 3 tries x 15 s timeout, each after up to 3.75 s of 429 back-off, plus the SDK's retry waits
# (about 60 s in all), and Stripe itself refuses this request once its ``expires_at`` is under
# 30 minutes ahead (61 s after the reservation). Two minutes after the reservation, by Stripe's
# clock, leaves a minute for the clock-offset estimate and for the session list to show it.
REPLACE_MAX_LIFETIME = timedelta(minutes=29)
NO_PAYMENT = N_("There is no payment {id}.")
REPLACED = N_("Replaced by a new attempt: Stripe never answered this one in time.")
NOT_ANSWERED_YET = N_(
    "Stripe has not answered yet about this payment link. Wait a moment, then try again."
)


@dataclass(frozen=True)
class CheckoutView:
    """Everything the charge screen shows."""

    payment_id: str
    booking_id: str | None  # None for a walk-in order
    status: PaymentStatus
    amount: Money
    service_name: str
    customer_name: str
    url: str | None
    session_id: str | None
    hold_until: datetime | None
    expires_at: datetime | None
    clock_offset: float  # seconds to add to the local clock to get the server's
    failure_message: str | None = None  # why Stripe refused to open the session
    # The customer's last card attempt failed (declined, expired card…); the link stays open.
    # Known from the charge screen's refresh (``refresh``), None from other reads.
    last_attempt_error: PaymentAttemptError | None = None
    customer_email: str | None = None  # where "Send link by email" can send it
    # Where Stripe emails its receipt once paid (asked for when the link was made), or None.
    receipt_email: str | None = None
    order_id: str = ""  # the order it pays (a booking's, or a walk-in's)

    @property
    def countdown_ends_at(self) -> datetime | None:
        """When the link stops being payable: the app's hold, or Stripe's expiry if sooner."""
        ends = [t for t in (self.hold_until, self.expires_at) if t is not None]
        return min(ends) if ends else None


class CheckoutService:
    """Open, refresh and cancel Checkout Sessions for bookings."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps
        # Payments whose create call this process has under way (how many threads send it):
        # the sync pass leaves them to that call rather than resend them alongside.
        self._sending: Counter[str] = Counter()
        self._sending_lock = threading.Lock()

    def sending(self, payment_id: str) -> bool:
        """Whether this process is sending the payment's create call right now (its answer
        is on its way and will be stored: a resend would only repeat the call)."""
        with self._sending_lock:
            return self._sending[payment_id] > 0

    def start(self, booking_id: str, deposit_text: str | None = None) -> CheckoutView:
        """Return the open checkout of a booking or order (``bk_…`` or ``ord_…``), or open one
        for the balance due.

        ``deposit_text`` asks for part of the balance now ("10.00"); the rest can be paid
        later by another link or in cash. Refused, before anything is stored or sent, until
        the business has said where customers go after paying.
        """
        problem = checkout_request.success_url_problem(self._d.policy)
        if problem is not None:
            raise InvalidStateError(problem)
        payment, action = self._reserve(booking_id, deposit_text)
        if action == "stale":
            # The hold ran out while the screen was closed: close that link, then open anew.
            if self.cancel(payment.id).status is PaymentStatus.OPEN:
                raise InvalidStateError(N_("The old payment link could not be closed. Try again."))
            payment, action = self._reserve(booking_id, deposit_text)
        if action == "reuse":
            return self._view(payment)
        return self._send_create(payment)

    def refresh(self, payment_id: str) -> CheckoutView:
        """Re-read the payment's session from Stripe and apply it (the charge screen's tick)."""
        payment = self._payment(payment_id)
        if payment.status is PaymentStatus.CREATING:
            return self._send_create(payment)
        attempt_error = None
        if payment.stripe_session_id and not payment.status.is_final:
            # The PaymentIntent comes expanded in the same call: a declined card shows at once.
            session = self._d.gateway.retrieve_checkout_session(
                payment.stripe_session_id, with_last_attempt=True
            )
            payment = settle.apply_session(self._d, payment.id, session) or payment
            attempt_error = session.last_payment_error
        if payment.needs_charge_details:
            try:
                payment = settle.fill_charge_details(self._d, payment)
            except GatewayError as err:  # the fee can wait for the next reconciliation
                log.warning(
                    "payment.charge_details_deferred payment=%s reason=%s", payment.id, err.message
                )
        return self._view(payment, attempt_error)

    def reread(self, payment: Payment, *, session: CheckoutSessionInfo | None = None) -> Payment:
        """Re-read an open or processing payment's session and apply it; the payment after.

        The sync pass's re-read of every open link: what ``refresh`` does for such a payment,
        without building the charge screen's view (a read of its order, in a worker whose
        GIL the GUI thread waits for: issue 12). ``payment`` may be a moment old (the pass's
        list); the snapshot is applied to the row as it is then. ``session``: the snapshot
        as the pass listed it (services/open_links.py), read as this re-read would read it.
        """
        if payment.stripe_session_id is None or payment.status.is_final:
            return payment
        if session is None:
            session = self._d.gateway.retrieve_checkout_session(
                payment.stripe_session_id, with_last_attempt=True
            )
        payment = settle.apply_session(self._d, payment.id, session) or payment
        if payment.needs_charge_details:
            try:
                payment = settle.fill_charge_details(self._d, payment)
            except GatewayError as err:  # the fee can wait for the next reconciliation
                log.warning(
                    "payment.charge_details_deferred payment=%s reason=%s", payment.id, err.message
                )
        return payment

    def view(self, payment_id: str) -> CheckoutView:
        """The checkout as stored locally, without asking Stripe."""
        return self._view(self._payment(payment_id))

    def cancel(self, payment_id: str, *, detail: str | Detail | None = None) -> CheckoutView:
        """Expire the session so the link can no longer be paid; a payment already made stands.

        ``detail`` says why, for the audit log ("Cancelled at the desk" by default); a link
        whose hold has already ended is logged as expired by the app, not cancelled by anyone.
        """
        payment = self._payment(payment_id)
        if payment.status is PaymentStatus.CREATING:
            payment = self._payment(self._send_create(payment).payment_id)
        if payment.status is not PaymentStatus.OPEN or not payment.stripe_session_id:
            return self._view(payment)
        closing: settle.Closing | None = self._closing(payment, detail)
        try:
            session = self._d.gateway.expire_checkout_session(
                payment.stripe_session_id, idempotency_key=idempotency_key("expire", payment.id)
            )
        except GatewayRejected:
            # Not open any more (paid or expired meanwhile): Stripe's current state decides.
            session = self._d.gateway.retrieve_checkout_session(payment.stripe_session_id)
            closing = None  # not closed by us
        payment = settle.apply_session(self._d, payment.id, session, closing=closing) or payment
        return self._view(payment)

    def close_open_links(self, booking_id: str, *, detail: str | Detail) -> CheckoutView | None:
        """Expire the booking's open card links (before cash, a cancel or a no-show).

        Returns the first link found paid meanwhile, and stops there; None when none was.
        ``detail`` says why, for the audit log.
        """
        with self._d.uow() as uow:
            payments = uow.payments.for_order(payables.order_id_of(uow, booking_id))
        # A bank payment on its way may still pay the booking: cash, a cancel or a no-show
        # now could take the money twice.
        ensure_none_processing(payments)
        open_links = [
            p for p in payments if p.method is PaymentMethod.CARD and not p.status.is_final
        ]
        for link in open_links:
            view = self.cancel(link.id, detail=detail)
            if view.status is PaymentStatus.SUCCEEDED:
                return view
        return None

    def _closing(self, payment: Payment, detail: str | Detail | None) -> settle.Closing:
        """Who closes this link now, as the audit log will say it."""
        if payment.hold_until is not None and payment.hold_until <= self._d.server_now():
            return settle.Closing(SYSTEM_ACTOR, AuditAction.CHECKOUT_EXPIRED, "The hold ended")
        return settle.Closing(self._d.desk.actor, detail=detail or settle.CANCELLED_AT_DESK)

    def regenerate(self, payment_id: str) -> CheckoutView:
        """Cancel the old link and open a new one asking for the same amount (a deposit stays
        a deposit), capped at what is still due."""
        cancelled = self.cancel(payment_id, detail=Detail(N_("Replaced by a new link")))
        if cancelled.status is PaymentStatus.SUCCEEDED:
            return cancelled
        with self._d.uow() as uow:
            payable = payables.require(uow, cancelled.order_id)
        due = payable.balance_due
        same = cancelled.amount if cancelled.amount < due else due
        return self.start(cancelled.order_id, None if same == due else same.input_text())

    # -- steps --------------------------------------------------------------------------

    def _reserve(self, booking_id: str, deposit_text: str | None = None) -> tuple[Payment, str]:
        """Under the booking's lock: the payment to reuse, resend or replace, or a new one.

        The second item says what to do: "reuse" (open, in hold), "create" (send the create
        call with the stored key), or "stale" (open but the hold has run out).
        """
        now = self._d.server_now()
        with self._d.uow(write=True) as uow:
            booking = payables.require(uow, booking_id, for_update=True)
            booking.ensure_chargeable()
            # Another station is closing this order's links to take cash: none opens now.
            booking.ensure_no_cash_claim(now)
            payments = uow.payments.for_order(booking.id)
            ensure_none_processing(payments)
            amount = booking.balance_due
            if deposit_text is not None and deposit_text.strip():
                amount = parse_money(deposit_text, booking.currency, field="deposit")
                check_deposit(amount, booking.balance_due)
            for existing in reversed(payments):
                if not existing.status.link_open:
                    continue
                held = existing.hold_until is None or existing.hold_until > now
                if existing.status is PaymentStatus.OPEN and not held:
                    return existing, "stale"
                if existing.amount != amount.amount:
                    # One whole sentence per case: "booking" and "order" differ in gender.
                    open_link = (
                        gettext(
                            "A payment link for {amount} is already open for this booking. "
                            "Cancel it first to ask for a different amount."
                        )
                        if booking.booking is not None
                        else gettext(
                            "A payment link for {amount} is already open for this order. "
                            "Cancel it first to ask for a different amount."
                        )
                    )
                    raise InvalidStateError(open_link.format(amount=existing.money.format()))
                return existing, "create" if existing.status is PaymentStatus.CREATING else "reuse"
            order_charge.before_money(uow, booking)  # stock, and the promo code's use
            payment = self._new_attempt(uow, booking, amount, now)
            uow.commit()
        log.info(
            "payment.reserved booking=%s payment=%s amount=%s %s",
            booking_id,
            payment.id,
            payment.amount,
            payment.currency,
        )
        return payment, "create"

    def _new_attempt(
        self, uow: UnitOfWork, booking: Payable, amount: Money, now: datetime
    ) -> Payment:
        """Add a CREATING payment with its own id, key and frozen request (caller commits)."""
        payment_id = new_id("pay")
        hold = timedelta(minutes=self._d.policy.hold_minutes)
        payment = Payment(
            id=payment_id,
            booking_id=booking.booking_id,
            order_id=booking.id,
            method=PaymentMethod.CARD,
            status=PaymentStatus.CREATING,
            amount=amount.amount,
            currency=amount.currency,
            idempotency_key=idempotency_key("checkout", payment_id),
            created_at=self._d.clock.now(),
            hold_until=now + hold,
            expires_at=now + max(hold, STRIPE_MIN_LIFETIME),
            created_by=self._d.desk.actor.id,
        )
        payment.checkout_request = _frozen(uow, booking, payment, self._d)
        uow.payments.add(payment)
        ledger.recompute(uow, booking)
        return payment

    def _send_create(self, payment: Payment) -> CheckoutView:
        """Send (or resend: same key, same parameters) the create call; store the answer.

        The request comes from the payment row alone. One whose ``expires_at`` is now too
        close for Stripe is not resent: its session is looked up, or the attempt replaced.
        """
        assert payment.expires_at is not None
        if payment.expires_at - self._d.server_now() < RESEND_MIN_LIFETIME:
            return self._renew_late_create(payment)
        # Made for the customer's Stripe Customer when their receipt speaks their language.
        request = stripe_customers.for_checkout(self._d, self._stored_request(payment))
        failpoints.hit("checkout.before_create")
        with self._sending_lock:
            self._sending[payment.id] += 1
        try:
            return self._create_and_store(payment, request)
        finally:
            with self._sending_lock:
                self._sending[payment.id] -= 1
                if not self._sending[payment.id]:
                    del self._sending[payment.id]

    def _create_and_store(self, payment: Payment, request: CheckoutRequest) -> CheckoutView:
        """The create call of ``_send_create`` and the storing of its answer."""
        try:
            session = self._d.gateway.create_checkout_session(
                request, idempotency_key=payment.idempotency_key
            )
        except GatewayStoredFailure:
            return self._recover_lost_create(payment)
        except GatewayUnavailable:
            raise  # stays CREATING: the next try reuses the key and gets the same session
        except GatewayRejected as err:
            if err.code == "idempotency_error":
                # The key was first used with other parameters (the customer's email was
                # edited meanwhile, or an older version sent the request): the session that
                # key made may exist, so look for it rather than give the attempt up.
                return self._recover_lost_create(payment)
            stripe_customers.forget_if_gone(self._d, request, err)  # the next attempt makes one
            settle.mark_payment_failed(self._d, payment.id, err.message)
            raise
        failpoints.hit("checkout.after_create")
        stored = settle.apply_session(self._d, payment.id, session) or payment
        failpoints.hit("checkout.after_store")
        if stored.status.is_final and stored.failure_message == REPLACED:
            # The answer came after the attempt was replaced (its session is closed at
            # Stripe by settle): the charge screen shows the attempt that replaced it.
            return self._view(self._live_attempt(stored) or stored)
        return self._view(stored)

    def _live_attempt(self, payment: Payment) -> Payment | None:
        """The booking's card attempt still creating or open (``_reserve`` keeps one)."""
        with self._d.uow() as uow:
            payments = uow.payments.for_order(_order_of(payment))
        live = [p for p in payments if p.open_card_link]
        return live[-1] if live else None

    def _stored_request(self, payment: Payment) -> CheckoutRequest:
        """The frozen request; a row reserved before requests were stored gets one now."""
        if payment.checkout_request is not None:
            return checkout_request.thaw(payment.checkout_request)
        with self._d.uow(write=True) as uow:
            fresh = uow.payments.get(payment.id, for_update=True)
            booking = uow.bookings.get(payment.booking_id) if payment.booking_id else None
            if fresh is None:  # pragma: no cover - foreign key
                raise NotFoundError(gettext(NO_PAYMENT).format(id=payment.id))
            if fresh.checkout_request is None:
                if booking is not None:  # reserved before requests were stored: a booking's
                    frozen = checkout_request.freeze(
                        booking,
                        fresh,
                        self._d.policy,
                        locale=customer_locale(uow, booking),
                        receipt_customer=stripe_customers.receipt_customer(uow, booking),
                    )
                else:
                    frozen = _frozen(uow, payables.require(uow, _order_of(fresh)), fresh, self._d)
                fresh.checkout_request = frozen
                uow.commit()
            frozen = fresh.checkout_request
        return checkout_request.thaw(frozen)

    def _renew_late_create(self, payment: Payment) -> CheckoutView:
        """A create never answered within its window: Stripe's session if it exists; while a
        create sent in time may still land, GatewayUnavailable (the row stays CREATING); after
        that, a new attempt (new id, new key) in its place, so the customer still gets a link."""
        found = self._find_session(payment)
        if found is not None:
            log.warning("payment.recovered payment=%s session=%s", payment.id, found.id)
            return self._view(settle.apply_session(self._d, payment.id, found) or payment)
        now = self._d.server_now()  # Stripe's clock, as expires_at was computed from it
        assert payment.expires_at is not None
        if payment.expires_at - now >= REPLACE_MAX_LIFETIME:
            # A create sent in time may still be on its way: replacing now could open a
            # second link. Stay CREATING; the next look finds its session or may replace.
            log.info(
                "payment.create_unanswered booking=%s payment=%s",
                payment.booking_id,
                payment.id,
            )
            raise GatewayUnavailable(NOT_ANSWERED_YET)
        with self._d.uow(write=True) as uow:
            booking = payables.lock(uow, _order_of(payment))
            old = uow.payments.get(payment.id, for_update=True)
            if booking is None or old is None:  # pragma: no cover - foreign key
                raise NotFoundError(gettext(NO_PAYMENT).format(id=payment.id))
            if old.status is not PaymentStatus.CREATING:
                replacement = None  # another station settled or replaced it meanwhile
            else:
                old.mark_failed(REPLACED)
                replacement = self._new_attempt(uow, booking, old.money, now)
                audit.record(
                    uow,
                    at=self._d.clock.now(),
                    actor=SYSTEM_ACTOR,
                    action=AuditAction.PAYMENT_FAILED,
                    booking_id=old.booking_id,
                    payment_id=old.id,
                    amount=old.amount,
                    currency=old.currency,
                    detail=Detail(
                        N_(
                            "Replaced by a new attempt: Stripe never answered this one in time. "
                            "New attempt {payment}"
                        ),
                        {"payment": replacement.id},
                    ),
                )
                uow.commit()
        if replacement is None:
            return self._view(self._payment(payment.id))
        log.warning(
            "payment.replaced booking=%s payment=%s replacement=%s",
            payment.booking_id,
            payment.id,
            replacement.id,
        )
        return self._send_create(replacement)

    def _find_session(self, payment: Payment) -> CheckoutSessionInfo | None:
        """The session this payment's create made at Stripe, by the payment id in its metadata."""
        return self._d.gateway.find_checkout_session(
            metadata_key="payment_id",
            metadata_value=payment.id,
            created_after=payment.created_at - timedelta(minutes=5),
        )

    def _recover_lost_create(self, payment: Payment) -> CheckoutView:
        """Stripe keeps answering this key with the failure it stored, though the session may
        exist: find it by the payment id in its metadata, or give the attempt up."""
        found = self._find_session(payment)
        if found is None:
            settle.mark_payment_failed(
                self._d, payment.id, "Stripe could not open the payment link. Try again."
            )
            return self._view(self._payment(payment.id))
        log.warning("payment.recovered payment=%s session=%s", payment.id, found.id)
        return self._view(settle.apply_session(self._d, payment.id, found) or payment)

    def _payment(self, payment_id: str) -> Payment:
        with self._d.uow() as uow:
            payment = uow.payments.get(payment_id)
        if payment is None:
            raise NotFoundError(gettext(NO_PAYMENT).format(id=payment_id))
        return payment

    def _view(
        self, payment: Payment, attempt_error: PaymentAttemptError | None = None
    ) -> CheckoutView:
        with self._d.uow() as uow:
            booking = payables.require(uow, _order_of(payment))
        return CheckoutView(
            payment_id=payment.id,
            booking_id=payment.booking_id,
            order_id=booking.id,
            status=payment.status,
            amount=payment.money,
            service_name=booking.title_shown,  # a walk-in's "Order 12" in the desk's words
            customer_name=booking.customer_name,
            url=payment.checkout_url,
            session_id=payment.stripe_session_id,
            hold_until=payment.hold_until,
            expires_at=payment.expires_at,
            clock_offset=self._d.gateway.server_clock_offset(),
            failure_message=payment.failure_message,
            last_attempt_error=attempt_error if payment.status is PaymentStatus.OPEN else None,
            customer_email=booking.customer_email,
            receipt_email=(
                checkout_request.thaw(payment.checkout_request).receipt_email
                if payment.checkout_request is not None
                else None
            ),
        )


def _order_of(payment: Payment) -> str:
    """The order a payment pays (a row from before 0018 is found by its booking)."""
    return payment.order_id or payment.booking_id or ""


def _frozen(uow: UnitOfWork, payable: Payable, payment: Payment, deps: Deps) -> str:
    """The payment's create request: an order (a walk-in's, or a booking's with add-ons)
    shows its lines on the page (docs/orders.md 3.3); a booking of its service alone sends
    the one item it always sent."""
    order, booking = payable.order, payable.booking
    locale = customer_locale(uow, booking or order)
    receipt = stripe_customers.receipt_customer(uow, booking or order)
    if booking is not None and (len(order.lines) < 2 or order.total != booking.price_amount):
        return checkout_request.freeze(
            booking, payment, deps.policy, locale=locale, receipt_customer=receipt
        )
    assert payment.expires_at is not None
    return checkout_request.freeze_order(
        order,
        payment_id=payment.id,
        amount=payment.amount,
        expires_at=payment.expires_at,
        policy=deps.policy,
        part=part_kind(order, payment.amount, payable.paid_amount),
        locale=locale,
        receipt_customer=receipt,
    )


def customer_locale(uow: UnitOfWork, sale: Booking | Order) -> str:
    """Stripe's page language for the booking's (or walk-in order's) customer, read once,
    when the request is frozen (a later change of the customer's language never alters a
    resend)."""
    customer_id = sale.customer_id if isinstance(sale, Booking) else sale.customer.customer_id
    customer = uow.customers.get(customer_id) if customer_id else None
    return checkout_locale(customer.language if customer is not None else None)
