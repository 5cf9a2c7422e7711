"""Which moves record money for the database to order (issue 11, item 3): a payment's or a
refund's success, and a succeeded refund's later failure (money back), each once."""

from __future__ import annotations

from datetime import timedelta

from pos_app.domain.gateway_types import RefundInfo
from pos_app.domain.payment import PaymentStatus, Refund, RefundStatus
from tests.unit.card_payments import NOW, card_payment, session

LATER = NOW + timedelta(hours=2)
R = RefundStatus


def _refund(status: RefundStatus = R.CREATING) -> Refund:
    return Refund(
        id="rf_1",
        payment_id="pay_1",
        booking_id="bk_1",
        amount=1000,
        currency="usd",
        reason=None,
        status=status,
        idempotency_key="pos-app:refund:rf_1",
        created_at=NOW,
        stripe_refund_id="re_1",
    )


def _info(status: RefundStatus) -> RefundInfo:
    return RefundInfo(
        id="re_1",
        status=status.value,
        amount=1000,
        currency="usd",
        payment_intent_id="pi_1",
        failure_reason="lost_or_stolen_card" if status is R.FAILED else None,
    )


def test_a_refund_that_fails_after_success_records_the_money_coming_back_once() -> None:
    refund = _refund()
    refund.apply_stripe(_info(R.SUCCEEDED), NOW)
    assert refund.awaiting_order and not refund.reversal_awaiting_order
    refund.record_seq = 7  # what the database gives it
    refund.apply_stripe(_info(R.FAILED), LATER)
    assert (refund.reversed_at, refund.record_seq) == (LATER, 7)
    assert refund.reversal_awaiting_order and not refund.awaiting_order
    refund.reversed_seq = 9
    # A repeated or stale read changes nothing: the money came back once.
    for again in (R.FAILED, R.SUCCEEDED, R.PENDING):
        refund.apply_stripe(_info(again), LATER + timedelta(hours=1))
    assert (refund.status, refund.reversed_at, refund.reversed_seq) == (R.FAILED, LATER, 9)


def test_a_refund_that_never_succeeded_records_nothing() -> None:
    for before in (R.CREATING, R.PENDING, R.REQUIRES_ACTION):
        refund = _refund(before)
        refund.apply_stripe(_info(R.FAILED), LATER)
        assert refund.status is R.FAILED
        assert (refund.recorded_at, refund.reversed_at) == (None, None)
        assert not refund.awaiting_order and not refund.reversal_awaiting_order
    refused = _refund()
    refused.mark_failed("Stripe refused the refund.")
    assert not refused.awaiting_order and not refused.reversal_awaiting_order


def test_a_payment_awaits_its_number_once_paid_and_again_when_recorded_anew() -> None:
    payment = card_payment(PaymentStatus.OPEN)
    assert not payment.awaiting_order
    payment.apply_session(session("complete", "paid", intent="succeeded"), NOW)
    assert payment.awaiting_order and payment.recorded_at == NOW
    payment.record_seq = 3
    assert not payment.awaiting_order
    payment.apply_session(session("complete", "paid", intent="succeeded"), LATER)
    assert (payment.recorded_at, payment.record_seq) == (NOW, 3)  # no news: kept
    payment.recorded_again(LATER)
    assert payment.awaiting_order and payment.recorded_at == LATER
