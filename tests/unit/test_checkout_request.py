"""The create request frozen at reserve time, and where customers go after paying."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from pos_app.domain.booking import Booking
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus
from pos_app.services.checkout_request import (
    SUCCESS_URL_MISSING,
    check_success_url,
    freeze,
    return_urls,
    success_url_problem,
    thaw,
)
from pos_app.services.context import Policy

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
SITE = "https://salon-nova.example/thanks"


def _booking(email: str | None = "ada@example.com") -> Booking:
    return Booking(
        id="bk_1",
        customer_name="Ada",
        service_id="svc_1",
        service_name="Haircut",
        starts_at=NOW,
        ends_at=NOW + timedelta(minutes=30),
        price_amount=2500,
        currency="usd",
        created_at=NOW,
        customer_email=email,
    )


def _payment() -> Payment:
    return Payment(
        id="pay_1",
        booking_id="bk_1",
        method=PaymentMethod.CARD,
        status=PaymentStatus.CREATING,
        amount=2500,
        currency="usd",
        idempotency_key="checkout-pay_1",
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=31),
    )


def _policy(station: str = "st_a", url: str | None = SITE) -> Policy:
    return Policy(station_id=station, timezone=UTC, success_url=url)


def test_the_frozen_request_is_what_the_gateway_sends() -> None:
    request = thaw(freeze(_booking(), _payment(), _policy()))
    assert (request.amount, request.currency, request.product_name) == (2500, "usd", "Haircut")
    assert request.expires_at == NOW + timedelta(minutes=31)
    assert request.metadata == {"booking_id": "bk_1", "payment_id": "pay_1", "app": "pos-app"}
    assert request.customer_email == request.receipt_email == "ada@example.com"
    assert request.client_reference_id == "bk_1"
    assert request.success_url == request.cancel_url == SITE
    assert request.allowed_payment_method_types == ("card",)


def test_every_station_freezes_the_same_request() -> None:
    # Nothing of the station goes into it, so a resend from another one is identical.
    a = freeze(_booking(), _payment(), _policy("st_a"))
    b = freeze(_booking(), _payment(), _policy("st_b"))
    assert a == b and "st_a" not in a
    assert json.loads(a)["metadata"].keys() == {"booking_id", "payment_id", "app"}


def test_no_website_means_no_card_payments() -> None:
    assert success_url_problem(_policy(url=None)) == SUCCESS_URL_MISSING
    assert "After paying, customers go to" in SUCCESS_URL_MISSING
    assert success_url_problem(_policy()) is None


def test_return_urls_by_mode() -> None:
    assert return_urls(SITE, "live", None) == (SITE, None)
    assert return_urls(None, "test", "http://127.0.0.1:9") == (None, None)
    success, cancel = return_urls(None, "sandbox", "http://10.0.0.5:8080/")
    assert success == "http://10.0.0.5:8080/c/thanks?session_id={CHECKOUT_SESSION_ID}"
    assert cancel == "http://10.0.0.5:8080/c/thanks?left=1"


@pytest.mark.parametrize(
    "text", ["https://example.com", " http://shop.example/ok?x=1 ", "http://localhost:8000/t"]
)
def test_a_website_address_is_accepted(text: str) -> None:
    assert check_success_url(text) == (text.strip(), None)


@pytest.mark.parametrize(
    "text",
    ["example.com", "ftp://example.com", "https://", "https://salon nova.com", "https://nova"],
)
def test_anything_else_gets_one_sentence(text: str) -> None:
    _, problem = check_success_url(text)
    assert problem is not None and problem.count(".") >= 1 and "https://" in problem


def test_too_long_and_empty() -> None:
    assert check_success_url("https://a.example/" + "x" * 2000)[1] == (
        "Keep the address to 2000 characters or fewer."
    )
    assert check_success_url("  ") == ("", None)  # clears the setting
