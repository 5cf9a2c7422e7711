"""A sync pass whose events cursor Stripe no longer knows, and steps that fail on their own.

Stripe keeps events 30 days and knows only its own account's: a station off for longer, or
one whose key changed, holds a cursor Stripe answers with ``resource_missing``. The pass
must start the feed afresh, re-read every unsettled row instead, and record that it did;
and a failing events read must never keep holds from ending or refunds from being resent.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pos_app.app import AppContext
from pos_app.domain.errors import GatewayRejected, GatewayUnavailable
from pos_app.domain.payment import PaymentStatus, RefundStatus
from pos_app.services import event_cursor
from pos_app.services.checkout import CheckoutService
from pos_app.services.context import Deps
from pos_app.services.payment_sync import EVENT_TYPES, SyncService
from pos_app.services.refunds import RefundService
from tests.integration.helpers import book
from tests.payments import pay

UNKNOWN = "evt_1AbCdEfGhIjKlMnOpQrStUvW"  # a cursor this sandbox never issued


class LaterClock:
    """The real time, two hours on: every hold of the test has ended."""

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(hours=2)


class Flaky:
    """The real gateway, except for the calls a test breaks."""

    def __init__(self, real: Any, **broken: BaseException) -> None:
        self._real = real
        self._broken = broken

    def __getattr__(self, name: str) -> Any:
        if name in self._broken:
            error = self._broken[name]

            def fail(*args: Any, **kwargs: Any) -> Any:
                raise error

            return fail
        return getattr(self._real, name)


def _with(deps: Deps, **changes: Any) -> Deps:
    return dataclasses.replace(deps, **changes)


def _stuck_refund(app: AppContext) -> tuple[str, str]:
    """A paid booking whose refund was stored but never reached Stripe (stays CREATING)."""
    booking = book(app, name="Refund Waiting")
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    app.checkout.refresh(view.payment_id)
    offline = Flaky(
        app.deps.gateway,
        create_refund=GatewayUnavailable("Cannot reach Stripe right now."),
        find_refund=GatewayUnavailable("Cannot reach Stripe right now."),
    )
    with pytest.raises(GatewayUnavailable):
        RefundService(_with(app.deps, gateway=offline)).refund(booking.id, "10.00")
    (refund,) = app.bookings.detail(booking.id).refunds
    assert refund.status is RefundStatus.CREATING
    return booking.id, refund.id


def _open_link(app: AppContext) -> str:
    booking = book(app, name="Hold Ended")
    view = CheckoutService(app.deps).start(booking.id)
    assert view.payment_id and view.url
    return view.payment_id


def _payment_status(app: AppContext, payment_id: str) -> PaymentStatus:
    with app.deps.uow() as uow:
        payment = uow.payments.get(payment_id)
    assert payment is not None
    return payment.status


def _refund_status(app: AppContext, booking_id: str) -> RefundStatus:
    (refund,) = app.bookings.detail(booking_id).refunds
    return refund.status


def test_an_unknown_cursor_is_reset_and_everything_unsettled_is_reread(app: AppContext) -> None:
    refund_booking, _ = _stuck_refund(app)
    held = _open_link(app)
    event_cursor.save(app.deps, UNKNOWN)  # e.g. the station was off for 31 days
    sync = SyncService(_with(app.deps, clock=LaterClock()))
    assert not sync.cursor_health().ok

    report = sync.sync_once()

    assert report.errors == []
    assert report.cursor_reset and "re-read from Stripe" in report.cursor_reset
    assert report.holds_expired == 1
    assert _payment_status(app, held) is PaymentStatus.EXPIRED
    assert _refund_status(app, refund_booking) is not RefundStatus.CREATING
    # The cursor now points at an event Stripe knows: the next pass reads on from there.
    cursor = event_cursor.load(app.deps)
    assert cursor and cursor != UNKNOWN
    app.deps.gateway.list_events(types=EVENT_TYPES, ending_before=cursor, limit=1)
    assert sync.sync_once().cursor_reset is None
    # What happened is kept for Settings and `pos-app doctor`.
    record = event_cursor.last_reset(app.deps)
    assert record is not None and record.old_cursor == UNKNOWN and record.new_cursor == cursor
    health = sync.cursor_health()
    assert health.ok and health.last_reset == record and "was reset on" in health.sentence


def test_a_failing_events_read_still_lets_holds_end_and_refunds_resend(app: AppContext) -> None:
    refund_booking, _ = _stuck_refund(app)
    held = _open_link(app)
    broken = Flaky(
        app.deps.gateway,
        list_events=GatewayRejected("Stripe refused the request.", code="parameter_unknown"),
    )
    report = SyncService(_with(app.deps, clock=LaterClock(), gateway=broken)).sync_once()
    assert report.errors == ["Stripe refused the request."]
    assert report.holds_expired == 1
    assert _payment_status(app, held) is PaymentStatus.EXPIRED
    assert _refund_status(app, refund_booking) is not RefundStatus.CREATING


def test_an_unreachable_events_feed_is_raised_after_the_other_steps_ran(app: AppContext) -> None:
    refund_booking, _ = _stuck_refund(app)
    held = _open_link(app)
    offline = Flaky(app.deps.gateway, list_events=GatewayUnavailable("Cannot reach Stripe."))
    sync = SyncService(_with(app.deps, clock=LaterClock(), gateway=offline))
    # Raised so the window backs off and says "offline"; the other steps had their try.
    with pytest.raises(GatewayUnavailable):
        sync.sync_once()
    assert _payment_status(app, held) is PaymentStatus.EXPIRED
    assert _refund_status(app, refund_booking) is not RefundStatus.CREATING


def test_a_healthy_cursor_says_so(app: AppContext) -> None:
    assert app.sync.cursor_health().ok  # no cursor yet
    app.sync.sync_once()
    health = app.sync.cursor_health()
    assert health.ok and health.last_reset is None
