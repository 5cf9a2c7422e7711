"""The one place Stripe's view of a session or refund is written into the database.

Every path (the charge screen, the event poller, startup reconciliation, the CLI) ends here.
Each function re-reads nothing itself: it takes a fresh snapshot from the caller, locks the
rows, and applies it idempotently, so duplicates and any order give the same result.
"""

from __future__ import annotations

import logging

from pos_app.domain.gateway_types import CheckoutSessionInfo, RefundInfo
from pos_app.domain.payment import Payment, PaymentStatus, Refund, RefundStatus
from pos_app.services import ledger
from pos_app.services.context import Deps

log = logging.getLogger(__name__)


def apply_session(deps: Deps, payment_id: str, session: CheckoutSessionInfo) -> Payment | None:
    """Write a fresh session snapshot onto its payment; returns the payment (None if unknown)."""
    with deps.uow(write=True) as uow:
        payment = uow.payments.get(payment_id, for_update=True)
        if payment is None:
            return None
        booking = uow.bookings.get(payment.booking_id, for_update=True)
        was = payment.status
        changed = payment.apply_session(session, deps.clock.now())
        if changed and booking is not None:
            ledger.recompute(uow, booking)
        uow.commit()
    if payment.status is not was:
        log.info(
            "payment.%s booking=%s payment=%s session=%s payment_intent=%s",
            payment.status.value,
            payment.booking_id,
            payment.id,
            session.id,
            session.payment_intent_id,
        )
    return payment


def fill_charge_details(deps: Deps, payment: Payment) -> Payment:
    """Fetch and store the charge, balance transaction, fee and net of a paid card payment.

    Safe to repeat; a payment whose balance transaction does not exist yet stays incomplete
    and is tried again by the next reconciliation pass.
    """
    if not payment.needs_charge_details or payment.stripe_payment_intent_id is None:
        return payment
    details = deps.gateway.retrieve_charge_details(payment.stripe_payment_intent_id)
    with deps.uow(write=True) as uow:
        fresh = uow.payments.get(payment.id, for_update=True)
        if fresh is None:
            return payment
        if fresh.apply_charge_details(details):
            uow.commit()
            log.info(
                "payment.charge_details booking=%s payment=%s charge=%s balance_transaction=%s "
                "fee=%s net=%s",
                fresh.booking_id,
                fresh.id,
                details.charge_id,
                details.balance_transaction_id,
                details.fee,
                details.net,
            )
    return fresh


def apply_refund(deps: Deps, refund_id: str, info: RefundInfo) -> Refund | None:
    """Write a fresh refund snapshot onto the local refund; returns it (None if unknown)."""
    with deps.uow(write=True) as uow:
        refund = uow.refunds.get(refund_id, for_update=True)
        if refund is None:
            return None
        booking = uow.bookings.get(refund.booking_id, for_update=True)
        was = refund.status
        if refund.apply_stripe(info) and booking is not None:
            ledger.recompute(uow, booking)
        uow.commit()
    if refund.status is not was:
        log.info(
            "refund.%s booking=%s refund=%s stripe_refund=%s amount=%s %s",
            refund.status.value,
            refund.booking_id,
            refund.id,
            info.id,
            info.amount,
            info.currency,
        )
    return refund


def mark_payment_failed(deps: Deps, payment_id: str, message: str) -> None:
    """Stripe refused to open the session: the attempt is over and the booking is chargeable."""
    with deps.uow(write=True) as uow:
        payment = uow.payments.get(payment_id, for_update=True)
        if payment is None or payment.status is not PaymentStatus.CREATING:
            return
        payment.mark_failed(message)
        booking = uow.bookings.get(payment.booking_id, for_update=True)
        if booking is not None:
            ledger.recompute(uow, booking)
        uow.commit()
    log.warning("payment.failed payment=%s reason=%s", payment_id, message)


def mark_refund_failed(deps: Deps, refund_id: str, message: str) -> None:
    """Stripe refused the refund outright: it holds no money any more."""
    with deps.uow(write=True) as uow:
        refund = uow.refunds.get(refund_id, for_update=True)
        if refund is None or refund.status is not RefundStatus.CREATING:
            return
        refund.mark_failed(message)
        booking = uow.bookings.get(refund.booking_id, for_update=True)
        if booking is not None:
            ledger.recompute(uow, booking)
        uow.commit()
    log.warning("refund.failed refund=%s reason=%s", refund_id, message)
