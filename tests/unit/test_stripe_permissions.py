"""The permissions a restricted key needs, and Stripe's 403 read back in a person's words."""

from __future__ import annotations

import pytest
import stripe

from pos_app.domain.errors import GatewayAuthError, GatewayRejected
from pos_app.domain.stripe_permissions import (
    OPTIONAL_PERMISSIONS,
    REQUIRED_PERMISSIONS,
    denied_sentence,
    is_optional,
    missing_sentence,
    optional_missing_sentence,
    permission,
    required_note,
)
from pos_app.gateway import messages
from pos_app.gateway.permissions import probes
from pos_app.gateway.stripe_gateway import StripeGateway

# Stripe's 403, as its users quote it (Fivetran's troubleshooting page, with rk_live_).
STRIPE_403 = (
    "The provided key 'rk_test_********************************************1234' does not "
    "have the required permissions for this endpoint on account 'acct_1Abc'. Having the "
    "'rak_charge_read' permission would allow this request to continue."
)


def test_exactly_the_permissions_the_app_needs() -> None:
    assert [p.id for p in REQUIRED_PERMISSIONS] == [
        "rak_checkout_session_write",
        "rak_payment_intent_write",
        "rak_charge_read",
        "rak_refund_write",
        "rak_balance_transaction_source_read",
        "rak_event_read",
    ]
    assert [p.label for p in REQUIRED_PERMISSIONS] == [
        "Checkout Sessions: Write",
        "PaymentIntents: Write",
        "Charges: Read",
        "Refunds: Write",
        "Balance transaction sources: Read",
        "Events: Read",
    ]
    assert all(p.purpose for p in REQUIRED_PERMISSIONS)


def test_customers_write_is_optional_and_never_required() -> None:
    assert [p.id for p in OPTIONAL_PERMISSIONS] == ["rak_customer_write"]
    [customers] = OPTIONAL_PERMISSIONS
    assert customers.label == "Customers: Write"
    assert customers.purpose_words == "to email receipts in the customer's language"
    assert is_optional("rak_customer_write")
    assert not any(is_optional(p.id) for p in REQUIRED_PERMISSIONS)
    assert "Customers" not in required_note()
    # A 403 for it met while working names it in the Dashboard's words.
    assert denied_sentence("rak_customer_write").startswith(
        "This restricted key lacks Customers: Write."
    )


def test_a_missing_optional_permission_says_what_works_what_is_lost_and_how_to_add_it() -> None:
    [customers] = OPTIONAL_PERMISSIONS
    assert optional_missing_sentence(customers) == (
        "This restricted key lacks Customers: Write, which is optional: payments work as they "
        "are, but Stripe emails receipts in the language of your Stripe Dashboard rather than "
        "each customer's. To have them in the customer's language, add it to the key in "
        "Stripe Dashboard › Developers › API keys."
    )


def test_every_required_and_optional_permission_has_a_harmless_probe() -> None:
    client = stripe.StripeClient("sk_test_unused")
    assert set(probes(client)) == {p.id for p in (*REQUIRED_PERMISSIONS, *OPTIONAL_PERMISSIONS)}


def test_the_missing_permission_is_read_from_stripes_403() -> None:
    assert messages.missing_permission(STRIPE_403) == "rak_charge_read"
    # Quoted without the quotes, as some accounts see it.
    assert (
        messages.missing_permission("... Having the rak_event_read permission would allow ...")
        == "rak_event_read"
    )
    assert messages.missing_permission("The provided key does not have permission.") is None
    assert messages.missing_permission(None) is None


def test_a_403_names_the_permission_in_the_dashboards_words() -> None:
    assert denied_sentence("rak_charge_read") == (
        "This restricted key lacks Charges: Read. Add it to the key in Stripe Dashboard › "
        "Developers › API keys, then check the key again."
    )
    # A permission the table does not know is still named, not hidden.
    assert "tax rate: Read" in denied_sentence("rak_tax_rate_read")
    assert denied_sentence(None).startswith("This restricted key lacks a permission")
    assert "Stripe did not accept" not in denied_sentence("rak_refund_write")


def test_several_missing_permissions_in_one_sentence() -> None:
    missing = [permission("rak_refund_write"), permission("rak_event_read")]
    assert missing_sentence(missing) == (
        "This restricted key lacks Refunds: Write and Events: Read. Add them to the key in "
        "Stripe Dashboard › Developers › API keys, then check the key again."
    )
    assert "Checkout Sessions: Write" in required_note()


def test_amount_too_large_reads_by_call() -> None:
    refund = messages.request_message("amount_too_large", "refund")
    checkout = messages.request_message("amount_too_large")
    assert refund == "That refund is larger than what is left of the payment."
    assert checkout is not None and "refund" not in checkout
    assert messages.request_message("charge_already_refunded", "refund") == (
        "This payment has already been refunded in full."
    )
    assert messages.request_message(None) is None


def test_the_gateway_words_amount_too_large_by_call() -> None:
    """A checkout over Stripe's maximum is not told "That refund is larger…"."""
    gateway = StripeGateway("sk_test_unused", mode="sandbox", api_base="http://127.0.0.1:9")
    too_large = stripe.InvalidRequestError(
        "The Checkout Session's total amount due must be no more than $999,999.99 usd",
        param="line_items",
        code="amount_too_large",
    )
    with pytest.raises(GatewayRejected) as checkout, gateway._errors():
        raise too_large
    assert checkout.value.code == "amount_too_large"
    assert "refund" not in checkout.value.message.lower()
    with pytest.raises(GatewayRejected) as refund, gateway._errors(call="refund"):
        raise too_large
    assert refund.value.message == "That refund is larger than what is left of the payment."


def test_the_gateway_turns_a_403_into_the_missing_permission() -> None:
    gateway = StripeGateway("rk_test_unused", mode="test", api_base="http://127.0.0.1:9")
    with pytest.raises(GatewayAuthError) as err, gateway._errors():
        raise stripe.PermissionError(STRIPE_403, http_status=403)
    assert err.value.message.startswith("This restricted key lacks Charges: Read.")
