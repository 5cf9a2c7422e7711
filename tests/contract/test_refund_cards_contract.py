"""Stripe's refund test cards (https://docs.stripe.com/testing#refunds), on both backends.

"With all other test cards, refunds succeed immediately and don't change status after that";
4000000000007726 (``pm_card_pendingRefund``): pending, then succeeded with ``refund.updated``;
4000000000005126 (``pm_card_refundFail``): succeeded, then failed with ``refund.failed``.
In the sandbox the customer pays on the hosted page with the card number; on real Stripe the
PaymentIntent is confirmed with the matching test PaymentMethod. Assertions marked
UNCONFIRMED state the sandbox's guess (``behaviour.py``): a run with a key settles them.
"""

from __future__ import annotations

import time
from typing import Any

import stripe

from pos_app.sandbox import behaviour
from tests.contract.conftest import Backend, eventually
from tests.contract.forms import one_item

#: card number on the sandbox's page → Stripe's test PaymentMethod with the same behaviour.
ORDINARY = ("4242 4242 4242 4242", "pm_card_visa")
PENDING_FIRST = ("4000 0000 0000 7726", "pm_card_pendingRefund")
FAILS_LATER = ("4000 0000 0000 5126", "pm_card_refundFail")

#: Stripe says "some time later"; the sandbox takes a second.
SETTLE_TIMEOUT = 90.0


def _paid_with(backend: Backend, card: tuple[str, str], amount: int = 1500) -> str:
    metadata = {"booking_id": "bk_contract", "contract_run": backend.run_id}
    if backend.is_sandbox:
        session = backend.create_session(
            line_items=one_item("usd", amount), payment_intent_data={"metadata": metadata}
        )
        assert backend.pay_page(session, card[0]).status_code in (200, 303)
        pi = backend.client.v1.checkout.sessions.retrieve(session.id).payment_intent
        assert isinstance(pi, str)
        return pi
    created = backend.client.v1.payment_intents.create(
        {
            "amount": amount,
            "currency": "usd",
            "payment_method": card[1],
            "confirm": True,
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
            "metadata": metadata,
        }
    )
    assert created.status == "succeeded"
    return created.id


def _refund(backend: Backend, pi: str, amount: int) -> stripe.Refund:
    params: Any = {"payment_intent": pi, "amount": amount}
    return backend.client.v1.refunds.create(params, options={"idempotency_key": backend.key("rc")})


def _until(backend: Backend, refund_id: str, status: str) -> stripe.Refund:
    return eventually(
        lambda: backend.client.v1.refunds.retrieve(refund_id),
        lambda r: r.status == status,
        timeout=SETTLE_TIMEOUT,
    )


def _event_types_about(backend: Backend, object_id: str, since: int) -> set[str]:
    page = backend.client.v1.events.list({"limit": 100, "created": {"gte": since}})
    return {e.type for e in page.data if e.data.object.to_dict().get("id") == object_id}


def test_an_ordinary_card_refunds_at_once(backend: Backend) -> None:
    refund = _refund(backend, _paid_with(backend, ORDINARY), 500)
    assert refund.status == "succeeded"
    assert isinstance(refund.balance_transaction, str)


def test_the_async_success_card_goes_pending_then_succeeded(backend: Backend) -> None:
    since = int(time.time()) - 5
    pi = _paid_with(backend, PENDING_FIRST)
    refund = _refund(backend, pi, 500)
    assert refund.status == "pending"
    done = _until(backend, refund.id, "succeeded")
    assert done.status == "succeeded"
    types = eventually(
        lambda: _event_types_about(backend, refund.id, since),
        lambda t: "refund.updated" in t,
    )
    assert "refund.updated" in types


def test_the_async_failure_card_succeeds_then_fails(backend: Backend) -> None:
    since = int(time.time()) - 5
    pi = _paid_with(backend, FAILS_LATER)
    refund = _refund(backend, pi, 500)
    assert refund.status == "succeeded"
    failed = _until(backend, refund.id, "failed")
    assert failed.status == "failed"
    assert failed.failure_reason in behaviour.REFUND_FAILURE_REASONS
    # UNCONFIRMED (behaviour.REFUND_TEST_CARD_FAILURE_REASON): the reason Stripe gives.
    assert failed.failure_reason == behaviour.REFUND_TEST_CARD_FAILURE_REASON
    assert isinstance(failed.failure_balance_transaction, str)
    txn = backend.client.v1.balance_transactions.retrieve(failed.failure_balance_transaction)
    assert (txn.type, txn.amount) == ("refund_failure", 500)
    types = eventually(
        lambda: _event_types_about(backend, refund.id, since),
        lambda t: "refund.failed" in t,
    )
    assert "refund.failed" in types
    # UNCONFIRMED (behaviour.FAILED_REFUND_RESTORES_AMOUNT_REFUNDED).
    charge = backend.client.v1.charges.retrieve(str(failed.charge))
    assert charge.amount_refunded == 0
