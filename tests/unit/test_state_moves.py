"""Payment and refund states only move forward: a final state never reverts on a stale read.

The allowed moves are written out here on their own (not read from the domain's table), so a
change to the table has to change this test too. Refunds: creating -> pending/requires_action
-> succeeded/failed/canceled, plus Stripe's one exception, succeeded -> failed later.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pos_app.domain.gateway_types import CheckoutSessionInfo, RefundInfo
from pos_app.domain.payment import Payment, PaymentStatus, Refund, RefundStatus
from tests.unit.card_payments import NOW, card_payment, session

LATER = NOW + timedelta(hours=2)

R = RefundStatus
OPEN_REFUND = {R.PENDING, R.REQUIRES_ACTION, R.SUCCEEDED, R.FAILED, R.CANCELED}
REFUND_ALLOWED: dict[RefundStatus, set[RefundStatus]] = {
    R.CREATING: OPEN_REFUND,
    R.PENDING: OPEN_REFUND - {R.PENDING},
    R.REQUIRES_ACTION: OPEN_REFUND - {R.REQUIRES_ACTION},
    R.SUCCEEDED: {R.FAILED},  # refund.failed after success (test card 4000000000005126)
    R.FAILED: set(),
    R.CANCELED: set(),
}
# In enum order (not set order): every pytest-xdist worker must collect the same ids.
REFUND_PAIRS = [(a, b) for a in R for b in R if b in OPEN_REFUND and a is not b]

P = PaymentStatus
PAYMENT_ALLOWED: dict[PaymentStatus, set[PaymentStatus]] = {
    P.CREATING: {P.OPEN, P.PROCESSING, P.SUCCEEDED, P.EXPIRED, P.FAILED},
    P.OPEN: {P.PROCESSING, P.SUCCEEDED, P.EXPIRED, P.FAILED},
    P.PROCESSING: {P.OPEN, P.SUCCEEDED, P.EXPIRED, P.FAILED},
    P.EXPIRED: {P.SUCCEEDED},  # paid wins
    P.FAILED: {P.SUCCEEDED},  # paid wins
    P.SUCCEEDED: set(),
}
TARGETS = [P.OPEN, P.PROCESSING, P.SUCCEEDED, P.EXPIRED, P.FAILED]
PAYMENT_PAIRS = [(a, b) for a in PaymentStatus for b in TARGETS if a is not b]


def _refund(status: RefundStatus) -> Refund:
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
        failure_reason="earlier reason" if status in (R.FAILED, R.CANCELED) else None,
    )


def _info(status: RefundStatus) -> RefundInfo:
    failed = status in (R.FAILED, R.CANCELED)
    return RefundInfo(
        id="re_1",
        status=status.value,
        amount=1000,
        currency="usd",
        payment_intent_id="pi_1",
        failure_reason="lost_or_stolen_card" if failed else None,
    )


@pytest.mark.parametrize(("was", "to"), REFUND_PAIRS, ids=lambda s: s.value)
def test_a_refund_moves_only_as_allowed(was: RefundStatus, to: RefundStatus) -> None:
    refund = _refund(was)
    changed = refund.apply_stripe(_info(to), NOW)
    if to in REFUND_ALLOWED[was]:
        assert changed and refund.status is to
    else:  # a stale read: nothing changes, not even the failure reason
        assert not changed
        assert refund.status is was
        assert refund.failure_reason == _refund(was).failure_reason


def test_recorded_at_is_set_once_when_the_refund_first_succeeds() -> None:
    refund = _refund(R.PENDING)
    refund.apply_stripe(_info(R.SUCCEEDED), NOW)
    assert refund.recorded_at == NOW
    assert not refund.apply_stripe(_info(R.PENDING), LATER)  # stale
    assert not refund.apply_stripe(_info(R.SUCCEEDED), LATER)  # duplicate
    assert (refund.status, refund.recorded_at) == (R.SUCCEEDED, NOW)


def test_a_refund_failing_after_success_keeps_its_recorded_at_and_stays_failed() -> None:
    refund = _refund(R.CREATING)
    refund.apply_stripe(_info(R.SUCCEEDED), NOW)
    assert refund.apply_stripe(_info(R.FAILED), LATER)
    assert (refund.status, refund.recorded_at) == (R.FAILED, NOW)
    assert not refund.status.holds_money
    for stale in (R.SUCCEEDED, R.PENDING, R.REQUIRES_ACTION):
        assert not refund.apply_stripe(_info(stale), LATER)
    assert (refund.status, refund.failure_reason) == (R.FAILED, "lost_or_stolen_card")


def _payment(status: PaymentStatus) -> Payment:
    return card_payment(status, expires_at=None)


def _session(to: PaymentStatus) -> CheckoutSessionInfo:
    """A snapshot of session cs_1 that, taken alone, says ``to``."""
    status, paid, intent = {
        P.OPEN: ("open", "unpaid", "requires_payment_method"),
        P.PROCESSING: ("complete", "unpaid", "processing"),
        P.SUCCEEDED: ("complete", "paid", "succeeded"),
        P.EXPIRED: ("expired", "unpaid", None),
        P.FAILED: ("complete", "unpaid", "requires_payment_method"),
    }[to]
    return session(status, paid, intent=intent, expires_in=timedelta(minutes=40))


@pytest.mark.parametrize(("was", "to"), PAYMENT_PAIRS, ids=lambda s: s.value)
def test_a_payment_moves_only_as_allowed(was: PaymentStatus, to: PaymentStatus) -> None:
    payment = _payment(was)
    payment.apply_session(_session(to), NOW)
    assert payment.status is (to if to in PAYMENT_ALLOWED[was] else was)


def test_a_payment_records_its_success_once() -> None:
    payment = _payment(P.OPEN)
    payment.apply_session(_session(P.SUCCEEDED), NOW)
    assert (payment.status, payment.recorded_at, payment.paid_at) == (P.SUCCEEDED, NOW, NOW)
    for stale in TARGETS:
        payment.apply_session(_session(stale), LATER)
    assert (payment.status, payment.recorded_at, payment.paid_at) == (P.SUCCEEDED, NOW, NOW)
