"""Paying a Checkout Session: card attempts, 3-D Secure, and what a success creates.

Every function here runs inside one write transaction (see ``Store.transaction``), so
"the session is still open" is checked and acted on atomically: two concurrent payments
of one session serialise, and the second finds it complete.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from pos_app.sandbox import (
    async_capture,
    behaviour,
    cards,
    events,
    money,
    objects,
    payment_intents,
)
from pos_app.sandbox.cards import CardDetails, Decline
from pos_app.sandbox.context import Ctx
from pos_app.sandbox.ids import new_id
from pos_app.sandbox.sessions import KIND as SESSION_KIND
from pos_app.sandbox.sessions import expire_record
from pos_app.sandbox.store import Record, Tx

JsonDict = dict[str, Any]

OutcomeKind = Literal["paid", "declined", "requires_action", "not_open", "missing", "noop"]


@dataclass(frozen=True)
class Outcome:
    """What the page should show after an attempt."""

    kind: OutcomeKind
    message: str | None = None


def _open_session(tx: Tx, ctx: Ctx, session_id: str) -> Record | Outcome:
    session = tx.get(session_id, SESSION_KIND)
    if session is None:
        return Outcome("missing")
    if session.status == "open" and session.body["expires_at"] <= ctx.now:
        # Its time ran out before the sweeper got to it: expire now, refuse the payment.
        expire_record(tx, ctx, session)
    if session.status != "open":
        return Outcome("not_open")
    return session


def _payment_intent(tx: Tx, ctx: Ctx, session: Record) -> Record:
    """The session's PaymentIntent, created (with its event) at the first attempt."""
    pi_id = session.body.get("payment_intent")
    if isinstance(pi_id, str):
        existing = tx.get(pi_id, "payment_intent")
        if existing is not None:
            return existing
    pi_data = session.internal.get("payment_intent_data", {})
    pi_id = new_id("pi")
    body = objects.payment_intent(
        pi_id=pi_id,
        created=ctx.ts,
        amount=int(session.body["amount_total"]),
        currency=str(session.body["currency"]),
        metadata=dict(pi_data.get("metadata", {})),
        description=pi_data.get("description"),
        receipt_email=pi_data.get("receipt_email"),
    )
    # A session made for a Customer pays on that Customer's behalf (Stripe sets it on the
    # PaymentIntent and its charges): its preferred_locales write the receipt.
    body["customer"] = session.body.get("customer")
    pi = Record(pi_id, "payment_intent", ctx.ts, body)
    tx.insert(pi)
    session.body["payment_intent"] = pi_id
    session.parent = pi_id
    tx.update(session)
    if behaviour.EMIT_PAYMENT_INTENT_CREATED:
        events.emit(tx, ctx, "payment_intent.created", body)
    return pi


def attempt(tx: Tx, ctx: Ctx, session_id: str, form: cards.CardForm) -> Outcome:
    """Confirm the session's payment with a card that passed the form checks."""
    if form.details is None:
        raise ValueError("attempt() needs a card form that passed check_form()")
    found = _open_session(tx, ctx, session_id)
    if isinstance(found, Outcome):
        return found
    session = found
    pi = _payment_intent(tx, ctx, session)
    pm_id = new_id("pm")
    details = form.details
    if form.card is not None and form.card.requires_3ds:
        pi.body.update(
            status="requires_action",
            payment_method=pm_id,
            next_action=objects.redirect_next_action(ctx.page_url(session_id)),
            last_payment_error=None,
        )
        pi.internal["pending_card"] = {"pm_id": pm_id, **dataclasses.asdict(details)}
        tx.update(pi)
        events.emit(tx, ctx, "payment_intent.requires_action", pi.body)
        return Outcome("requires_action")
    decline = cards.decline_for(form.card)
    if decline is not None:
        _decline(tx, ctx, pi, pm_id, details, decline)
        return Outcome("declined", decline.message)
    _succeed(tx, ctx, session, pi, pm_id, details, three_d_secure=None)
    return Outcome("paid")


def authenticate(tx: Tx, ctx: Ctx, session_id: str, *, approve: bool) -> Outcome:
    """The customer's answer on the 3-D Secure page."""
    found = _open_session(tx, ctx, session_id)
    if isinstance(found, Outcome):
        return found
    session = found
    pi_id = session.body.get("payment_intent")
    pi = tx.get(pi_id, "payment_intent") if isinstance(pi_id, str) else None
    pending = None if pi is None else pi.internal.get("pending_card")
    if pi is None or pi.status != "requires_action" or not isinstance(pending, dict):
        # A repeated or stale form post: nothing is waiting for authentication.
        return Outcome("noop")
    pending = dict(pending)
    pm_id = str(pending.pop("pm_id"))
    details = CardDetails(**pending)
    pi.internal.pop("pending_card", None)
    if approve:
        tds = {
            "authentication_flow": "challenge",
            "electronic_commerce_indicator": "05",
            "exemption_indicator": None,
            "result": "authenticated",
            "result_reason": None,
            "transaction_id": new_id("tds"),
            "version": "2.2.0",
        }
        _succeed(tx, ctx, session, pi, pm_id, details, three_d_secure=tds)
        return Outcome("paid")
    pi.body.update(
        status="requires_payment_method",
        next_action=None,
        payment_method=None,
        last_payment_error={
            "code": "payment_intent_authentication_failure",
            "doc_url": "https://stripe.com/docs/error-codes/payment-intent-authentication-failure",
            "message": cards.AUTHENTICATION_FAILED_MESSAGE,
            "payment_method": objects.payment_method(pm_id, details, ctx.ts),
            "type": "invalid_request_error",
        },
    )
    tx.update(pi)
    events.emit(tx, ctx, "payment_intent.payment_failed", pi.body)
    return Outcome("declined", cards.AUTHENTICATION_FAILED_MESSAGE)


def _charge(
    ctx: Ctx,
    pi: Record,
    pm_id: str,
    details: CardDetails,
    *,
    succeeded: bool,
    balance_transaction: str | None,
    decline: Decline | None,
    three_d_secure: JsonDict | None,
) -> JsonDict:
    if decline is None:
        outcome = {
            "advice_code": None,
            "network_advice_code": None,
            "network_decline_code": None,
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "normal",
            "risk_score": 20,
            "seller_message": "Payment complete.",
            "type": "authorized",
        }
    else:
        outcome = {
            "advice_code": None,
            "network_advice_code": None,
            "network_decline_code": None,
            "network_status": decline.network_status,
            "reason": decline.reason,
            "risk_level": "normal",
            "risk_score": 20,
            "seller_message": decline.seller_message,
            "type": decline.outcome_type,
        }
    charge = objects.charge(
        charge_id=new_id("ch"),
        created=ctx.ts,
        amount=int(pi.body["amount"]),
        currency=str(pi.body["currency"]),
        pi_id=pi.id,
        pm_id=pm_id,
        card=details,
        metadata=dict(pi.body["metadata"]),
        description=pi.body.get("description"),
        business_name=ctx.business_name,
        succeeded=succeeded,
        balance_transaction=balance_transaction,
        outcome=outcome,
        failure_code=None if decline is None else decline.code,
        failure_message=None if decline is None else decline.message,
        three_d_secure=three_d_secure,
    )
    charge["customer"] = pi.body.get("customer")
    return charge


def _decline(
    tx: Tx, ctx: Ctx, pi: Record, pm_id: str, details: CardDetails, decline: Decline
) -> None:
    charge = _charge(
        ctx,
        pi,
        pm_id,
        details,
        succeeded=False,
        balance_transaction=None,
        decline=decline,
        three_d_secure=None,
    )
    tx.insert(Record(charge["id"], "charge", ctx.ts, charge, parent=pi.id))
    error: JsonDict = {
        "charge": charge["id"],
        "code": decline.code,
        "doc_url": "https://stripe.com/docs/error-codes/" + decline.code.replace("_", "-"),
        "message": decline.message,
        "payment_method": objects.payment_method(pm_id, details, ctx.ts),
        "type": "card_error",
    }
    if decline.decline_code is not None:
        error["decline_code"] = decline.decline_code
    pi.body.update(
        status="requires_payment_method",
        latest_charge=charge["id"],
        payment_method=None,
        next_action=None,
        last_payment_error=error,
    )
    tx.update(pi)
    events.emit(tx, ctx, "charge.failed", charge)
    events.emit(tx, ctx, "payment_intent.payment_failed", pi.body)


def _succeed(
    tx: Tx,
    ctx: Ctx,
    session: Record,
    pi: Record,
    pm_id: str,
    details: CardDetails,
    *,
    three_d_secure: JsonDict | None,
) -> None:
    amount = int(pi.body["amount"])
    currency = str(pi.body["currency"])
    txn_id = new_id("txn")
    charge = _charge(
        ctx,
        pi,
        pm_id,
        details,
        succeeded=True,
        balance_transaction=txn_id,
        decline=None,
        three_d_secure=three_d_secure,
    )
    fee = money.stripe_fee(amount)
    txn = objects.balance_transaction(
        txn_id=txn_id,
        created=ctx.ts,
        amount=amount,
        fee=fee,
        currency=currency,
        source=charge["id"],
        type_="charge",
        description=pi.body.get("description"),
    )
    charge_record = Record(charge["id"], "charge", ctx.ts, charge, parent=pi.id)
    # Asynchronous capture (test control): the balance transaction may come later.
    if not async_capture.defer(tx, ctx, charge_record, txn):
        tx.insert(Record(txn_id, "balance_transaction", ctx.ts, txn, parent=charge["id"]))
    tx.insert(charge_record)

    pi.body.update(
        status="succeeded",
        amount_received=amount,
        latest_charge=charge["id"],
        payment_method=pm_id,
        next_action=None,
        last_payment_error=None,
    )
    tx.update(pi)

    session.body.update(
        status="complete",
        payment_status="paid",
        url=None,
        customer_details=objects.customer_details(
            session.internal.get("customer_email")
            or details.email
            or session.body.get("customer_email"),
            details.name,
        ),
        collected_information={
            "business_name": None,
            "individual_name": None,
            "shipping_details": None,
        },
    )
    session.due = None
    tx.update(session)

    receipt_email = pi.body.get("receipt_email")
    if isinstance(receipt_email, str):
        # Stripe emails the receipt when a payment with a receipt_email succeeds (live mode).
        payment_intents.would_send_receipt(tx, ctx, pi, receipt_email)
        tx.update(pi)
        if behaviour.RECEIPT_EMAIL_COPIED_TO_CHARGE:
            charge["receipt_email"] = receipt_email

    snapshots = {
        "charge.succeeded": charge,
        "payment_intent.succeeded": pi.body,
        "checkout.session.completed": session.body,
    }
    for type_ in behaviour.SUCCESS_EVENT_ORDER:
        events.emit(tx, ctx, type_, snapshots[type_])
