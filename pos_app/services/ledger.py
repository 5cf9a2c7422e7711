"""Keeps a booking's money summary and status in step with its payments and refunds."""

from __future__ import annotations

from pos_app.domain.booking import Booking, derive_status
from pos_app.domain.payment import PaymentStatus, RefundStatus
from pos_app.domain.ports import UnitOfWork


def recompute(uow: UnitOfWork, booking: Booking) -> None:
    """Recompute paid, refunded and status from the rows; the one writer of those fields."""
    payments = uow.payments.for_booking(booking.id)
    refunds = uow.refunds.for_booking(booking.id)
    booking.paid_amount = sum(p.amount for p in payments if p.status is PaymentStatus.SUCCEEDED)
    booking.refunded_amount = sum(r.amount for r in refunds if r.status is RefundStatus.SUCCEEDED)
    booking.status = derive_status(
        price=booking.price_amount,
        paid=booking.paid_amount,
        refunded=booking.refunded_amount,
        cancelled=booking.cancelled,
        no_show=booking.no_show,
        has_open_checkout=any(
            p.status in (PaymentStatus.CREATING, PaymentStatus.OPEN) for p in payments
        ),
        has_processing_payment=any(p.status is PaymentStatus.PROCESSING for p in payments),
    )
