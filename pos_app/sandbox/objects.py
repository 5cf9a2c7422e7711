"""Builders for the JSON of each Stripe object the sandbox serves.

Field lists follow the annotations of the stripe-python 16.1.0 resource classes; nullable
fields the sandbox has no use for are present as ``null`` so attribute access on the SDK's
objects behaves as it does against Stripe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pos_app.sandbox import behaviour, money
from pos_app.sandbox.cards import CardDetails
from pos_app.sandbox.ids import new_id, random_token

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class LineItemSpec:
    """A validated ``line_items[n]`` entry."""

    name: str
    description: str | None
    currency: str
    unit_amount: int
    quantity: int

    @property
    def amount(self) -> int:
        """``unit_amount × quantity``."""
        return self.unit_amount * self.quantity


def statement_descriptor(business_name: str) -> str:
    """The card-statement text derived from the business name."""
    cleaned = "".join(c for c in business_name.upper() if c.isalnum() or c in " .-")
    return cleaned.strip()[: behaviour.STATEMENT_DESCRIPTOR_MAX] or "SANDBOX"


# -- Checkout ---------------------------------------------------------------------------


def checkout_session(
    *,
    session_id: str,
    created: int,
    expires_at: int,
    url: str,
    currency: str,
    amount: int,
    metadata: dict[str, str],
    success_url: str | None,
    cancel_url: str | None,
    customer_email: str | None,
    client_reference_id: str | None,
    submit_type: str | None,
    locale: str | None,
    allowed_payment_method_types: list[str] | None = None,
) -> JsonDict:
    """A new, open ``checkout.session`` in payment mode.

    ``allowed_payment_method_types`` appears only when the create call set it, as at Stripe.
    """
    body: JsonDict = {
        "id": session_id,
        "object": "checkout.session",
        "adaptive_pricing": {"enabled": False},
        "after_expiration": None,
        "allow_promotion_codes": None,
        "amount_subtotal": amount,
        "amount_total": amount,
        "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
        "billing_address_collection": None,
        "branding_settings": None,
        "cancel_url": cancel_url,
        "client_reference_id": client_reference_id,
        "client_secret": None,
        "collected_information": None,
        "consent": None,
        "consent_collection": None,
        "created": created,
        "currency": currency,
        "currency_conversion": None,
        "custom_fields": [],
        "custom_text": {
            "after_submit": None,
            "shipping_address": None,
            "submit": None,
            "terms_of_service_acceptance": None,
        },
        "customer": None,
        "customer_account": None,
        "customer_creation": "if_required",
        "customer_details": None,
        "customer_email": customer_email,
        "discounts": [],
        "expires_at": expires_at,
        "integration_identifier": None,
        "invoice": None,
        "invoice_creation": None,
        "livemode": False,
        "locale": locale,
        "metadata": metadata,
        "mode": "payment",
        "origin_context": None,
        "payment_intent": None,
        "payment_link": None,
        "payment_method_collection": "if_required",
        "payment_method_configuration_details": None,
        "payment_method_options": {"card": {"request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "permissions": None,
        "phone_number_collection": {"enabled": False},
        "presentment_details": None,
        "recovered_from": None,
        "saved_payment_method_options": None,
        "setup_intent": None,
        "shipping_address_collection": None,
        "shipping_cost": None,
        "shipping_options": [],
        "status": "open",
        "submit_type": submit_type,
        "subscription": None,
        "success_url": success_url,
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted_page",
        "url": url,
        "wallet_options": None,
    }
    if allowed_payment_method_types is not None:
        body["allowed_payment_method_types"] = allowed_payment_method_types
    return body


def line_item(spec: LineItemSpec, created: int) -> JsonDict:
    """An ``item`` of a session's ``line_items`` list, with its ad-hoc ``price``."""
    product_id = new_id("prod")
    return {
        "id": new_id("li"),
        "object": "item",
        "amount_discount": 0,
        "amount_subtotal": spec.amount,
        "amount_tax": 0,
        "amount_total": spec.amount,
        "currency": spec.currency,
        "description": spec.name,
        "metadata": None,  # null when the line item has none, as in Stripe's fixture
        "price": {
            "id": new_id("price"),
            "object": "price",
            "active": False,
            "billing_scheme": "per_unit",
            "created": created,
            "currency": spec.currency,
            "custom_unit_amount": None,
            "livemode": False,
            "lookup_key": None,
            "metadata": {},
            "nickname": None,
            "product": product_id,
            "recurring": None,
            "tax_behavior": "unspecified",
            "tiers_mode": None,
            "transform_quantity": None,
            "type": "one_time",
            "unit_amount": spec.unit_amount,
            "unit_amount_decimal": str(spec.unit_amount),
        },
        "quantity": spec.quantity,
    }


def customer_details(email: str | None, name: str | None) -> JsonDict:
    """``customer_details`` of a completed session."""
    return {
        "address": None,
        "business_name": None,
        "email": email,
        "individual_name": None,
        "name": name,
        "phone": None,
        "tax_exempt": "none",
        "tax_ids": [],
    }


# -- Payment methods and intents -------------------------------------------------------


def _billing_details(name: str | None, email: str | None) -> JsonDict:
    return {
        "address": {
            "city": None,
            "country": None,
            "line1": None,
            "line2": None,
            "postal_code": None,
            "state": None,
        },
        "email": email,
        "name": name,
        "phone": None,
        "tax_id": None,
    }


def payment_method(pm_id: str, card: CardDetails, created: int) -> JsonDict:
    """A card ``payment_method`` (embedded in ``last_payment_error``)."""
    return {
        "id": pm_id,
        "object": "payment_method",
        "allow_redisplay": "limited",
        "billing_details": _billing_details(card.name, card.email),
        "card": {
            "brand": card.brand,
            "checks": {
                "address_line1_check": None,
                "address_postal_code_check": None,
                "cvc_check": "pass",
            },
            "country": card.country,
            "display_brand": card.brand,
            "exp_month": card.exp_month,
            "exp_year": card.exp_year,
            "fingerprint": card.fingerprint,
            "funding": card.funding,
            "generated_from": None,
            "last4": card.last4,
            "networks": {"available": [card.brand], "preferred": None},
            "regulated_status": "unregulated",
            "three_d_secure_usage": {"supported": True},
            "wallet": None,
        },
        "created": created,
        "customer": None,
        "customer_account": None,
        "livemode": False,
        "metadata": {},
        "type": "card",
    }


def payment_intent(
    *,
    pi_id: str,
    created: int,
    amount: int,
    currency: str,
    metadata: dict[str, str],
    description: str | None,
    receipt_email: str | None = None,
) -> JsonDict:
    """A fresh ``payment_intent`` as Checkout creates it at the first confirmation."""
    return {
        "id": pi_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": None,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": behaviour.PAYMENT_INTENT_CAPTURE_METHOD,
        "client_secret": f"{pi_id}_secret_{random_token(25)}",
        "confirmation_method": "automatic",
        "created": created,
        "currency": currency,
        "customer": None,
        "customer_account": None,
        "description": description,
        "excluded_payment_method_types": None,
        "hooks": None,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": metadata,
        "next_action": None,
        "on_behalf_of": None,
        "payment_details": None,
        "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": {
            "card": {
                "installments": None,
                "mandate_options": None,
                "network": None,
                "request_three_d_secure": "automatic",
            }
        },
        "payment_method_types": ["card"],
        "presentment_details": None,
        "processing": None,
        "receipt_email": receipt_email,
        "review": None,
        "setup_future_usage": None,
        "shipping": None,
        "source": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "requires_payment_method",
        "transfer_data": None,
        "transfer_group": None,
    }


def redirect_next_action(url: str) -> JsonDict:
    """``next_action`` of a PaymentIntent waiting for 3-D Secure."""
    return {"type": "redirect_to_url", "redirect_to_url": {"return_url": url, "url": url}}


# -- Charges and balance ---------------------------------------------------------------


def charge(
    *,
    charge_id: str,
    created: int,
    amount: int,
    currency: str,
    pi_id: str,
    pm_id: str,
    card: CardDetails,
    metadata: dict[str, str],
    description: str | None,
    business_name: str,
    succeeded: bool,
    balance_transaction: str | None,
    outcome: JsonDict,
    failure_code: str | None,
    failure_message: str | None,
    three_d_secure: JsonDict | None,
) -> JsonDict:
    """A card ``charge``, succeeded (captured) or failed."""
    return {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_captured": amount if succeeded else 0,
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "authorization_code": random_token(6).upper() if succeeded else None,
        "balance_transaction": balance_transaction,
        "billing_details": _billing_details(card.name, card.email),
        "calculated_statement_descriptor": statement_descriptor(business_name),
        "captured": succeeded,
        "created": created,
        "currency": currency,
        "customer": None,
        "description": description,
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": failure_code,
        "failure_message": failure_message,
        "fraud_details": {},
        "livemode": False,
        "metadata": metadata,
        "on_behalf_of": None,
        "outcome": outcome,
        "paid": succeeded,
        "payment_intent": pi_id,
        "payment_method": pm_id,
        "payment_method_details": {
            "card": {
                "amount_authorized": amount if succeeded else None,
                "authorization_code": None,
                "brand": card.brand,
                "checks": {
                    "address_line1_check": None,
                    "address_postal_code_check": None,
                    "cvc_check": "pass" if succeeded else None,
                },
                "country": card.country,
                "exp_month": card.exp_month,
                "exp_year": card.exp_year,
                "extended_authorization": {"status": "disabled"},
                "fingerprint": card.fingerprint,
                "funding": card.funding,
                "incremental_authorization": {"status": "unavailable"},
                "installments": None,
                "last4": card.last4,
                "mandate": None,
                "multicapture": {"status": "unavailable"},
                "network": card.brand,
                "network_token": {"used": False},
                "overcapture": {"maximum_amount_capturable": amount, "status": "unavailable"},
                "regulated_status": "unregulated",
                "three_d_secure": three_d_secure,
                "wallet": None,
            },
            "type": "card",
        },
        "presentment_details": None,
        "radar_options": {},
        "receipt_email": card.email,
        "receipt_number": None,
        "receipt_url": None,
        "refunded": False,
        "review": None,
        "shipping": None,
        "source": None,
        "source_transfer": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "succeeded" if succeeded else "failed",
        "transfer_data": None,
        "transfer_group": None,
    }


def balance_transaction(
    *,
    txn_id: str,
    created: int,
    amount: int,
    fee: int,
    currency: str,
    source: str,
    type_: str,
    description: str | None,
) -> JsonDict:
    """A ``balance_transaction`` for a charge (positive) or refund (negative)."""
    fee_details = []
    if fee:
        fee_details.append(
            {
                "amount": fee,
                "application": None,
                "currency": currency,
                "description": "Stripe processing fees",
                "type": "stripe_fee",
            }
        )
    return {
        "id": txn_id,
        "object": "balance_transaction",
        "amount": amount,
        "available_on": created,
        "balance_type": "payments",
        "created": created,
        "currency": currency,
        "description": description,
        "exchange_rate": None,
        "fee": fee,
        "fee_details": fee_details,
        "net": amount - fee,
        "reporting_category": type_,
        "source": source,
        "status": behaviour.BALANCE_STATUS,
        "type": type_,
    }


def refund(
    *,
    refund_id: str,
    created: int,
    amount: int,
    currency: str,
    charge_id: str,
    pi_id: str,
    pm_id: str | None,
    reason: str | None,
    metadata: dict[str, str],
) -> JsonDict:
    """A new card ``refund`` in ``pending``."""
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "balance_transaction": None,
        "charge": charge_id,
        "created": created,
        "currency": currency,
        # Null on a card refund, as in Stripe's fixture (customer-balance refunds set them).
        "customer": None,
        "customer_account": None,
        "description": None,
        "destination_details": {
            "card": {
                "reference_status": "pending",
                "reference_type": "acquirer_reference_number",
                "type": "refund",
            },
            "type": "card",
        },
        "failure_reason": None,
        "instructions_email": None,
        "metadata": metadata,
        "next_action": None,
        "payment_intent": pi_id,
        "payment_method": pm_id,
        "pending_reason": None,
        "presentment_details": None,
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "pending",
        "transfer_reversal": None,
    }


def money_text(amount: int, currency: str) -> str:
    """Amount as Stripe's error messages write it (``$21.45``)."""
    return money.format_amount(amount, currency)
