"""Stripe's rate limiter (25 requests/s in test mode) and the app's backoff against it.

Against the sandbox the limit is on by default, as at Stripe. Against real Stripe
(``STRIPE_TEST_SECRET_KEY``) only an ordinary burst of reads is made: whether or not Stripe
answers some of it 429, the app's gateway must come through without an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import stripe

from pos_app.domain.errors import GatewayUnavailable
from pos_app.gateway import backoff
from pos_app.gateway.stripe_gateway import StripeGateway
from pos_app.sandbox import behaviour
from pos_app.sandbox.app import create_app
from pos_app.sandbox.runner import SandboxHandle, start_app_in_thread
from tests.contract.conftest import SANDBOX_KEY, Backend, plain_client
from tests.contract.forms import session_params


class FakeClock:
    """The sandbox's clock, moved only by the gateway's waits."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def strict(tmp_path: Path, clock: FakeClock) -> Iterator[SandboxHandle]:
    """A sandbox on a fake clock that lets one request a second through."""
    handle = start_app_in_thread(
        lambda url: create_app(
            tmp_path / "sandbox.sqlite3",
            public_base_url=url,
            clock=clock,
            background=False,
            rate_limit_per_second=1,
        )
    )
    yield handle
    handle.stop()


def _gateway(url: str | None, key: str) -> StripeGateway:
    return StripeGateway(key, mode="sandbox" if url else "test", api_base=url)


def test_the_sandbox_answers_429_rate_limit_past_the_limit(
    strict: SandboxHandle, clock: FakeClock
) -> None:
    client = plain_client(SANDBOX_KEY, strict.url)
    client.v1.events.list()
    with pytest.raises(stripe.RateLimitError) as info:
        client.v1.checkout.sessions.create(session_params())
    assert info.value.http_status == 429
    body = info.value.json_body
    assert isinstance(body, dict) and body["error"]["code"] == "rate_limit"
    clock.now += 1.0
    assert client.v1.checkout.sessions.list().data == []  # the refused create did nothing


def test_the_gateway_waits_and_resends_the_same_request(
    strict: SandboxHandle, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backoff, "_sleep", clock.sleep)  # waiting moves the sandbox clock
    monkeypatch.setattr(backoff, "_rand", lambda: 0.0)  # the shortest jitter
    gateway = _gateway(strict.url, SANDBOX_KEY)
    start = clock.now
    first = gateway.list_events(types=["refund.created"], ending_before=None, limit=1)
    second = gateway.list_events(types=["refund.created"], ending_before=None, limit=1)
    assert first.events == second.events == []
    assert clock.now - start >= 1.0  # it waited out the window instead of failing


def test_the_gateway_gives_up_with_stripe_is_busy(
    strict: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(backoff, "_sleep", waits.append)  # the clock never moves
    gateway = _gateway(strict.url, SANDBOX_KEY)
    gateway.list_events(types=["refund.created"], ending_before=None, limit=1)
    with pytest.raises(GatewayUnavailable, match="Stripe is busy"):
        gateway.list_events(types=["refund.created"], ending_before=None, limit=1)
    assert len(waits) == backoff.BackoffPolicy().retries


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    """A sandbox with its default limit (Stripe's test-mode figure) on the real clock."""
    db = tmp_path_factory.mktemp("rate_limited") / "sandbox.sqlite3"
    handle = start_app_in_thread(lambda url: create_app(db, public_base_url=url))
    yield handle
    handle.stop()


def test_a_burst_of_reads_comes_through_the_gateway(
    backend: Backend, limited: SandboxHandle
) -> None:
    url = limited.url if backend.is_sandbox else None
    gateway = _gateway(url, backend.api_key)
    burst = behaviour.TEST_MODE_RATE_LIMIT + 15
    pages = [
        gateway.list_events(types=["refund.created"], ending_before=None, limit=1)
        for _ in range(burst)
    ]
    assert len(pages) == burst
