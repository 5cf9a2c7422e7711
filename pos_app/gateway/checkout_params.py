"""The create parameters of a Checkout Session, from a frozen CheckoutRequest only.

Kept apart from the adapter so what is sent can be read (and tested) whole: a booking's one
item, or an order's items (``request.lines``) each with its name and description.
"""

from __future__ import annotations

from typing import Any

from pos_app.domain.gateway_types import CheckoutRequest


def session_params(request: CheckoutRequest) -> dict[str, Any]:
    """``POST /v1/checkout/sessions`` parameters for ``request`` (payment mode)."""
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": _line_items(request),
        "expires_at": int(request.expires_at.timestamp()),
        "metadata": dict(request.metadata),
        "payment_intent_data": {"metadata": dict(request.metadata)},
        # The pinned API version restricts methods with this (``payment_method_types``
        # is gone from its create params); without it a Dashboard's bank debits appear.
        "allowed_payment_method_types": list(request.allowed_payment_method_types),
    }
    for name in ("customer_email", "client_reference_id", "success_url", "cancel_url"):
        value = getattr(request, name)
        if value:
            params[name] = value
    if request.customer:
        # Stripe takes ``customer`` or ``customer_email``, never both ("You may only specify
        # one of these parameters: customer, customer_email."); the Customer's email is the
        # one Checkout fills in, and its preferred_locales write the receipt.
        params["customer"] = request.customer
        params.pop("customer_email", None)
    if request.locale:
        params["locale"] = request.locale
    if request.receipt_email:
        # Stripe emails its receipt to this address when the payment succeeds, whatever
        # the account's email settings (in test mode only to its verified team members).
        params["payment_intent_data"]["receipt_email"] = request.receipt_email
    return params


def _line_items(request: CheckoutRequest) -> list[dict[str, Any]]:
    if not request.lines:
        return [_item(request.currency, request.product_name, request.amount, "")]
    if sum(line.amount for line in request.lines) != request.amount:
        # The frozen request is built so they agree; a session for another sum is never sent.
        raise ValueError("the line items do not add up to the amount asked")
    return [
        _item(request.currency, line.name, line.amount, line.description) for line in request.lines
    ]


def _item(currency: str, name: str, amount: int, description: str) -> dict[str, Any]:
    product: dict[str, Any] = {"name": name}
    if description:  # Stripe refuses an empty string; none means no description
        product["description"] = description
    return {
        "quantity": 1,
        "price_data": {"currency": currency, "unit_amount": amount, "product_data": product},
    }
