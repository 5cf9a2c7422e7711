"""A delivery's age is judged by Stripe's clock, not the station's.

Stripe signs ``t=<unix>`` with its own clock and stripe-python's default check compares it
with the local ``time.time()``; a station 10 minutes off would refuse every fresh delivery
(or accept stale ones). ``verify_webhook`` takes ``now`` by Stripe's clock instead.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
import stripe

from pos_app.gateway.webhooks import DEFAULT_TOLERANCE_SECONDS, WebhookRejected, verify_webhook

SECRET = "whsec_unit_tolerance"
PAYLOAD = json.dumps(
    {
        "id": "evt_clock_1",
        "object": "event",
        "type": "customer.created",
        "created": 1_900_000_000,
        "livemode": False,
        "data": {"object": {"id": "cus_1", "object": "customer", "metadata": {}}},
    }
).encode()


def _header(at: float) -> str:
    return str(stripe.WebhookSignature.generate_signature_header(PAYLOAD.decode(), SECRET, int(at)))


@pytest.mark.parametrize("station_minus_stripe", [600, -600])
def test_fresh_and_299_seconds_old_are_accepted_on_a_station_ten_minutes_off(
    station_minus_stripe: int,
) -> None:
    stripe_now = time.time() - station_minus_stripe
    now = datetime.fromtimestamp(stripe_now, UTC)
    for age in (0, DEFAULT_TOLERANCE_SECONDS - 1):
        event = verify_webhook(PAYLOAD, _header(stripe_now - age), SECRET, now=now)
        assert event.id == "evt_clock_1"


@pytest.mark.parametrize("station_minus_stripe", [600, -600, 0])
def test_301_seconds_old_by_stripes_clock_is_refused(station_minus_stripe: int) -> None:
    stripe_now = time.time() - station_minus_stripe
    now = datetime.fromtimestamp(stripe_now, UTC)
    with pytest.raises(WebhookRejected, match="more than 300 seconds ago by Stripe's clock"):
        verify_webhook(
            PAYLOAD, _header(stripe_now - DEFAULT_TOLERANCE_SECONDS - 1), SECRET, now=now
        )


def test_a_forged_signature_is_still_refused() -> None:
    now = datetime.now(UTC)
    header = stripe.WebhookSignature.generate_signature_header(
        PAYLOAD.decode(), "whsec_someone_else", int(now.timestamp())
    )
    with pytest.raises(WebhookRejected, match="signature does not match"):
        verify_webhook(PAYLOAD, header, SECRET, now=now)
