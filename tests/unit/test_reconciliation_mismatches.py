"""The differences a reconciliation lists: each builder fills our side from the local payment
or refund and Stripe's side from what Stripe said, field by field."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from pos_app.domain.gateway_types import BalanceTransactionInfo, ChargeInfo, RefundInfo
from pos_app.domain.payment import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from pos_app.services.reconciliation_mismatches import (
    amount_mismatch,
    missing_at_stripe,
    missing_payment,
    payment_differences,
    refund_differences,
)
from pos_app.services.reconciliation_model import Mismatch, MismatchKind

AT = datetime(2026, 12, 5, 10, tzinfo=UTC)
PAYMENT = Payment(
    id="pay_1",
    booking_id="bk_1",
    method=PaymentMethod.CARD,
    status=PaymentStatus.SUCCEEDED,
    amount=3500,
    currency="usd",
    idempotency_key="k1",
    created_at=AT,
    stripe_payment_intent_id="pi_1",
    stripe_charge_id="ch_1",
    fee_amount=100,
)
CHARGE = ChargeInfo("ch_1", "succeeded", 3600, 0, "usd", "pi_1", "txn_1", AT)
REFUND = Refund(
    id="rf_1",
    payment_id="pay_1",
    booking_id="bk_1",
    amount=1000,
    currency="usd",
    reason=None,
    status=RefundStatus.PENDING,
    idempotency_key="k2",
    created_at=AT,
)


def _sides(m: Mismatch) -> tuple[object, ...]:
    return (
        m.kind,
        m.object_type,
        m.currency,
        m.local_id,
        m.booking_id,
        m.stripe_id,
        m.payment_intent_id,
        m.local_amount,
        m.stripe_amount,
        m.local_state,
        m.stripe_state,
        m.local_fee,
        m.stripe_fee,
        m.settleable,
    )


def test_payment_differences_fill_both_sides() -> None:
    pending = replace(PAYMENT, status=PaymentStatus.OPEN)
    missing = missing_payment(CHARGE, pending)
    assert _sides(missing) == (
        MismatchKind.MISSING_LOCALLY, "payment", "usd", "pay_1", "bk_1", "ch_1", "pi_1",
        3500, 3600, "open", "succeeded", None, None, True,
    )  # fmt: skip
    assert missing.sentence == "Stripe took $36.00 (ch_1) but the payment is still open here."
    not_taken = missing_at_stripe(PAYMENT, None)
    assert _sides(not_taken) == (
        MismatchKind.MISSING_AT_STRIPE, "payment", "usd", "pay_1", "bk_1", "ch_1", "pi_1",
        3500, None, "succeeded", None, None, None, False,
    )  # fmt: skip
    assert not_taken.why_not.startswith("Stripe has not taken this money")
    assert _sides(amount_mismatch(PAYMENT, "ch_9", 3600))[5:9] == ("ch_9", "pi_1", 3500, 3600)
    txn = BalanceTransactionInfo("txn_1", "charge", 3600, 130, 3470, "usd", "ch_1", AT)
    amount, fee = payment_differences(PAYMENT, CHARGE, {"txn_1": txn})
    assert amount.kind is MismatchKind.AMOUNT_DIFFERS
    assert _sides(fee) == (
        MismatchKind.FEE_DIFFERS, "payment", "usd", "pay_1", "bk_1", "ch_1", "pi_1",
        3500, 3600, "succeeded", "succeeded", 100, 130, True,
    )  # fmt: skip
    assert fee.sentence == "Stripe's fee on the payment of $35.00 is $1.30, $1.00 here."


def test_refund_differences_fill_both_sides() -> None:
    info = RefundInfo("re_1", "succeeded", 1200, "usd", "pi_1", None, fee=0)
    amount, state = refund_differences(REFUND, info, {})
    assert _sides(amount) == (
        MismatchKind.AMOUNT_DIFFERS, "refund", "usd", "rf_1", "bk_1", "re_1", "pi_1",
        1000, 1200, "pending", "succeeded", None, None, True,
    )  # fmt: skip
    assert state.kind is MismatchKind.STATE_DIFFERS and state.object_type == "refund"
    assert state.sentence == "The refund of $10.00 is pending here but succeeded at Stripe."
