"""Refunds: ``succeeded`` at once, or asynchronous with Stripe's two refund test cards."""

from __future__ import annotations

from typing import Any

from pos_app.sandbox import behaviour, cards, events, money, objects
from pos_app.sandbox.context import Ctx
from pos_app.sandbox.errors import invalid_request, param_error, resource_missing
from pos_app.sandbox.expand import expand
from pos_app.sandbox.ids import new_id, random_token
from pos_app.sandbox.listing import created_filter, cursor_from, list_object
from pos_app.sandbox.params import ParamReader
from pos_app.sandbox.store import Record, SqlArg, Tx

JsonDict = dict[str, Any]

KIND = "refund"

# Accepted parameter names (and the values of ``reason``) are checked by schema.check
# before these handlers run.

#: Refund states that hold part of the charge (failed and canceled ones give it back).
_RESERVING = ("pending", "requires_action", "succeeded")


def _charge_for(tx: Tx, pi_id: str | None, charge_id: str | None) -> Record:
    if pi_id is not None:
        pi = tx.get(pi_id, "payment_intent")
        if pi is None:
            raise resource_missing("payment_intent", pi_id, param="payment_intent", status=400)
        latest = pi.body.get("latest_charge")
        charge = tx.get(latest, "charge") if isinstance(latest, str) else None
        if pi.status != "succeeded" or charge is None:
            raise invalid_request(
                f"This PaymentIntent ({pi_id}) does not have a successful charge to refund.",
                code=behaviour.REFUND_UNPAID_CODE,
                param="payment_intent",
            )
        if charge_id is not None and charge_id != charge.id:
            raise invalid_request(
                f"The charge {charge_id} does not belong to PaymentIntent {pi_id}.",
                param="charge",
            )
        return charge
    if charge_id is None:
        raise ValueError("either a PaymentIntent or a Charge id is needed")
    charge = tx.get(charge_id, "charge")
    if charge is None:
        raise resource_missing("charge", charge_id, param="charge", status=400)
    if charge.status != "succeeded":
        raise invalid_request(
            f"Charge {charge_id} has not succeeded, so it cannot be refunded.",
            code=behaviour.REFUND_UNPAID_CODE,
            param="charge",
        )
    return charge


def create(tx: Tx, ctx: Ctx, params: ParamReader) -> JsonDict:
    """``POST /v1/refunds`` on a PaymentIntent or Charge."""
    pi_id = params.string("payment_intent")
    charge_id = params.string("charge")
    if pi_id is None and charge_id is None:
        raise param_error(
            "One of the following params should be provided for this request: "
            "payment_intent or charge.",
            code="parameter_missing",
            param="payment_intent",
        )
    amount = params.integer("amount", minimum=1)
    reason = params.enum("reason", behaviour.REFUND_REASONS)
    metadata = params.metadata() or {}
    to_expand = params.expand()

    charge = _charge_for(tx, pi_id, charge_id)
    currency = str(charge.body["currency"])
    reserved = sum(
        int(r.body["amount"])
        for r in tx.children(KIND, charge.id)
        if r.status in (_RESERVING if behaviour.PENDING_REFUNDS_RESERVE_AMOUNT else ("succeeded",))
    )
    remaining = int(charge.body["amount"]) - reserved
    if remaining <= 0:
        raise invalid_request(
            f"Charge {charge.id} has already been refunded.",
            code=behaviour.REFUND_ALREADY_REFUNDED_CODE,
            param="charge" if pi_id is None else "payment_intent",
        )
    if amount is None:
        amount = remaining
    if amount > remaining:
        what = "unrefunded amount on charge" if reserved else "charge amount"
        raise invalid_request(
            f"Refund amount ({money.format_amount(amount, currency)}) is greater than "
            f"{what} ({money.format_amount(remaining, currency)})",
            code=behaviour.REFUND_TOO_LARGE_CODE,
            param="amount",
        )
    pm = charge.body.get("payment_method")
    body = objects.refund(
        refund_id=new_id("re"),
        created=ctx.ts,
        amount=amount,
        currency=currency,
        charge_id=charge.id,
        pi_id=str(charge.body["payment_intent"]),
        pm_id=pm if isinstance(pm, str) else None,
        reason=reason,
        metadata=metadata,
    )
    # The card the charge was paid with decides the refund's course, as in Stripe's test
    # mode (https://docs.stripe.com/testing#refunds).
    flow = cards.refund_flow(_card_fingerprint(charge))
    rec = Record(body["id"], KIND, ctx.ts, body, {"flow": flow}, parent=charge.id)
    if flow == "pending_then_succeeded":
        rec.due = ctx.now + ctx.refund_settle_seconds
        tx.insert(rec)
        events.emit(tx, ctx, "refund.created", body)
        return expand(tx, body, to_expand)
    if flow == "succeeded_then_failed":
        rec.due = ctx.now + ctx.refund_settle_seconds
    tx.insert(rec)
    charge_before = _book_success(tx, ctx, rec, charge)
    events.emit(tx, ctx, "refund.created", rec.body)
    events.emit(tx, ctx, "charge.refunded", charge.body, charge_before)
    return expand(tx, rec.body, to_expand)


def _card_fingerprint(charge: Record) -> object:
    details = charge.body.get("payment_method_details")
    card = details.get("card") if isinstance(details, dict) else None
    return card.get("fingerprint") if isinstance(card, dict) else None


def _book_success(tx: Tx, ctx: Ctx, rec: Record, charge: Record | None) -> JsonDict:
    """Make ``rec`` succeeded: its balance transaction, the charge's ``amount_refunded``.

    Returns the charge's fields as they were, for ``previous_attributes``.
    """
    amount = int(rec.body["amount"])
    currency = str(rec.body["currency"])
    txn_id = new_id("txn")
    txn = objects.balance_transaction(
        txn_id=txn_id,
        created=ctx.ts,
        amount=-amount,
        fee=0,
        currency=currency,
        source=rec.id,
        type_="refund",
        description=None if charge is None else f"REFUND FOR CHARGE ({charge.id})",
    )
    tx.insert(Record(txn_id, "balance_transaction", ctx.ts, txn, parent=rec.id))
    rec.body["status"] = "succeeded"
    rec.body["balance_transaction"] = txn_id
    rec.body["destination_details"]["card"].update(
        reference=random_token(23).upper(), reference_status="available"
    )
    tx.update(rec)
    if charge is None:
        return {}
    before: JsonDict = {
        "amount_refunded": charge.body["amount_refunded"],
        "refunded": charge.body["refunded"],
    }
    refunded = int(charge.body["amount_refunded"]) + amount
    charge.body["amount_refunded"] = refunded
    charge.body["refunded"] = refunded >= int(charge.body["amount"])
    tx.update(charge)
    return before


def _fail(tx: Tx, ctx: Ctx, rec: Record, reason: str) -> None:
    """A succeeded refund fails: the money comes back to the balance (a ``refund_failure``
    balance transaction), the charge's ``amount_refunded`` drops, the amount is free to
    refund again."""
    amount = int(rec.body["amount"])
    txn_id = new_id("txn")
    txn = objects.balance_transaction(
        txn_id=txn_id,
        created=ctx.ts,
        amount=amount,
        fee=0,
        currency=str(rec.body["currency"]),
        source=rec.id,
        type_="refund_failure",
        description=f"REFUND FAILURE FOR REFUND ({rec.id})",
    )
    tx.insert(Record(txn_id, "balance_transaction", ctx.ts, txn, parent=rec.id))
    rec.body["status"] = "failed"
    rec.body["failure_reason"] = reason
    rec.body["failure_balance_transaction"] = txn_id
    card = rec.body.get("destination_details", {}).get("card")
    if isinstance(card, dict):
        card["reference_status"] = behaviour.REFUND_FAILED_REFERENCE_STATUS
    tx.update(rec)
    charge = tx.get(str(rec.body["charge"]), "charge")
    if charge is not None and behaviour.FAILED_REFUND_RESTORES_AMOUNT_REFUNDED:
        charge.body["amount_refunded"] = max(int(charge.body["amount_refunded"]) - amount, 0)
        charge.body["refunded"] = False
        tx.update(charge)
    previous: JsonDict = {
        "status": "succeeded",
        "failure_reason": None,
        "failure_balance_transaction": None,
    }
    for type_ in behaviour.REFUND_FAILED_EVENT_ORDER:
        events.emit(tx, ctx, type_, rec.body, previous if type_ == "refund.updated" else None)


def settle(tx: Tx, ctx: Ctx, rec: Record) -> None:
    """The later half of an asynchronous test card's refund: ``pending`` → ``succeeded``
    (4000000000007726) or ``succeeded`` → ``failed`` (4000000000005126)."""
    rec.due = None
    flow = rec.internal.get("flow")
    if flow == "succeeded_then_failed" and rec.status == "succeeded":
        _fail(tx, ctx, rec, behaviour.REFUND_TEST_CARD_FAILURE_REASON)
        return
    if rec.status != "pending":
        tx.update(rec)
        return
    charge = tx.get(str(rec.body["charge"]), "charge")
    charge_before = _book_success(tx, ctx, rec, charge)
    events.emit(
        tx, ctx, "refund.updated", rec.body, {"status": "pending", "balance_transaction": None}
    )
    if charge is not None:
        events.emit(tx, ctx, "charge.refunded", charge.body, charge_before)


def retrieve(tx: Tx, refund_id: str, params: ParamReader) -> JsonDict:
    """``GET /v1/refunds/{id}``."""
    rec = tx.get(refund_id, KIND)
    if rec is None:
        raise resource_missing(KIND, refund_id)
    return expand(tx, rec.body, params.expand())


def list_refunds(tx: Tx, params: ParamReader) -> JsonDict:
    """``GET /v1/refunds``, newest first, optionally for one charge or PaymentIntent."""
    where: list[tuple[str, list[SqlArg]]] = [("kind = ?", [KIND])]
    charge = params.string("charge")
    if charge is not None:
        where.append(("parent = ?", [charge]))
    pi = params.string("payment_intent")
    if pi is not None:
        where.append(("json_extract(body, '$.payment_intent') = ?", [pi]))
    where.extend(created_filter(params))
    cursor = cursor_from(tx, params, table="objects", object_name=KIND, kind=KIND)
    result = list_object(tx.page("objects", where, cursor), "/v1/refunds")
    to_expand = params.expand()
    return expand(tx, result, to_expand) if to_expand else result
