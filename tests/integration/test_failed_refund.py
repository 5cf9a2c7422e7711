"""A refund that Stripe accepts and later fails gives the money back to "refundable"."""

from __future__ import annotations

import dataclasses
from typing import Any

from pos_app.app import AppContext
from pos_app.domain.booking import BookingStatus
from pos_app.domain.gateway_types import RefundInfo, RefundRequest
from pos_app.domain.payment import RefundStatus
from pos_app.services.payment_sync import SyncService
from pos_app.services.refunds import RefundService
from tests.integration.helpers import book, eventually
from tests.payments import pay


class FailingRefunds:
    """The real gateway, but refunds carry the sandbox's documented trigger to fail later."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def create_refund(self, request: RefundRequest, *, idempotency_key: str) -> RefundInfo:
        metadata = {**request.metadata, "sandbox_refund_outcome": "fail"}
        return self._inner.create_refund(
            dataclasses.replace(request, metadata=metadata), idempotency_key=idempotency_key
        )


def test_a_failed_refund_is_shown_and_frees_the_amount(app: AppContext) -> None:
    deps = dataclasses.replace(app.deps, gateway=FailingRefunds(app.deps.gateway))
    refunds, sync = RefundService(deps), SyncService(deps)
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    app.checkout.refresh(view.payment_id)

    refunds.refund(booking.id, "10.00")
    assert app.refunds.refundable(booking.id).amount == 2500  # pending holds the money

    def failed() -> bool:
        sync.sync_once()
        return app.bookings.detail(booking.id).refunds[0].status is RefundStatus.FAILED

    eventually(failed)
    detail = app.bookings.detail(booking.id)
    assert detail.refunds[0].failure_reason  # Stripe's reason, shown to staff
    assert detail.booking.status is BookingStatus.PAID and detail.booking.refunded_amount == 0
    assert app.refunds.refundable(booking.id).amount == 3500
