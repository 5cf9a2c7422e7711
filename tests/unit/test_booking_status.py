from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pos_app.domain.booking import BookingStatus, derive_status
from pos_app.domain.errors import InvalidStateError, ValidationError
from pos_app.domain.gateway_types import CheckoutSessionInfo
from pos_app.domain.money import Money
from pos_app.domain.payment import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
    check_refund,
    refundable_amount,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kw", "status"),
    [
        ({"paid": 0, "refunded": 0, "cancelled": False, "has_open_checkout": False}, "new"),
        (
            {"paid": 0, "refunded": 0, "cancelled": False, "has_open_checkout": True},
            "awaiting_payment",
        ),
        ({"paid": 0, "refunded": 0, "cancelled": True, "has_open_checkout": False}, "cancelled"),
        (
            {"paid": 1000, "refunded": 0, "cancelled": False, "has_open_checkout": False},
            "deposit_paid",
        ),
        ({"paid": 3500, "refunded": 0, "cancelled": False, "has_open_checkout": False}, "paid"),
        (
            {"paid": 3500, "refunded": 1000, "cancelled": False, "has_open_checkout": False},
            "partially_refunded",
        ),
        (
            {"paid": 3500, "refunded": 3500, "cancelled": False, "has_open_checkout": False},
            "refunded",
        ),
        (
            {"paid": 3500, "refunded": 3500, "cancelled": True, "has_open_checkout": False},
            "refunded",
        ),
        # Paid twice, the excess given back: simply paid again, not "partially refunded".
        ({"paid": 7000, "refunded": 3500, "cancelled": False, "has_open_checkout": False}, "paid"),
        (
            {"paid": 7000, "refunded": 4000, "cancelled": False, "has_open_checkout": False},
            "partially_refunded",
        ),
        (
            {"paid": 7000, "refunded": 1000, "cancelled": False, "has_open_checkout": False},
            "overpaid",
        ),
    ],
)
def test_derive_status(kw: dict[str, int | bool], status: str) -> None:
    assert derive_status(price=3500, **kw) == BookingStatus(status)  # type: ignore[arg-type]


def _payment(status: PaymentStatus = PaymentStatus.CREATING) -> Payment:
    return Payment(
        id="pay_1",
        booking_id="bk_1",
        method=PaymentMethod.CARD,
        status=status,
        amount=3500,
        currency="usd",
        idempotency_key="k",
        created_at=NOW,
    )


def _session(
    status: str, payment_status: str = "unpaid", pi: str | None = None
) -> CheckoutSessionInfo:
    return CheckoutSessionInfo(
        id="cs_1",
        status=status,
        payment_status=payment_status,
        amount_total=3500,
        currency="usd",
        url="http://x/c/pay/cs_1" if status == "open" else None,
        expires_at=NOW + timedelta(minutes=31),
        payment_intent_id=pi,
    )


def test_session_transitions_are_idempotent() -> None:
    p = _payment()
    assert p.apply_session(_session("open"), NOW) is True
    assert p.status is PaymentStatus.OPEN and p.checkout_url
    assert p.apply_session(_session("open"), NOW) is False
    assert p.apply_session(_session("complete", "paid", "pi_1"), NOW) is True
    assert p.status is PaymentStatus.SUCCEEDED and p.stripe_payment_intent_id == "pi_1"
    assert p.checkout_url is None
    assert p.apply_session(_session("complete", "paid", "pi_1"), NOW) is False


def test_paid_wins_over_expired_in_any_order() -> None:
    a = _payment()
    a.apply_session(_session("complete", "paid", "pi_1"), NOW)
    a.apply_session(_session("expired"), NOW)  # a stale snapshot arriving late
    assert a.status is PaymentStatus.SUCCEEDED
    b = _payment()
    b.apply_session(_session("expired"), NOW)
    b.apply_session(_session("complete", "paid", "pi_1"), NOW)
    assert b.status is PaymentStatus.SUCCEEDED


def test_failed_creation_is_final_only_from_creating() -> None:
    p = _payment(PaymentStatus.OPEN)
    p.mark_failed("nope")
    assert p.status is PaymentStatus.OPEN
    q = _payment()
    q.mark_failed("Stripe refused")
    assert q.status is PaymentStatus.FAILED and q.status.is_final


def _refund(amount: int, status: RefundStatus) -> Refund:
    return Refund(
        id=f"re_{amount}_{status}",
        payment_id="pay_1",
        booking_id="bk_1",
        amount=amount,
        currency="usd",
        reason=None,
        status=status,
        idempotency_key="k",
        created_at=NOW,
    )


def test_refundable_counts_pending_but_not_failed_refunds() -> None:
    p = _payment(PaymentStatus.SUCCEEDED)
    refunds = [
        _refund(1000, RefundStatus.SUCCEEDED),
        _refund(500, RefundStatus.PENDING),
        _refund(700, RefundStatus.FAILED),
    ]
    assert refundable_amount(p, refunds) == Money(2000, "usd")
    assert refundable_amount(_payment(PaymentStatus.OPEN), []) == Money(0, "usd")


def test_check_refund_bounds() -> None:
    left = Money(2000, "usd")
    check_refund(Money(2000, "usd"), left, "requested_by_customer")
    with pytest.raises(ValidationError, match="at most"):
        check_refund(Money(2001, "usd"), left, None)
    with pytest.raises(ValidationError, match="more than zero"):
        check_refund(Money(0, "usd"), left, None)
    with pytest.raises(ValidationError, match="reason"):
        check_refund(Money(100, "usd"), left, "because")
    with pytest.raises(InvalidStateError):
        check_refund(Money(100, "usd"), Money(0, "usd"), None)
