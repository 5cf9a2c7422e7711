"""The app's webhook intake judges a delivery's age by Stripe's clock (the offset the gateway
measured from Stripe's ``Date`` headers), so a station whose clock is 10 minutes off still
accepts fresh deliveries and refuses stale ones."""

from __future__ import annotations

import json
import time

import pytest
import stripe

from pos_app.app import AppContext

SECRET = "whsec_clock_offset_tests"
TOLERANCE = 300


def _delivery(at: float) -> tuple[bytes, str]:
    event = {
        "id": f"evt_clock_{int(at)}",
        "object": "event",
        "type": "customer.created",  # not a type the app uses: verified, then ignored
        "created": int(at),
        "api_version": "2026-10-28.endive",
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": {"id": "cus_clock", "object": "customer", "metadata": {}}},
    }
    payload = json.dumps(event).encode()
    header = stripe.WebhookSignature.generate_signature_header(payload.decode(), SECRET, int(at))
    return payload, header


@pytest.mark.parametrize("stripe_minus_station", [-600, 600])
def test_a_station_ten_minutes_off_accepts_fresh_and_refuses_stale(
    app: AppContext, monkeypatch: pytest.MonkeyPatch, stripe_minus_station: int
) -> None:
    # What the gateway would have measured from Stripe's Date header.
    monkeypatch.setattr(app.deps.gateway, "server_clock_offset", lambda: stripe_minus_station)
    intake = app.webhook_intake(SECRET)
    stripe_now = time.time() + stripe_minus_station

    # Ages 30 s inside and outside the tolerance: this test is about the offset, and a loaded
    # machine can take a second between signing and checking. The exact edges (299/300/301 s)
    # are tested with whole-second clocks in tests/unit/test_webhook_age_edges.py.
    for age in (0, TOLERANCE - 30):
        result = intake.handle(*_delivery(stripe_now - age))
        assert (result.status, result.outcome) == (200, "ignored"), result.detail

    refused = intake.handle(*_delivery(stripe_now - TOLERANCE - 30))
    assert (refused.status, refused.outcome) == (400, "rejected")
    assert refused.detail == (
        "The delivery was signed more than 300 seconds ago by Stripe's clock (stale or replayed)."
    )


def test_an_offset_not_yet_measured_is_measured_before_a_delivery_is_refused(
    app: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A `pos-app webhooks` process has made no Stripe call yet: offset 0 although this
    # station runs 10 minutes ahead. The first Stripe read reveals the real offset.
    gateway = app.deps.gateway
    measured = {"offset": 0.0}
    real_list_events = gateway.list_events

    def list_events(**kwargs: object) -> object:
        measured["offset"] = -600.0
        return real_list_events(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gateway, "server_clock_offset", lambda: measured["offset"])
    monkeypatch.setattr(gateway, "list_events", list_events)
    intake = app.webhook_intake(SECRET)
    stripe_now = time.time() - 600

    fresh = intake.handle(*_delivery(stripe_now - 10))
    assert (fresh.status, fresh.outcome) == (200, "ignored"), fresh.detail
    assert measured["offset"] == -600.0
    stale = intake.handle(*_delivery(stripe_now - TOLERANCE - 1))
    assert (stale.status, stale.outcome) == (400, "rejected")


def test_replayed_stale_deliveries_ask_stripe_at_most_once_a_minute(
    app: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = app.deps.gateway
    calls: list[object] = []
    real_list_events = gateway.list_events

    def list_events(**kwargs: object) -> object:
        calls.append(kwargs)
        return real_list_events(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gateway, "list_events", list_events)
    intake = app.webhook_intake(SECRET)
    old = _delivery(time.time() - TOLERANCE - 120)
    for _ in range(5):
        refused = intake.handle(*old)
        assert (refused.status, refused.outcome) == (400, "rejected")
    assert len(calls) == 1
