"""Which request parameters Stripe accepts and which of them the sandbox implements.

Every ``/v1`` request is checked here, level by level, before its handler runs:

* a name Stripe does not know is ``400 parameter_unknown`` (as Stripe answers it);
* a name Stripe knows but the sandbox does not implement is a ``400`` saying exactly that,
  so a request that would behave differently against Stripe never passes silently;
* a string enum value Stripe does not know, or one the sandbox does not implement, is a
  ``400`` naming the parameter.

``STRIPE_*`` are facts, copied from stripe-python into ``schema_stripe`` (which says how);
``SANDBOX_*`` below are the sandbox's choices of what to implement.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from pos_app.sandbox import behaviour
from pos_app.sandbox.errors import StripeError, param_error
from pos_app.sandbox.params import FormValue, is_index, one_of
from pos_app.sandbox.schema_stripe import CREATED_FILTERS, STRIPE_ENUMS, STRIPE_PARAMS

# Re-exported: the checks below and the fidelity tests read them as ``schema.STRIPE_*``.
__all__ = [
    "SANDBOX_ENUMS",
    "SANDBOX_PARAMS",
    "STRIPE_ENUMS",
    "STRIPE_PARAMS",
    "Level",
    "check",
    "levels",
    "unknown_parameter",
    "unsupported_parameter",
]

# -- choices: what the sandbox implements ---------------------------------------------------

_SANDBOX_RETRIEVE: Final = {"": frozenset({"expand"})}
_LIST: Final = frozenset({"created", "ending_before", "expand", "limit", "starting_after"})

SANDBOX_PARAMS: Final[dict[str, dict[str, frozenset[str]]]] = {
    "POST /v1/checkout/sessions": {
        "": frozenset(
            {
                "allowed_payment_method_types",
                "cancel_url",
                "client_reference_id",
                "currency",
                "customer",
                "customer_email",
                "expand",
                "expires_at",
                "line_items",
                "locale",
                "metadata",
                "mode",
                "payment_intent_data",
                "submit_type",
                "success_url",
                "ui_mode",
            }
        ),
        "line_items[]": frozenset({"price_data", "quantity"}),
        "line_items[].price_data": frozenset({"currency", "product_data", "unit_amount"}),
        "line_items[].price_data.product_data": frozenset({"description", "name"}),
        "payment_intent_data": frozenset({"description", "metadata", "receipt_email"}),
    },
    "GET /v1/checkout/sessions": {
        "": _LIST | {"customer_details", "payment_intent", "status"},
        "created": CREATED_FILTERS,
        "customer_details": frozenset({"email"}),
    },
    "GET /v1/checkout/sessions/{id}": _SANDBOX_RETRIEVE,
    "POST /v1/checkout/sessions/{id}/expire": _SANDBOX_RETRIEVE,
    "GET /v1/checkout/sessions/{id}/line_items": {
        "": frozenset({"ending_before", "expand", "limit", "starting_after"}),
    },
    # A Customer carries the language of its receipt emails (``preferred_locales``).
    "POST /v1/customers": {
        "": frozenset({"email", "expand", "metadata", "name", "preferred_locales"}),
    },
    "GET /v1/customers/{id}": _SANDBOX_RETRIEVE,
    "POST /v1/customers/{id}": {
        "": frozenset({"email", "expand", "name", "preferred_locales"}),
    },
    "GET /v1/payment_intents/{id}": _SANDBOX_RETRIEVE,
    # Updating what a paid PaymentIntent's receipt says and where Stripe emails it.
    "POST /v1/payment_intents/{id}": {
        "": frozenset({"description", "expand", "metadata", "receipt_email"}),
    },
    # Lists for reconciliation; transfer groups and payouts do not exist here.
    "GET /v1/charges": {
        "": _LIST | {"payment_intent"},
        "created": CREATED_FILTERS,
    },
    "GET /v1/charges/{id}": _SANDBOX_RETRIEVE,
    "GET /v1/balance_transactions": {
        "": _LIST | {"currency", "source", "type"},
        "created": CREATED_FILTERS,
    },
    "GET /v1/balance_transactions/{id}": _SANDBOX_RETRIEVE,
    "POST /v1/refunds": {
        "": frozenset({"amount", "charge", "expand", "metadata", "payment_intent", "reason"}),
    },
    "GET /v1/refunds": {
        "": _LIST | {"charge", "payment_intent"},
        "created": CREATED_FILTERS,
    },
    "GET /v1/refunds/{id}": _SANDBOX_RETRIEVE,
    "GET /v1/events": {
        "": _LIST | {"type", "types"},
        "created": CREATED_FILTERS,
    },
    "GET /v1/events/{id}": _SANDBOX_RETRIEVE,
    # Webhook endpoints of one account: Connect endpoints do not exist here.
    "POST /v1/webhook_endpoints": {
        "": STRIPE_PARAMS["POST /v1/webhook_endpoints"][""] - {"connect"},
    },
    "GET /v1/webhook_endpoints": STRIPE_PARAMS["GET /v1/webhook_endpoints"],
    "GET /v1/webhook_endpoints/{id}": _SANDBOX_RETRIEVE,
    "POST /v1/webhook_endpoints/{id}": STRIPE_PARAMS["POST /v1/webhook_endpoints/{id}"],
    "DELETE /v1/webhook_endpoints/{id}": {"": frozenset()},
}

SANDBOX_ENUMS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "POST /v1/checkout/sessions": {
        # Cards are the only method the hosted page implements (wallets ride on card).
        "allowed_payment_method_types[]": ("card",),
        "locale": STRIPE_ENUMS["POST /v1/checkout/sessions"]["locale"],
        "mode": behaviour.SUPPORTED_MODES,
        "submit_type": STRIPE_ENUMS["POST /v1/checkout/sessions"]["submit_type"],
        "ui_mode": behaviour.SUPPORTED_UI_MODES,
    },
    "GET /v1/checkout/sessions": {
        "status": STRIPE_ENUMS["GET /v1/checkout/sessions"]["status"],
    },
    "POST /v1/refunds": {
        "reason": behaviour.REFUND_REASONS,
    },
    "POST /v1/webhook_endpoints": {
        # Events are rendered at one version only (see behaviour.DEFAULT_API_VERSION).
        "api_version": (behaviour.DEFAULT_API_VERSION,),
    },
}


# -- checking a request ------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One nesting level of an endpoint's parameters."""

    stripe: frozenset[str]
    supported: frozenset[str]
    enums: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)


def levels(endpoint: str) -> dict[str, Level] | None:
    """The checked levels of ``endpoint`` (``"POST /v1/refunds"``), or ``None``."""
    stripe = STRIPE_PARAMS.get(endpoint)
    if stripe is None:
        return None
    supported = SANDBOX_PARAMS.get(endpoint, {})
    stripe_enums = STRIPE_ENUMS.get(endpoint, {})
    sandbox_enums = SANDBOX_ENUMS.get(endpoint, {})
    out: dict[str, Level] = {}
    for path, names in stripe.items():
        prefix = f"{path}." if path else ""
        enums = {
            key[len(prefix) :]: (values, sandbox_enums.get(key, ()))
            for key, values in stripe_enums.items()
            if key.startswith(prefix) and "." not in key[len(prefix) :]
        }
        out[path] = Level(names, supported.get(path, frozenset()), enums)
    return out


def check(endpoint: str, form: Mapping[str, FormValue]) -> None:
    """Reject parameters and enum values ``endpoint`` does not accept (see the module doc)."""
    found = levels(endpoint)
    if found is not None:
        _check_level(found, "", "", form)


def unknown_parameter(name: str) -> StripeError:
    """Stripe's answer to a parameter name it does not know."""
    return param_error(f"Received unknown parameter: {name}", code="parameter_unknown", param=name)


def unsupported_parameter(name: str) -> StripeError:
    """A parameter Stripe accepts but the sandbox does not implement."""
    return param_error(
        f"The parameter '{name}' is valid for Stripe but not supported by the sandbox. "
        "Remove it, or use Stripe test mode to exercise it.",
        code=behaviour.UNSUPPORTED_PARAMETER_CODE,
        param=name,
    )


def _elements(value: FormValue) -> Iterator[tuple[str, FormValue]]:
    if isinstance(value, list):
        yield from ((str(i), v) for i, v in enumerate(value))
    elif isinstance(value, dict) and all(is_index(k) for k in value):
        yield from value.items()


def _check_enum(name: str, value: str, enum: tuple[tuple[str, ...], tuple[str, ...]]) -> None:
    stripe_values, sandbox_values = enum
    if value not in stripe_values:
        raise param_error(
            f"Invalid {name}: must be one of {one_of(list(stripe_values))}",
            code=None,
            param=name,
        )
    if value not in sandbox_values:
        raise param_error(
            f"The value '{value}' of '{name}' is valid for Stripe but not supported "
            f"by the sandbox, which supports {one_of(list(sandbox_values))}.",
            code=behaviour.UNSUPPORTED_PARAMETER_CODE,
            param=name,
        )


def _check_level(
    found: dict[str, Level], path: str, prefix: str, data: Mapping[str, FormValue]
) -> None:
    level = found[path]
    for key, value in data.items():
        name = f"{prefix}[{key}]" if prefix else key
        if key not in level.stripe:
            raise unknown_parameter(name)
        if key not in level.supported:
            raise unsupported_parameter(name)
        enum = level.enums.get(key)
        if enum is not None and isinstance(value, str) and value != "":
            _check_enum(name, value, enum)
        item_enum = level.enums.get(f"{key}[]")
        if item_enum is not None:
            for index, item in _elements(value):
                if isinstance(item, str) and item != "":
                    _check_enum(f"{name}[{index}]", item, item_enum)
        child = f"{path}.{key}" if path else key
        if child in found and isinstance(value, dict):
            _check_level(found, child, name, value)
        elif f"{child}[]" in found:
            for index, item in _elements(value):
                if isinstance(item, dict):
                    _check_level(found, f"{child}[]", f"{name}[{index}]", item)
