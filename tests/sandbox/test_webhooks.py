"""Webhook endpoints and signed deliveries, checked with stripe-python's own verifier."""

from __future__ import annotations

import itertools
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import stripe
from stripe._request_options import RequestOptions
from stripe.params import (
    WebhookEndpointCreateParams,
    WebhookEndpointDeleteParams,
    WebhookEndpointListParams,
    WebhookEndpointRetrieveParams,
    WebhookEndpointUpdateParams,
)

from pos_app.sandbox import behaviour, webhooks
from pos_app.sandbox.controls_client import ControlsClient
from pos_app.sandbox.delivery import DeliveryPolicy
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.sandbox.conftest import make_client, session_params, wait_until
from tests.sandbox.webhook_receiver import Receiver

#: Quick retries so a whole retry sequence fits in a fraction of a second.
FAST = DeliveryPolicy(
    retry_base_seconds=0.05, retry_max_seconds=0.2, max_attempts=4, poll_seconds=0.05
)
#: Retries far away on the sandbox clock: they happen only when a test advances it.
SLOW = DeliveryPolicy(
    retry_base_seconds=30.0, retry_max_seconds=60.0, max_attempts=4, poll_seconds=0.05
)


def _start(db: Path, policy: DeliveryPolicy = FAST, **options: Any) -> SandboxHandle:
    return start_in_thread(db, enable_controls=True, webhook_policy=policy, **options)


@pytest.fixture
def sandbox(db_file: Path) -> Iterator[SandboxHandle]:
    handle = _start(db_file)
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[stripe.StripeClient]:
    """One sandbox for the tests that only use the API. It never sends anything: their
    endpoints name hosts that tests must not contact."""
    handle = _start(tmp_path_factory.mktemp("webhooks") / "sandbox.sqlite3", deliver_webhooks=False)
    yield make_client(handle.url)
    handle.stop()


@pytest.fixture
def controls(sandbox: SandboxHandle) -> Iterator[ControlsClient]:
    with ControlsClient(sandbox.url) as c:
        yield c


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def _expire_a_session(client: stripe.StripeClient) -> str:
    """Make exactly one event (``checkout.session.expired``); returns the session id."""
    session = client.v1.checkout.sessions.create(session_params())
    client.v1.checkout.sessions.expire(session.id)
    return session.id


def _event_id(client: stripe.StripeClient, type_: str = "checkout.session.expired") -> str:
    return client.v1.events.list({"type": type_, "limit": 1}).data[0].id


def _verify(body: str, headers: dict[str, str], secret: str) -> stripe.Event:
    return stripe.Webhook.construct_event(body, headers["stripe-signature"], secret)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- delivery ---------------------------------------------------------------------------


def test_signed_delivery_verifies_with_stripe(
    client: stripe.StripeClient, receiver: Receiver
) -> None:
    endpoint = client.v1.webhook_endpoints.create(
        {"url": receiver.url, "enabled_events": ["checkout.session.expired"]}
    )
    secret = endpoint.secret
    assert secret is not None and secret.startswith("whsec_")
    session_id = _expire_a_session(client)

    assert wait_until(lambda: len(receiver.received()) == 1)
    got = receiver.received()[0]
    assert got.path == "/hook"
    assert got.headers["content-type"] == "application/json; charset=utf-8"
    assert got.headers["user-agent"] == "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
    assert got.headers["stripe-signature"].startswith("t=")
    event = _verify(got.body, got.headers, secret)
    assert event.type == "checkout.session.expired"
    assert event.data.object["id"] == session_id
    # Sent while this endpoint was still waiting for it; 0 once it answered 2xx.
    assert json.loads(got.body)["pending_webhooks"] == 1
    assert wait_until(lambda: client.v1.events.retrieve(event.id).pending_webhooks == 0)

    with pytest.raises(stripe.SignatureVerificationError):
        _verify(got.body, got.headers, "whsec_not_the_secret")
    with pytest.raises(stripe.SignatureVerificationError):
        _verify(got.body.replace(session_id, "cs_test_forged"), got.headers, secret)


def test_retries_with_backoff_until_success(
    client: stripe.StripeClient, controls: ControlsClient
) -> None:
    with Receiver(statuses=[500, 503, 500]) as receiver:
        endpoint = client.v1.webhook_endpoints.create(
            {"url": receiver.url, "enabled_events": ["*"]}
        )
        _expire_a_session(client)
        assert wait_until(lambda: len(receiver.received()) == 4)
        assert wait_until(lambda: controls.deliveries()[0]["status"] == "succeeded")
        received = receiver.received()
    [delivery] = controls.deliveries()
    assert delivery["endpoint"] == endpoint.id
    assert delivery["event_type"] == "checkout.session.expired"
    attempts = delivery["attempts"]
    assert [a["attempt"] for a in attempts] == [1, 2, 3, 4]
    assert [a["status_code"] for a in attempts] == [500, 503, 500, 200]
    assert attempts[0]["error"] == "HTTP 500: receiver says no"
    assert attempts[-1]["error"] is None
    # Exponential backoff: each wait at least the policy's delay (lower bounds only).
    gaps = [b["at"] - a["at"] for a, b in itertools.pairwise(attempts)]
    assert all(gap >= FAST.delay(i + 1) for i, gap in enumerate(gaps)), gaps
    assert endpoint.secret is not None
    for got in received:  # every attempt carries a valid signature of the same event
        assert _verify(got.body, got.headers, endpoint.secret).id == delivery["event"]
    assert client.v1.events.retrieve(delivery["event"]).pending_webhooks == 0


def test_each_attempt_is_signed_anew_and_retries_follow_the_sandbox_clock(
    db_file: Path,
) -> None:
    handle = _start(db_file, SLOW)
    try:
        client = make_client(handle.url)
        controls = ControlsClient(handle.url)
        with Receiver(statuses=[500]) as receiver:
            endpoint = client.v1.webhook_endpoints.create(
                {"url": receiver.url, "enabled_events": ["*"]}
            )
            _expire_a_session(client)
            assert wait_until(lambda: len(receiver.received()) == 1)
            assert wait_until(lambda: controls.deliveries()[0]["attempt_count"] == 1)
            [pending] = controls.deliveries()
            assert pending["status"] == "pending"
            assert pending["next_attempt_at"] >= pending["attempts"][0]["at"] + 30
            controls.advance_clock(31)  # the retry is due now, not in 30 real seconds
            assert wait_until(lambda: len(receiver.received()) == 2)
            first, second = receiver.received()
        assert endpoint.secret is not None
        t1 = _verify(first.body, first.headers, endpoint.secret)
        t2 = _verify(second.body, second.headers, endpoint.secret)
        assert t1.id == t2.id
        stamps = [int(g.headers["stripe-signature"].split(",")[0][2:]) for g in (first, second)]
        assert stamps[1] >= stamps[0] + 30
        assert first.headers["stripe-signature"] != second.headers["stripe-signature"]
        controls.close()
    finally:
        handle.stop()


def test_gives_up_after_the_last_attempt(
    client: stripe.StripeClient, controls: ControlsClient
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/nobody-listens"
    client.v1.webhook_endpoints.create({"url": url, "enabled_events": ["*"]})
    _expire_a_session(client)
    assert wait_until(lambda: controls.deliveries()[0]["status"] == "failed")
    [delivery] = controls.deliveries(status="failed")
    assert delivery["attempt_count"] == FAST.max_attempts
    assert delivery["next_attempt_at"] is None
    assert all(a["status_code"] is None for a in delivery["attempts"])
    assert all("Connect" in (a["error"] or "") for a in delivery["attempts"])
    # Never delivered: Stripe keeps counting it.
    assert client.v1.events.retrieve(delivery["event"]).pending_webhooks == 1


def test_enabled_events_filter_and_disabled_endpoints(
    client: stripe.StripeClient, controls: ControlsClient
) -> None:
    with Receiver() as every, Receiver() as refunds_only, Receiver() as switched_off:
        all_ep = client.v1.webhook_endpoints.create({"url": every.url, "enabled_events": ["*"]})
        refund_ep = client.v1.webhook_endpoints.create(
            {"url": refunds_only.url, "enabled_events": ["refund.created", "refund.updated"]}
        )
        off_ep = client.v1.webhook_endpoints.create(
            {"url": switched_off.url, "enabled_events": ["*"]}
        )
        off = client.v1.webhook_endpoints.update(off_ep.id, {"disabled": True})
        assert off.status == "disabled"

        _expire_a_session(client)
        event_id = _event_id(client)
        # Deliveries are queued with the event itself, so the log is complete already.
        assert [d["endpoint"] for d in controls.deliveries(event=event_id)] == [all_ep.id]
        assert controls.deliveries(endpoint=refund_ep.id) == []
        assert controls.deliveries(endpoint=off_ep.id) == []
        assert client.v1.events.retrieve(event_id).pending_webhooks in (0, 1)
        assert wait_until(lambda: len(every.received()) == 1)

        client.v1.webhook_endpoints.update(off_ep.id, {"disabled": False})
        _expire_a_session(client)
        assert wait_until(lambda: len(switched_off.received()) == 1)
        assert wait_until(lambda: len(every.received()) == 2)
        assert refunds_only.received() == []


def test_disabling_an_endpoint_cancels_its_pending_retries(db_file: Path) -> None:
    handle = _start(db_file, SLOW)
    try:
        client = make_client(handle.url)
        with ControlsClient(handle.url) as controls, Receiver(statuses=[500]) as receiver:
            endpoint = client.v1.webhook_endpoints.create(
                {"url": receiver.url, "enabled_events": ["*"]}
            )
            _expire_a_session(client)
            assert wait_until(lambda: controls.deliveries()[0]["attempt_count"] == 1)
            client.v1.webhook_endpoints.update(endpoint.id, {"disabled": True})
            controls.advance_clock(60)
            assert wait_until(lambda: controls.deliveries()[0]["status"] == "canceled")
            assert len(receiver.received()) == 1
            [delivery] = controls.deliveries()
            assert client.v1.events.retrieve(delivery["event"]).pending_webhooks == 0
    finally:
        handle.stop()


def test_pending_deliveries_survive_a_restart(db_file: Path) -> None:
    with Receiver(statuses=[500]) as receiver:
        first = _start(db_file, SLOW)
        try:
            client = make_client(first.url)
            client.v1.webhook_endpoints.create({"url": receiver.url, "enabled_events": ["*"]})
            _expire_a_session(client)
            with ControlsClient(first.url) as controls:
                assert wait_until(lambda: controls.deliveries()[0]["attempt_count"] == 1)
        finally:
            first.stop()

        second = _start(db_file, FAST)
        try:
            with ControlsClient(second.url) as controls:
                [pending] = controls.deliveries()
                assert pending["status"] == "pending"
                controls.advance_clock(31)
                assert wait_until(lambda: controls.deliveries()[0]["status"] == "succeeded")
                assert [a["status_code"] for a in controls.deliveries()[0]["attempts"]] == [
                    500,
                    200,
                ]
            assert len(receiver.received()) == 2
        finally:
            second.stop()


def test_endpoint_registered_at_start(db_file: Path) -> None:
    with Receiver() as receiver:
        handle = _start(db_file, webhook_url=receiver.url, webhook_secret="whsec_fixed_secret")
        try:
            client = make_client(handle.url)
            _expire_a_session(client)
            assert wait_until(lambda: len(receiver.received()) == 1)
            got = receiver.received()[0]
            assert _verify(got.body, got.headers, "whsec_fixed_secret").type == (
                "checkout.session.expired"
            )
            [endpoint] = client.v1.webhook_endpoints.list().data
            assert (endpoint.url, endpoint.enabled_events) == (receiver.url, ["*"])
        finally:
            handle.stop()
        # A restart with the same URL reuses the endpoint (and keeps its secret).
        again = _start(db_file, webhook_url=receiver.url)
        try:
            client = make_client(again.url)
            assert [e.id for e in client.v1.webhook_endpoints.list().data] == [endpoint.id]
            _expire_a_session(client)
            assert wait_until(lambda: len(receiver.received()) == 2)
            got = receiver.received()[1]
            _verify(got.body, got.headers, "whsec_fixed_secret")
        finally:
            again.stop()


# -- the webhook_endpoints API ----------------------------------------------------------


def test_webhook_endpoint_crud(shared_client: stripe.StripeClient) -> None:
    client = shared_client
    created = client.v1.webhook_endpoints.create(
        {
            "url": "https://example.com/one",
            "enabled_events": ["checkout.session.completed", "refund.failed"],
            "description": "front desk",
            "metadata": {"station": "1"},
        }
    )
    assert created.object == "webhook_endpoint" and created.id.startswith("we_")
    assert (created.status, created.livemode, created.api_version) == ("enabled", False, None)
    assert created.secret is not None
    fetched = client.v1.webhook_endpoints.retrieve(created.id)
    assert "secret" not in fetched.to_dict()  # shown once, at creation
    assert fetched.metadata is not None and fetched.metadata["station"] == "1"

    second = client.v1.webhook_endpoints.create(
        {"url": "https://example.com/two", "enabled_events": ["*"]}
    )
    assert [e.id for e in client.v1.webhook_endpoints.list().data] == [second.id, created.id]

    updated = client.v1.webhook_endpoints.update(
        created.id,
        {
            "url": "https://example.com/moved",
            "enabled_events": ["*"],
            "description": "",
            "metadata": {"station": "", "till": "2"},
            "disabled": True,
        },
    )
    assert (updated.url, updated.enabled_events, updated.description, updated.status) == (
        "https://example.com/moved",
        ["*"],
        None,
        "disabled",
    )
    assert updated.to_dict()["metadata"] == {"till": "2"}

    deleted = client.v1.webhook_endpoints.delete(created.id)
    assert (deleted.id, deleted.deleted) == (created.id, True)
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.webhook_endpoints.retrieve(created.id)
    assert info.value.http_status == 404 and info.value.code == "resource_missing"


@pytest.mark.parametrize(
    ("params", "param", "code"),
    [
        ({"enabled_events": ["*"]}, "url", "parameter_missing"),
        ({"url": "https://example.com/x"}, "enabled_events", "parameter_missing"),
        ({"url": "ftp://example.com/x", "enabled_events": ["*"]}, "url", "url_invalid"),
        (
            {"url": "https://example.com/x", "enabled_events": ["Not An Event"]},
            "enabled_events[0]",
            None,
        ),
        (
            {"url": "https://example.com/x", "enabled_events": ["*"], "colour": "red"},
            "colour",
            "parameter_unknown",
        ),
        (
            {"url": "https://example.com/x", "enabled_events": ["*"], "connect": True},
            "connect",
            None,
        ),
    ],
)
def test_webhook_endpoint_validation(
    shared_client: stripe.StripeClient, params: Any, param: str, code: str | None
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        shared_client.v1.webhook_endpoints.create(params)
    assert (info.value.http_status, info.value.param, info.value.code) == (400, param, code)


def test_parameter_lists_match_the_sdk() -> None:
    def names(params: type) -> frozenset[str]:
        return frozenset(params.__annotations__) - frozenset(RequestOptions.__annotations__)

    assert names(WebhookEndpointCreateParams) == webhooks._STRIPE_CREATE
    assert names(WebhookEndpointUpdateParams) == webhooks._UPDATE
    assert names(WebhookEndpointListParams) == webhooks._LIST
    assert names(WebhookEndpointRetrieveParams) == webhooks._RETRIEVE
    assert names(WebhookEndpointDeleteParams) == webhooks._DELETE


def test_signature_matches_stripes_own_signer() -> None:
    payload = '{"id": "evt_1", "object": "event"}'
    assert webhooks.signature_header(payload, "whsec_abc", 1_900_000_000) == (
        stripe.WebhookSignature.generate_signature_header(payload, "whsec_abc", 1_900_000_000)
    )


def test_backoff_schedule() -> None:
    policy = DeliveryPolicy()
    assert [policy.delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert policy.max_attempts == behaviour.WEBHOOK_MAX_ATTEMPTS
