"""The create request frozen at reserve time, and where customers go after paying."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pos_app.domain.booking import Booking
from pos_app.domain.checkout_lines import CheckoutLine, PartKind
from pos_app.domain.orders import Order, OrderCustomer
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus
from pos_app.domain.pricing import Discount, Tip
from pos_app.gateway.checkout_params import session_params
from pos_app.services.checkout_request import (
    SUCCESS_URL_MISSING,
    check_success_url,
    freeze,
    freeze_order,
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


# -- an order's request: its line items, frozen -------------------------------------------


def _order() -> Order:
    # The sell tests' order: 2 × Shampoo and a Haircut, 10 % off, tax added, 15 % tip: 6299.
    from tests.unit.test_checkout_lines import HAIRCUT, SHAMPOO, make_order, pct

    order = make_order(
        [SHAMPOO, HAIRCUT], discount=Discount.of_percent(pct("10")), tip=Tip(pct("15"))
    )
    return replace(order, customer=OrderCustomer("Ada", "ada@example.com"))


def _order_request(amount: int = 6299, part: PartKind = PartKind.DEPOSIT) -> str:
    return freeze_order(
        _order(),
        payment_id="pay_9",
        amount=amount,
        expires_at=NOW + timedelta(minutes=31),
        policy=_policy(),
        part=part,
    )


def test_an_orders_frozen_request_holds_its_line_items() -> None:
    request = thaw(_order_request())
    assert (request.amount, request.currency, request.product_name) == (6299, "usd", "Order 12")
    assert request.lines == (
        CheckoutLine("2 × Shampoo", 2160, "2 × $12.00 · $2.40 off (10%)"),
        CheckoutLine("Haircut", 3150, "$3.50 off (10%)"),
        CheckoutLine("Tax 8.875%", 192),
        CheckoutLine("Tip", 797, "15%"),
    )
    assert request.metadata == {"order_id": "ord_test", "payment_id": "pay_9", "app": "pos-app"}
    assert request.client_reference_id == "ord_test"
    assert request.customer_email == request.receipt_email == "ada@example.com"
    assert request.success_url == request.cancel_url == SITE
    # What is sent comes from the stored JSON alone: the same text every time.
    assert _order_request() == _order_request()


def test_an_orders_part_is_one_item() -> None:
    request = thaw(_order_request(2000, PartKind.CARD_PART))
    assert request.lines == (
        CheckoutLine("Card part of order 12", 2000, "2 × Shampoo, Haircut · order total $62.99"),
    )
    assert request.product_name == "Card part of order 12"


def test_a_bookings_request_has_no_lines_and_sends_what_it_always_sent() -> None:
    frozen = freeze(_booking(), _payment(), _policy())
    assert "lines" not in json.loads(frozen)
    request = thaw(frozen)
    assert request.lines == ()
    assert session_params(request) == {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "usd",
                    "unit_amount": 2500,
                    "product_data": {"name": "Haircut"},
                },
            }
        ],
        "expires_at": int((NOW + timedelta(minutes=31)).timestamp()),
        "metadata": {"booking_id": "bk_1", "payment_id": "pay_1", "app": "pos-app"},
        "payment_intent_data": {
            "metadata": {"booking_id": "bk_1", "payment_id": "pay_1", "app": "pos-app"},
            "receipt_email": "ada@example.com",
        },
        "allowed_payment_method_types": ["card"],
        "customer_email": "ada@example.com",
        "client_reference_id": "bk_1",
        "success_url": SITE,
        "cancel_url": SITE,
        "locale": "auto",  # issue 15: no customer language known, so the browser's
    }


def test_the_gateway_sends_each_item_with_its_description() -> None:
    items = session_params(thaw(_order_request()))["line_items"]
    assert items[0] == {
        "quantity": 1,
        "price_data": {
            "currency": "usd",
            "unit_amount": 2160,
            "product_data": {"name": "2 × Shampoo", "description": "2 × $12.00 · $2.40 off (10%)"},
        },
    }
    # No description is sent for an item without one (Stripe refuses an empty string).
    assert items[2]["price_data"]["product_data"] == {"name": "Tax 8.875%"}
    assert [item["price_data"]["unit_amount"] for item in items] == [2160, 3150, 192, 797]


def test_items_that_do_not_add_up_are_never_sent() -> None:
    request = thaw(_order_request())
    with pytest.raises(ValueError, match="add up"):
        session_params(replace(request, amount=6300))
