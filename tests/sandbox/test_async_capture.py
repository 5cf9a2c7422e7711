"""The asynchronous capture control: a charge's balance transaction held back N seconds."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from pos_app.sandbox.controls_client import ControlsClient, ControlsError
from pos_app.sandbox.runner import start_in_thread
from tests.sandbox.conftest import GOOD_EXP, make_client, with_token


def _pay(url: str) -> str:
    """A paid Checkout Session's PaymentIntent id."""
    stripe_client = make_client(url)
    session = stripe_client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "success_url": "https://example.com/thanks",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 2000,
                        "product_data": {"name": "Haircut"},
                    },
                }
            ],
        }
    )
    assert session.url
    with httpx.Client(timeout=10) as page:
        form = {"card_number": "4242424242424242", "exp": GOOD_EXP, "cvc": "123", "name": "A"}
        page.post(session.url, data=with_token(page, session.url, form))
    pi = stripe_client.v1.checkout.sessions.retrieve(session.id).payment_intent
    assert isinstance(pi, str)
    return pi


def test_the_delay_is_validated_kept_and_applied(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite3"
    handle = start_in_thread(db, enable_controls=True)
    try:
        with ControlsClient(handle.url) as controls:
            assert controls.balance_transaction_delay() == 0
            with pytest.raises(ControlsError) as info:
                controls.set_balance_transaction_delay(-1)
            assert info.value.status == 400
            assert controls.set_balance_transaction_delay(30) == 30
            client = make_client(handle.url)
            pi = client.v1.payment_intents.retrieve(_pay(handle.url))
            charge = client.v1.charges.retrieve(str(pi.latest_charge))
            assert charge.status == "succeeded" and charge.balance_transaction is None
            controls.advance_clock(29)
            assert client.v1.charges.retrieve(charge.id).balance_transaction is None
            assert controls.advance_clock(2)["handled"] >= 1
            booked = client.v1.charges.retrieve(charge.id).balance_transaction
            assert isinstance(booked, str)
            events = client.v1.events.list({"type": "charge.updated"}).data
            assert [e.data.object.id for e in events] == [charge.id]
    finally:
        handle.stop()
    again = start_in_thread(db, enable_controls=True)  # kept in the sandbox's database
    try:
        with ControlsClient(again.url) as controls:
            assert controls.balance_transaction_delay() == 30
    finally:
        again.stop()
