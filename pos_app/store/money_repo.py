"""Payments and refunds in SQL, mapped onto the domain's classes.

A payment or refund is written against an order (issue 14): a booking's payment pays the
booking's order, and a refund the order of the payment it returns.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus, Refund, RefundStatus
from pos_app.store.orders_repo import SqlOrderRepository
from pos_app.store.schema import payments, refunds


def _order_of(session: Session, booking_id: str | None) -> str:
    """The id of the order a booking owns (given one now if it has none: see
    ``SqlOrderRepository.ensure_for_booking``)."""
    if booking_id is None:
        raise ValueError("a payment needs its order, or a booking that owns one")
    return SqlOrderRepository(session).ensure_for_booking(booking_id)


class SqlPaymentRepository:
    """Payments in SQL."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None:
        """One payment; ``for_update`` locks its row (PostgreSQL) and reads it afresh."""
        return self._s.get(
            Payment, payment_id, with_for_update=for_update or None, populate_existing=for_update
        )

    def add(self, payment: Payment) -> None:
        """Add a new payment; a booking's payment pays the booking's order."""
        if payment.order_id is None:
            payment.order_id = _order_of(self._s, payment.booking_id)
        self._s.add(payment)

    def for_booking(self, booking_id: str) -> list[Payment]:
        """A booking's payments, oldest first."""
        q = (
            select(Payment)
            .where(payments.c.booking_id == booking_id)
            .order_by(payments.c.created_at, payments.c.id)
        )
        return list(self._s.scalars(q))

    def for_order(self, order_id: str) -> list[Payment]:
        """An order's payments, oldest first."""
        q = (
            select(Payment)
            .where(payments.c.order_id == order_id)
            .order_by(payments.c.created_at, payments.c.id)
        )
        return list(self._s.scalars(q))

    def by_session_id(self, session_id: str) -> Payment | None:
        """The payment that opened this Checkout Session."""
        q = select(Payment).where(payments.c.stripe_session_id == session_id)
        return self._s.scalars(q).first()

    def by_payment_intent_id(self, payment_intent_id: str) -> Payment | None:
        """The payment that this PaymentIntent paid."""
        q = select(Payment).where(payments.c.stripe_payment_intent_id == payment_intent_id)
        return self._s.scalars(q).first()

    def unsettled(self) -> list[Payment]:
        """Payments Stripe may still change: being created, open, or a bank payment processing."""
        unsettled = [PaymentStatus.CREATING, PaymentStatus.OPEN, PaymentStatus.PROCESSING]
        q = select(Payment).where(payments.c.status.in_(unsettled))
        # Oldest first, in the same order on every station and database.
        return list(self._s.scalars(q.order_by(payments.c.created_at, payments.c.id)))

    def creating(self) -> list[Payment]:
        """Payments whose create request was sent but its answer not stored, oldest first."""
        q = select(Payment).where(payments.c.status == PaymentStatus.CREATING)
        return list(self._s.scalars(q.order_by(payments.c.created_at, payments.c.id)))

    def holds_ended(self, now: datetime) -> list[Payment]:
        """Open links whose hold ended at or before ``now``, oldest first (found by the
        database: a pass no longer loads every open link to look at its hold)."""
        q = select(Payment).where(
            payments.c.status == PaymentStatus.OPEN,
            payments.c.hold_until.is_not(None),
            payments.c.hold_until <= now,
        )
        return list(self._s.scalars(q.order_by(payments.c.created_at, payments.c.id)))

    def missing_charge_details(self) -> list[Payment]:
        """Succeeded card payments whose fee is not recorded yet."""
        q = select(Payment).where(
            payments.c.status == PaymentStatus.SUCCEEDED,
            payments.c.method == PaymentMethod.CARD,
            payments.c.fee_amount.is_(None),
            payments.c.stripe_payment_intent_id.is_not(None),
        )
        return list(self._s.scalars(q))

    def card_paid_between(self, start: datetime, end: datetime) -> list[Payment]:
        """Succeeded card payments whose ``paid_at`` is in [start, end), oldest first."""
        q = (
            select(Payment)
            .where(
                payments.c.status == PaymentStatus.SUCCEEDED,
                payments.c.method == PaymentMethod.CARD,
                payments.c.paid_at >= start,
                payments.c.paid_at < end,
            )
            .order_by(payments.c.paid_at, payments.c.id)
        )
        return list(self._s.scalars(q))


class SqlRefundRepository:
    """Refunds in SQL."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, refund_id: str, *, for_update: bool = False) -> Refund | None:
        """One refund; ``for_update`` locks its row (PostgreSQL) and reads it afresh."""
        return self._s.get(
            Refund, refund_id, with_for_update=for_update or None, populate_existing=for_update
        )

    def add(self, refund: Refund) -> None:
        """Add a new refund, against the order its payment pays."""
        if refund.order_id is None:
            refund.order_id = self._s.execute(
                select(payments.c.order_id).where(payments.c.id == refund.payment_id)
            ).scalar()
        self._s.add(refund)

    def for_booking(self, booking_id: str) -> list[Refund]:
        """A booking's refunds, oldest first."""
        q = (
            select(Refund)
            .where(refunds.c.booking_id == booking_id)
            .order_by(refunds.c.created_at, refunds.c.id)
        )
        return list(self._s.scalars(q))

    def for_order(self, order_id: str) -> list[Refund]:
        """An order's refunds, oldest first."""
        q = (
            select(Refund)
            .where(refunds.c.order_id == order_id)
            .order_by(refunds.c.created_at, refunds.c.id)
        )
        return list(self._s.scalars(q))

    def for_payment(self, payment_id: str) -> list[Refund]:
        """A payment's refunds, oldest first."""
        q = (
            select(Refund)
            .where(refunds.c.payment_id == payment_id)
            .order_by(refunds.c.created_at, refunds.c.id)
        )
        return list(self._s.scalars(q))

    def by_stripe_id(self, stripe_refund_id: str) -> Refund | None:
        """The local refund for a Stripe refund id."""
        q = select(Refund).where(refunds.c.stripe_refund_id == stripe_refund_id)
        return self._s.scalars(q).first()

    def unsettled(self) -> list[Refund]:
        """Refunds not yet in a final state."""
        unsettled = [RefundStatus.CREATING, RefundStatus.PENDING, RefundStatus.REQUIRES_ACTION]
        q = select(Refund).where(refunds.c.status.in_(unsettled))
        return list(self._s.scalars(q.order_by(refunds.c.created_at, refunds.c.id)))

    def succeeded_since(self, since: datetime) -> list[Refund]:
        """Refunds sent to Stripe and succeeded, asked for at or after ``since``, oldest first."""
        q = (
            select(Refund)
            .where(
                refunds.c.status == RefundStatus.SUCCEEDED,
                refunds.c.stripe_refund_id.is_not(None),
                refunds.c.created_at >= since,
            )
            .order_by(refunds.c.created_at, refunds.c.id)
        )
        return list(self._s.scalars(q))

    def created_between(self, start: datetime, end: datetime) -> list[Refund]:
        """Refunds asked for in [start, end), in any state, oldest first."""
        q = (
            select(Refund)
            .where(refunds.c.created_at >= start, refunds.c.created_at < end)
            .order_by(refunds.c.created_at, refunds.c.id)
        )
        return list(self._s.scalars(q))
