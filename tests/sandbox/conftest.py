"""Fixtures: a sandbox in a thread on a temporary file, and clients that talk to it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from pos_app.gateway.backoff import BackoffHTTPClient
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.page_forms import with_token
from tests.patient_http import PatientTransport, patient_http

__all__ = ["PatientTransport", "patient_http", "with_token"]

API_KEY = "sk_test_sandbox_tests"
#: An expiry that is always in the future for the page's "MM / YY" field.
GOOD_EXP = f"12 / {(time.gmtime().tm_year + 3) % 100:02d}"


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "sandbox.sqlite3"


@pytest.fixture
def sandbox(db_file: Path) -> Iterator[SandboxHandle]:
    handle = start_in_thread(db_file)
    yield handle
    handle.stop()


def make_client(url: str, api_key: str = API_KEY) -> stripe.StripeClient:
    """A StripeClient configured exactly as the app configures it (it waits out Stripe's
    25 requests/s limit, which the sandbox applies by default)."""
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": url},
        http_client=BackoffHTTPClient(allow_sync_methods=True),
        max_network_retries=2,
    )


def plain_client(url: str, api_key: str = API_KEY) -> stripe.StripeClient:
    """A StripeClient that neither waits nor retries: every 429 surfaces."""
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": url},
        http_client=stripe.HTTPXClient(allow_sync_methods=True),
        max_network_retries=0,
    )


@pytest.fixture
def sandbox_url(sandbox: SandboxHandle) -> str:
    return sandbox.url


@pytest.fixture
def client(sandbox: SandboxHandle) -> stripe.StripeClient:
    return make_client(sandbox.url)


@pytest.fixture
def http(sandbox: SandboxHandle) -> Iterator[httpx.Client]:
    with patient_http(sandbox.url, timeout=10.0) as c:
        yield c


def auth_headers(key: str = API_KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def session_params(**overrides: Any) -> Any:
    """Valid create params for a 2 × 12.50 USD session; ``overrides`` replace top-level keys."""
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 2,
                "price_data": {
                    "currency": "usd",
                    "unit_amount": 1250,
                    "product_data": {"name": "Haircut"},
                },
            }
        ],
        "metadata": {"booking_id": "bk_1"},
        "payment_intent_data": {"metadata": {"booking_id": "bk_1"}},
        # Required for hosted sessions (behaviour.SUCCESS_URL_REQUIRED).
        "success_url": "https://shop.example/thanks?s={CHECKOUT_SESSION_ID}",
    }
    params.update(overrides)
    return params


def card_form(number: str = "4242 4242 4242 4242", **overrides: str) -> dict[str, str]:
    """The hosted page's form fields."""
    form = {"card_number": number, "exp": GOOD_EXP, "cvc": "123", "name": "Ada Lovelace"}
    form.update(overrides)
    return form


def pay(
    http: httpx.Client, session_url: str, number: str = "4242 4242 4242 4242", **overrides: str
) -> httpx.Response:
    """Submit the hosted page's card form (no redirects followed).

    A paid session redirects to its ``success_url`` (the business's site, not the sandbox's):
    the page the link shows from then on is returned instead.
    """
    form = with_token(http, session_url, card_form(number, **overrides))
    paid = http.post(session_url, data=form, follow_redirects=False)
    if paid.status_code == 303 and "/c/pay/" not in paid.headers.get("location", ""):
        return http.get(session_url)
    return paid


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``predicate`` until true or ``timeout``; returns the last result."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # stripe-python's HTTPXClient passes form bodies as data=, which httpx deprecates;
    # not ours to fix, and it would bury real warnings.
    for item in items:
        if "tests/sandbox" in str(item.fspath).replace("\\", "/"):
            item.add_marker(
                pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")
            )
