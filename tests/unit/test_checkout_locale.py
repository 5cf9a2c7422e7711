"""Stripe Checkout's locale for a customer's language: Stripe's own list (issue 15)."""

from __future__ import annotations

import re

import pytest
from stripe.params.checkout import _session_create_params as sdk

from pos_app.domain.checkout_locale import STRIPE_CHECKOUT_LOCALES, checkout_locale


@pytest.mark.parametrize(
    ("language", "locale"),
    [
        ("de", "de"),
        ("es", "es"),
        ("bn", "auto"),  # Stripe's page has no Bangla
        (None, "auto"),
        ("", "auto"),
        ("es_MX", "es"),
        ("es-419", "es-419"),
        ("pt-br", "pt-BR"),
        ("de-AT", "de"),
        ("en", "en"),
    ],
)
def test_checkout_locale(language: str | None, locale: str) -> None:
    assert checkout_locale(language) == locale


def test_the_list_is_the_sdks() -> None:
    # The SDK writes the enum as a string annotation: "Literal['auto', 'bg', …]|str".
    text = str(sdk.SessionCreateParams.__annotations__["locale"])
    sdk_values = set(re.findall(r"'([A-Za-z0-9-]+)'", text))
    assert sdk_values == STRIPE_CHECKOUT_LOCALES
    assert {"es", "de"} <= sdk_values and "bn" not in sdk_values
