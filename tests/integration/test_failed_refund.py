"""Refunds that Stripe settles later: Stripe's asynchronous refund test cards.

4000000000005126: the refund succeeds, then fails with ``refund.failed``;
4000000000007726: it is pending, then succeeds with ``refund.updated``.
"""

from __future__ import annotations

from pos_app.app import AppContext
from pos_app.domain.booking import BookingStatus
from pos_app.domain.payment import RefundStatus
from tests.integration.helpers import book, eventually
from tests.payments import REFUND_FAILS_LATER, REFUND_PENDING_FIRST, pay


def test_a_failed_refund_is_shown_and_frees_the_amount(app: AppContext) -> None:
    refunds, sync = app.refunds, app.sync
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url, REFUND_FAILS_LATER)
    app.checkout.refresh(view.payment_id)

    refunds.refund(booking.id, "10.00")
    detail = app.bookings.detail(booking.id)
    assert detail.refunds[0].status is RefundStatus.SUCCEEDED  # at once, as at Stripe
    assert detail.booking.refunded_amount == 1000
    assert app.refunds.refundable(booking.id).amount == 2500  # the refund holds the money

    def failed() -> bool:
        sync.sync_once()
        return app.bookings.detail(booking.id).refunds[0].status is RefundStatus.FAILED

    eventually(failed)
    detail = app.bookings.detail(booking.id)
    assert detail.refunds[0].failure_reason  # Stripe's reason, shown to staff
    assert detail.booking.status is BookingStatus.PAID and detail.booking.refunded_amount == 0
    assert app.refunds.refundable(booking.id).amount == 3500


def test_a_pending_refund_holds_the_money_until_it_succeeds(app: AppContext) -> None:
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url, REFUND_PENDING_FIRST)
    app.checkout.refresh(view.payment_id)

    app.refunds.refund(booking.id, "10.00")
    assert app.bookings.detail(booking.id).refunds[0].status is RefundStatus.PENDING
    assert app.refunds.refundable(booking.id).amount == 2500  # pending holds the money

    def succeeded() -> bool:
        app.sync.sync_once()
        return app.bookings.detail(booking.id).refunds[0].status is RefundStatus.SUCCEEDED

    eventually(succeeded)
    assert app.bookings.detail(booking.id).booking.refunded_amount == 1000
    assert app.refunds.refundable(booking.id).amount == 2500
