"""Stripe's bracket form encoding for hand-made requests (what stripe-python sends)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def encode(params: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """``{"a": {"b": [1]}}`` → ``[("a[b][0]", "1")]``, as stripe-python encodes it."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        pairs.extend(_encode_value(name, value))
    return pairs


def _encode_value(name: str, value: Any) -> list[tuple[str, str]]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        return encode(value, name)
    if isinstance(value, list | tuple):
        out: list[tuple[str, str]] = []
        for i, item in enumerate(value):
            out.extend(_encode_value(f"{name}[{i}]", item))
        return out
    if isinstance(value, bool):
        return [(name, "true" if value else "false")]
    return [(name, str(value))]


def session_params(**overrides: Any) -> dict[str, Any]:
    """Create parameters the way the app sends them (one line item, metadata twice)."""
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "usd",
                    "unit_amount": 2145,
                    "product_data": {"name": "Cut and colour"},
                },
            }
        ],
        "metadata": {"booking_id": "bk_contract", "payment_id": "pay_contract"},
        "payment_intent_data": {
            "metadata": {"booking_id": "bk_contract", "payment_id": "pay_contract"}
        },
        # The app always sends where customers go after paying (required for hosted pages).
        "success_url": "https://shop.example/thanks?s={CHECKOUT_SESSION_ID}",
    }
    params.update(overrides)
    return params


def one_item(currency: str, unit_amount: int, quantity: int = 1) -> list[dict[str, Any]]:
    """A ``line_items`` value with one ad-hoc price."""
    return [
        {
            "quantity": quantity,
            "price_data": {
                "currency": currency,
                "unit_amount": unit_amount,
                "product_data": {"name": "Item"},
            },
        }
    ]
