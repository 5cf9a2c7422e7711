"""Keeps an order's money summary and status, and its booking's copy, in step with its
payments and refunds (issue 14, docs/orders.md 2.3: the order is the payable)."""

from __future__ import annotations

import logging
from datetime import datetime

from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.overpaid import overpaid_log_detail
from pos_app.domain.payable import Payable
from pos_app.domain.payment import Payment, PaymentStatus, RefundStatus
from pos_app.domain.people import SYSTEM_ACTOR
from pos_app.domain.ports import UnitOfWork
from pos_app.services import audit, order_money

log = logging.getLogger(__name__)


def recompute(uow: UnitOfWork, payable: Payable | Booking, *, at: datetime | None = None) -> None:
    """Recompute paid, refunded and status from the order's rows; the one writer of those
    fields, on the order and, in the same transaction, on its booking (the day view reads
    bookings). A booking given here means its order (the caller holds the booking's lock).

    A booking that becomes overpaid gets one audit entry and one log line, dated ``at`` (the
    caller's now; without it, when the newest payment was recorded: the one that tipped it).
    """
    if isinstance(payable, Booking):
        order = uow.orders.get(uow.orders.ensure_for_booking(payable.id))
        assert order is not None
        payable = Payable.of(order, payable, uow.orders.money(order.id))
    # Overpaid before: the booking's stored status, or the walk-in order's stored money.
    booking = payable.booking
    was_overpaid = (
        booking.status is BookingStatus.OVERPAID
        if booking is not None
        else payable.overpaid.amount > 0
    )
    payments = uow.payments.for_order(payable.id)
    refunds = uow.refunds.for_order(payable.id)
    payable.paid_amount = sum(p.amount for p in payments if p.status is PaymentStatus.SUCCEEDED)
    payable.refunded_amount = sum(r.amount for r in refunds if r.status is RefundStatus.SUCCEEDED)
    status = payable.derive(
        open_checkout=any(p.status.link_open for p in payments),
        processing=any(p.status is PaymentStatus.PROCESSING for p in payments),
    )
    if booking is not None:  # the booking's copy, in the same transaction
        booking.paid_amount = payable.paid_amount
        booking.refunded_amount = payable.refunded_amount
        booking.status = status
    if status is BookingStatus.OVERPAID and not was_overpaid:
        _flag_overpaid(uow, payable, payments, at)
    times = [p.recorded_at or p.created_at for p in payments]
    when = at or max(times, default=payable.order.created_at)
    order_money.follow(
        uow,
        payable.order,
        paid=payable.paid_amount,
        refunded=payable.refunded_amount,
        given_up=payable.cancelled or payable.no_show,
        at=when,
    )
    if any(r.status is RefundStatus.SUCCEEDED for r in refunds):
        order_money.restock(uow, payable.order, when)


def _flag_overpaid(
    uow: UnitOfWork, payable: Payable, payments: list[Payment], at: datetime | None
) -> None:
    """Never silent: the audit log and the log say the booking (or walk-in order) holds money
    owed back."""
    paid = [p for p in payments if p.status is PaymentStatus.SUCCEEDED]
    tipping = max(paid, key=lambda p: p.recorded_at or p.created_at)
    when = at or tipping.recorded_at or tipping.created_at
    booking = payable.booking
    # A walk-in has no booking to file it under: its words name the order.
    subject = booking if booking is not None else payable
    audit.record(
        uow,
        at=when,
        actor=SYSTEM_ACTOR,
        action=AuditAction.PAYMENT_OVERPAID,
        booking_id=payable.booking_id,
        payment_id=tipping.id,
        amount=subject.overpaid.amount,
        currency=subject.currency,
        stripe_ids=[tipping.stripe_payment_intent_id],
        detail=overpaid_log_detail(subject, "" if booking is not None else payable.title_words),
    )
    kind = "booking" if booking is not None else "order"
    log.warning(
        "%s.overpaid %s=%s payment=%s payment_intent=%s overpaid=%s %s paid=%s "
        "refunded=%s price=%s",
        kind,
        kind,
        subject.id,
        tipping.id,
        tipping.stripe_payment_intent_id,
        subject.overpaid.amount,
        subject.currency,
        subject.paid_amount,
        payable.refunded_amount,
        subject.price_amount,
    )
