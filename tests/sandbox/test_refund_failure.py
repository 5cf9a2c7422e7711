"""The documented way to make a refund fail: ``metadata[sandbox_refund_outcome]``."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import stripe

from pos_app.sandbox import behaviour
from pos_app.sandbox.controls_client import ControlsClient
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.sandbox.conftest import pay, session_params

KEY = behaviour.REFUND_OUTCOME_METADATA_KEY


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    # Refunds stay pending until the test moves the sandbox clock.
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


def _paid_pi(client: stripe.StripeClient, http: httpx.Client) -> str:
    session = client.v1.checkout.sessions.create(session_params())  # 25.00 USD
    assert session.url is not None and pay(http, session.url).status_code == 200
    pi = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    assert isinstance(pi, str)
    return pi


def test_refund_fails_and_releases_its_amount(
    client: stripe.StripeClient, http: httpx.Client, controls: ControlsClient
) -> None:
    pi = _paid_pi(client, http)
    refund = client.v1.refunds.create(
        {"payment_intent": pi, "metadata": {KEY: "fail", "booking_id": "bk_1"}}
    )
    assert (refund.status, refund.amount, refund.failure_reason) == ("pending", 2500, None)
    # While pending, its amount is reserved.
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create({"payment_intent": pi, "amount": 100})
    assert info.value.code == behaviour.REFUND_ALREADY_REFUNDED_CODE

    controls.advance_clock(601)
    failed = client.v1.refunds.retrieve(refund.id)
    assert (failed.status, failed.failure_reason) == ("failed", "lost_or_stolen_card")
    assert failed.balance_transaction is None
    assert failed.to_dict()["metadata"] == {KEY: "fail", "booking_id": "bk_1"}

    charge_id = failed.charge
    assert isinstance(charge_id, str)
    recent = client.v1.events.list({"limit": 100}).data
    about_refund = [e.type for e in recent if e.data.object["id"] == refund.id]
    assert about_refund == ["refund.failed", "refund.updated", "refund.created"]
    about_charge = [e.type for e in recent if e.data.object["id"] == charge_id]
    assert "charge.refunded" not in about_charge
    assert "charge.refund.updated" not in [e.type for e in recent]  # deprecated: never sent
    updated = next(e for e in recent if e.type == "refund.updated")
    assert updated.data.object["id"] == refund.id
    assert updated.data.previous_attributes is not None
    assert updated.data.previous_attributes["status"] == "pending"
    charge = client.v1.charges.retrieve(charge_id)
    assert (charge.amount_refunded, charge.refunded) == (0, False)

    # The amount is free again: a normal refund of all of it goes through.
    again = client.v1.refunds.create({"payment_intent": pi})
    assert again.amount == 2500
    controls.advance_clock(601)
    assert client.v1.refunds.retrieve(again.id).status == "succeeded"


def test_a_named_failure_reason(
    client: stripe.StripeClient, http: httpx.Client, controls: ControlsClient
) -> None:
    pi = _paid_pi(client, http)
    refund = client.v1.refunds.create(
        {"payment_intent": pi, "amount": 300, "metadata": {KEY: "expired_or_canceled_card"}}
    )
    ok = client.v1.refunds.create(
        {"payment_intent": pi, "amount": 200, "metadata": {KEY: "succeed"}}
    )
    controls.advance_clock(601)
    failed = client.v1.refunds.retrieve(refund.id)
    assert (failed.status, failed.failure_reason) == ("failed", "expired_or_canceled_card")
    assert client.v1.refunds.retrieve(ok.id).status == "succeeded"


def test_an_unknown_outcome_is_refused_and_not_saved(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    pi = _paid_pi(client, http)
    params: stripe.params.RefundCreateParams = {
        "payment_intent": pi,
        "metadata": {KEY: "explode"},
    }
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create(params, options={"idempotency_key": "typo"})
    assert (info.value.http_status, info.value.param) == (400, f"metadata[{KEY}]")
    assert client.v1.refunds.list({"payment_intent": pi}).data == []
