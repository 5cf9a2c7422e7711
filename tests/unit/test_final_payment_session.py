"""A final payment never gets a link back and never reverts; only "paid" moves it on.

A create's answer can land on an attempt that was replaced meanwhile (FAILED): its session must
not hand out a link, and a stale "open" read must not undo what Stripe already settled.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pos_app.domain.gateway_types import CheckoutSessionInfo
from pos_app.domain.payment import Payment, PaymentStatus
from tests.unit.card_payments import NOW, card_payment, session

REPLACED = "Replaced by a new attempt."


def _payment(status: PaymentStatus, session_id: str | None = None) -> Payment:
    failure = REPLACED if status is PaymentStatus.FAILED else None
    return card_payment(status, stripe_session_id=session_id, failure_message=failure)


def _session(status: str, payment_status: str = "unpaid") -> CheckoutSessionInfo:
    return session(
        status,
        payment_status,
        session_id="cs_late",
        payment_intent_id="pi_1" if status != "open" else None,
        expires_in=timedelta(minutes=40),
    )


def test_a_replaced_attempt_given_an_open_session_gets_no_link() -> None:
    payment = _payment(PaymentStatus.FAILED)
    payment.apply_session(_session("open"), NOW)
    assert payment.status is PaymentStatus.FAILED
    assert payment.checkout_url is None
    assert payment.expires_at == NOW + timedelta(minutes=31)  # not the late session's
    assert payment.failure_message == REPLACED
    assert payment.stripe_session_id == "cs_late"  # known, so the app can close it


@pytest.mark.parametrize("status", [PaymentStatus.EXPIRED, PaymentStatus.SUCCEEDED])
def test_a_stale_open_read_gives_a_final_payment_no_link(status: PaymentStatus) -> None:
    payment = _payment(status, "cs_late")
    payment.apply_session(_session("open"), NOW)
    assert payment.status is status and payment.checkout_url is None


def test_a_replaced_attempt_stays_failed_when_its_session_expires() -> None:
    payment = _payment(PaymentStatus.FAILED, "cs_late")
    payment.apply_session(_session("expired"), NOW)
    assert payment.status is PaymentStatus.FAILED and payment.failure_message == REPLACED


def test_paid_wins_even_on_a_replaced_attempt() -> None:
    payment = _payment(PaymentStatus.FAILED, "cs_late")
    payment.apply_session(_session("complete", "paid"), NOW)
    assert payment.status is PaymentStatus.SUCCEEDED and payment.paid_at == NOW
    assert payment.checkout_url is None
