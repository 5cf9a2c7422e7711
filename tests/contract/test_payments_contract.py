"""Refunds and the payment objects the app reads (PaymentIntent, Charge, BalanceTransaction).

A paid PaymentIntent comes from Checkout's hosted page in the sandbox and from a direct
confirmation with Stripe's ``pm_card_visa`` test method on real Stripe, so these
scenarios run against both backends.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import stripe
from stripe._list_object import ListObject

from pos_app.gateway.stripe_gateway import StripeGateway
from tests.contract.conftest import Backend, eventually
from tests.contract.fidelity import check_json
from tests.contract.sdk_schema import endpoint_params, lookup

#: Refund reasons from the SDK's ``Literal`` (not from the sandbox).
REASONS: tuple[str, ...] = lookup(endpoint_params("POST /v1/refunds"), "reason").enum or ()


def _refund(backend: Backend, pi: str, **params: Any) -> stripe.Refund:
    body: Any = {"payment_intent": pi, "metadata": {"contract_run": backend.run_id}, **params}
    return backend.client.v1.refunds.create(body, options={"idempotency_key": backend.key("rf")})


def _settled(backend: Backend, refund_id: str) -> stripe.Refund:
    return eventually(
        lambda: backend.client.v1.refunds.retrieve(refund_id),
        lambda r: r.status in ("succeeded", "failed", "canceled"),
    )


def test_reasons_come_from_the_sdk() -> None:
    assert set(REASONS) == {"duplicate", "fraudulent", "requested_by_customer"}


def test_payment_intent_charge_and_balance_transaction_fields(backend: Backend) -> None:
    pi_id = backend.paid_payment_intent(amount=2145)
    pi = backend.client.v1.payment_intents.retrieve(pi_id)
    assert (pi.id, pi.status, pi.amount, pi.amount_received, pi.currency) == (
        pi_id,
        "succeeded",
        2145,
        2145,
        "usd",
    )
    assert pi.to_dict()["metadata"]["booking_id"] == "bk_contract"
    assert isinstance(pi.latest_charge, str) and pi.latest_charge.startswith("ch_")

    expanded = backend.client.v1.payment_intents.retrieve(
        pi_id, {"expand": ["latest_charge.balance_transaction"]}
    )
    charge = expanded.latest_charge
    assert isinstance(charge, stripe.Charge) and charge.id == pi.latest_charge
    assert (charge.status, charge.paid, charge.captured, charge.amount) == (
        "succeeded",
        True,
        True,
        2145,
    )
    assert charge.outcome is not None and charge.outcome.type == "authorized"
    details = charge.payment_method_details
    assert details is not None and details.type == "card" and details.card is not None
    assert details.card.brand == "visa" and details.card.last4 == "4242"
    txn = charge.balance_transaction
    assert isinstance(txn, stripe.BalanceTransaction)
    assert (txn.amount, txn.currency, txn.type) == (2145, "usd", "charge")
    assert type(txn.fee) is int and type(txn.net) is int and txn.fee > 0
    assert txn.net == txn.amount - txn.fee
    assert backend.client.v1.balance_transactions.retrieve(txn.id).net == txn.net
    assert backend.client.v1.charges.retrieve(charge.id).payment_intent == pi_id


def test_the_apps_gateway_reads_charge_details(backend: Backend) -> None:
    pi_id = backend.paid_payment_intent(amount=3000)
    gateway = StripeGateway(
        backend.api_key,
        mode="sandbox" if backend.is_sandbox else "test",
        api_base=backend.url,
        max_network_retries=0,
    )
    details = gateway.retrieve_charge_details(pi_id)
    info = gateway.retrieve_payment_intent(pi_id)
    assert info.amount_received == 3000 and info.latest_charge_id is not None
    assert details.fee is not None and details.net == 3000 - details.fee


def test_full_refund(backend: Backend) -> None:
    pi = backend.paid_payment_intent(amount=2145)
    refund = _refund(backend, pi, reason="requested_by_customer")
    assert refund.object == "refund" and refund.id.startswith("re_")
    assert refund.status in ("pending", "succeeded")
    assert (refund.amount, refund.currency, refund.payment_intent) == (2145, "usd", pi)
    assert refund.reason == "requested_by_customer"
    assert refund.to_dict()["metadata"] == {"contract_run": backend.run_id}
    assert getattr(refund, "failure_reason", None) is None
    done = _settled(backend, refund.id)
    assert done.status == "succeeded" and isinstance(done.balance_transaction, str)
    txn = backend.client.v1.balance_transactions.retrieve(done.balance_transaction)
    assert (txn.amount, txn.type) == (-2145, "refund")
    charge = backend.client.v1.charges.retrieve(str(done.charge))
    assert (charge.amount_refunded, charge.refunded) == (2145, True)


def test_partial_refunds_until_fully_refunded(backend: Backend) -> None:
    pi = backend.paid_payment_intent(amount=2145)
    first = _refund(backend, pi, amount=1000)
    second = _refund(backend, pi, amount=1145)
    assert (first.amount, second.amount) == (1000, 1145)
    with pytest.raises(stripe.InvalidRequestError) as info:
        _refund(backend, pi, amount=1)
    assert info.value.http_status == 400 and info.value.code == "charge_already_refunded"
    with pytest.raises(stripe.InvalidRequestError) as info:
        _refund(backend, pi)
    assert info.value.code == "charge_already_refunded"
    _settled(backend, first.id)
    _settled(backend, second.id)
    charge = backend.client.v1.charges.retrieve(str(first.charge))
    assert (charge.amount_refunded, charge.refunded) == (2145, True)


def test_partial_refund_leaves_the_charge_not_refunded(backend: Backend) -> None:
    pi = backend.paid_payment_intent(amount=2145)
    done = _settled(backend, _refund(backend, pi, amount=500).id)
    charge = backend.client.v1.charges.retrieve(str(done.charge))
    assert (charge.amount_refunded, charge.refunded) == (500, False)


def test_refund_larger_than_what_is_left(backend: Backend) -> None:
    pi = backend.paid_payment_intent(amount=2145)
    _refund(backend, pi, amount=1000)
    with pytest.raises(stripe.InvalidRequestError) as info:
        _refund(backend, pi, amount=2500)
    assert info.value.http_status == 400
    # No code, as Stripe answers (edx/commerce-coordinator#360); a run with a key confirms.
    assert (info.value.code, info.value.param) == (None, "amount")
    assert "greater than" in str(info.value.user_message)


@pytest.mark.parametrize("reason", REASONS)
def test_refund_reasons(backend: Backend, reason: str) -> None:
    pi = backend.paid_payment_intent(amount=1000)
    assert _refund(backend, pi, amount=100, reason=reason).reason == reason


def test_refund_reason_outside_the_sdks_values(backend: Backend) -> None:
    pi = backend.paid_payment_intent(amount=1000)
    with pytest.raises(stripe.InvalidRequestError) as info:
        _refund(backend, pi, reason="changed_mind")
    assert info.value.http_status == 400 and info.value.param == "reason"


def test_refund_of_an_unknown_payment_intent(backend: Backend) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        _refund(backend, "pi_doesnotexist000000000")
    assert info.value.http_status in (400, 404) and info.value.code == "resource_missing"


def test_refund_is_idempotent(backend: Backend) -> None:
    pi = backend.paid_payment_intent(amount=1000)
    key = backend.key("refund-replay")
    params: Any = {"payment_intent": pi, "amount": 300}
    first = backend.client.v1.refunds.create(params, options={"idempotency_key": key})
    again = backend.client.v1.refunds.create(params, options={"idempotency_key": key})
    assert again.id == first.id
    assert again.last_response is not None
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"


def test_raw_bodies_match_the_sdk_annotations(backend: Backend) -> None:
    """The response check of the fidelity tests, on this backend's raw JSON (on real Stripe
    this also proves the checker right)."""
    pi_id = backend.paid_payment_intent(amount=1000)
    refund = _refund(backend, pi_id, amount=100)
    pi = backend.client.v1.payment_intents.retrieve(
        pi_id, {"expand": ["latest_charge.balance_transaction"]}
    )
    session = backend.create_session()
    events = backend.client.v1.events.list({"limit": 5})
    problems: list[str] = []
    for obj, cls in [
        (refund, stripe.Refund),
        (pi, stripe.PaymentIntent),
        (session, stripe.checkout.Session),
        (events, ListObject),
    ]:
        assert obj.last_response is not None
        body = json.loads(obj.last_response.body)
        problems += check_json(
            body,
            cls if cls is not ListObject else ListObject[stripe.Event],
            f"{backend.name}:{body.get('object')}",
        )
    assert not problems, "\n".join(problems)


def test_a_paid_session_read_with_its_charge_names_the_fee_in_one_call(backend: Backend) -> None:
    """The events feed re-reads a paid session with ``payment_intent.latest_charge.
    balance_transaction`` expanded (issue 13 item 4): the same details as the PaymentIntent's
    own read, so the fee needs no second call."""
    backend.require_sandbox()  # a paid Checkout Session needs the hosted page
    session = backend.create_session()
    assert backend.pay_page(session, "4242 4242 4242 4242").status_code in (200, 303)
    gateway = StripeGateway(
        backend.api_key, mode="sandbox", api_base=backend.url, max_network_retries=0
    )
    read = gateway.retrieve_checkout_session(session.id, with_charge=True)
    assert read.is_paid and read.payment_intent_status == "succeeded"
    assert read.payment_intent_id is not None and read.charge_details is not None
    assert read.charge_details == gateway.retrieve_charge_details(read.payment_intent_id)
    assert read.charge_details.fee is not None and read.charge_details.charge_id is not None
    assert gateway.retrieve_checkout_session(session.id).charge_details is None  # not asked
