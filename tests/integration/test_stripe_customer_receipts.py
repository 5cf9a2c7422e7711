"""Stripe's receipt email in the customer's language (issue 15).

Stripe writes a receipt in the payment's Customer's ``preferred_locales``, else in the
Dashboard's language (docs.stripe.com/payments/advanced/receipts, "Localization"); Checkout
has no parameter for it. So a customer with an email and a language Stripe writes gets a
Stripe Customer, made once under a key stored before the call, and the session is made for
it. Run through the real SDK against the sandbox.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import stripe

from pos_app.app import AppContext
from pos_app.domain.booking import Booking
from pos_app.domain.errors import GatewayRejected, GatewayUnavailable
from pos_app.domain.gateway_types import StripeCustomerLink
from pos_app.services.bookings import BookingRequest


def _booking(app: AppContext, email: str | None, name: str = "Ada", hours: int = 2) -> Booking:
    haircut = app.catalog.find("haircut")
    return app.bookings.create(
        BookingRequest(
            customer_name=name,
            service_id=haircut.id,
            starts_at=datetime.now(UTC) + timedelta(hours=hours),
            customer_email=email or "",
        )
    )


def _customer_id(app: AppContext, booking: Booking) -> str:
    with app.deps.uow() as uow:
        stored = uow.bookings.get(booking.id)
    assert stored is not None and stored.customer_id is not None
    return stored.customer_id


def _link(app: AppContext, customer_id: str) -> StripeCustomerLink | None:
    with app.deps.uow() as uow:
        return uow.customers.stripe_customer(customer_id)


def test_a_german_customer_pays_as_a_stripe_customer_with_german_receipts(
    app: AppContext, stripe_client: stripe.StripeClient
) -> None:
    booking = _booking(app, "greta@example.com", name="Greta")
    customer_id = _customer_id(app, booking)
    app.customers.set_language(customer_id, "de")
    view = app.checkout.start(booking.id)
    link = _link(app, customer_id)
    assert link is not None and link.stripe_id is not None
    assert link.idempotency_key.startswith(f"pos-app:customer:{customer_id}_")
    customer = stripe_client.v1.customers.retrieve(link.stripe_id)
    assert customer.preferred_locales == ["de"]
    assert (customer.email, customer.name) == ("greta@example.com", "Greta")
    assert customer.metadata["customer_id"] == customer_id
    assert view.session_id is not None
    session = stripe_client.v1.checkout.sessions.retrieve(view.session_id)
    assert session.customer == link.stripe_id
    assert session.customer_email is None  # Stripe takes one of the two
    assert session.locale == "de"
    # The next booking of the same customer reuses the Customer.
    again = _booking(app, "greta@example.com", name="Greta", hours=5)
    second = app.checkout.start(again.id)
    assert second.session_id is not None
    assert stripe_client.v1.checkout.sessions.retrieve(second.session_id).customer == (
        link.stripe_id
    )
    assert _link(app, customer_id) == link


def test_a_changed_language_or_email_reaches_the_customer_before_the_next_payment(
    app: AppContext, stripe_client: stripe.StripeClient
) -> None:
    booking = _booking(app, "marta@example.com", name="Marta")
    customer_id = _customer_id(app, booking)
    app.customers.set_language(customer_id, "de")
    app.checkout.start(booking.id)
    first = _link(app, customer_id)
    assert first is not None and first.stripe_id is not None and first.synced == first.request
    app.customers.update(customer_id, "Marta", "marta.g@example.com", "", language="es")
    later = _booking(app, "marta.g@example.com", name="Marta", hours=6)
    view = app.checkout.start(later.id)
    after = _link(app, customer_id)
    assert after is not None and after.stripe_id == first.stripe_id  # the same Customer
    assert after.idempotency_key != first.idempotency_key  # the update's own key, stored first
    assert after.synced == after.request != first.request
    customer = stripe_client.v1.customers.retrieve(first.stripe_id)
    assert customer.preferred_locales == ["es"] and customer.email == "marta.g@example.com"
    assert view.session_id is not None
    assert stripe_client.v1.checkout.sessions.retrieve(view.session_id).customer == (
        first.stripe_id
    )


@pytest.mark.parametrize(("email", "language"), [(None, "de"), ("bina@example.com", "bn")])
def test_no_email_or_a_language_stripe_does_not_write_makes_no_stripe_customer(
    app: AppContext, stripe_client: stripe.StripeClient, email: str | None, language: str
) -> None:
    booking = _booking(app, email, name="Bina")
    customer_id = _customer_id(app, booking)
    app.customers.set_language(customer_id, language)
    calls: list[Any] = []
    real = app.deps.gateway.create_customer

    def counting(*args: Any, **kw: Any) -> str:
        calls.append(args)
        return real(*args, **kw)

    app.deps.gateway.create_customer = counting  # type: ignore[method-assign]
    view = app.checkout.start(booking.id)
    assert calls == [] and _link(app, customer_id) is None
    assert view.session_id is not None
    session = stripe_client.v1.checkout.sessions.retrieve(view.session_id)
    assert session.customer is None
    assert session.customer_email == email  # receipts as before: the Dashboard's language


def test_a_lost_answer_is_resent_as_the_same_request_even_after_an_edit(
    app: AppContext, stripe_client: stripe.StripeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking = _booking(app, "elena@example.com", name="Elena")
    customer_id = _customer_id(app, booking)
    app.customers.set_language(customer_id, "es")
    real = app.deps.gateway.create_customer
    made: list[str] = []

    def answer_lost(*args: Any, **kw: Any) -> str:
        made.append(real(*args, **kw))  # Stripe made it; the answer never arrived
        raise GatewayUnavailable("network")

    monkeypatch.setattr(app.deps.gateway, "create_customer", answer_lost)
    with pytest.raises(GatewayUnavailable):
        app.checkout.start(booking.id)
    stored = _link(app, customer_id)
    assert stored is not None and stored.stripe_id is None  # key and request stored first
    assert json.loads(stored.request)["preferred_locales"] == ["es"]
    # The desk corrects the email meanwhile; the resend still sends what was stored, so
    # Stripe answers with the Customer it made (no idempotency error, no second Customer).
    app.customers.update(customer_id, "Elena", "elena.r@example.com", "", language="es")
    monkeypatch.setattr(app.deps.gateway, "create_customer", real)
    view = app.checkout.start(booking.id)
    after = _link(app, customer_id)
    assert after is not None and after.stripe_id == made[0]
    assert after.request == stored.request
    assert view.session_id is not None
    assert stripe_client.v1.checkout.sessions.retrieve(view.session_id).customer == made[0]


def test_a_customer_stripe_no_longer_has_is_made_anew_for_the_next_payment(
    app: AppContext, stripe_client: stripe.StripeClient
) -> None:
    booking = _booking(app, "dora@example.com", name="Dora")
    customer_id = _customer_id(app, booking)
    app.customers.set_language(customer_id, "de")
    with app.deps.uow(write=True) as uow:  # deleted in the Dashboard, or a sandbox reset
        uow.customers.claim_stripe_customer(customer_id, "pos-app:customer:old", "{}")
        uow.customers.set_stripe_customer_id(customer_id, "cus_gone")
        uow.commit()
    with pytest.raises(GatewayRejected):
        app.checkout.start(booking.id)
    assert _link(app, customer_id) is None  # forgotten, so the next payment is not stuck
    view = app.checkout.start(booking.id)
    link = _link(app, customer_id)
    assert link is not None and link.stripe_id not in (None, "cus_gone")
    assert view.session_id is not None
    assert stripe_client.v1.checkout.sessions.retrieve(view.session_id).customer == link.stripe_id


def test_the_sandbox_takes_customer_or_customer_email_not_both(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = stripe_client.v1.customers.create(
        {"email": "x@example.com", "name": "X", "preferred_locales": ["es"]}
    )
    assert customer.object == "customer" and customer.preferred_locales == ["es"]
    params: dict[str, Any] = {
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
        "customer": customer.id,
        "customer_email": "x@example.com",
    }
    with pytest.raises(stripe.InvalidRequestError) as both:
        stripe_client.v1.checkout.sessions.create(params)  # type: ignore[arg-type]
    assert "You may only specify one of these parameters: customer, customer_email." in str(
        both.value
    )
    del params["customer_email"]
    params["customer"] = "cus_missing"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.checkout.sessions.create(params)  # type: ignore[arg-type]
    assert missing.value.code == "resource_missing" and missing.value.param == "customer"
