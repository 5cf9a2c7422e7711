"""A session completed unpaid (a bank debit) or a PaymentIntent ``processing``: its own state.

Stripe completes a session paid by a delayed method as ``complete``/``unpaid`` and settles it
days later with ``checkout.session.async_payment_succeeded`` or ``_failed``; the PaymentIntent
is ``processing`` meanwhile and wants a new payment method once the debit has failed.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from pos_app.domain.booking import BookingStatus, derive_status
from pos_app.domain.errors import InvalidStateError
from pos_app.domain.gateway_types import CheckoutSessionInfo
from pos_app.domain.payment import (
    BANK_PAYMENT_FAILED,
    Payment,
    PaymentStatus,
    ensure_none_processing,
)
from tests.unit.card_payments import NOW, card_payment, session


def _payment(status: PaymentStatus = PaymentStatus.OPEN) -> Payment:
    return card_payment(status, checkout_url="https://pay.example/cs_1")


def _session(
    status: str, payment_status: str = "unpaid", intent: str | None = None
) -> CheckoutSessionInfo:
    return session(status, payment_status, intent=intent)


def test_completed_unpaid_is_processing_not_open() -> None:
    payment = _payment()
    assert payment.apply_session(_session("complete", intent="processing"), NOW)
    assert payment.status is PaymentStatus.PROCESSING
    assert not payment.status.is_final
    assert payment.checkout_url is None  # nothing left for the customer to pay there


def test_completed_unpaid_without_the_intent_read_is_processing_too() -> None:
    payment = _payment()
    payment.apply_session(_session("complete"), NOW)
    assert payment.status is PaymentStatus.PROCESSING


def test_async_payment_succeeded_makes_it_succeeded() -> None:
    payment = _payment(PaymentStatus.PROCESSING)
    payment.apply_session(_session("complete", "paid", "succeeded"), NOW)
    assert payment.status is PaymentStatus.SUCCEEDED and payment.paid_at == NOW


@pytest.mark.parametrize("intent", ["requires_payment_method", "canceled"])
def test_async_payment_failed_is_final_failed_with_a_sentence(intent: str) -> None:
    payment = _payment(PaymentStatus.PROCESSING)
    payment.apply_session(_session("complete", intent=intent), NOW)
    assert payment.status is PaymentStatus.FAILED and payment.status.is_final
    assert payment.failure_message == BANK_PAYMENT_FAILED


def test_a_failed_bank_payment_never_reverts_on_a_stale_read() -> None:
    payment = _payment(PaymentStatus.PROCESSING)
    payment.apply_session(_session("complete", intent="requires_payment_method"), NOW)
    assert not payment.apply_session(_session("complete", intent="processing"), NOW)
    assert payment.status is PaymentStatus.FAILED


def test_an_open_session_whose_intent_is_processing_is_processing() -> None:
    payment = _payment()
    payment.apply_session(_session("open", intent="processing"), NOW)
    assert payment.status is PaymentStatus.PROCESSING
    # The attempt failed: the link takes another card again.
    payment.apply_session(_session("open", intent="requires_payment_method"), NOW)
    assert payment.status is PaymentStatus.OPEN


def test_an_open_read_without_the_intent_keeps_processing() -> None:
    payment = _payment(PaymentStatus.PROCESSING)
    payment.apply_session(_session("open"), NOW)
    assert payment.status is PaymentStatus.PROCESSING


def test_no_payment_is_taken_while_one_is_processing() -> None:
    ensure_none_processing([_payment(PaymentStatus.OPEN), _payment(PaymentStatus.FAILED)])
    processing = replace(_payment(), status=PaymentStatus.PROCESSING)
    with pytest.raises(InvalidStateError) as info:
        ensure_none_processing([processing])
    assert info.value.message == (
        "A bank payment of €25.00 for this booking is still processing. "
        "Wait until it succeeds or fails before taking another payment."
    )


def test_the_booking_shows_bank_payment_processing() -> None:
    status = derive_status(
        price=2500,
        paid=0,
        refunded=0,
        cancelled=False,
        has_open_checkout=False,
        has_processing_payment=True,
    )
    assert status is BookingStatus.PAYMENT_PROCESSING
    assert status.label == "Bank payment processing"
