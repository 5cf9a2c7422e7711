"""Test controls: off by default, the sandbox clock, fault injection (seen through the SDK)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import pytest
import stripe

from pos_app.sandbox import behaviour
from pos_app.sandbox.controls_client import ControlsClient, ControlsError, fault
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.sandbox.conftest import API_KEY, auth_headers, pay, session_params

SESSIONS = "/v1/checkout/sessions"


def strict_client(url: str) -> stripe.StripeClient:
    """No SDK retries: every injected fault surfaces exactly once. A short timeout, so a
    hang (instead of a reset) fails quickly."""
    return stripe.StripeClient(
        API_KEY,
        base_addresses={"api": url},
        http_client=stripe.HTTPXClient(timeout=10, allow_sync_methods=True),
        max_network_retries=0,
    )


def assert_reset(err: stripe.APIConnectionError) -> None:
    """The connection was dropped (not timed out, not answered)."""
    assert isinstance(err.__cause__, httpx.RemoteProtocolError | httpx.ReadError), repr(
        err.__cause__
    )


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    """One sandbox for the module (starting one costs uvicorn ~0.3 s): tests clear their
    faults and only look at objects they created."""
    # Refunds settle after 10 minutes of sandbox time: only a clock advance settles them.
    handle = start_in_thread(
        tmp_path_factory.mktemp("controls") / "sandbox.sqlite3",
        enable_controls=True,
        refund_settle_seconds=600,
        # These clients never retry, so each injected fault surfaces exactly once; Stripe's
        # real rate limit is tested in test_rate_limit*.py, not here.
        rate_limit_per_second=None,
    )
    yield handle
    handle.stop()


@pytest.fixture
def controls(sandbox: SandboxHandle) -> Iterator[ControlsClient]:
    with ControlsClient(sandbox.url) as c:
        yield c
        c.clear_faults()


@pytest.fixture
def sdk(sandbox: SandboxHandle) -> stripe.StripeClient:
    return strict_client(sandbox.url)


def _session_ids(http: httpx.Client) -> list[str]:
    page = http.get(SESSIONS, headers=auth_headers(), params={"limit": 100}).json()
    return [s["id"] for s in page["data"]]


class NewSessions:
    """Sessions created since this object was made (the sandbox is shared by the module)."""

    def __init__(self, http: httpx.Client) -> None:
        self._http = http
        self._before = set(_session_ids(http))

    def __call__(self) -> list[str]:
        return [i for i in _session_ids(self._http) if i not in self._before]


# -- off unless asked for -----------------------------------------------------------------


def test_controls_are_not_mounted_by_default(db_file: Path) -> None:
    handle = start_in_thread(db_file)
    try:
        with httpx.Client(base_url=handle.url) as http:
            assert http.get("/_sandbox").status_code == 404
            assert http.get("/_sandbox/faults").status_code == 404
            assert http.post("/_sandbox/faults", json={"kind": "api_error"}).status_code == 404
            assert http.post("/_sandbox/clock/advance", json={"seconds": 60}).status_code == 404
            assert http.get("/_sandbox/webhook_deliveries").status_code == 404
            assert http.get("/healthz").status_code == 200
        with ControlsClient(handle.url) as controls, pytest.raises(ControlsError) as info:
            controls.advance_clock(60)
        assert info.value.status == 404
    finally:
        handle.stop()


# -- the clock ----------------------------------------------------------------------------


def test_clock_advance_expires_sessions_and_settles_refunds(
    sandbox: SandboxHandle, controls: ControlsClient, sdk: stripe.StripeClient, http: httpx.Client
) -> None:
    start = controls.now()
    holding = sdk.v1.checkout.sessions.create(session_params(expires_at=int(start) + 1800))
    paid = sdk.v1.checkout.sessions.create(session_params())
    # The "asynchronous success" refund test card: its refunds wait for the clock.
    assert paid.url is not None and pay(http, paid.url, "4000000000007726").status_code == 200
    pi = sdk.v1.checkout.sessions.retrieve(paid.id).payment_intent
    assert isinstance(pi, str)
    refund = sdk.v1.refunds.create({"payment_intent": pi, "amount": 500})
    assert refund.status == "pending"

    moved = controls.advance_clock(601)
    assert moved["offset"] >= 601 and moved["handled"] >= 1
    assert sdk.v1.refunds.retrieve(refund.id).status == "succeeded"
    assert sdk.v1.checkout.sessions.retrieve(holding.id).status == "open"

    controls.advance_clock(1200)
    assert sdk.v1.checkout.sessions.retrieve(holding.id).status == "expired"
    expired = sdk.v1.events.list({"type": "checkout.session.expired"}).data[0]
    assert expired.data.object["id"] == holding.id
    assert expired.created >= int(start) + 1800
    # Every notion of now moved: the Date header too (the app derives its skew from it).
    date = http.get("/v1/events", headers=auth_headers()).headers["date"]
    assert parsedate_to_datetime(date).timestamp() >= start + 1800

    with pytest.raises(ControlsError) as info:
        controls.advance_clock(-1)
    assert info.value.status == 400


def test_clock_offset_survives_a_restart(db_file: Path) -> None:
    first = start_in_thread(db_file, enable_controls=True)
    try:
        with ControlsClient(first.url) as controls:
            controls.advance_clock(7200)
    finally:
        first.stop()
    second = start_in_thread(db_file, enable_controls=True)
    try:
        with ControlsClient(second.url) as controls:
            assert controls.now() >= time.time() + 7200 - 5
    finally:
        second.stop()


# -- faults -------------------------------------------------------------------------------


def test_api_error_before_apply_changes_nothing(
    controls: ControlsClient, sdk: stripe.StripeClient, http: httpx.Client
) -> None:
    new = NewSessions(http)
    controls.set_faults(fault("api_error", count=1, method="POST", path_prefix=SESSIONS))
    with pytest.raises(stripe.APIError) as info:
        sdk.v1.checkout.sessions.create(session_params(), options={"idempotency_key": "k-b500"})
    assert info.value.http_status == 500
    assert new() == []
    # Nothing was saved against the key: the retry executes.
    session = sdk.v1.checkout.sessions.create(
        session_params(), options={"idempotency_key": "k-b500"}
    )
    assert new() == [session.id]
    counters = controls.fault_counters()
    assert counters["injected"]["api_error"] == 1
    assert counters["rules"][0]["remaining"] == 0


def test_api_error_after_apply_keeps_the_change_and_replays_the_500(
    controls: ControlsClient, sdk: stripe.StripeClient, http: httpx.Client
) -> None:
    new = NewSessions(http)
    controls.set_faults(
        fault("api_error", when="after", count=1, method="POST", path_prefix=SESSIONS)
    )
    with pytest.raises(stripe.APIError) as first:
        sdk.v1.checkout.sessions.create(session_params(), options={"idempotency_key": "k-a500"})
    assert first.value.headers is not None
    assert first.value.headers.get("stripe-should-retry") == "false"
    assert first.value.headers.get("sandbox-fault") == "api_error; when=after"
    created = new()
    assert len(created) == 1  # applied, although the caller saw a 500
    # Like Stripe, the key replays the first result: the same 500, marked as a replay.
    with pytest.raises(stripe.APIError) as again:
        sdk.v1.checkout.sessions.create(session_params(), options={"idempotency_key": "k-a500"})
    assert again.value.headers is not None
    assert again.value.headers.get("idempotent-replayed") == "true"
    assert "sandbox-fault" not in again.value.headers
    assert new() == created
    # A new key is a new request.
    fresh = sdk.v1.checkout.sessions.create(session_params(), options={"idempotency_key": "k-n"})
    assert fresh.id not in created


def test_reset_after_apply_then_the_same_key_returns_the_same_object(
    controls: ControlsClient, sdk: stripe.StripeClient, http: httpx.Client
) -> None:
    new = NewSessions(http)
    controls.set_faults(
        fault("connection_reset", when="after", count=1, method="POST", path_prefix=SESSIONS)
    )
    with pytest.raises(stripe.APIConnectionError) as info:
        sdk.v1.checkout.sessions.create(session_params(), options={"idempotency_key": "k-rst"})
    assert_reset(info.value)
    [created] = new()  # the response was lost, the session exists
    retried = sdk.v1.checkout.sessions.create(
        session_params(), options={"idempotency_key": "k-rst"}
    )
    assert retried.id == created
    assert retried.last_response is not None
    assert retried.last_response.headers.get("idempotent-replayed") == "true"
    assert new() == [created]
    assert controls.fault_counters()["injected"]["connection_reset"] == 1


def test_reset_before_apply_changes_nothing(
    controls: ControlsClient, sdk: stripe.StripeClient, http: httpx.Client
) -> None:
    new = NewSessions(http)
    controls.set_faults(fault("connection_reset", count=1))
    with pytest.raises(stripe.APIConnectionError) as info:
        sdk.v1.checkout.sessions.create(session_params(), options={"idempotency_key": "k-rb"})
    assert_reset(info.value)
    assert new() == []
    created = sdk.v1.checkout.sessions.create(session_params(), options={"idempotency_key": "k-rb"})
    assert new() == [created.id]
    # A plain httpx client sees the dropped connection too.
    controls.set_faults(fault("connection_reset", count=1))
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.get("/v1/events", headers=auth_headers())


def test_refund_lost_after_apply_is_recovered_with_its_key(
    controls: ControlsClient, sdk: stripe.StripeClient, http: httpx.Client
) -> None:
    session = sdk.v1.checkout.sessions.create(session_params())
    assert session.url is not None and pay(http, session.url).status_code == 200
    pi = sdk.v1.checkout.sessions.retrieve(session.id).payment_intent
    assert isinstance(pi, str)
    controls.set_faults(
        fault("connection_reset", when="after", count=1, method="POST", path_prefix="/v1/refunds")
    )
    params: stripe.params.RefundCreateParams = {"payment_intent": pi, "amount": 700}
    with pytest.raises(stripe.APIConnectionError) as info:
        sdk.v1.refunds.create(params, options={"idempotency_key": "refund-1"})
    assert_reset(info.value)
    [existing] = sdk.v1.refunds.list({"payment_intent": pi}).data
    again = sdk.v1.refunds.create(params, options={"idempotency_key": "refund-1"})
    assert again.id == existing.id and again.amount == 700


def test_rate_limit_and_lock_timeout(controls: ControlsClient, sdk: stripe.StripeClient) -> None:
    controls.set_faults(fault("rate_limit", count=1), fault("lock_timeout", count=1))

    def code(err: stripe.RateLimitError) -> object:
        # stripe-python leaves .code unset on 429s; the body has it.
        body = err.json_body
        return body["error"]["code"] if isinstance(body, dict) else None

    with pytest.raises(stripe.RateLimitError) as first:
        sdk.v1.events.list()
    assert (first.value.http_status, code(first.value)) == (429, "rate_limit")
    with pytest.raises(stripe.RateLimitError) as second:
        sdk.v1.checkout.sessions.create(session_params())
    assert (second.value.http_status, code(second.value)) == (429, "lock_timeout")
    assert second.value.headers is not None
    assert second.value.headers.get("stripe-should-retry") == "true"
    sdk.v1.events.list()  # both rules are used up
    injected = controls.fault_counters()["injected"]
    assert (injected["rate_limit"], injected["lock_timeout"]) == (1, 1)


def test_rate_with_a_seed_is_reproducible(controls: ControlsClient, http: httpx.Client) -> None:
    def pattern() -> list[int]:
        # A fresh rate-limit window (on the sandbox clock): 24 requests stay under Stripe's
        # 25 a second, so no 429 is waited out and the RNG draws once per request.
        controls.advance_clock(1.0)
        controls.set_faults(fault("api_error", rate=0.5, path_prefix="/v1/events"), seed=1234)
        codes = [http.get("/v1/events", headers=auth_headers()).status_code for _ in range(24)]
        assert controls.fault_counters()["injected"]["api_error"] == codes.count(500)
        return codes

    first = pattern()
    assert set(first) == {200, 500}
    assert pattern() == first


def test_next_n_with_skip_and_filters(controls: ControlsClient, http: httpx.Client) -> None:
    controls.set_faults(fault("api_error", count=2, skip=1, method="GET", path_prefix="/v1/events"))
    headers = auth_headers()
    codes = [http.get("/v1/events", headers=headers).status_code for _ in range(4)]
    assert codes == [200, 500, 500, 200]
    # Other methods and paths are not selected.
    assert http.get(SESSIONS, headers=headers).status_code == 200
    form = {
        "mode": "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "500",
        "line_items[0][price_data][product_data][name]": "x",
        "success_url": "https://shop.example/ok",
    }
    assert http.post(SESSIONS, data=form, headers=headers).status_code == 200
    [rule] = controls.fault_counters()["rules"]
    assert (rule["matched"], rule["injected"], rule["remaining"]) == (4, 2, 0)
    cleared = controls.clear_faults()
    assert cleared["injected"]["api_error"] == 2
    assert controls.fault_counters()["rules"] == []


def test_latency(controls: ControlsClient, http: httpx.Client) -> None:
    controls.set_faults(fault("latency", latency_ms=150, count=1))
    t0 = time.monotonic()
    assert http.get("/v1/events", headers=auth_headers()).status_code == 200
    assert time.monotonic() - t0 >= 0.15  # a lower bound: sleeping never ends early
    assert controls.fault_counters()["injected"]["latency"] == 1


def test_controls_and_health_are_never_faulted(
    controls: ControlsClient, http: httpx.Client
) -> None:
    controls.set_faults(fault("api_error", path_prefix="/"))
    assert http.get("/healthz").status_code == 200
    assert http.get("/_sandbox/faults").status_code == 200
    assert http.get("/v1/events", headers=auth_headers()).status_code == 500


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "explode"},
        {"kind": "api_error", "when": "during"},
        {"kind": "api_error", "rate": 1.5},
        {"kind": "api_error", "count": -1},
        {"kind": "latency"},
        {"kind": "api_error", "latency_ms": 10},
        {"kind": "api_error", "path_prefix": "v1"},
        {"kind": "api_error", "colour": "red"},
    ],
)
def test_invalid_fault_rules_are_refused(controls: ControlsClient, rule: dict[str, object]) -> None:
    with pytest.raises(ControlsError) as info:
        controls.set_faults(rule)
    assert info.value.status == 400
    assert controls.fault_counters()["rules"] == []


def test_fault_kinds_cover_the_documented_ones() -> None:
    assert set(behaviour.FAULT_KINDS) == {
        "latency",
        "api_error",
        "rate_limit",
        "lock_timeout",
        "connection_reset",
    }
