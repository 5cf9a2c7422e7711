"""Checkout Sessions read as JSON dicts map to the same snapshots as the SDK's objects did.

The gateway read sessions as StripeObjects until session 20 (issue 12: building them held the
GIL in the sync pass); ``reference_session`` below is that mapping as it was, kept here as
the oracle. Stripe's own example objects (fixtures3.json) are mapped both ways, as they are
and in the shapes the app reads them in: the PaymentIntent expanded (a declined attempt),
its latest charge and balance transaction expanded too (a paid session's fee).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import stripe

from pos_app.domain.gateway_types import ChargeDetails, CheckoutSessionInfo, PaymentAttemptError
from pos_app.gateway import messages
from pos_app.gateway.session_info import metadata, session_info, timestamp

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stripe" / "fixtures3.json"


# -- the mapping over StripeObjects, as the gateway had it before session 20 ------------------


def _reference_charge_details(pi: Any) -> ChargeDetails:
    charge: Any = pi.latest_charge
    if charge is None or isinstance(charge, str):
        return ChargeDetails(pi.id, charge, None, None, None)
    details: Any = charge.payment_method_details
    card: Any = getattr(details, "card", None) if details is not None else None
    brand = getattr(card, "brand", None) if card is not None else None
    last4 = getattr(card, "last4", None) if card is not None else None
    charged_at = timestamp(charge.created) if charge.created else None
    bt: Any = charge.balance_transaction
    if bt is None or isinstance(bt, str):
        return ChargeDetails(pi.id, charge.id, bt, None, None, brand, last4, charged_at)
    return ChargeDetails(pi.id, charge.id, bt.id, bt.fee, bt.net, brand, last4, charged_at)


def _reference_attempt_error(pi: Any) -> PaymentAttemptError | None:
    error: Any = getattr(pi, "last_payment_error", None)
    if error is None or getattr(pi, "status", None) != "requires_payment_method":
        return None
    code = getattr(error, "code", None)
    decline_code = getattr(error, "decline_code", None)
    charge: Any = getattr(error, "charge", None)
    return PaymentAttemptError(
        code=code,
        decline_code=decline_code,
        message=messages.card_message(code, decline_code, getattr(error, "message", None)),
        charge_id=charge if isinstance(charge, str) or charge is None else charge.id,
    )


def reference_session(obj: Any) -> CheckoutSessionInfo:
    """The StripeObject mapping the gateway used before session 20 (the oracle)."""
    pi = obj.payment_intent
    expanded = pi is not None and not isinstance(pi, str)
    charge = getattr(pi, "latest_charge", None) if expanded else None
    with_charge = charge is not None and not isinstance(charge, str)
    return CheckoutSessionInfo(
        id=obj.id,
        status=obj.status,
        payment_status=obj.payment_status,
        amount_total=obj.amount_total,
        currency=obj.currency,
        url=obj.url,
        expires_at=timestamp(obj.expires_at),
        payment_intent_id=pi.id if expanded else pi,
        metadata=metadata(obj.metadata),
        last_payment_error=_reference_attempt_error(pi)
        if expanded and obj.status == "open"
        else None,
        payment_intent_status=str(pi.status) if expanded else None,
        charge_details=_reference_charge_details(pi) if with_charge else None,
    )


def as_stripe_object(data: dict[str, Any]) -> Any:
    """What the SDK builds from this JSON (as its retrieve does)."""
    client = stripe.StripeClient("sk_test_unused")
    return client.deserialize(copy.deepcopy(data), api_mode="V1")


# -- Stripe's example objects, in the shapes the app reads -------------------------------------


def _resources() -> dict[str, Any]:
    return dict(json.loads(FIXTURES.read_text(encoding="utf-8"))["resources"])


def _shapes() -> dict[str, dict[str, Any]]:
    res = _resources()
    session, pi = res["checkout.session"], res["payment_intent"]
    charge, bt = res["charge"], res["balance_transaction"]
    session = {**session, "amount_total": 2145, "currency": "usd", "metadata": {"app": "pos-app"}}
    declined = {
        **pi,
        "status": "requires_payment_method",
        "last_payment_error": {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "message": "Your card has insufficient funds.",
            "charge": charge["id"],
        },
    }
    card = {"type": "card", "card": {"brand": "visa", "last4": "4242"}}
    paid_charge = {**charge, "payment_method_details": card, "balance_transaction": bt}
    paid_pi = {
        **pi,
        "status": "succeeded",
        "last_payment_error": None,
        "latest_charge": paid_charge,
    }
    complete = {**session, "status": "complete", "payment_status": "paid", "url": None}
    return {
        "as in fixtures3.json": res["checkout.session"],
        "open, PaymentIntent an id": session,
        "open, no PaymentIntent yet": {**session, "payment_intent": None},
        "open, a declined attempt expanded": {**session, "payment_intent": declined},
        "open, expanded, no error": {**session, "payment_intent": {**pi, "status": "processing"}},
        "expired, attempt expanded": {**session, "status": "expired", "payment_intent": declined},
        "paid, charge and fee expanded": {**complete, "payment_intent": paid_pi},
        "paid, charge expanded, fee not yet": {
            **complete,
            "payment_intent": {
                **paid_pi,
                "latest_charge": {**paid_charge, "balance_transaction": None},
            },
        },
        "paid, charge an id": {**complete, "payment_intent": {**paid_pi, "latest_charge": "ch_1"}},
        "paid, charge without card details": {
            **complete,
            "payment_intent": {
                **paid_pi,
                "latest_charge": {**paid_charge, "payment_method_details": None},
            },
        },
    }


SHAPES = _shapes()


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_dicts_map_as_the_sdk_objects_did(name: str) -> None:
    data = SHAPES[name]
    assert session_info(data) == reference_session(as_stripe_object(data))


def test_the_shapes_reach_every_branch() -> None:
    """The fixtures above are not all alike: each field the mapping fills is seen set."""
    infos = [session_info(d) for d in SHAPES.values()]
    assert any(i.last_payment_error is not None for i in infos)
    assert any(i.charge_details is not None and i.charge_details.fee is not None for i in infos)
    assert any(i.charge_details is not None and i.charge_details.card_last4 for i in infos)
    assert any(i.payment_intent_status == "processing" for i in infos)
    assert any(i.payment_intent_id is None for i in infos)
    declined = session_info(SHAPES["open, a declined attempt expanded"]).last_payment_error
    assert declined is not None and declined.decline_code == "insufficient_funds"
    assert (
        declined.charge_id
        == SHAPES["open, a declined attempt expanded"]["payment_intent"]["last_payment_error"][
            "charge"
        ]
    )
