"""The refund of an overpaid booking's excess, as the app's gateway sends it (issue 11 item 1).

A partial refund with Stripe's ``duplicate`` reason and the app's metadata; resent with the
same key (a lost answer) it is the very same refund, which the app then finds by its metadata;
and once the excess is back a further excess refund larger than what is left is refused.
"""

from __future__ import annotations

import pytest

from pos_app.domain.errors import GatewayRejected
from pos_app.domain.gateway_types import RefundRequest
from pos_app.domain.overpaid import EXCESS_REFUND_REASON
from pos_app.gateway.stripe_gateway import StripeGateway
from tests.contract.conftest import Backend


def _gateway(backend: Backend) -> StripeGateway:
    return StripeGateway(
        backend.api_key,
        mode="sandbox" if backend.is_sandbox else "test",
        api_base=backend.url,
        max_network_retries=0,
    )


def test_the_excess_refund_is_one_refund_however_often_it_is_sent(backend: Backend) -> None:
    pi = backend.paid_payment_intent(amount=3500)
    gateway = _gateway(backend)
    request = RefundRequest(
        payment_intent_id=pi,
        amount=1500,  # the excess: what was paid beyond the price
        reason=EXCESS_REFUND_REASON,
        metadata={"refund_id": f"re_local_{backend.run_id}", "contract_run": backend.run_id},
    )
    key = backend.key("excess")
    first = gateway.create_refund(request, idempotency_key=key)
    again = gateway.create_refund(request, idempotency_key=key)
    assert again.id == first.id
    assert (first.amount, first.currency) == (1500, "usd")
    assert first.status in ("pending", "succeeded")
    found = gateway.find_refund(
        payment_intent_id=pi, metadata_key="refund_id", metadata_value=f"re_local_{backend.run_id}"
    )
    assert found is not None and found.id == first.id
    listed = backend.client.v1.refunds.list({"payment_intent": pi, "limit": 10})
    assert [(r.id, r.reason) for r in listed.data] == [(first.id, "duplicate")]
    # What is left of the payment is the price: more than that cannot go back.
    with pytest.raises(GatewayRejected):
        gateway.create_refund(
            RefundRequest(pi, 2001, EXCESS_REFUND_REASON, {"contract_run": backend.run_id}),
            idempotency_key=backend.key("too-much"),
        )
