"""The charge screen's presenter: what it shows and publishes, decided without a window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pos_app.domain.gateway_types import PaymentAttemptError
from pos_app.domain.money import Money
from pos_app.domain.payment import BANK_PAYMENT_FAILED, PaymentStatus
from pos_app.services.checkout import CheckoutView
from pos_app.ui.payments import charge_presenter as p
from pos_app.ui.payments.charge_presenter import ChargePhase, Page

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _view(
    status: PaymentStatus = PaymentStatus.OPEN,
    *,
    url: str | None = "https://pay.test/cs_1",
    attempt: PaymentAttemptError | None = None,
    receipt_email: str | None = None,
    failure: str | None = None,
) -> CheckoutView:
    return CheckoutView(
        payment_id="pay_1",
        booking_id="bk_1",
        status=status,
        amount=Money(3500, "usd"),
        service_name="Haircut",
        customer_name="Grace Hopper",
        url=url,
        session_id="cs_1",
        hold_until=NOW + timedelta(minutes=10),
        expires_at=NOW + timedelta(minutes=30),
        clock_offset=0.5,
        failure_message=failure,
        last_attempt_error=attempt,
        customer_email="grace@example.com",
        receipt_email=receipt_email,
    )


def _declined(code: str | None, decline_code: str | None) -> PaymentAttemptError:
    return PaymentAttemptError(code, decline_code, "Your card was declined.", "ch_1")


@pytest.mark.parametrize(
    ("code", "decline_code", "sentence"),
    [
        (
            "card_declined",
            "insufficient_funds",
            "Card declined (insufficient funds) — ask for another card or take cash",
        ),
        ("card_declined", "generic_decline", "Card declined — ask for another card or take cash"),
        # Stripe: never tell the desk (or the customer beside it) a card was reported stolen.
        (
            "card_declined",
            "stolen_card",
            "Card declined (refused by the bank) — ask for another card or take cash",
        ),
        (
            "expired_card",
            "expired_card",
            "Card declined (card expired) — ask for another card or take cash",
        ),
        (
            "incorrect_cvc",
            "incorrect_cvc",
            "Card declined (wrong security code) — ask the customer to try again, or take cash",
        ),
        (
            "processing_error",
            "processing_error",
            "Card declined (processing error) — ask the customer to try again, or take cash",
        ),
        (
            "card_declined",
            "test_mode_live_card",
            "Card declined (a real card in test mode) — use a test card, or take cash",
        ),
        # A code nobody has listed yet reads as a plain decline, never a raw code.
        ("card_declined", "brand_new_code", "Card declined — ask for another card or take cash"),
        (None, None, "Card declined — ask for another card or take cash"),
    ],
)
def test_decline_sentences_for_staff(
    code: str | None, decline_code: str | None, sentence: str
) -> None:
    assert p.decline_sentence(_declined(code, decline_code)) == sentence


def test_a_declined_open_link_keeps_the_qr_and_offers_cash() -> None:
    screen = p.charge_screen(
        _view(attempt=_declined("card_declined", "insufficient_funds")), email="g@example.com"
    )
    assert screen.page is Page.QR and screen.url == "https://pay.test/cs_1"
    assert screen.status == "Card declined (insufficient funds) — ask for another card or take cash"
    assert screen.tone == "danger" and screen.declined and screen.ring and screen.open_link
    assert screen.email_enabled and not screen.regenerate


def test_waiting_paid_closed_and_error_screens() -> None:
    waiting = p.charge_screen(_view(), email=None)
    assert (waiting.status, waiting.declined, waiting.ring) == (p.WAITING, False, True)
    assert not waiting.email_enabled and waiting.email_tip == p.NO_EMAIL_TIP
    paid = p.charge_screen(_view(PaymentStatus.SUCCEEDED))
    assert (paid.page, paid.status, paid.tone, paid.url) == (Page.PAID, p.PAID, "success", None)
    assert not paid.open_link and not paid.ring
    expired = p.charge_screen(_view(PaymentStatus.EXPIRED))
    assert (expired.status, expired.regenerate) == (p.EXPIRED, True)
    assert expired.placeholder == p.NOT_PAYABLE_PLACEHOLDER
    assert p.charge_screen(_view(PaymentStatus.EXPIRED), cancelled_by_user=True).status == (
        p.CANCELLED
    )
    failed = p.charge_screen(_view(PaymentStatus.FAILED, failure=BANK_PAYMENT_FAILED))
    assert failed.status == BANK_PAYMENT_FAILED
    processing = p.charge_screen(_view(PaymentStatus.PROCESSING))
    assert (processing.status, processing.placeholder) == (p.PROCESSING, p.PROCESSING_PLACEHOLDER)
    error = p.charge_screen(None, error="Cannot reach Stripe right now.")
    assert (error.page, error.error, error.regenerate) == (
        Page.ERROR,
        "Cannot reach Stripe right now.",
        False,
    )
    assert p.charge_screen(None).page is Page.CREATING


def test_published_state_is_safe_for_the_customer() -> None:
    declined = p.charge_state(
        _view(attempt=_declined("card_declined", "generic_decline")),
        booking_id="bk_1",
        total_seconds=600.0,
    )
    assert declined.phase is ChargePhase.DECLINED and declined.url == "https://pay.test/cs_1"
    assert declined.amount == "$35.00" and declined.deadline == NOW + timedelta(minutes=10)
    assert declined.attempt_error == "Your card was declined." and declined.receipt_to is None
    assert "Grace" not in repr(declined)  # no names
    paid = p.charge_state(
        _view(PaymentStatus.SUCCEEDED, receipt_email="maria@example.com"), booking_id="bk_1"
    )
    assert paid.phase is ChargePhase.PAID and paid.url is None and paid.deadline is None
    assert paid.receipt_to == "m•••@e…"
    # No receipt asked of Stripe: nothing to say about one.
    assert p.charge_state(_view(PaymentStatus.SUCCEEDED), booking_id="bk_1").receipt_to is None
    cancelled = p.charge_state(
        _view(PaymentStatus.EXPIRED), booking_id="bk_1", cancelled_by_user=True
    )
    assert cancelled.phase is ChargePhase.CANCELLED
    preparing = p.charge_state(None, booking_id="bk_1", amount="$35.00", service="Haircut")
    assert (preparing.phase, preparing.amount) == (ChargePhase.PREPARING, "$35.00")
    assert p.charge_state(None, booking_id="bk_1", error="x").phase is ChargePhase.ERROR


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("maria@example.com", "m•••@e…"),
        ("  Z@b.io ", "Z•••@b…"),
        ("no-at-sign", None),
        ("@example.com", None),
        ("", None),
        (None, None),
    ],
)
def test_mask_email(email: str | None, masked: str | None) -> None:
    assert p.mask_email(email) == masked


def test_expiry_wording() -> None:
    assert p.expiry_text(581.2) == "Link expires in 9:42"
    assert p.expiry_text(59) == "Link expires in 0:59"
    assert p.expiry_text(None) == ""
    assert p.format_remaining(-3) == "0:00"


def test_payment_email_uses_the_settings_not_the_whole_app() -> None:
    settings = p.ChargeSettings(business_name="Studio Nord", timezone=UTC, hold_minutes=10)
    subject, body = p.payment_email(_view(), settings) or ("", "")
    assert subject == "Studio Nord: payment link for Haircut ($35.00)"
    assert body.startswith("Hello Grace,\n") and "https://pay.test/cs_1" in body
    assert "The link can be used until 10:10 (02 Mar 2026)." in body
    assert p.payment_email(_view(PaymentStatus.EXPIRED), settings) is None
