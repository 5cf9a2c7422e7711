"""The gateway's 429 backoff: bounded, jittered, exponential, and the very same request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
import stripe

from pos_app.gateway import backoff
from pos_app.gateway.backoff import BackoffHTTPClient, BackoffPolicy, is_rate_limited


def test_each_wait_lies_between_half_and_all_of_its_doubling_ceiling() -> None:
    policy = BackoffPolicy(retries=6, base_delay=0.25, max_delay=2.0)
    ceilings = [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]
    for attempt, ceiling in enumerate(ceilings):
        assert policy.delay(attempt, lambda: 0.0) == ceiling / 2
        assert policy.delay(attempt, lambda: 0.999999) == pytest.approx(ceiling, rel=1e-5)
        assert ceiling / 2 <= policy.delay(attempt) <= ceiling


def test_the_default_policy_outlasts_stripes_one_second_window_and_stays_short() -> None:
    policy = BackoffPolicy()
    shortest = sum(policy.delay(n, lambda: 0.0) for n in range(policy.retries))
    # Even the unluckiest jitter waits past a full 1 s rate-limit window before giving up...
    assert shortest > 1.0
    # ...and a front desk never waits more than a few seconds for "Stripe is busy".
    assert policy.longest_total() <= 4.0


def test_which_answers_are_waited_out() -> None:
    assert is_rate_limited(429, {"Request-Id": "req_1"})
    assert is_rate_limited(429, None)
    assert not is_rate_limited(429, {"Stripe-Should-Retry": "true"})  # the SDK's business
    # "false" means the SDK will never retry it: a rate limit is still ours to wait out.
    assert is_rate_limited(429, {"stripe-should-retry": "false"})
    assert not is_rate_limited(500, {})
    assert not is_rate_limited(200, {})


class Scripted:
    """Stands in for the network under ``stripe.HTTPXClient.request``."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.calls: list[tuple[str, str, dict[str, str], Any]] = []

    def __call__(
        self, client: Any, method: str, url: str, headers: Mapping[str, str], post_data: Any = None
    ) -> tuple[bytes, int, Mapping[str, str]]:
        self.calls.append((method, url, dict(headers), post_data))
        status = self.statuses.pop(0)
        body = b'{"error": {"type": "invalid_request_error", "code": "rate_limit"}}'
        return (body if status == 429 else b"{}"), status, {"Request-Id": "req_x"}


def _install(monkeypatch: pytest.MonkeyPatch, net: Scripted) -> None:
    def request(
        client: Any, method: str, url: str, headers: Mapping[str, str], post_data: Any = None
    ) -> tuple[bytes, int, Mapping[str, str]]:
        return net(client, method, url, headers, post_data)

    monkeypatch.setattr(stripe.HTTPXClient, "request", request)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(backoff, "_sleep", slept.append)
    monkeypatch.setattr(backoff, "_rand", lambda: 0.5)
    return slept


def test_a_429_is_resent_identically_until_it_passes(
    monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    net = Scripted([429, 429, 200])
    _install(monkeypatch, net)
    client = BackoffHTTPClient(allow_sync_methods=True)
    headers = {"Idempotency-Key": "refund-rf_1", "Authorization": "Bearer sk_test_x"}
    _content, status, _headers = client.request("post", "https://x/v1/refunds", headers, "a=1")
    assert status == 200
    assert len(net.calls) == 3 and all(call == net.calls[0] for call in net.calls)
    assert waits == [0.25 * 0.75, 0.5 * 0.75]


def test_after_the_last_retry_the_429_goes_back_to_the_sdk(
    monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    policy = BackoffPolicy(retries=3)
    net = Scripted([429] * 10)
    _install(monkeypatch, net)
    client = BackoffHTTPClient(policy=policy, allow_sync_methods=True)
    _content, status, _headers = client.request("get", "https://x/v1/events", {}, None)
    assert status == 429
    assert len(net.calls) == policy.retries + 1 and len(waits) == policy.retries


def test_other_answers_are_never_resent(
    monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    for status in (200, 400, 402, 500):
        net = Scripted([status])
        _install(monkeypatch, net)
        client = BackoffHTTPClient(allow_sync_methods=True)
        assert client.request("get", "https://x/v1/events", {}, None)[1] == status
        assert len(net.calls) == 1
    assert waits == []
