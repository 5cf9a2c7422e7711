"""Contract: a charge's balance transaction may come after the payment, with ``charge.updated``;
and an events cursor Stripe does not know is answered with ``resource_missing``.

Stripe (https://docs.stripe.com/payments/payment-intents/asynchronous-capture): under
asynchronous capture, the default in recent API versions, "the ``balance_transaction`` field
on the Charge object might be ``null`` immediately after confirmation … listen for the
``charge.updated`` event to know when the balance transaction becomes available".

Real Stripe cannot be told to delay, so against it the scenario checks the implication: if
the charge was first seen without a balance transaction, a ``charge.updated`` naming it
follows. The sandbox is made to delay (its ``balance_transaction_delay`` test control) and
must then behave so. The cursor scenario runs against both as it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from pos_app.sandbox.controls_client import ControlsClient
from pos_app.sandbox.runner import start_in_thread
from tests.contract.conftest import (
    KEY_ENV,
    NO_KEY_REASON,
    SANDBOX_KEY,
    Backend,
    eventually,
    make_client,
)

DELAY = 600  # sandbox-clock seconds; only a clock advance books it


@pytest.fixture(params=["sandbox", "stripe"])
def capture(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Backend, ControlsClient | None]]:
    """The backend, and for the sandbox (its own, with test controls) the controls."""
    if request.param == "stripe":
        key = os.environ.get(KEY_ENV)
        if not key:
            pytest.skip(NO_KEY_REASON)
        yield Backend("stripe", make_client(key, None), key), None
        return
    handle = start_in_thread(tmp_path / "sandbox.sqlite3", enable_controls=True)
    controls = ControlsClient(handle.url)
    controls.set_balance_transaction_delay(DELAY)
    with httpx.Client(timeout=10) as page:
        yield (
            Backend("sandbox", make_client(SANDBOX_KEY, handle.url), SANDBOX_KEY, handle.url, page),
            controls,
        )
    controls.close()
    handle.stop()


def _events_for(backend: Backend, type_: str, charge_id: str) -> list[stripe.Event]:
    page = backend.client.v1.events.list({"type": type_, "limit": 100})
    return [e for e in page.data if e.data.object.to_dict().get("id") == charge_id]


def _bt(obj: dict[str, Any]) -> Any:
    return obj.get("balance_transaction")


def test_charge_updated_announces_a_late_balance_transaction(
    capture: tuple[Backend, ControlsClient | None],
) -> None:
    backend, controls = capture
    pi = backend.client.v1.payment_intents.retrieve(backend.paid_payment_intent())
    charge_id = str(pi.latest_charge)
    (succeeded,) = eventually(
        lambda: _events_for(backend, "charge.succeeded", charge_id), lambda ev: len(ev) == 1
    )
    first_seen = succeeded.data.object.to_dict()
    if controls is not None:
        # Held back: null on the charge, in its event and behind the PaymentIntent.
        assert _bt(first_seen) is None
        charge = backend.client.v1.charges.retrieve(charge_id)
        assert charge.balance_transaction is None
        expanded = backend.client.v1.payment_intents.retrieve(
            pi.id, {"expand": ["latest_charge.balance_transaction"]}
        )
        assert getattr(expanded.latest_charge, "balance_transaction", "?") is None
        assert _events_for(backend, "charge.updated", charge_id) == []
        controls.advance_clock(DELAY + 1)
    elif _bt(first_seen) is not None:
        pytest.skip("Stripe booked this charge's balance transaction at once this time")
    updates = eventually(
        lambda: _events_for(backend, "charge.updated", charge_id),
        lambda ev: any(_bt(e.data.object.to_dict()) for e in ev),
        timeout=60,
    )
    (update,) = [e for e in updates if _bt(e.data.object.to_dict())]
    txn_id = _bt(update.data.object.to_dict())
    previous = update.data.to_dict().get("previous_attributes", {})
    assert "balance_transaction" in previous and previous["balance_transaction"] is None
    charge = backend.client.v1.charges.retrieve(charge_id)
    assert charge.balance_transaction == txn_id
    txn = backend.client.v1.balance_transactions.retrieve(str(txn_id))
    assert (txn.source, txn.amount, txn.net) == (charge_id, charge.amount, txn.amount - txn.fee)


def test_an_unknown_ending_before_cursor_is_resource_missing(backend: Backend) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.client.v1.events.list({"ending_before": "evt_1AbCdEfGhIjKlMnOpQrStUvW"})
    assert info.value.http_status in (400, 404) and info.value.code == "resource_missing"
    assert "evt_1AbCdEfGhIjKlMnOpQrStUvW" in str(info.value.user_message)
