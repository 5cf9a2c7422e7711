"""A stale read never takes a succeeded refund back (issue 11, "final states never go back").

A ``pending`` snapshot read before the refund succeeded can be applied after it (a slow
re-read, a reordered event): the refund stays succeeded, the booking keeps its refunded
amount, ``recorded_at`` is not stamped again and the audit log says refund.succeeded once.
"""

from __future__ import annotations

import dataclasses

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import BookingStatus
from pos_app.domain.payment import RefundStatus
from pos_app.domain.ports import AuditQuery
from pos_app.services import settle
from tests.integration.helpers import book
from tests.payments import pay


def test_a_stale_pending_read_after_success_changes_nothing(app: AppContext) -> None:
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    app.checkout.refresh(view.payment_id)
    app.refunds.refund(booking.id, "10.00")
    (refund,) = app.bookings.detail(booking.id).refunds
    assert refund.status is RefundStatus.SUCCEEDED and refund.stripe_refund_id
    recorded_at = refund.recorded_at
    assert recorded_at is not None

    fresh = app.deps.gateway.retrieve_refund(refund.stripe_refund_id)
    stale = dataclasses.replace(fresh, status="pending", balance_transaction_id=None)
    settle.apply_refund(app.deps, refund.id, stale)
    settle.apply_refund(app.deps, refund.id, fresh)  # the fresh read again: no news either

    detail = app.bookings.detail(booking.id)
    (after,) = detail.refunds
    assert after.status is RefundStatus.SUCCEEDED
    assert after.recorded_at == recorded_at
    assert detail.booking.refunded_amount == 1000
    assert detail.booking.status is BookingStatus.PARTIALLY_REFUNDED
    succeeded = app.audit.query(
        AuditQuery(booking_id=booking.id, actions=frozenset({AuditAction.REFUND_SUCCEEDED}))
    )
    assert len(succeeded) == 1
