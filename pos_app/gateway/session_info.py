"""Checkout Sessions (and the PaymentIntent and charge expanded in them) as domain snapshots,
from the plain JSON dicts Stripe answers with.

The SDK turns every answer into StripeObjects: about 350 of them for a session read with its
PaymentIntent expanded, in pure Python, holding the GIL the whole time. The sync pass reads
every open session this way, in a worker thread, while the GUI thread waits for the GIL
(issue 12). Reading the answer as JSON (``StripeClient.raw_request``) and taking the few
fields the app acts on from the dicts costs a fraction of that. Objects the SDK built anyway
(create, expire, list) come here as ``obj.to_dict()``, so there is one mapping. (A
StripeObject is no dict in the SDK's version 16: ``to_dict`` is needed.)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pos_app.domain.gateway_types import ChargeDetails, CheckoutSessionInfo, PaymentAttemptError
from pos_app.gateway import messages

Json = Mapping[str, Any]


def metadata(value: Any) -> dict[str, str]:
    """Stripe ``metadata`` (a dict, a StripeObject or missing) as plain strings."""
    if not value:
        return {}
    plain = value.to_dict() if hasattr(value, "to_dict") else dict(value)
    return {str(k): str(v) for k, v in plain.items()}


def timestamp(value: int) -> datetime:
    """A Stripe Unix time as an aware UTC datetime."""
    return datetime.fromtimestamp(value, UTC)


def _expanded(value: Any) -> Json | None:
    """The field as an object when it came expanded, else None (an id, or nothing)."""
    return value if isinstance(value, Mapping) else None


def _id(value: Any) -> str | None:
    """An id field that may come expanded (an object) or not (its id)."""
    if isinstance(value, Mapping):
        return str(value["id"])
    return value if isinstance(value, str) else None


def session_info(data: Json) -> CheckoutSessionInfo:
    """A Checkout Session's JSON (optionally with ``payment_intent`` expanded, and its
    ``latest_charge.balance_transaction``) as the snapshot the domain acts on."""
    raw_pi = data.get("payment_intent")
    pi = _expanded(raw_pi)
    # The charge came with it (``with_charge``) when the PaymentIntent's latest charge is an
    # object, not an id: a paid session's details at no extra call.
    with_charge = pi is not None and _expanded(pi.get("latest_charge")) is not None
    return CheckoutSessionInfo(
        id=data["id"],
        status=data["status"],
        payment_status=data["payment_status"],
        amount_total=data["amount_total"],
        currency=data["currency"],
        url=data.get("url"),
        expires_at=timestamp(data["expires_at"]),
        payment_intent_id=_id(raw_pi),
        metadata=metadata(data.get("metadata")),
        last_payment_error=(
            attempt_error(pi) if pi is not None and data["status"] == "open" else None
        ),
        payment_intent_status=str(pi.get("status")) if pi is not None else None,
        charge_details=charge_details(pi) if pi is not None and with_charge else None,
    )


def charge_details(pi: Json) -> ChargeDetails:
    """A PaymentIntent read with ``latest_charge.balance_transaction`` expanded, as details."""
    raw_charge = pi.get("latest_charge")
    charge = _expanded(raw_charge)
    if charge is None:
        return ChargeDetails(pi["id"], _id(raw_charge), None, None, None)
    details = _expanded(charge.get("payment_method_details"))
    card = _expanded(details.get("card")) if details is not None else None
    brand = card.get("brand") if card is not None else None
    last4 = card.get("last4") if card is not None else None
    created = charge.get("created")
    charged_at = timestamp(created) if created else None
    raw_bt = charge.get("balance_transaction")
    bt = _expanded(raw_bt)
    if bt is None:
        fee, net = None, None
    else:
        fee, net = bt.get("fee"), bt.get("net")
    return ChargeDetails(pi["id"], charge["id"], _id(raw_bt), fee, net, brand, last4, charged_at)


def attempt_error(pi: Json) -> PaymentAttemptError | None:
    """The PaymentIntent's ``last_payment_error`` (a declined attempt), as a sentence."""
    error = _expanded(pi.get("last_payment_error"))
    if error is None or pi.get("status") != "requires_payment_method":
        return None
    code = error.get("code")
    decline_code = error.get("decline_code")
    return PaymentAttemptError(
        code=code,
        decline_code=decline_code,
        message=messages.card_message(code, decline_code, error.get("message")),
        charge_id=_id(error.get("charge")),
    )
