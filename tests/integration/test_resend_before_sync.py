"""A resend before any sync pass is the very same request: Stripe holds exactly one object.

A sync pass finds a lost refund or session by its metadata before it resends anything, so a
resend that used a new idempotency key (or other parameters) would go unnoticed whenever a
sync ran first. These tests lose Stripe's answer, then resend at once, with no sync and no
lookup in between, and count what Stripe holds: one refund, one Checkout Session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos_app.app import AppContext
from pos_app.domain.errors import GatewayUnavailable
from pos_app.domain.payment import PaymentStatus, RefundStatus
from pos_app.sandbox.controls_client import ControlsClient, fault
from pos_app.sandbox.runner import SandboxHandle
from tests import patient_http
from tests.integration.helpers import book
from tests.integration.two_stations import Stations, two_stations
from tests.payments import pay

AUTH = {"Authorization": "Bearer sk_test_resend_reader"}
SESSIONS = "/v1/checkout/sessions"
REFUNDS = "/v1/refunds"


@pytest.fixture
def desks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stations]:
    yield from two_stations(tmp_path, monkeypatch)


def _all(handle: SandboxHandle, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every object Stripe lists at ``path`` (all pages), read past the app."""
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {"limit": 100, **params}
    while True:
        response = patient_http.get(f"{handle.url}{path}", params=query, headers=AUTH, timeout=10)
        response.raise_for_status()
        page = response.json()
        items.extend(page["data"])
        if not page["has_more"]:
            return items
        query["starting_after"] = page["data"][-1]["id"]


def _lose_every_answer(handle: SandboxHandle, path: str) -> None:
    """Stripe acts on the POST, but its answer (and the SDK's two retries') never arrives,
    and the station cannot read Stripe's list either: nothing can be found, only resent."""
    with ControlsClient(handle.url) as controls:
        controls.set_faults(
            fault("connection_reset", when="after", count=3, method="POST", path_prefix=path),
            fault("connection_reset", when="before", count=3, method="GET", path_prefix=path),
        )


def _answers_flow_again(handle: SandboxHandle) -> None:
    with ControlsClient(handle.url) as controls:
        controls.clear_faults()


# -- refunds ------------------------------------------------------------------------------


def _paid(ctx: AppContext) -> tuple[str, str]:
    """A booking paid 35.00 by card: (booking id, PaymentIntent id)."""
    booking = book(ctx)
    view = ctx.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    ctx.checkout.refresh(view.payment_id)
    [payment] = ctx.bookings.detail(booking.id).payments
    assert payment.stripe_payment_intent_id
    return booking.id, payment.stripe_payment_intent_id


def _lost_refund(d: Stations, booking_id: str) -> str:
    _lose_every_answer(d.sandbox, REFUNDS)
    with pytest.raises(GatewayUnavailable):
        d.first.refunds.refund(booking_id, "10.00")
    _answers_flow_again(d.sandbox)
    [refund] = d.first.bookings.detail(booking_id).refunds
    assert refund.status is RefundStatus.CREATING and refund.stripe_refund_id is None
    return refund.id


@pytest.mark.parametrize("resender", ["first", "second"])
def test_a_refund_resent_before_any_sync_is_made_once(desks: Stations, resender: str) -> None:
    booking_id, pi = _paid(desks.first)
    refund_id = _lost_refund(desks, booking_id)
    assert len(_all(desks.sandbox, REFUNDS, payment_intent=pi)) == 1  # Stripe made it

    resent = getattr(desks, resender).refunds.resend(refund_id)

    [at_stripe] = _all(desks.sandbox, REFUNDS, payment_intent=pi)
    assert at_stripe["amount"] == 1000
    assert at_stripe["metadata"]["refund_id"] == refund_id
    assert resent.stripe_refund_id == at_stripe["id"]
    assert resent.status in (RefundStatus.PENDING, RefundStatus.SUCCEEDED)
    # A second resend is a no-op: the refund is no longer being sent.
    again = desks.first.refunds.resend(refund_id)
    assert again.stripe_refund_id == at_stripe["id"]
    assert len(_all(desks.sandbox, REFUNDS, payment_intent=pi)) == 1


# -- Checkout Sessions --------------------------------------------------------------------


def _sessions_of(handle: SandboxHandle, payment_id: str) -> list[dict[str, Any]]:
    return [s for s in _all(handle, SESSIONS) if s["metadata"].get("payment_id") == payment_id]


def _lost_create(d: Stations) -> tuple[str, str]:
    """Station one opens a link; Stripe makes the session but station one never learns."""
    booking = book(d.first)
    _lose_every_answer(d.sandbox, SESSIONS)
    with pytest.raises(GatewayUnavailable):
        d.first.checkout.start(booking.id)
    _answers_flow_again(d.sandbox)
    [payment] = d.first.bookings.detail(booking.id).payments
    assert payment.status is PaymentStatus.CREATING and payment.stripe_session_id is None
    assert len(_sessions_of(d.sandbox, payment.id)) == 1  # Stripe made it
    return booking.id, payment.id


def test_charge_pressed_again_before_any_sync_opens_one_session(desks: Stations) -> None:
    booking_id, payment_id = _lost_create(desks)

    view = desks.first.checkout.start(booking_id)

    [session] = _sessions_of(desks.sandbox, payment_id)
    assert view.payment_id == payment_id  # the same attempt, not a new one
    assert view.session_id == session["id"]
    assert view.status is PaymentStatus.OPEN and view.url == session["url"]
    assert session["amount_total"] == 3500


def test_another_station_resends_the_lost_create_before_any_sync(desks: Stations) -> None:
    booking_id, payment_id = _lost_create(desks)

    view = desks.second.checkout.refresh(payment_id)

    [session] = _sessions_of(desks.sandbox, payment_id)
    assert view.session_id == session["id"] and view.status is PaymentStatus.OPEN
    # The first station, asked again, reuses what the second stored: still one session.
    assert desks.first.checkout.start(booking_id).session_id == session["id"]
    assert len(_sessions_of(desks.sandbox, payment_id)) == 1
