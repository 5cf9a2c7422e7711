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

from pos_app.app import AppContext, wire_services
from pos_app.domain.errors import GatewayRejected, GatewayUnavailable
from pos_app.domain.payment import PaymentStatus, RefundStatus
from pos_app.services import event_cursor
from pos_app.services.checkout import CheckoutService
from pos_app.services.context import Deps
from pos_app.services.payment_sync import EVENT_TYPES, STEP_FAILED, TRY_AGAIN
from tests.integration.helpers import book, eventually
from tests.payments import REFUND_FAILS_LATER, pay

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
        wire_services(_with(app.deps, gateway=offline)).refunds.refund(booking.id, "10.00")
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


def _assert_resent_once(app: AppContext, booking_id: str) -> None:
    """The stuck refund reached Stripe exactly once and is not taken for failed (which would
    free its amount to be refunded again: a double refund)."""
    (refund,) = app.bookings.detail(booking_id).refunds
    assert refund.status is RefundStatus.SUCCEEDED  # an ordinary test card refunds at once
    (payment,) = app.bookings.detail(booking_id).payments
    now = datetime.now(UTC)
    at_stripe = [
        r
        for r in app.deps.gateway.list_refunds(
            created_from=now - timedelta(hours=1), created_before=now + timedelta(hours=1)
        )
        if r.payment_intent_id == payment.stripe_payment_intent_id
    ]
    assert [r.id for r in at_stripe] == [refund.stripe_refund_id]


def test_an_unknown_cursor_is_reset_and_everything_unsettled_is_reread(app: AppContext) -> None:
    refund_booking, _ = _stuck_refund(app)
    held = _open_link(app)
    event_cursor.save(app.deps, UNKNOWN)  # e.g. the station was off for 31 days
    sync = wire_services(_with(app.deps, clock=LaterClock())).sync
    assert not sync.cursor_health().ok

    report = sync.sync_once()

    assert report.errors == []
    assert report.cursor_reset and "re-read from Stripe" in report.cursor_reset
    assert report.holds_expired == 1
    assert _payment_status(app, held) is PaymentStatus.EXPIRED
    _assert_resent_once(app, refund_booking)
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
    report = wire_services(_with(app.deps, clock=LaterClock(), gateway=broken)).sync.sync_once()
    assert report.errors == ["Stripe refused the request."]
    assert report.holds_expired == 1
    assert _payment_status(app, held) is PaymentStatus.EXPIRED
    _assert_resent_once(app, refund_booking)


def test_an_unreachable_events_feed_is_raised_after_the_other_steps_ran(app: AppContext) -> None:
    refund_booking, _ = _stuck_refund(app)
    held = _open_link(app)
    offline = Flaky(app.deps.gateway, list_events=GatewayUnavailable("Cannot reach Stripe."))
    sync = wire_services(_with(app.deps, clock=LaterClock(), gateway=offline)).sync
    # Raised so the window backs off and says "offline"; the other steps had their try.
    with pytest.raises(GatewayUnavailable):
        sync.sync_once()
    assert _payment_status(app, held) is PaymentStatus.EXPIRED
    _assert_resent_once(app, refund_booking)


def test_a_healthy_cursor_says_so(app: AppContext) -> None:
    assert app.sync.cursor_health().ok  # no cursor yet
    app.sync.sync_once()
    health = app.sync.cursor_health()
    assert health.ok and health.last_reset is None


def test_an_unexpected_error_in_one_step_does_not_stop_the_others(app: AppContext) -> None:
    refund_booking, _ = _stuck_refund(app)
    held = _open_link(app)
    broken = Flaky(app.deps.gateway, list_events=ValueError("a bug"))
    report = wire_services(_with(app.deps, clock=LaterClock(), gateway=broken)).sync.sync_once()
    # One sentence a person can act on; the traceback went to the log file.
    assert report.errors == [STEP_FAILED["events"] + TRY_AGAIN]
    assert report.holds_expired == 1
    assert _payment_status(app, held) is PaymentStatus.EXPIRED
    _assert_resent_once(app, refund_booking)


def test_what_an_offline_pass_did_is_reported_by_the_next(app: AppContext) -> None:
    held = _open_link(app)
    gateway = Flaky(app.deps.gateway, list_events=GatewayUnavailable("Cannot reach Stripe."))
    sync = wire_services(_with(app.deps, clock=LaterClock(), gateway=gateway)).sync
    with pytest.raises(GatewayUnavailable):
        sync.sync_once()
    assert _payment_status(app, held) is PaymentStatus.EXPIRED
    gateway._broken.clear()  # back online
    report = sync.sync_once()
    assert report.holds_expired == 1 and report.errors == []
    assert sync.sync_once().holds_expired == 0  # handed out once


class BreaksOn:
    """The real gateway, but retrieving the named objects raises a non-gateway error
    (``times`` times each, then works)."""

    def __init__(self, real: Any, ids: set[str], *, times: int = 1_000) -> None:
        self._real = real
        self._left = dict.fromkeys(ids, times)

    def _check(self, object_id: str) -> None:
        if self._left.get(object_id, 0) > 0:
            self._left[object_id] -= 1
            raise ValueError(f"cannot apply {object_id}")

    def retrieve_checkout_session(self, session_id: str, **kw: Any) -> Any:
        self._check(session_id)
        return self._real.retrieve_checkout_session(session_id, **kw)

    def retrieve_refund(self, refund_id: str) -> Any:
        self._check(refund_id)
        return self._real.retrieve_refund(refund_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _paid_unseen(app: AppContext, name: str) -> tuple[str, str]:
    """A booking paid at Stripe that this station has not seen yet: (payment, session)."""
    view = CheckoutService(app.deps).start(book(app, name=name).id)
    assert view.payment_id and view.url
    pay(view.url)
    with app.deps.uow() as uow:
        payment = uow.payments.get(view.payment_id)
    assert payment is not None and payment.stripe_session_id
    return view.payment_id, payment.stripe_session_id


def test_an_event_that_cannot_be_applied_is_skipped_not_read_forever(app: AppContext) -> None:
    app.sync.sync_once()  # the feed read up to now
    poison, poison_session = _paid_unseen(app, "Poison Event")
    later, _ = _paid_unseen(app, "Later Event")
    held = _open_link(app)
    gateway = BreaksOn(app.deps.gateway, {poison_session})
    sync = wire_services(_with(app.deps, clock=LaterClock(), gateway=gateway)).sync

    report = sync.sync_once()

    assert report.events_skipped == 1
    assert _payment_status(app, later) is PaymentStatus.SUCCEEDED  # read past the poison
    assert report.holds_expired == 1 and _payment_status(app, held) is PaymentStatus.EXPIRED
    assert _payment_status(app, poison) is PaymentStatus.OPEN  # its object still breaks
    assert any("could not be applied" in e and "re-read" in e for e in report.errors)
    assert not any("Traceback" in e or "cannot apply" in e for e in report.errors)
    # The cursor moved past it: the next pass does not stop at that event again.
    assert sync.sync_once().events_skipped == 0
    # Its object is re-read by the reconciliation of unsettled rows once it can be.
    assert app.sync.sync_once(full=True).errors == []
    assert _payment_status(app, poison) is PaymentStatus.SUCCEEDED


def _refund_failed_at_stripe(app: AppContext) -> tuple[str, str]:
    """A refund the app saw succeed, failed at Stripe since (card 4000000000005126), with
    no sync in between: (booking, Stripe refund id)."""
    booking = book(app, name="Refund Fails Later")
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url, REFUND_FAILS_LATER)
    app.checkout.refresh(view.payment_id)
    app.refunds.refund(booking.id, "10.00")
    (refund,) = app.bookings.detail(booking.id).refunds
    assert refund.status is RefundStatus.SUCCEEDED and refund.stripe_refund_id
    stripe_id = refund.stripe_refund_id
    eventually(lambda: app.deps.gateway.retrieve_refund(stripe_id).status == "failed")
    return booking.id, stripe_id


def test_a_cursor_reset_rereads_refunds_that_failed_after_succeeding(app: AppContext) -> None:
    app.sync.sync_once()
    booking, _ = _refund_failed_at_stripe(app)
    event_cursor.save(app.deps, UNKNOWN)  # refund.failed is lost in the gap
    report = app.sync.sync_once()
    assert report.cursor_reset and report.errors == []
    assert _refund_status(app, booking) is RefundStatus.FAILED
    assert [f.booking_id for f in report.refunds_newly_failed] == [booking]


def test_a_skipped_refund_event_still_leaves_the_refund_failed(app: AppContext) -> None:
    app.sync.sync_once()
    booking, stripe_id = _refund_failed_at_stripe(app)
    feed = app.deps.gateway.list_events(types=EVENT_TYPES, ending_before=None, limit=100)
    about_it = [e for e in feed.events if e.object_id == stripe_id]  # refund.failed among them
    assert "refund.failed" in {e.type for e in about_it}
    # Every event about the refund breaks; the re-read after them does not.
    gateway = BreaksOn(app.deps.gateway, {stripe_id}, times=len(about_it))
    report = wire_services(_with(app.deps, gateway=gateway)).sync.sync_once()
    assert report.events_skipped == len(about_it)
    assert _refund_status(app, booking) is RefundStatus.FAILED  # by the re-read of the rest
