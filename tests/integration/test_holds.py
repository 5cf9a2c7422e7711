"""The app's own hold on a payment link, shorter than Stripe's 30-minute minimum."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from pos_app.app import AppContext, wire_services
from pos_app.domain.booking import BookingStatus
from pos_app.domain.payment import PaymentStatus
from pos_app.services.checkout import CheckoutService
from pos_app.services.payment_sync import SyncReport, SyncService
from tests import patient_http
from tests.integration.helpers import MovableClock, book
from tests.payments import pay


def _services(app: AppContext) -> tuple[MovableClock, CheckoutService, SyncService]:
    clock = MovableClock()
    deps = dataclasses.replace(app.deps, clock=clock)
    return clock, CheckoutService(deps), wire_services(deps).sync


def _remote_status(app_env: dict[str, str], session_id: str) -> str:
    response = patient_http.get(
        f"{app_env['POS_STRIPE_API_BASE']}/v1/checkout/sessions/{session_id}",
        headers={"Authorization": "Bearer sk_test_x"},
    )
    return str(response.json()["status"])


def test_the_hold_is_ten_minutes_and_stripe_lives_longer(app: AppContext) -> None:
    view = app.checkout.start(book(app).id)
    assert view.hold_until and view.expires_at
    hold = view.hold_until - datetime.now(UTC)
    assert timedelta(minutes=9) < hold <= timedelta(minutes=10, seconds=5)
    assert view.expires_at - view.hold_until >= timedelta(minutes=20)  # Stripe's 30 min floor
    assert view.countdown_ends_at == view.hold_until
    assert abs(view.clock_offset) < 3  # a local sandbox shares our clock


def test_an_ended_hold_expires_the_session_and_frees_the_booking(
    app: AppContext, app_env: dict[str, str]
) -> None:
    clock, checkout, sync = _services(app)
    booking = book(app)
    view = checkout.start(booking.id)
    assert view.session_id
    report = SyncReport()
    sync.expire_ended_holds(report)
    assert report.holds_expired == 0  # still held
    clock.shift = timedelta(minutes=10, seconds=1)
    sync.expire_ended_holds(report)
    assert report.holds_expired == 1
    assert _remote_status(app_env, view.session_id) == "expired"
    assert app.bookings.detail(booking.id).booking.status is BookingStatus.NEW


def test_paying_as_the_hold_ends_is_paid_never_expired(
    app: AppContext, app_env: dict[str, str]
) -> None:
    clock, checkout, sync = _services(app)
    booking = book(app)
    view = checkout.start(booking.id)
    assert view.url and view.session_id
    pay(view.url)  # the customer taps Pay in the last second
    clock.shift = timedelta(minutes=11)
    report = SyncReport()
    sync.expire_ended_holds(report)
    assert report.holds_expired == 0
    assert _remote_status(app_env, view.session_id) == "complete"
    detail = app.bookings.detail(booking.id)
    assert detail.booking.status is BookingStatus.PAID
    assert detail.payments[0].status is PaymentStatus.SUCCEEDED


def test_charging_after_the_hold_ended_gives_a_fresh_link(
    app: AppContext, app_env: dict[str, str]
) -> None:
    clock, checkout, _ = _services(app)
    booking = book(app)
    old = checkout.start(booking.id)
    clock.shift = timedelta(minutes=12)
    new = checkout.start(booking.id)
    assert new.session_id != old.session_id and new.status is PaymentStatus.OPEN
    assert old.session_id and _remote_status(app_env, old.session_id) == "expired"
    statuses = [p.status for p in app.bookings.detail(booking.id).payments]
    assert statuses == [PaymentStatus.EXPIRED, PaymentStatus.OPEN]
