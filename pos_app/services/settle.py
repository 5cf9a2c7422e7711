"""The one place Stripe's view of a session or refund is written into the database.

Every path (the charge screen, the event poller, startup reconciliation, the CLI) ends here.
Each function re-reads nothing itself: it takes a fresh snapshot from the caller, locks the
rows, and applies it idempotently, so duplicates and any order give the same result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields, replace

from pos_app.domain.audit import AuditAction, Detail
from pos_app.domain.errors import GatewayError
from pos_app.domain.gateway_types import ChargeDetails, CheckoutSessionInfo, RefundInfo
from pos_app.domain.money import Money
from pos_app.domain.payment import (
    REFUND_REASONS,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from pos_app.domain.people import STRIPE_ACTOR, Actor
from pos_app.domain.ports import UnitOfWork
from pos_app.i18n import N_
from pos_app.services import audit, ledger, locks, orphan_sessions, recording
from pos_app.services.context import Deps

log = logging.getLogger(__name__)


CANCELLED_AT_DESK = Detail(N_("Cancelled at the desk"))


@dataclass(frozen=True)
class Closing:
    """Who closed a payment link from the app, and in which words the audit log says so."""

    actor: Actor
    action: AuditAction = AuditAction.CHECKOUT_CANCELLED
    detail: str | Detail = CANCELLED_AT_DESK


def apply_session(
    deps: Deps, payment_id: str, session: CheckoutSessionInfo, *, closing: Closing | None = None
) -> Payment | None:
    """Write a fresh session snapshot onto its payment; returns the payment (None if unknown).

    Each change of state is written to the audit log in the same transaction, once: a
    snapshot applied again finds nothing to change. ``closing`` says who closed the link when
    the app expired it itself (else an expiry is Stripe's doing). An open session of a payment
    already FAILED or EXPIRED (a replaced attempt's late answer) is expired at Stripe at once.
    """
    payment = _apply_session(deps, payment_id, session, closing)
    if payment is None or not orphan_sessions.is_orphan(payment, session):
        return payment
    closed = orphan_sessions.close(deps, payment, session)
    if closed is None or closed.status == "open":
        return payment
    return _apply_session(deps, payment_id, closed, None) or payment  # paid still wins


def _apply_session(
    deps: Deps, payment_id: str, session: CheckoutSessionInfo, closing: Closing | None
) -> Payment | None:
    """One snapshot written under the rows' locks (see ``apply_session``)."""
    session = _with_intent_status(deps, payment_id, session)
    if closing is None:
        same = _unchanged(deps, payment_id, session)
        if same is not None:
            return same
    details = _details_if_just_paid(deps, payment_id, session)
    with deps.uow(write=True) as uow:
        payment, payable = locks.payment_and_order(uow, payment_id)
        if payment is None:
            return None
        was = payment.status
        changed = payment.apply_session(session, deps.clock.now())
        if details is not None and was is not PaymentStatus.SUCCEEDED:
            payment.apply_charge_details(details)
        if changed and payable is not None:
            ledger.recompute(uow, payable, at=deps.clock.now())
        if payment.status is not was:
            _audit_session(deps, uow, payment, was, closing)
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


def _unchanged(deps: Deps, payment_id: str, session: CheckoutSessionInfo) -> Payment | None:
    """The payment as stored when ``session`` would change none of its fields, else None.

    Most snapshots change nothing (the sync pass's re-read of every open link, the charge
    screen's tick): the write transaction, its row locks and the audit check then cost CPU,
    in a worker thread whose GIL the GUI thread waits for, for nothing (issue 12). The
    snapshot is applied to a detached copy, by the domain's own rule; any field it would
    change (status, link, expiry, PaymentIntent, a stamp) takes the locked path. A writer
    that commits between this read and the caller's next look finds the snapshot not
    applied, as if it had come a moment earlier: states still only move forward.
    """
    with deps.uow() as uow:
        stored = uow.payments.get(payment_id)
    if stored is None:
        return None
    return stored if changes_nothing(deps, stored, session) else None


def changes_nothing(deps: Deps, stored: Payment, session: CheckoutSessionInfo) -> bool:
    """Whether applying ``session`` to the payment as read (``stored``) would change none of
    its fields, by the domain's own rule on a detached copy; ``stored`` is not changed."""
    probe = replace(stored)  # a new, unattached object: changing it writes nothing
    before = [getattr(probe, f.name) for f in fields(Payment)]
    try:
        probe.apply_session(session, deps.clock.now())
    except ValueError:
        return False  # not this payment's session: the locked path says so
    after = [getattr(probe, f.name) for f in fields(Payment)]
    return before == after


def _with_intent_status(
    deps: Deps, payment_id: str, session: CheckoutSessionInfo
) -> CheckoutSessionInfo:
    """``session`` with its PaymentIntent's status when only that tells processing from
    failed: a session completed unpaid, or an open one of a payment seen processing."""
    if session.payment_intent_status is not None or not session.payment_intent_id:
        return session
    unpaid_complete = session.status == "complete" and not session.is_paid
    if not unpaid_complete:
        if session.status != "open":
            return session
        with deps.uow() as uow:
            payment = uow.payments.get(payment_id)
        if payment is None or payment.status is not PaymentStatus.PROCESSING:
            return session
    intent = deps.gateway.retrieve_payment_intent(session.payment_intent_id)
    return replace(session, payment_intent_status=intent.status)


def _details_if_just_paid(
    deps: Deps, payment_id: str, session: CheckoutSessionInfo
) -> ChargeDetails | None:
    """The charge, fee and net of a card payment this snapshot shows paid for the first time,
    so its audit entry names them (None otherwise, or when Stripe cannot say yet)."""
    if not session.is_paid or not session.payment_intent_id:
        return None
    with deps.uow() as uow:
        payment = uow.payments.get(payment_id)
    if (
        payment is None
        or payment.status is PaymentStatus.SUCCEEDED
        or payment.method is not PaymentMethod.CARD
    ):
        return None
    if session.charge_details is not None:
        return session.charge_details  # read with the session (the events feed's re-read)
    try:
        return deps.gateway.retrieve_charge_details(session.payment_intent_id)
    except GatewayError as err:  # the fee is fetched again by fill_charge_details
        log.warning("payment.charge_details_deferred payment=%s reason=%s", payment_id, err)
        return None


def _requester(deps: Deps, uow: UnitOfWork, created_by: str | None) -> Actor:
    """Who asked for a payment or refund: its creator's account, else whoever is at the desk."""
    user = uow.users.get(created_by) if created_by else None
    return Actor.of(user) if user is not None else deps.desk.actor


def _audit_session(
    deps: Deps, uow: UnitOfWork, payment: Payment, was: PaymentStatus, closing: Closing | None
) -> None:
    """The audit entries for one change of a card payment's state."""

    def record(
        actor: Actor, action: AuditAction, ids: list[str | None], detail: str | Detail
    ) -> None:
        audit.record(
            uow,
            at=deps.clock.now(),
            actor=actor,
            action=action,
            booking_id=payment.booking_id,
            payment_id=payment.id,
            amount=payment.amount,
            currency=payment.currency,
            stripe_ids=ids,
            detail=detail,
        )

    session_id = payment.stripe_session_id
    if was is PaymentStatus.CREATING and session_id:
        requester = _requester(deps, uow, payment.created_by)
        record(
            requester,
            AuditAction.CHECKOUT_CREATED,
            [session_id],
            Detail(N_("Payment link for {amount}"), {"amount": payment.money}),
        )
    if payment.status is PaymentStatus.SUCCEEDED:
        paid = Detail(N_("Paid by card"))
        if payment.fee_amount is not None:
            paid = Detail(
                N_("Paid by card; Stripe fee {fee}, net {net}"),
                {
                    "fee": Money(payment.fee_amount, payment.currency),
                    "net": Money(payment.net_amount or 0, payment.currency),
                },
            )
        ids = [session_id, payment.stripe_payment_intent_id, payment.stripe_charge_id]
        record(STRIPE_ACTOR, AuditAction.PAYMENT_SUCCEEDED, ids, paid)
    elif payment.status is PaymentStatus.PROCESSING:
        ids = [session_id, payment.stripe_payment_intent_id]
        waiting = Detail(N_("The customer paid by a bank method; the money has not arrived yet"))
        record(STRIPE_ACTOR, AuditAction.PAYMENT_PROCESSING, ids, waiting)
    elif payment.status is PaymentStatus.FAILED:
        ids = [session_id, payment.stripe_payment_intent_id]
        # Stripe's own message is data (its words, as Stripe said them).
        failed: str | Detail = payment.failure_message or Detail(N_("The payment failed"))
        record(STRIPE_ACTOR, AuditAction.PAYMENT_FAILED, ids, failed)
    elif payment.status is PaymentStatus.EXPIRED:
        how = closing or Closing(
            STRIPE_ACTOR,
            AuditAction.CHECKOUT_EXPIRED,
            Detail(N_("The link expired or was closed at Stripe")),
        )
        record(how.actor, how.action, [session_id], how.detail)


def fill_charge_details(deps: Deps, payment: Payment) -> Payment:
    """Fetch and store the charge, balance transaction, fee and net of a paid card payment.

    Safe to repeat; a payment whose balance transaction does not exist yet (asynchronous
    capture) stays incomplete, and reports say "fees pending" for it until ``charge.updated``
    or the next reconciliation pass fills it.
    """
    if not payment.needs_charge_details or payment.stripe_payment_intent_id is None:
        return payment
    details = deps.gateway.retrieve_charge_details(payment.stripe_payment_intent_id)
    with deps.uow(write=True) as uow:
        fresh = uow.payments.get(payment.id, for_update=True)
        if fresh is None:
            return payment
        paid_at = fresh.paid_at
        if fresh.apply_charge_details(details):
            # Moved to Stripe's time of the charge: recorded anew (an adjustment if its day
            # was closed meanwhile), unless a closed day's report already counts it.
            recording.stripe_corrected(deps, uow, fresh, paid_at, amount=False)
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
        refund, payable = locks.refund_and_order(uow, refund_id)
        if refund is None:
            return None
        was = refund.status
        # The domain decides which moves are real (a stale read changes nothing) and stamps
        # recorded_at once; an audit entry is written only for a real move.
        if refund.apply_stripe(info, deps.clock.now()) and payable is not None:
            ledger.recompute(uow, payable, at=deps.clock.now())
        if refund.status is not was:
            _audit_refund(deps, uow, refund, was)
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


def _audit_refund(deps: Deps, uow: UnitOfWork, refund: Refund, was: RefundStatus) -> None:
    """The audit entry for a refund reaching a final state (pending and the like are not)."""
    reason = REFUND_REASONS.get(refund.reason or "")
    detail: Detail
    if refund.status is RefundStatus.SUCCEEDED:
        action = AuditAction.REFUND_SUCCEEDED
        detail = (
            Detail(N_("Refunded ({reason})"), {"reason": Detail(reason)})
            if reason
            else Detail(N_("Refunded"))
        )
    elif refund.status in (RefundStatus.FAILED, RefundStatus.CANCELED):
        action = AuditAction.REFUND_FAILED
        why: str | Detail = refund.failure_reason or Detail(N_("no reason given"))
        detail = (
            Detail(N_("Refund failed: {reason}"), {"reason": why})
            if refund.status is RefundStatus.FAILED
            else Detail(N_("Refund canceled: {reason}"), {"reason": why})
        )
    else:
        return
    payment = uow.payments.get(refund.payment_id)
    intent = payment.stripe_payment_intent_id if payment is not None else None
    audit.record(
        uow,
        at=deps.clock.now(),
        actor=STRIPE_ACTOR,
        action=action,
        booking_id=refund.booking_id,
        payment_id=refund.payment_id,
        refund_id=refund.id,
        amount=refund.amount,
        currency=refund.currency,
        stripe_ids=[refund.stripe_refund_id, intent],
        detail=detail,
    )


def mark_payment_failed(deps: Deps, payment_id: str, message: str) -> None:
    """Stripe refused to open the session: the attempt is over and the booking is chargeable."""
    with deps.uow(write=True) as uow:
        payment, payable = locks.payment_and_order(uow, payment_id)
        if payment is None or payment.status is not PaymentStatus.CREATING:
            return
        payment.mark_failed(message)
        if payable is not None:
            ledger.recompute(uow, payable)
        audit.record(
            uow,
            at=deps.clock.now(),
            actor=STRIPE_ACTOR,
            action=AuditAction.PAYMENT_FAILED,
            booking_id=payment.booking_id,
            payment_id=payment.id,
            amount=payment.amount,
            currency=payment.currency,
            detail=Detail(
                N_("Stripe did not open the payment link: {message}"), {"message": message}
            ),
        )
        uow.commit()
    log.warning("payment.failed payment=%s reason=%s", payment_id, message)


def mark_refund_failed(deps: Deps, refund_id: str, message: str) -> None:
    """Stripe refused the refund outright: it holds no money any more."""
    with deps.uow(write=True) as uow:
        refund, payable = locks.refund_and_order(uow, refund_id)
        if refund is None or refund.status is not RefundStatus.CREATING:
            return
        was = refund.status
        refund.mark_failed(message)
        if payable is not None:
            ledger.recompute(uow, payable)
        _audit_refund(deps, uow, refund, was)
        uow.commit()
    log.warning("refund.failed refund=%s reason=%s", refund_id, message)
