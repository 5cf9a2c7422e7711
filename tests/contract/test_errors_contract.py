"""The error classes the app's adapter handles (``StripeGateway._errors``), each produced.

Card errors come only from confirming a PaymentIntent directly, which the app never does
(customers pay on Checkout's page), so they are covered as the page's declines in
``test_checkout_lifecycle_contract``. ``PermissionError`` (a restricted key without a
permission) is ``test_permissions_contract``'s.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import stripe

from pos_app.domain.errors import GatewayAuthError, GatewayRejected, GatewayUnavailable
from pos_app.gateway.backoff import BackoffPolicy
from pos_app.gateway.stripe_gateway import StripeGateway
from pos_app.sandbox.app import create_app
from pos_app.sandbox.runner import SandboxHandle, start_app_in_thread
from tests.contract.conftest import SANDBOX_KEY, Backend, make_client, plain_client
from tests.contract.forms import one_item


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    """A sandbox with Stripe's rate limiting switched on, at 2 requests a second."""
    db = tmp_path_factory.mktemp("limited") / "sandbox.sqlite3"
    handle = start_app_in_thread(
        lambda url: create_app(Path(db), public_base_url=url, rate_limit_per_second=2)
    )
    yield handle
    handle.stop()


def test_rate_limit(backend: Backend, limited: SandboxHandle) -> None:
    backend.require_sandbox("exceeding the rate limit on purpose is not done to a real account")
    client = plain_client(SANDBOX_KEY, limited.url)
    with pytest.raises(stripe.RateLimitError) as info:
        for _ in range(10):
            client.v1.checkout.sessions.list()
    assert info.value.http_status == 429
    # A gateway that may not wait (no backoff) says "Stripe is busy" at once.
    gateway = StripeGateway(
        SANDBOX_KEY,
        mode="sandbox",
        api_base=limited.url,
        max_network_retries=0,
        rate_limit_backoff=BackoffPolicy(retries=0),
    )
    with pytest.raises(GatewayUnavailable, match="busy"):
        for _ in range(10):
            gateway.list_events(types=["refund.created"], ending_before=None, limit=1)


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_connection_error() -> None:
    url = _closed_port()
    with pytest.raises(stripe.APIConnectionError):
        make_client(SANDBOX_KEY, url).v1.checkout.sessions.list()
    gateway = StripeGateway(SANDBOX_KEY, mode="sandbox", api_base=url, max_network_retries=0)
    with pytest.raises(GatewayUnavailable):
        gateway.retrieve_checkout_session("cs_test_whatever")


def test_the_gateway_maps_each_error(backend: Backend) -> None:
    backend.require_sandbox("uses a garbage key: only against the sandbox")
    url = backend.url
    gateway = StripeGateway(SANDBOX_KEY, mode="sandbox", api_base=url, max_network_retries=0)
    with pytest.raises(GatewayRejected) as rejected:
        gateway.retrieve_checkout_session("cs_test_doesnotexist")
    assert rejected.value.code == "resource_missing"
    bad = StripeGateway(
        "sk_live_notatestkey0000", mode="sandbox", api_base=url, max_network_retries=0
    )
    with pytest.raises(GatewayAuthError):
        bad.retrieve_checkout_session("cs_test_doesnotexist")
    key = backend.key("mismatch")
    backend.client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "line_items": one_item("usd", 1500),
            "success_url": "https://shop.example/ok",
        },
        options={"idempotency_key": key},
    )
    with pytest.raises(stripe.IdempotencyError):
        backend.client.v1.checkout.sessions.create(
            {
                "mode": "payment",
                "line_items": one_item("usd", 1501),
                "success_url": "https://shop.example/ok",
            },
            options={"idempotency_key": key},
        )
