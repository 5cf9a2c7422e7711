"""The sandbox's own currency table and the checks Stripe makes with it.

Source of every value: https://docs.stripe.com/currencies ("Zero-decimal currencies",
"Three-decimal currencies", "Special cases", "Minimum and maximum charge amounts"). The
sandbox keeps its table apart from the app's (it imports nothing of the app), so it is
pinned here separately.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from pos_app.sandbox import behaviour, money
from pos_app.sandbox.app import create_app
from pos_app.sandbox.runner import start_app_in_thread
from tests.sandbox.conftest import auth_headers, session_params

PAGE_MINIMUMS = {
    "usd": 50,
    "aed": 200,
    "aud": 50,
    "bgn": 100,
    "brl": 50,
    "cad": 50,
    "chf": 50,
    "czk": 1500,
    "dkk": 250,
    "eur": 50,
    "gbp": 30,
    "hkd": 400,
    "huf": 17500,
    "inr": 50,
    "jpy": 50,
    "mxn": 1000,
    "myr": 200,
    "nok": 300,
    "nzd": 50,
    "pln": 200,
    "ron": 200,
    "sek": 300,
    "sgd": 50,
    "thb": 1000,
}
ZERO_DECIMAL = {
    *("bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga"),
    *("pyg", "rwf", "vnd", "vuv", "xaf", "xof", "xpf"),
}
THREE_DECIMAL = {"bhd", "jod", "kwd", "omr", "tnd"}
DAY = 24 * 60 * 60


def _item(currency: str, unit_amount: int, quantity: int = 1) -> list[dict[str, Any]]:
    return [
        {
            "quantity": quantity,
            "price_data": {
                "currency": currency,
                "unit_amount": unit_amount,
                "product_data": {"name": "Haircut"},
            },
        }
    ]


def _create(client: stripe.StripeClient, **overrides: Any) -> stripe.checkout.Session:
    params = session_params(success_url="https://shop.example/ok", **overrides)
    return client.v1.checkout.sessions.create(params)


# -- the table ----------------------------------------------------------------------------


def test_minimums_are_the_pages() -> None:
    assert behaviour.MINIMUM_AMOUNTS == PAGE_MINIMUMS
    for code, minimum in PAGE_MINIMUMS.items():
        assert money.minimum_amount(code) == minimum
        assert money.minimum_amount(code.upper()) == minimum


def _rule(code: str) -> tuple[int, int, int]:
    return (money.exponent(code), money.display_exponent(code), money.amount_step(code))


def test_decimals_are_the_pages() -> None:
    assert set(money.ZERO_DECIMAL) == ZERO_DECIMAL
    assert set(money.THREE_DECIMAL) == THREE_DECIMAL
    assert set(money.WHOLE_UNITS_IN_HUNDREDTHS) == {"isk", "ugx"}
    assert {_rule(code) for code in ZERO_DECIMAL} == {(0, 0, 1)}
    assert {_rule(code) for code in THREE_DECIMAL} == {(3, 3, 10)}
    assert {_rule(code) for code in ("isk", "ugx")} == {(2, 0, 100)}  # special cases
    assert {_rule(code) for code in ("huf", "twd", "usd")} == {(2, 2, 1)}  # charges: cents


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (500, "ugx", "UGX\u00a05"),
        (123_456_700, "isk", "ISK\u00a01,234,567"),
        (550, "ugx", "UGX\u00a05.50"),
        (17500, "huf", "HUF\u00a0175.00"),
    ],
)
def test_whole_unit_currencies_are_shown_without_hundredths(
    amount: int, currency: str, text: str
) -> None:
    assert money.format_amount(amount, currency) == text


# -- through the API ----------------------------------------------------------------------


def test_five_ugx_is_amount_500(client: stripe.StripeClient, http: httpx.Client) -> None:
    session = _create(client, line_items=_item("ugx", 500))
    assert (session.currency, session.amount_total, session.amount_subtotal) == ("ugx", 500, 500)
    items = client.v1.checkout.sessions.line_items.list(session.id)
    assert items.data[0].price is not None and items.data[0].price.unit_amount == 500
    assert session.url is not None
    html = http.get(session.url).text
    shown = re.findall(r"UGX(?:\u00a0|&nbsp;|&#160;)([\d.,]+)", html)
    assert shown and set(shown) == {"5"}  # whole shillings, not "500" nor "5.00"


@pytest.mark.parametrize(("currency", "unit_amount"), [("ugx", 550), ("isk", 1), ("ugx", 99)])
def test_isk_and_ugx_amounts_must_be_divisible_by_100(
    client: stripe.StripeClient, currency: str, unit_amount: int
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        _create(client, line_items=_item(currency, unit_amount))
    assert err.value.http_status == 400
    assert err.value.user_message == behaviour.WHOLE_UNITS_MESSAGE.format(code=currency.upper())
    assert "evenly divisible by 100" in str(err.value.user_message)
    assert err.value.param == "line_items[0][price_data][unit_amount]"


def test_a_whole_number_of_krónur_is_accepted(client: stripe.StripeClient) -> None:
    session = _create(client, line_items=_item("isk", 99_900, quantity=2))
    assert session.amount_total == 199_800


@pytest.mark.parametrize(("currency", "minimum"), [("aed", 200), ("huf", 17500), ("thb", 1000)])
def test_minimums_missing_before_are_enforced(
    client: stripe.StripeClient, currency: str, minimum: int
) -> None:
    assert _create(client, line_items=_item(currency, minimum)).amount_total == minimum
    with pytest.raises(stripe.InvalidRequestError) as err:
        _create(client, line_items=_item(currency, minimum - 1))
    assert err.value.code == "amount_too_small"


# -- expires_at must be less than 24 hours ahead ------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fixed(tmp_path: Path, clock: FakeClock) -> Iterator[httpx.Client]:
    """A sandbox on a clock that stands still, so "now" is known to the second."""
    handle = start_app_in_thread(
        lambda url: create_app(
            tmp_path / "expiry.sqlite3", clock=clock, background=False, public_base_url=url
        )
    )
    with httpx.Client(base_url=handle.url, headers=auth_headers()) as tc:
        yield tc
    handle.stop()


def _post(tc: httpx.Client, expires_at: int) -> httpx.Response:
    return tc.post(
        "/v1/checkout/sessions",
        data={
            "mode": "payment",
            "success_url": "https://shop.example/ok",
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": "usd",
            "line_items[0][price_data][unit_amount]": "3500",
            "line_items[0][price_data][product_data][name]": "Haircut",
            "expires_at": str(expires_at),
        },
    )


def test_expires_at_exactly_24_hours_ahead_is_refused(
    fixed: httpx.Client, clock: FakeClock
) -> None:
    refused = _post(fixed, int(clock.now) + DAY)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert (error["type"], error["param"]) == ("invalid_request_error", "expires_at")
    assert error["message"] == (
        "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation."
    )


def test_expires_at_a_second_under_24_hours_is_accepted(
    fixed: httpx.Client, clock: FakeClock
) -> None:
    accepted = _post(fixed, int(clock.now) + DAY - 1)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["expires_at"] == int(clock.now) + DAY - 1


def test_without_expires_at_the_default_is_24_hours(fixed: httpx.Client, clock: FakeClock) -> None:
    body = fixed.post(
        "/v1/checkout/sessions",
        data={
            "mode": "payment",
            "success_url": "https://shop.example/ok",
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": "usd",
            "line_items[0][price_data][unit_amount]": "3500",
            "line_items[0][price_data][product_data][name]": "Haircut",
        },
    ).json()
    assert body["expires_at"] - body["created"] == DAY
