"""Keeps a booking's money summary and status, and its order's, in step with its payments and
refunds."""

from __future__ import annotations

import logging
from datetime import datetime

from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import Booking, BookingStatus, derive_status
from pos_app.domain.overpaid import overpaid_log_detail
from pos_app.domain.payment import Payment, PaymentStatus, RefundStatus
from pos_app.domain.people import SYSTEM_ACTOR
from pos_app.domain.ports import UnitOfWork
from pos_app.services import audit, order_money

log = logging.getLogger(__name__)


def recompute(uow: UnitOfWork, booking: Booking, *, at: datetime | None = None) -> None:
    """Recompute paid, refunded and status from the rows; the one writer of those fields.

    A booking that becomes overpaid gets one audit entry and one log line, dated ``at`` (the
    caller's now; without it, when the newest payment was recorded: the one that tipped it).
    """
    was = booking.status
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
    if booking.status is BookingStatus.OVERPAID and was is not BookingStatus.OVERPAID:
        _flag_overpaid(uow, booking, payments, at)
    order = uow.orders.for_booking(booking.id)
    if order is not None:  # the booking's order follows in the same transaction
        times = [p.recorded_at or p.created_at for p in payments]
        order_money.follow(
            uow,
            order,
            paid=booking.paid_amount,
            refunded=booking.refunded_amount,
            given_up=booking.cancelled or booking.no_show,
            at=at or max(times, default=booking.created_at),
        )


def _flag_overpaid(
    uow: UnitOfWork, booking: Booking, payments: list[Payment], at: datetime | None
) -> None:
    """Never silent: the audit log and the log say the booking holds money owed back."""
    paid = [p for p in payments if p.status is PaymentStatus.SUCCEEDED]
    tipping = max(paid, key=lambda p: p.recorded_at or p.created_at)
    when = at or tipping.recorded_at or tipping.created_at
    audit.record(
        uow,
        at=when,
        actor=SYSTEM_ACTOR,
        action=AuditAction.PAYMENT_OVERPAID,
        booking_id=booking.id,
        payment_id=tipping.id,
        amount=booking.overpaid.amount,
        currency=booking.currency,
        stripe_ids=[tipping.stripe_payment_intent_id],
        detail=overpaid_log_detail(booking),
    )
    log.warning(
        "booking.overpaid booking=%s payment=%s payment_intent=%s overpaid=%s %s paid=%s "
        "refunded=%s price=%s",
        booking.id,
        tipping.id,
        tipping.stripe_payment_intent_id,
        booking.overpaid.amount,
        booking.currency,
        booking.paid_amount,
        booking.refunded_amount,
        booking.price_amount,
    )
