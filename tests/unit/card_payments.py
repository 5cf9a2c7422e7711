"""A card payment and Checkout Session snapshots to drive ``Payment.apply_session`` with."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from pos_app.domain.gateway_types import CheckoutSessionInfo
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def card_payment(status: PaymentStatus = PaymentStatus.OPEN, **changes: Any) -> Payment:
    """Payment pay_1 of €25.00 on session cs_1, in ``status``; ``changes`` override fields."""
    payment = Payment(
        id="pay_1",
        booking_id="bk_1",
        method=PaymentMethod.CARD,
        status=status,
        amount=2500,
        currency="eur",
        idempotency_key="checkout-pay_1",
        created_at=NOW,
        stripe_session_id="cs_1",
        expires_at=NOW + timedelta(minutes=31),
    )
    return replace(payment, **changes)


def session(
    status: str,
    payment_status: str = "unpaid",
    *,
    session_id: str = "cs_1",
    intent: str | None = None,
    payment_intent_id: str | None = "pi_1",
    expires_in: timedelta = timedelta(minutes=31),
) -> CheckoutSessionInfo:
    """A snapshot of the session as Stripe would return it (a URL only while open)."""
    return CheckoutSessionInfo(
        id=session_id,
        status=status,
        payment_status=payment_status,
        amount_total=2500,
        currency="eur",
        url=f"https://pay.example/{session_id}" if status == "open" else None,
        expires_at=NOW + expires_in,
        payment_intent_id=payment_intent_id,
        payment_intent_status=intent,
    )
