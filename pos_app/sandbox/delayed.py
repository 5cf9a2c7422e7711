"""Test control: a delayed payment method (a bank debit) paying a Checkout Session.

Stripe's hosted page offers such methods only when the create call allows them; the sandbox's
page takes cards alone. This control plays what Stripe does when a customer pays by SEPA
Direct Debit (stripe.com/docs/payments/checkout/how-checkout-works, "delayed notification"):

* ``processing``: the customer submits; the session is ``complete`` but ``unpaid``, the
  PaymentIntent ``processing`` (events ``payment_intent.processing``,
  ``checkout.session.completed``);
* ``succeeded``: days later the money arrives; the session becomes ``paid`` (events
  ``charge.succeeded``, ``payment_intent.succeeded``,
  ``checkout.session.async_payment_succeeded``);
* ``failed``: the debit bounces; the session stays ``complete``/``unpaid`` and the
  PaymentIntent wants a new payment method (events ``charge.failed``,
  ``payment_intent.payment_failed``, ``checkout.session.async_payment_failed``).

``POST /_sandbox/checkout/sessions/{id}/delayed_payment`` with ``{"outcome": ...}``.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pos_app.sandbox import behaviour, events, money, objects, sessions
from pos_app.sandbox.cards import CardDetails
from pos_app.sandbox.context import Ctx
from pos_app.sandbox.core import Sandbox
from pos_app.sandbox.faults import FaultConfigError, parse_json
from pos_app.sandbox.ids import new_id
from pos_app.sandbox.payments import _payment_intent  # the one way a session gets its PI
from pos_app.sandbox.sessions import KIND as SESSION_KIND
from pos_app.sandbox.store import Record, Tx

JsonDict = dict[str, Any]

OUTCOMES = ("processing", "succeeded", "failed")
DEBIT_FAILURE_CODE = "insufficient_funds"
DEBIT_FAILURE_MESSAGE = "The customer's account has insufficient funds to cover this payment."
_SEPA: JsonDict = {
    "type": "sepa_debit",
    "sepa_debit": {
        "bank_code": "37040044",
        "branch_code": None,
        "country": "DE",
        "fingerprint": "sandboxsepa0001",
        "last4": "3000",
        "mandate": None,
    },
}


class DelayedError(ValueError):
    """The session is not in a state this step applies to; the message says why."""


def _session(tx: Tx, session_id: str) -> Record:
    session = tx.get(session_id, SESSION_KIND)
    if session is None:
        raise DelayedError(f"No such checkout.session: '{session_id}'")
    return session


def submit(tx: Tx, ctx: Ctx, session_id: str) -> JsonDict:
    """The customer pays an open session by bank debit: complete, unpaid, processing."""
    session = _session(tx, session_id)
    if session.status != "open":
        raise DelayedError(f"The session is {session.status}, not open.")
    pi = _payment_intent(tx, ctx, session)
    pi.body.update(
        status="processing", payment_method=new_id("pm"), next_action=None, last_payment_error=None
    )
    pi.body["payment_method_types"] = ["sepa_debit"]
    tx.update(pi)
    session.body.update(
        status="complete",
        payment_status="unpaid",
        url=None,
        customer_details=objects.customer_details(sessions.prefilled_email(session), None),
    )
    session.due = None
    tx.update(session)
    events.emit(tx, ctx, "payment_intent.processing", pi.body)
    events.emit(tx, ctx, "checkout.session.completed", session.body)
    return session.body


def finish(tx: Tx, ctx: Ctx, session_id: str, *, succeeded: bool) -> JsonDict:
    """The bank debit of a processing session arrives (``succeeded``) or bounces."""
    session = _session(tx, session_id)
    pi_id = session.body.get("payment_intent")
    pi = tx.get(pi_id, "payment_intent") if isinstance(pi_id, str) else None
    if session.status != "complete" or pi is None or pi.status != "processing":
        raise DelayedError("The session has no bank payment processing.")
    amount, currency = int(pi.body["amount"]), str(pi.body["currency"])
    txn_id = new_id("txn") if succeeded else None
    charge = objects.charge(
        charge_id=new_id("ch"),
        created=ctx.ts,
        amount=amount,
        currency=currency,
        pi_id=pi.id,
        pm_id=str(pi.body["payment_method"]),
        card=CardDetails("visa", "0000", 1, 2000, "debit", "DE", "-", None, None),
        metadata=dict(pi.body["metadata"]),
        description=pi.body.get("description"),
        business_name=ctx.business_name,
        succeeded=succeeded,
        balance_transaction=txn_id,
        outcome={
            "advice_code": None,
            "network_advice_code": None,
            "network_decline_code": None,
            "network_status": "approved_by_network" if succeeded else "declined_by_network",
            "reason": None if succeeded else DEBIT_FAILURE_CODE,
            "risk_level": "normal",
            "risk_score": 20,
            "seller_message": "Payment complete." if succeeded else DEBIT_FAILURE_MESSAGE,
            "type": "authorized" if succeeded else "issuer_declined",
        },
        failure_code=None if succeeded else DEBIT_FAILURE_CODE,
        failure_message=None if succeeded else DEBIT_FAILURE_MESSAGE,
        three_d_secure=None,
    )
    charge["payment_method_details"] = dict(_SEPA)  # a debit, not the card the builder assumes
    if txn_id is not None:
        txn = objects.balance_transaction(
            txn_id=txn_id,
            created=ctx.ts,
            amount=amount,
            fee=money.stripe_fee(amount),
            currency=currency,
            source=charge["id"],
            type_="charge",
            description=pi.body.get("description"),
        )
        tx.insert(Record(txn_id, "balance_transaction", ctx.ts, txn, parent=charge["id"]))
    tx.insert(Record(charge["id"], "charge", ctx.ts, charge, parent=pi.id))
    if succeeded:
        pi.body.update(status="succeeded", amount_received=amount, latest_charge=charge["id"])
        session.body["payment_status"] = "paid"
        tx.update(session)
    else:
        pi.body.update(
            status="requires_payment_method",
            latest_charge=charge["id"],
            payment_method=None,
            last_payment_error={
                "charge": charge["id"],
                "code": DEBIT_FAILURE_CODE,
                "message": DEBIT_FAILURE_MESSAGE,
                "type": "invalid_request_error",
            },
        )
    tx.update(pi)
    outcome = "succeeded" if succeeded else "failed"
    events.emit(tx, ctx, f"charge.{outcome}", charge)
    intent_event = "payment_intent.succeeded" if succeeded else "payment_intent.payment_failed"
    events.emit(tx, ctx, intent_event, pi.body)
    events.emit(tx, ctx, f"checkout.session.async_payment_{outcome}", session.body)
    return session.body


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    """The control's route (mounted with the other test controls)."""

    def apply(session_id: str, outcome: str, base_url: str) -> JsonDict:
        ctx = sandbox.ctx(base_url)
        with sandbox.store.transaction() as tx:
            if outcome == "processing":
                return submit(tx, ctx, session_id)
            return finish(tx, ctx, session_id, succeeded=outcome == "succeeded")

    async def delayed_payment(request: Request) -> Response:
        try:
            data = parse_json(await request.body())
        except FaultConfigError as err:
            return _error(str(err))
        outcome = data.get("outcome") if isinstance(data, dict) else None
        if outcome not in OUTCOMES:
            return _error(f'expected {{"outcome": ...}}, one of {", ".join(OUTCOMES)}')
        try:
            body = await run_in_threadpool(
                apply, request.path_params["session_id"], str(outcome), str(request.base_url)
            )
        except DelayedError as err:
            return _error(str(err))
        return JSONResponse(body)

    path = f"{behaviour.CONTROLS_PREFIX}/checkout/sessions/{{session_id}}/delayed_payment"
    return [Route(path, delayed_payment, methods=["POST"])]


def _error(message: str) -> Response:
    error = {"message": message, "type": "invalid_request_error"}
    return JSONResponse({"error": error}, status_code=400)
