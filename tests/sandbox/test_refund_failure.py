"""Refunds follow the card that paid, as in Stripe's test mode (docs.stripe.com/testing#refunds).

Every test card refunds at once; 4000000000007726 goes pending, then succeeded;
4000000000005126 succeeds, then fails with ``refund.failed``. There is no other trigger.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import stripe

from pos_app.sandbox import behaviour
from pos_app.sandbox.controls_client import ControlsClient
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.sandbox.conftest import pay, session_params

ASYNC_SUCCESS = "4000 0000 0000 7726"
ASYNC_FAILURE = "4000 0000 0000 5126"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    # The second half of an asynchronous refund waits until the test moves the clock.
    handle = start_in_thread(
        tmp_path_factory.mktemp("refund_failure") / "sandbox.sqlite3",
        enable_controls=True,
        refund_settle_seconds=600,
    )
    yield handle
    handle.stop()


@pytest.fixture
def controls(sandbox: SandboxHandle) -> Iterator[ControlsClient]:
    with ControlsClient(sandbox.url) as c:
        yield c


def _paid_pi(client: stripe.StripeClient, http: httpx.Client, card: str) -> str:
    session = client.v1.checkout.sessions.create(session_params())  # 25.00 USD
    assert session.url is not None and pay(http, session.url, card).status_code == 200
    pi = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    assert isinstance(pi, str)
    return pi


def _events_about(client: stripe.StripeClient, object_id: str) -> list[str]:
    recent = client.v1.events.list({"limit": 100}).data
    return [e.type for e in recent if e.data.object["id"] == object_id]


def test_an_ordinary_card_refunds_at_once(client: stripe.StripeClient, http: httpx.Client) -> None:
    pi = _paid_pi(client, http, "4242 4242 4242 4242")
    refund = client.v1.refunds.create({"payment_intent": pi, "amount": 1000})
    assert refund.status == "succeeded"  # in the create response, no clock moved
    assert isinstance(refund.balance_transaction, str)
    charge = client.v1.charges.retrieve(str(refund.charge))
    assert (charge.amount_refunded, charge.refunded) == (1000, False)
    assert _events_about(client, refund.id) == ["refund.created"]
    assert "charge.refunded" in _events_about(client, charge.id)
    txn = client.v1.balance_transactions.retrieve(refund.balance_transaction)
    assert (txn.type, txn.amount, txn.fee) == ("refund", -1000, 0)


def test_async_success_card_goes_pending_then_succeeded(
    client: stripe.StripeClient, http: httpx.Client, controls: ControlsClient
) -> None:
    pi = _paid_pi(client, http, ASYNC_SUCCESS)
    refund = client.v1.refunds.create({"payment_intent": pi, "metadata": {"booking_id": "b1"}})
    assert (refund.status, refund.amount, refund.balance_transaction) == ("pending", 2500, None)
    # While pending, its amount is reserved.
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create({"payment_intent": pi, "amount": 100})
    assert info.value.code == behaviour.REFUND_ALREADY_REFUNDED_CODE
    charge_id = str(refund.charge)
    assert client.v1.charges.retrieve(charge_id).amount_refunded == 0

    controls.advance_clock(601)
    done = client.v1.refunds.retrieve(refund.id)
    assert done.status == "succeeded" and isinstance(done.balance_transaction, str)
    assert _events_about(client, refund.id) == ["refund.updated", "refund.created"]
    updated = next(
        e
        for e in client.v1.events.list({"type": "refund.updated"}).data
        if e.data.object["id"] == refund.id
    )
    assert updated.data.previous_attributes is not None
    assert updated.data.previous_attributes["status"] == "pending"
    charge = client.v1.charges.retrieve(charge_id)
    assert (charge.amount_refunded, charge.refunded) == (2500, True)


def test_async_failure_card_succeeds_then_fails(
    client: stripe.StripeClient, http: httpx.Client, controls: ControlsClient
) -> None:
    pi = _paid_pi(client, http, ASYNC_FAILURE)
    refund = client.v1.refunds.create({"payment_intent": pi, "metadata": {"booking_id": "b2"}})
    assert (refund.status, refund.amount, refund.failure_reason) == ("succeeded", 2500, None)
    charge_id = str(refund.charge)
    assert client.v1.charges.retrieve(charge_id).refunded is True
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create({"payment_intent": pi, "amount": 100})
    assert info.value.code == behaviour.REFUND_ALREADY_REFUNDED_CODE

    controls.advance_clock(601)
    failed = client.v1.refunds.retrieve(refund.id)
    assert (failed.status, failed.failure_reason) == (
        "failed",
        behaviour.REFUND_TEST_CARD_FAILURE_REASON,
    )
    assert failed.to_dict()["metadata"] == {"booking_id": "b2"}
    back = failed.failure_balance_transaction
    assert isinstance(back, str)
    txn = client.v1.balance_transactions.retrieve(back)
    assert (txn.type, txn.amount, txn.source) == ("refund_failure", 2500, refund.id)
    assert _events_about(client, refund.id) == ["refund.failed", "refund.updated", "refund.created"]
    recent = client.v1.events.list({"limit": 100}).data
    assert "charge.refund.updated" not in [e.type for e in recent]  # deprecated: never sent
    updated = next(e for e in recent if e.type == "refund.updated")
    assert updated.data.previous_attributes is not None
    assert updated.data.previous_attributes["status"] == "succeeded"
    charge = client.v1.charges.retrieve(charge_id)
    assert (charge.amount_refunded, charge.refunded) == (0, False)

    # The amount is free again; the next refund of this card fails the same way later.
    again = client.v1.refunds.create({"payment_intent": pi})
    assert (again.amount, again.status) == (2500, "succeeded")
    controls.advance_clock(601)
    assert client.v1.refunds.retrieve(again.id).status == "failed"


def test_metadata_no_longer_steers_a_refund(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    # The old sandbox-only trigger is gone: it is ordinary metadata, as at Stripe.
    pi = _paid_pi(client, http, "4242 4242 4242 4242")
    refund = client.v1.refunds.create(
        {"payment_intent": pi, "metadata": {"sandbox_refund_outcome": "fail"}}
    )
    assert refund.status == "succeeded"
    assert not hasattr(behaviour, "REFUND_OUTCOME_METADATA_KEY")
