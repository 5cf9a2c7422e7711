"""Stripe's payment page in the customer's language (issue 15), derived from stored data:
the customer's language, frozen on the payment row before the create is sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import stripe

from pos_app.app import AppContext
from pos_app.domain.booking import Booking
from pos_app.domain.errors import FormErrors
from pos_app.gateway.checkout_params import session_params
from pos_app.services.bookings import BookingRequest
from pos_app.services.checkout_request import thaw


def _booking(app: AppContext, email: str) -> Booking:
    haircut = app.catalog.find("haircut")
    return app.bookings.create(
        BookingRequest(
            customer_name="Ada",
            service_id=haircut.id,
            starts_at=datetime.now(UTC) + timedelta(hours=2),
            customer_email=email,
        )
    )


def _customer_id(app: AppContext, booking: Booking) -> str:
    with app.deps.uow() as uow:
        stored = uow.bookings.get(booking.id)
    assert stored is not None and stored.customer_id is not None
    return stored.customer_id


def _frozen_locale(app: AppContext, payment_id: str) -> str | None:
    with app.deps.uow() as uow:
        payment = uow.payments.get(payment_id)
    assert payment is not None and payment.checkout_request is not None
    locale: str | None = json.loads(payment.checkout_request).get("locale")
    return locale


@pytest.mark.parametrize(("language", "expected"), [("de", "de"), ("es", "es"), ("bn", "auto")])
def test_the_page_speaks_the_customers_language_where_stripe_has_it(
    app: AppContext, stripe_client: stripe.StripeClient, language: str, expected: str
) -> None:
    booking = _booking(app, f"{language}@example.com")
    app.customers.set_language(_customer_id(app, booking), language)
    view = app.checkout.start(booking.id)
    assert _frozen_locale(app, view.payment_id) == expected
    assert view.session_id is not None
    session = stripe_client.v1.checkout.sessions.retrieve(view.session_id)
    assert session.locale == expected


def test_no_language_known_is_auto_and_a_resend_is_the_same_request(app: AppContext) -> None:
    booking = _booking(app, "nolang@example.com")
    view = app.checkout.start(booking.id)
    assert _frozen_locale(app, view.payment_id) == "auto"
    # The customer's language changes after the request was frozen: a resend of that
    # attempt still sends what was stored, so Stripe's idempotency key matches.
    app.customers.set_language(_customer_id(app, booking), "de")
    with app.deps.uow() as uow:
        payment = uow.payments.get(view.payment_id)
    assert payment is not None and payment.checkout_request is not None
    assert session_params(thaw(payment.checkout_request))["locale"] == "auto"


def test_a_request_frozen_before_locales_sends_none() -> None:
    old = {
        "amount": 2500,
        "currency": "usd",
        "product_name": "Haircut",
        "expires_at": 1_800_000_000,
        "metadata": {"booking_id": "bk_1", "payment_id": "pay_1", "app": "pos-app"},
    }
    assert "locale" not in session_params(thaw(json.dumps(old)))


def test_a_customer_language_must_be_a_tag(app: AppContext) -> None:
    booking = _booking(app, "tag@example.com")
    customer_id = _customer_id(app, booking)
    for bad in ("deutsch!", "x", "de-" + "a" * 20, "১২"):
        with pytest.raises(FormErrors) as err:
            app.customers.set_language(customer_id, bad)
        assert err.value.errors == {"language": "Choose a language such as de, es or pt-BR."}
    assert app.customers.set_language(customer_id, " pt-BR ").language == "pt-BR"
    assert app.customers.set_language(customer_id, "").language is None


def test_the_sandbox_refuses_a_locale_stripe_does_not_have(
    stripe_client: stripe.StripeClient,
) -> None:
    params = {
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
        "success_url": "https://example.com/thanks",
        "locale": "bn",
    }
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe_client.v1.checkout.sessions.create(params)  # type: ignore[arg-type]
    assert "locale" in str(err.value)
