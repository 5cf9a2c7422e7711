"""Refunds through the SDK: partial, the rest, too much, twice; pending then succeeded
(Stripe's "asynchronous success" card, 4000000000007726; other cards refund at once)."""

from __future__ import annotations

import httpx
import pytest
import stripe

from pos_app.sandbox import behaviour
from tests.sandbox.conftest import pay, session_params, wait_until

ASYNC_SUCCESS = "4000 0000 0000 7726"


def _paid_pi(
    client: stripe.StripeClient,
    http: httpx.Client,
    amount: int = 2145,
    card: str = "4242 4242 4242 4242",
) -> str:
    session = client.v1.checkout.sessions.create(
        session_params(
            line_items=[
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": amount,
                        "product_data": {"name": "Colour"},
                    },
                }
            ]
        )
    )
    assert session.url is not None
    assert pay(http, session.url, card).status_code == 200
    pi = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    assert isinstance(pi, str)
    return pi


def _settled(client: stripe.StripeClient, refund_id: str) -> bool:
    return client.v1.refunds.retrieve(refund_id).status == "succeeded"


def test_partial_then_rest_then_already_refunded(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    pi_id = _paid_pi(client, http, card=ASYNC_SUCCESS)
    first = client.v1.refunds.create(
        {
            "payment_intent": pi_id,
            "amount": 500,
            "reason": "requested_by_customer",
            "metadata": {"booking_id": "bk_1"},
        },
        options={"idempotency_key": "refund-1"},
    )
    assert (first.object, first.status, first.amount, first.currency) == (
        "refund",
        "pending",
        500,
        "usd",
    )
    assert first.payment_intent == pi_id and first.reason == "requested_by_customer"
    assert first.balance_transaction is None
    assert first.to_dict()["metadata"] == {"booking_id": "bk_1"}

    rest = client.v1.refunds.create({"payment_intent": pi_id})
    assert rest.amount == 2145 - 500

    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create({"payment_intent": pi_id, "amount": 1})
    assert info.value.code == behaviour.REFUND_ALREADY_REFUNDED_CODE
    assert "has already been refunded" in (info.value.user_message or "")

    assert wait_until(lambda: _settled(client, first.id) and _settled(client, rest.id))
    charge_id = client.v1.payment_intents.retrieve(pi_id).latest_charge
    assert isinstance(charge_id, str)
    charge = client.v1.charges.retrieve(charge_id, params={"expand": ["refunds"]})
    assert (charge.amount_refunded, charge.refunded) == (2145, True)
    assert charge.refunds is not None
    assert [r.id for r in charge.refunds.data] == [rest.id, first.id]


def test_refund_settles_and_books_a_balance_transaction(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    pi_id = _paid_pi(client, http, card=ASYNC_SUCCESS)
    refund = client.v1.refunds.create({"payment_intent": pi_id, "amount": 1000})
    charge_id = refund.charge
    assert isinstance(charge_id, str)
    assert refund.status == "pending"
    assert wait_until(lambda: _settled(client, refund.id))
    done = client.v1.refunds.retrieve(refund.id, params={"expand": ["balance_transaction"]})
    txn = done.balance_transaction
    assert isinstance(txn, stripe.BalanceTransaction)
    assert (txn.type, txn.amount, txn.fee, txn.net, txn.source) == (
        "refund",
        -1000,
        0,
        -1000,
        refund.id,
    )
    charge = client.v1.charges.retrieve(charge_id)
    assert (charge.amount_refunded, charge.refunded) == (1000, False)

    types = [e.type for e in client.v1.events.list({"limit": 3}).data]
    assert types == ["charge.refunded", "refund.updated", "refund.created"]
    updated = client.v1.events.list({"type": "refund.updated"}).data[0]
    assert updated.data.object["status"] == "succeeded"
    assert updated.data.previous_attributes is not None
    assert updated.data.previous_attributes["status"] == "pending"


def test_over_refund_names_the_amounts(client: stripe.StripeClient, http: httpx.Client) -> None:
    pi_id = _paid_pi(client, http)
    client.v1.refunds.create({"payment_intent": pi_id, "amount": 100})
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create({"payment_intent": pi_id, "amount": 2500})
    assert info.value.http_status == 400
    assert info.value.code == behaviour.REFUND_TOO_LARGE_CODE
    assert info.value.user_message == (
        "Refund amount ($25.00) is greater than unrefunded amount on charge ($20.45)"
    )


def test_refund_by_charge_id(client: stripe.StripeClient, http: httpx.Client) -> None:
    pi_id = _paid_pi(client, http)
    charge_id = client.v1.payment_intents.retrieve(pi_id).latest_charge
    assert isinstance(charge_id, str)
    refund = client.v1.refunds.create({"charge": charge_id})
    assert refund.amount == 2145 and refund.payment_intent == pi_id
    listed = client.v1.refunds.list({"payment_intent": pi_id})
    assert [r.id for r in listed.data] == [refund.id]


def test_refund_errors(client: stripe.StripeClient, http: httpx.Client) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create({"payment_intent": "pi_missing"})
    assert info.value.code == "resource_missing" and info.value.param == "payment_intent"
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create({})
    assert info.value.code == "parameter_missing"
    pi_id = _paid_pi(client, http)
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create({"payment_intent": pi_id, "reason": "because"})
    assert info.value.param == "reason"
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create({"payment_intent": pi_id, "amount": 0})
    assert info.value.code == "parameter_invalid_integer"


def test_refund_of_unpaid_payment_intent(client: stripe.StripeClient, http: httpx.Client) -> None:
    session = client.v1.checkout.sessions.create(session_params())
    assert session.url is not None
    pay(http, session.url, "4000000000000002")
    pi_id = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    assert isinstance(pi_id, str)
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create({"payment_intent": pi_id})
    assert info.value.http_status == 400
    assert info.value.code == behaviour.REFUND_UNPAID_CODE
