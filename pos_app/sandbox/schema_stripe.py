"""Stripe's request parameters, as facts: the names each endpoint accepts at each nesting
level, and the values of the string enums the sandbox reads.

Copied from the ``*Params`` TypedDicts of stripe-python 16.1.0 (generated from Stripe's
OpenAPI spec) by ``python -m tests.contract.sdk_schema``: paste its output here. The sandbox
may not import ``stripe``; ``tests/sandbox/test_fidelity_params.py`` compares these copies
with the installed SDK, so they cannot drift from it unnoticed. What the sandbox implements
of them is ``schema.SANDBOX_*``.
"""

from __future__ import annotations

from typing import Final

from pos_app.sandbox.schema_values import API_VERSIONS, PAYMENT_METHOD_TYPES

# -- facts: Stripe's parameter names per endpoint and nesting level ------------------------
#
# A level is written as a dotted path from the top (``""``); ``[]`` marks the elements of a
# list of hashes. Only levels the sandbox descends into are listed: below an unsupported
# parameter nothing is read.

_RETRIEVE: Final = {"": frozenset({"expand"})}
CREATED_FILTERS: Final = frozenset({"gt", "gte", "lt", "lte"})

STRIPE_PARAMS: Final[dict[str, dict[str, frozenset[str]]]] = {
    "POST /v1/checkout/sessions": {
        "": frozenset(
            {
                "adaptive_pricing",
                "after_expiration",
                "allow_promotion_codes",
                "allowed_payment_method_types",
                "automatic_tax",
                "billing_address_collection",
                "branding_settings",
                "cancel_url",
                "client_reference_id",
                "consent_collection",
                "currency",
                "custom_fields",
                "custom_text",
                "customer",
                "customer_account",
                "customer_creation",
                "customer_email",
                "customer_update",
                "discounts",
                "excluded_payment_method_types",
                "expand",
                "expires_at",
                "integration_identifier",
                "invoice_creation",
                "line_items",
                "locale",
                "managed_payments",
                "metadata",
                "mode",
                "name_collection",
                "optional_items",
                "origin_context",
                "payment_intent_data",
                "payment_method_collection",
                "payment_method_configuration",
                "payment_method_data",
                "payment_method_options",
                "permissions",
                "phone_number_collection",
                "redirect_on_completion",
                "return_url",
                "saved_payment_method_options",
                "setup_intent_data",
                "shipping_address_collection",
                "shipping_options",
                "submit_type",
                "subscription_data",
                "success_url",
                "tax_id_collection",
                "ui_mode",
                "wallet_options",
            }
        ),
        "line_items[]": frozenset(
            {"adjustable_quantity", "metadata", "price", "price_data", "quantity", "tax_rates"}
        ),
        "line_items[].price_data": frozenset(
            {
                "currency",
                "product",
                "product_data",
                "recurring",
                "tax_behavior",
                "unit_amount",
                "unit_amount_decimal",
            }
        ),
        "line_items[].price_data.product_data": frozenset(
            {"description", "images", "metadata", "name", "tax_code", "tax_details", "unit_label"}
        ),
        "payment_intent_data": frozenset(
            {
                "application_fee_amount",
                "capture_method",
                "description",
                "metadata",
                "on_behalf_of",
                "receipt_email",
                "setup_future_usage",
                "shipping",
                "statement_descriptor",
                "statement_descriptor_suffix",
                "transfer_data",
                "transfer_group",
            }
        ),
    },
    "GET /v1/checkout/sessions": {
        "": frozenset(
            {
                "created",
                "customer",
                "customer_account",
                "customer_details",
                "ending_before",
                "expand",
                "limit",
                "payment_intent",
                "payment_link",
                "starting_after",
                "status",
                "subscription",
            }
        ),
        "created": CREATED_FILTERS,
        "customer_details": frozenset({"email"}),
    },
    "GET /v1/checkout/sessions/{id}": _RETRIEVE,
    "POST /v1/checkout/sessions/{id}/expire": _RETRIEVE,
    "GET /v1/checkout/sessions/{id}/line_items": {
        "": frozenset({"ending_before", "expand", "limit", "starting_after"}),
    },
    "POST /v1/customers": {
        "": frozenset(
            {
                "address",
                "balance",
                "business_name",
                "cash_balance",
                "description",
                "email",
                "expand",
                "individual_name",
                "invoice_prefix",
                "invoice_settings",
                "metadata",
                "name",
                "next_invoice_sequence",
                "payment_method",
                "phone",
                "preferred_locales",
                "shipping",
                "source",
                "tax",
                "tax_exempt",
                "tax_id_data",
                "test_clock",
                "validate",
            }
        ),
    },
    "GET /v1/customers/{id}": _RETRIEVE,
    "POST /v1/customers/{id}": {
        "": frozenset(
            {
                "address",
                "balance",
                "business_name",
                "cash_balance",
                "default_source",
                "description",
                "email",
                "expand",
                "individual_name",
                "invoice_prefix",
                "invoice_settings",
                "metadata",
                "name",
                "next_invoice_sequence",
                "phone",
                "preferred_locales",
                "shipping",
                "source",
                "tax",
                "tax_exempt",
                "validate",
            }
        ),
    },
    "GET /v1/payment_intents/{id}": {"": frozenset({"client_secret", "expand"})},
    "POST /v1/payment_intents/{id}": {
        "": frozenset(
            {
                "allowed_payment_method_types",
                "amount",
                "amount_details",
                "application_fee_amount",
                "capture_method",
                "currency",
                "customer",
                "customer_account",
                "description",
                "excluded_payment_method_types",
                "expand",
                "hooks",
                "metadata",
                "payment_details",
                "payment_method",
                "payment_method_configuration",
                "payment_method_data",
                "payment_method_options",
                "receipt_email",
                "setup_future_usage",
                "shipping",
                "statement_descriptor",
                "statement_descriptor_suffix",
                "transfer_data",
                "transfer_group",
            }
        ),
    },
    "GET /v1/charges": {
        "": frozenset(
            {
                "created",
                "customer",
                "ending_before",
                "expand",
                "limit",
                "payment_intent",
                "starting_after",
                "transfer_group",
            }
        ),
        "created": CREATED_FILTERS,
    },
    "GET /v1/charges/{id}": _RETRIEVE,
    "GET /v1/balance_transactions": {
        "": frozenset(
            {
                "created",
                "currency",
                "ending_before",
                "expand",
                "limit",
                "payout",
                "source",
                "starting_after",
                "type",
            }
        ),
        "created": CREATED_FILTERS,
    },
    "GET /v1/balance_transactions/{id}": _RETRIEVE,
    "POST /v1/refunds": {
        "": frozenset(
            {
                "amount",
                "charge",
                "currency",
                "customer",
                "expand",
                "instructions_email",
                "metadata",
                "origin",
                "payment_intent",
                "reason",
                "refund_application_fee",
                "reverse_transfer",
            }
        ),
    },
    "GET /v1/refunds": {
        "": frozenset(
            {
                "charge",
                "created",
                "ending_before",
                "expand",
                "limit",
                "payment_intent",
                "starting_after",
            }
        ),
        "created": CREATED_FILTERS,
    },
    "GET /v1/refunds/{id}": _RETRIEVE,
    "GET /v1/events": {
        "": frozenset(
            {
                "created",
                "delivery_success",
                "ending_before",
                "expand",
                "limit",
                "starting_after",
                "type",
                "types",
            }
        ),
        "created": CREATED_FILTERS,
    },
    "GET /v1/events/{id}": _RETRIEVE,
    "POST /v1/webhook_endpoints": {
        "": frozenset(
            {"api_version", "connect", "description", "enabled_events", "expand", "metadata", "url"}
        ),
    },
    "GET /v1/webhook_endpoints": {
        "": frozenset({"ending_before", "expand", "limit", "starting_after"}),
    },
    "GET /v1/webhook_endpoints/{id}": _RETRIEVE,
    "POST /v1/webhook_endpoints/{id}": {
        "": frozenset({"description", "disabled", "enabled_events", "expand", "metadata", "url"}),
    },
    "DELETE /v1/webhook_endpoints/{id}": {"": frozenset()},
}

#: ``Literal`` values of the string enums the sandbox reads, per endpoint and dotted path.
STRIPE_ENUMS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "POST /v1/checkout/sessions": {
        # ``[]``: the values of each element of a list of strings.
        "allowed_payment_method_types[]": PAYMENT_METHOD_TYPES,
        "locale": (
            "auto",
            "bg",
            "cs",
            "da",
            "de",
            "el",
            "en",
            "en-GB",
            "es",
            "es-419",
            "et",
            "fi",
            "fil",
            "fr",
            "fr-CA",
            "hi-IN",
            "hr",
            "hu",
            "id",
            "it",
            "ja",
            "ko",
            "lt",
            "lv",
            "ms",
            "mt",
            "nb",
            "nl",
            "pl",
            "pt",
            "pt-BR",
            "ro",
            "ru",
            "sk",
            "sl",
            "sv",
            "th",
            "tr",
            "vi",
            "zh",
            "zh-HK",
            "zh-TW",
        ),
        "mode": ("payment", "setup", "subscription"),
        "submit_type": ("auto", "book", "donate", "pay", "subscribe"),
        "ui_mode": ("elements", "embedded_page", "form", "hosted_page"),
    },
    "GET /v1/checkout/sessions": {
        "status": ("complete", "expired", "open"),
    },
    "POST /v1/refunds": {
        "reason": ("duplicate", "fraudulent", "requested_by_customer"),
    },
    "POST /v1/webhook_endpoints": {
        "api_version": API_VERSIONS,
    },
}
