"""A refund whose answer was lost is resent with the very same request, from any station.

Stripe compares a resent request with the first one sent under its idempotency key; any
difference is an ``idempotency_error``. Every parameter therefore comes from the rows stored
when the refund was reserved (never from the station that happens to send it), and an
ambiguous or refused answer is checked against Stripe's own list before the refund is
given up: a refund marked failed while it exists would let its amount be refunded twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos_app.app import AppContext
from pos_app.domain.errors import GatewayUnavailable
from pos_app.domain.gateway_types import RefundRequest
from pos_app.domain.payment import RefundStatus
from pos_app.sandbox.controls_client import ControlsClient, fault
from pos_app.sandbox.runner import SandboxHandle
from tests import patient_http
from tests.conftest import TEST_MANAGER
from tests.integration.helpers import book
from tests.integration.two_stations import Stations, two_stations
from tests.payments import pay

AUTH = {"Authorization": "Bearer sk_test_reader"}


@pytest.fixture
def st(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stations]:
    yield from two_stations(tmp_path, monkeypatch)


def _paid_booking(ctx: AppContext) -> tuple[str, str]:
    """A booking paid 35.00 by card: (booking id, PaymentIntent id)."""
    booking = book(ctx)
    view = ctx.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    ctx.checkout.refresh(view.payment_id)
    payment = ctx.bookings.detail(booking.id).payments[0]
    assert payment.stripe_payment_intent_id
    return booking.id, payment.stripe_payment_intent_id


def _stripe_refunds(handle: SandboxHandle, payment_intent: str) -> list[dict[str, Any]]:
    response = patient_http.get(
        f"{handle.url}/v1/refunds",
        params={"limit": 100, "payment_intent": payment_intent},
        headers=AUTH,
        timeout=10,
    )
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def _lose_answers(handle: SandboxHandle, *, lookups_too: bool) -> None:
    """Stripe makes the refund but every answer is lost (the SDK's two retries too); with
    ``lookups_too`` the station cannot read Stripe's refunds either (the network is down)."""
    rules = [
        fault("connection_reset", when="after", count=3, method="POST", path_prefix="/v1/refunds")
    ]
    if lookups_too:
        rules.append(
            fault(
                "connection_reset", when="before", count=3, method="GET", path_prefix="/v1/refunds"
            )
        )
    with ControlsClient(handle.url) as controls:
        controls.set_faults(*rules)


def _stuck_refund(st: Stations, booking_id: str) -> str:
    """Station one asks for 10.00 back; Stripe makes it but station one never learns."""
    _lose_answers(st.sandbox, lookups_too=True)
    with pytest.raises(GatewayUnavailable):
        st.first.refunds.refund(booking_id, "10.00")
    with ControlsClient(st.sandbox.url) as controls:
        controls.clear_faults()
    [refund] = st.first.bookings.detail(booking_id).refunds
    assert refund.status is RefundStatus.CREATING
    return refund.id


def test_another_station_resends_a_lost_refund_without_refunding_twice(
    st: Stations, caplog: pytest.LogCaptureFixture
) -> None:
    booking_id, pi = _paid_booking(st.first)
    refund_id = _stuck_refund(st, booking_id)
    assert len(_stripe_refunds(st.sandbox, pi)) == 1  # it exists at Stripe

    # The second station's sync pass resends every refund still being sent.
    caplog.clear()
    with caplog.at_level(logging.INFO):
        resent = st.second.refunds.resend(refund_id)
    # The very same request: Stripe replays its answer, nothing had to be looked up.
    assert "stripe.idempotency_error" not in caplog.text
    assert "refund.recovered" not in caplog.text

    [at_stripe] = _stripe_refunds(st.sandbox, pi)
    assert at_stripe["amount"] == 1000
    assert resent.status is not RefundStatus.FAILED
    assert resent.stripe_refund_id == at_stripe["id"]
    # Only 25.00 is left to refund: the 10.00 is not offered a second time.
    assert st.second.refunds.refundable(booking_id).amount == 2500
    assert st.first.refunds.refundable(booking_id).amount == 2500


def test_a_sync_pass_on_another_station_settles_the_lost_refund(st: Stations) -> None:
    booking_id, pi = _paid_booking(st.first)
    refund_id = _stuck_refund(st, booking_id)
    report = st.second.sync.sync_once()
    assert report.errors == []
    [at_stripe] = _stripe_refunds(st.sandbox, pi)
    [local] = st.first.bookings.detail(booking_id).refunds
    assert (local.id, local.stripe_refund_id) == (refund_id, at_stripe["id"])
    assert local.status is not RefundStatus.FAILED


def test_resend_before_any_sync_makes_no_second_refund(st: Stations) -> None:
    booking_id, pi = _paid_booking(st.first)
    refund_id = _stuck_refund(st, booking_id)
    resent = st.first.refunds.resend(refund_id)
    assert [r["id"] for r in _stripe_refunds(st.sandbox, pi)] == [resent.stripe_refund_id]
    assert resent.status in (RefundStatus.PENDING, RefundStatus.SUCCEEDED)


def test_a_lost_answer_is_found_at_stripe_at_once(st: Stations) -> None:
    """The answer is lost but Stripe can be read: the refund is looked up, not left hanging."""
    booking_id, pi = _paid_booking(st.first)
    _lose_answers(st.sandbox, lookups_too=False)
    outcome = st.first.refunds.refund(booking_id, "10.00")
    [at_stripe] = _stripe_refunds(st.sandbox, pi)
    [refund] = outcome.refunds
    assert refund.stripe_refund_id == at_stripe["id"]
    assert refund.status in (RefundStatus.PENDING, RefundStatus.SUCCEEDED)


def test_a_refund_first_sent_with_other_parameters_is_found_not_failed(st: Stations) -> None:
    """An older version put the station's id into the metadata: the resend differs, Stripe
    answers idempotency_error, and the refund that key made is found by its metadata."""
    booking_id, pi = _paid_booking(st.first)
    [refund] = st.first.refunds._reserve(
        booking_id, "10.00", "requested_by_customer", "", TEST_MANAGER
    )
    old = st.first.deps.gateway.create_refund(
        RefundRequest(
            payment_intent_id=pi,
            amount=refund.amount,
            reason=refund.reason,
            metadata={
                "booking_id": booking_id,
                "payment_id": refund.payment_id,
                "refund_id": refund.id,
                "station_id": "st_older_version",
                "app": "pos-app",
            },
        ),
        idempotency_key=refund.idempotency_key,
    )
    resent = st.second.refunds.resend(refund.id)
    assert resent.stripe_refund_id == old.id
    assert resent.status is not RefundStatus.FAILED
    assert len(_stripe_refunds(st.sandbox, pi)) == 1


def test_reconciliation_on_either_station_claims_the_refund(st: Stations) -> None:
    booking_id, pi = _paid_booking(st.first)
    st.first.refunds.refund(booking_id, "10.00")
    [at_stripe] = _stripe_refunds(st.sandbox, pi)
    assert "station_id" not in at_stripe["metadata"]
    today = st.first.bookings.today()
    for ctx in (st.first, st.second):
        result = ctx.reconciliation.compare(today, today)
        assert result.others == 0
        assert result.matched_refunds == 1
