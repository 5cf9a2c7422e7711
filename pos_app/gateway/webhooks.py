"""Verifying Stripe's webhook deliveries (the only other module that imports `stripe`)."""

from __future__ import annotations

import json
from typing import Any

import stripe

from pos_app.domain.errors import PosError
from pos_app.domain.gateway_types import EventInfo
from pos_app.gateway.stripe_gateway import event_info

DEFAULT_TOLERANCE_SECONDS = 300


class WebhookRejected(PosError):
    """A delivery that is not provably from Stripe, or not an event: answer 400, change nothing."""


def verify_webhook(
    payload: bytes,
    signature_header: str | None,
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> EventInfo:
    """Check the ``Stripe-Signature`` header against the endpoint secret; return the event."""
    try:
        stripe.WebhookSignature.verify_header(payload, signature_header, secret, tolerance)
    except stripe.SignatureVerificationError:
        raise WebhookRejected(
            "The signature does not match (wrong secret, stale or forged)."
        ) from None
    try:
        data: Any = json.loads(payload)
    except (UnicodeDecodeError, ValueError):
        raise WebhookRejected("The body is not JSON.") from None
    if not isinstance(data, dict) or data.get("object") != "event" or "id" not in data:
        raise WebhookRejected("The body is not a Stripe event.")
    try:
        event = stripe.Webhook.construct_event_without_verification(payload)
        return event_info(event)
    except (AttributeError, KeyError, TypeError, ValueError):
        raise WebhookRejected("The event is missing the object it is about.") from None
