"""GET /v1/events: ordering, filters, pagination, retrieval."""

from __future__ import annotations

import time

import httpx
import pytest
import stripe

from tests.sandbox.conftest import auth_headers, pay, session_params


def _expired_sessions(client: stripe.StripeClient, n: int) -> list[str]:
    ids = []
    for _ in range(n):
        session = client.v1.checkout.sessions.create(session_params())
        client.v1.checkout.sessions.expire(session.id)
        ids.append(session.id)
    return ids


def test_order_is_newest_first_and_stable_within_a_second(client: stripe.StripeClient) -> None:
    ids = _expired_sessions(client, 12)
    events = client.v1.events.list({"limit": 100}).data
    assert [e.data.object["id"] for e in events] == ids[::-1]
    created = [e.created for e in events]
    assert created == sorted(created, reverse=True)


def test_default_limit_and_pagination(client: stripe.StripeClient) -> None:
    ids = _expired_sessions(client, 13)
    first = client.v1.events.list()
    assert len(first.data) == 10 and first.has_more is True
    second = client.v1.events.list({"starting_after": first.data[-1].id})
    assert len(second.data) == 3 and second.has_more is False
    seen = [e.data.object["id"] for e in [*first.data, *second.data]]
    assert seen == ids[::-1]
    walked = [e.data.object["id"] for e in client.v1.events.list({"limit": 4}).auto_paging_iter()]
    assert walked == ids[::-1]
    # ending_before: the page just newer than the cursor, still newest first.
    newer = client.v1.events.list({"ending_before": second.data[0].id, "limit": 2})
    assert [e.id for e in newer.data] == [e.id for e in first.data[-2:]]
    assert newer.has_more is True
    newest = client.v1.events.list({"ending_before": first.data[0].id})
    assert newest.data == [] and newest.has_more is False


def test_type_filters(client: stripe.StripeClient, http: httpx.Client) -> None:
    _expired_sessions(client, 1)
    session = client.v1.checkout.sessions.create(session_params())
    assert session.url is not None
    pay(http, session.url)
    exact = client.v1.events.list({"type": "charge.succeeded"}).data
    assert [e.type for e in exact] == ["charge.succeeded"]
    wildcard = client.v1.events.list({"type": "checkout.session.*"}).data
    assert [e.type for e in wildcard] == ["checkout.session.completed", "checkout.session.expired"]
    several = client.v1.events.list(
        {"types": ["payment_intent.succeeded", "checkout.session.expired"]}
    ).data
    assert [e.type for e in several] == ["payment_intent.succeeded", "checkout.session.expired"]
    assert client.v1.events.list({"type": "refund.created"}).data == []


def test_type_and_types_are_exclusive_and_limited(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.events.list({"type": "a.b", "types": ["c.d"]})
    assert info.value.code == "parameters_exclusive"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.events.list({"types": [f"t{i}.x" for i in range(21)]})
    for bad in (0, 101):
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.v1.events.list({"limit": bad})
        assert info.value.param == "limit"


def test_created_filters(client: stripe.StripeClient) -> None:
    _expired_sessions(client, 2)
    events = client.v1.events.list().data
    when = events[0].created
    assert len(client.v1.events.list({"created": {"gte": when - 1}}).data) == 2
    assert client.v1.events.list({"created": {"gt": int(time.time()) + 5}}).data == []
    assert client.v1.events.list({"created": {"lt": when - 3600}}).data == []
    exact = client.v1.events.list({"created": events[1].created}).data
    assert events[1].id in [e.id for e in exact]


def test_event_shape_and_retrieve(client: stripe.StripeClient, http: httpx.Client) -> None:
    _expired_sessions(client, 1)
    listed = client.v1.events.list().data[0]
    event = client.v1.events.retrieve(listed.id)
    assert event.to_dict() == listed.to_dict()
    raw = http.get(f"/v1/events/{listed.id}", headers=auth_headers()).json()
    assert set(raw) == {
        "id",
        "object",
        "api_version",
        "created",
        "data",
        "livemode",
        "pending_webhooks",
        "request",
        "type",
    }
    assert raw["object"] == "event" and raw["id"].startswith("evt_")
    assert raw["livemode"] is False and raw["pending_webhooks"] == 0
    assert set(raw["request"]) == {"id", "idempotency_key"}
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.events.retrieve("evt_missing")
    assert info.value.http_status == 404


def test_event_data_is_a_snapshot(client: stripe.StripeClient, http: httpx.Client) -> None:
    session = client.v1.checkout.sessions.create(session_params())
    assert session.url is not None
    pay(http, session.url, "4000000000000002")
    pay(http, session.url)
    failed = client.v1.events.list({"type": "payment_intent.payment_failed"}).data[0]
    assert failed.data.object["status"] == "requires_payment_method"
    succeeded = client.v1.events.list({"type": "payment_intent.succeeded"}).data[0]
    assert succeeded.data.object["status"] == "succeeded"
