"""The JSON shapes the ``--json`` commands print. Scripts depend on every key: add keys,
never rename or drop one."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pos_app.domain.booking import Booking
from pos_app.domain.payment import Payment, Refund
from pos_app.services.bookings import BookingDetail
from pos_app.services.checkout import CheckoutView

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import AppContext


def ts(value: datetime | None) -> int | None:
    """Seconds since the epoch, as Stripe gives times; None stays None."""
    return None if value is None else int(value.timestamp())


def booking_json(ctx: AppContext, b: Booking) -> dict[str, Any]:
    """A booking as scripts read it: amounts in minor units, the start in local time."""
    return {
        "id": b.id,
        "status": b.status.value,
        "customer": b.customer_name,
        "email": b.customer_email,
        "phone": b.customer_phone,
        "service_id": b.service_id,
        "service": b.service_name,
        "starts_at": b.starts_at.astimezone(ctx.config.timezone).isoformat(),
        "amount": b.price_amount,
        "paid_amount": b.paid_amount,
        "refunded_amount": b.refunded_amount,
        "currency": b.currency,
        "balance_due": b.balance_due.amount,
        "overpaid_amount": b.overpaid.amount,  # owed back to the customer; 0 unless overpaid
        "resource_id": b.resource_id,
        "customer_id": b.customer_id,
    }


def checkout_json(view: CheckoutView) -> dict[str, Any]:
    """An open checkout: its link, when it expires, and the amount asked."""
    return {
        "booking_id": view.booking_id,
        "payment_id": view.payment_id,
        "session_id": view.session_id,
        "status": view.status.value,
        "url": view.url,
        "expires_at": ts(view.expires_at),
        "hold_until": ts(view.hold_until),
        "amount": view.amount.amount,
        "currency": view.amount.currency,
    }


def refund_json(r: Refund) -> dict[str, Any]:
    """One refund row with Stripe's ids and its fee figures."""
    return {
        "id": r.id,
        "stripe_refund_id": r.stripe_refund_id,
        "payment_id": r.payment_id,
        "amount": r.amount,
        "currency": r.currency,
        "reason": r.reason,
        "status": r.status.value,
        "failure_reason": r.failure_reason,
        "balance_transaction_id": r.stripe_balance_transaction_id,
        "fee": r.fee_amount,
        "net": r.net_amount,
    }


def payment_json(p: Payment) -> dict[str, Any]:
    """One payment row with Stripe's ids and its fee figures."""
    return {
        "id": p.id,
        "method": p.method.value,
        "status": p.status.value,
        "amount": p.amount,
        "currency": p.currency,
        "session_id": p.stripe_session_id,
        "payment_intent_id": p.stripe_payment_intent_id,
        "charge_id": p.stripe_charge_id,
        "balance_transaction_id": p.stripe_balance_transaction_id,
        "fee": p.fee_amount,
        "net": p.net_amount,
        "paid_at": ts(p.paid_at),
    }


def detail_json(ctx: AppContext, d: BookingDetail) -> dict[str, Any]:
    """A booking with its payments and refunds (``status``, ``pay-cash``, ``refund``)."""
    data = booking_json(ctx, d.booking)
    data["payments"] = [payment_json(p) for p in d.payments]
    data["refunds"] = [refund_json(r) for r in d.refunds]
    return data
