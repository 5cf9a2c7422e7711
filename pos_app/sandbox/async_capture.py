"""Asynchronous capture: a charge whose balance transaction appears after the payment.

Stripe captures in the background by default in recent API versions
(``capture_method=automatic_async``): "the ``balance_transaction`` field on the Charge
object might be ``null`` immediately after confirmation … listen for the
``charge.updated`` event to know when the balance transaction becomes available"
(https://docs.stripe.com/payments/payment-intents/asynchronous-capture). Stripe says
*might*, so the sandbox books it at once by default; the test control
``POST /_sandbox/balance_transaction_delay {"seconds": N}`` makes every later successful
charge wait N seconds on the sandbox clock: until then the charge (also in
``charge.succeeded`` and behind ``latest_charge``) has ``balance_transaction: null``; then
the balance transaction is booked and ``charge.updated`` is sent with
``previous_attributes: {"balance_transaction": null}``.
"""

from __future__ import annotations

from typing import Any

from pos_app.sandbox import events
from pos_app.sandbox.context import Ctx
from pos_app.sandbox.store import Record, Store, Tx

JsonDict = dict[str, Any]

#: Where the delay lives (the sandbox's ``meta`` table): it survives a restart and every
#: process serving the same database sees it.
DELAY_META_KEY = "balance_transaction_delay_seconds"
_PENDING = "pending_balance_transaction"
KIND = "charge"


def delay(tx: Tx) -> float:
    """Seconds between a successful charge and its balance transaction (0: at once)."""
    saved = tx.meta_get(DELAY_META_KEY)
    try:
        return max(0.0, float(saved)) if saved is not None else 0.0
    except ValueError:
        return 0.0


def set_delay(store: Store, seconds: float) -> float:
    """Set the delay for charges from now on (charges already waiting keep theirs)."""
    if seconds < 0:
        raise ValueError("the delay cannot be negative")
    with store.transaction() as tx:
        tx.meta_set(DELAY_META_KEY, repr(float(seconds)))
    return float(seconds)


def get_delay(store: Store) -> float:
    """The current delay."""
    with store.snapshot() as tx:
        return delay(tx)


def defer(tx: Tx, ctx: Ctx, charge: Record, txn: JsonDict) -> bool:
    """Hold back ``txn`` (the new charge's balance transaction) when a delay is set.

    Returns False when there is none: the caller books ``txn`` at once, as before. Otherwise
    the charge shows ``balance_transaction: null`` and is due at the end of the delay.
    """
    seconds = delay(tx)
    if seconds <= 0:
        return False
    charge.body["balance_transaction"] = None
    charge.internal[_PENDING] = txn
    charge.due = ctx.now + seconds
    return True


def settle(tx: Tx, ctx: Ctx, charge: Record) -> None:
    """The delay is over: book the balance transaction and announce it with
    ``charge.updated`` (called by the sweeper when the charge is due)."""
    charge.due = None
    txn = charge.internal.pop(_PENDING, None)
    if not isinstance(txn, dict):
        tx.update(charge)
        return
    txn = {**txn, "created": ctx.ts, "available_on": max(int(txn["available_on"]), ctx.ts)}
    tx.insert(Record(str(txn["id"]), "balance_transaction", ctx.ts, txn, parent=charge.id))
    charge.body["balance_transaction"] = txn["id"]
    tx.update(charge)
    events.emit(tx, ctx, "charge.updated", charge.body, {"balance_transaction": None})
