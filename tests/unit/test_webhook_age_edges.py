"""The webhook tolerance at its edges, to the second, with whole-second clocks.

Stripe's own check refuses a delivery whose signed ``t`` is *less than* now − tolerance: one
signed exactly 300 s ago is still accepted, 301 s is refused. The other tests use the real,
fractional clock, so they cannot tell ``<`` from ``<=``; these pin the edge exactly.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import stripe

from pos_app.gateway.webhooks import (
    DEFAULT_TOLERANCE_SECONDS,
    WebhookStale,
    verify_webhook,
)

SECRET = "whsec_unit_edges"
STRIPE_NOW = 1_900_000_000  # a whole second, by Stripe's clock
PAYLOAD = json.dumps(
    {
        "id": "evt_edges_1",
        "object": "event",
        "type": "customer.created",
        "created": STRIPE_NOW,
        "livemode": False,
        "data": {"object": {"id": "cus_1", "object": "customer", "metadata": {}}},
    }
).encode()


def _signed(age: int) -> str:
    header = stripe.WebhookSignature.generate_signature_header(
        PAYLOAD.decode(), SECRET, STRIPE_NOW - age
    )
    return str(header)


def _now() -> datetime:
    return datetime.fromtimestamp(STRIPE_NOW, UTC)


def test_the_tolerance_is_stripes_five_minutes() -> None:
    assert DEFAULT_TOLERANCE_SECONDS == 300


@pytest.mark.parametrize("age", [0, 1, 298, 299, 300])
def test_up_to_300_seconds_old_is_accepted(age: int) -> None:
    event = verify_webhook(PAYLOAD, _signed(age), SECRET, now=_now())
    assert event.id == "evt_edges_1"


@pytest.mark.parametrize("age", [301, 302, 3600, 86_400])
def test_older_than_300_seconds_is_refused(age: int) -> None:
    with pytest.raises(WebhookStale, match="more than 300 seconds ago by Stripe's clock"):
        verify_webhook(PAYLOAD, _signed(age), SECRET, now=_now())


@pytest.mark.parametrize(("age", "accepted"), [(59, True), (60, True), (61, False)])
def test_a_given_tolerance_is_the_one_applied(age: int, accepted: bool) -> None:
    if accepted:
        assert verify_webhook(PAYLOAD, _signed(age), SECRET, tolerance=60, now=_now()).id
    else:
        with pytest.raises(WebhookStale, match="more than 60 seconds ago"):
            verify_webhook(PAYLOAD, _signed(age), SECRET, tolerance=60, now=_now())


def test_the_age_is_judged_by_the_clock_given_not_the_stations() -> None:
    """Signed 1 s ago by Stripe's clock, which is 10 minutes behind this station's."""
    fresh = _signed(1)
    assert verify_webhook(PAYLOAD, fresh, SECRET, now=_now()).id
    # The same header judged by a clock 301 s later is stale.
    later = datetime.fromtimestamp(STRIPE_NOW + 300, UTC)
    with pytest.raises(WebhookStale):
        verify_webhook(PAYLOAD, fresh, SECRET, now=later)
