"""Verifying Stripe's webhook deliveries (the only other module that imports `stripe`)."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import stripe

from pos_app.domain.errors import PosError
from pos_app.domain.gateway_types import EventInfo
from pos_app.domain.webhook_records import DeliveryUnreadable
from pos_app.gateway.stripe_gateway import event_info

DEFAULT_TOLERANCE_SECONDS = 300


class WebhookRejected(PosError):
    """A delivery that is not provably from Stripe, or not an event: answer 400, change nothing."""


class WebhookStale(WebhookRejected):
    """Genuinely signed, but older than the tolerance by the clock it was judged with."""


class WebhookUnreadable(WebhookRejected, DeliveryUnreadable):
    """Genuinely signed and recent, but the body is not a Stripe event the app can read."""


def verify_webhook(
    payload: bytes,
    signature_header: str | None,
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: datetime | None = None,
) -> EventInfo:
    """Check the ``Stripe-Signature`` header against the endpoint secret; return the event.

    ``now`` is the time by Stripe's clock (the local clock corrected by the offset the
    gateway measures): the signed timestamp is Stripe's, so a station whose clock is off
    must not judge its age by its own clock. Without it, the local clock is used.
    """
    try:
        # The SDK would compare with the local clock (time.time()); the age is checked below.
        stripe.WebhookSignature.verify_header(payload, signature_header, secret, None)
    except stripe.SignatureVerificationError:
        raise WebhookRejected(
            "The signature does not match (wrong secret, stale or forged)."
        ) from None
    signed_at = _signed_at(signature_header or "")
    stripe_now = now.timestamp() if now is not None else time.time()
    if signed_at is None or signed_at < stripe_now - tolerance:
        raise WebhookStale(
            f"The delivery was signed more than {tolerance} seconds ago by Stripe's clock "
            "(stale or replayed)."
        )
    try:
        data: Any = json.loads(payload)
    except RecursionError:
        # Signed JSON nested deeper than the parser goes: not an event, and no crash.
        raise WebhookUnreadable("The body is JSON nested too deeply to be an event.") from None
    except (UnicodeDecodeError, ValueError):
        raise WebhookUnreadable("The body is not JSON.") from None
    if not isinstance(data, dict) or data.get("object") != "event" or "id" not in data:
        raise WebhookUnreadable("The body is not a Stripe event.")
    try:
        event = stripe.Webhook.construct_event_without_verification(payload)
        return event_info(event)
    except RecursionError:
        # json.loads coped, but building the SDK's nested objects recurses deeper still.
        raise WebhookUnreadable("The body is JSON nested too deeply to be an event.") from None
    except (AttributeError, KeyError, TypeError, ValueError):
        raise WebhookUnreadable("The event is missing the object it is about.") from None


def _signed_at(header: str) -> int | None:
    """The ``t=`` timestamp of a ``Stripe-Signature`` header (already verified)."""
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            return int(value)
    return None
