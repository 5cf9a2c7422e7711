"""``GET /v1/events`` as the app polls it: type filters, time filters, bounds, paging.

Expiring a session creates ``checkout.session.expired`` on either backend, so these run
against real Stripe too. Other objects' events may be in the same account (and other tests
share the sandbox), so assertions are about this run's events and about order.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import stripe

from pos_app.services.payment_sync import EVENT_TYPES
from tests.contract.conftest import Backend, eventually

EXPIRED = "checkout.session.expired"


def _expire_sessions(backend: Backend, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        session = backend.create_session()
        backend.client.v1.checkout.sessions.expire(session.id)
        ids.append(session.id)
    return ids


def _events_of(backend: Backend, params: Any, ids: list[str]) -> list[stripe.Event]:
    page = backend.client.v1.events.list(params)
    return [e for e in page.data if e.data.object.to_dict().get("id") in ids]


def test_types_filter_and_newest_first(backend: Backend) -> None:
    since = int(time.time()) - 1
    ids = _expire_sessions(backend, 3)
    params = {"types": [EXPIRED, "refund.created"], "created": {"gte": since}, "limit": 100}
    found = eventually(lambda: _events_of(backend, params, ids), lambda ev: len(ev) == 3)
    assert [e.data.object.to_dict()["id"] for e in found] == list(reversed(ids))
    assert all(e.type == EXPIRED for e in found)
    every = backend.client.v1.events.list(params)
    assert {e.type for e in every.data} <= {EXPIRED, "refund.created"}
    created = [e.created for e in every.data]
    assert created == sorted(created, reverse=True)
    event = found[0]
    assert event.object == "event" and event.id.startswith("evt_")
    assert type(event.created) is int and event.created >= since
    obj = event.data.object.to_dict()
    assert (obj["object"], obj["status"]) == ("checkout.session", "expired")
    assert obj["metadata"]["contract_run"] == backend.run_id


def test_the_apps_event_types_are_accepted(backend: Backend) -> None:
    page = backend.client.v1.events.list({"types": list(EVENT_TYPES), "limit": 1})
    assert page.object == "list" and isinstance(page.has_more, bool)


def test_type_with_a_wildcard(backend: Backend) -> None:
    since = int(time.time()) - 1
    ids = _expire_sessions(backend, 1)
    params = {"type": "checkout.session.*", "created": {"gte": since}, "limit": 100}
    found = eventually(lambda: _events_of(backend, params, ids), lambda ev: len(ev) == 1)
    assert [e.type for e in found] == [EXPIRED]
    page = backend.client.v1.events.list(params)
    assert all(e.type.startswith("checkout.session.") for e in page.data)


def test_created_filter(backend: Backend) -> None:
    ids = _expire_sessions(backend, 1)
    params = {"types": [EXPIRED], "limit": 100}
    (event,) = eventually(lambda: _events_of(backend, params, ids), lambda ev: len(ev) == 1)
    at = event.created
    assert _events_of(backend, {**params, "created": {"gte": at}}, ids)
    assert _events_of(backend, {**params, "created": {"lte": at}}, ids)
    assert not _events_of(backend, {**params, "created": {"gt": at}}, ids)
    assert not _events_of(backend, {**params, "created": {"lt": at}}, ids)
    assert _events_of(backend, {**params, "created": at}, ids)


@pytest.mark.parametrize("limit", [0, 101])
def test_limit_bounds(backend: Backend, limit: int) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.client.v1.events.list({"limit": limit})
    assert info.value.http_status == 400 and info.value.param == "limit"


def test_type_and_types_together_are_refused(backend: Backend) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.client.v1.events.list({"type": EXPIRED, "types": [EXPIRED]})
    assert info.value.http_status == 400


def test_paging_both_ways(backend: Backend) -> None:
    since = int(time.time()) - 1
    ids = _expire_sessions(backend, 3)
    base: Any = {"types": [EXPIRED], "created": {"gte": since}}
    all_mine = eventually(
        lambda: _events_of(backend, {**base, "limit": 100}, ids), lambda ev: len(ev) == 3
    )
    newest, middle, oldest = (e.id for e in all_mine)
    events = backend.client.v1.events

    page = events.list({**base, "limit": 1, "starting_after": newest})
    assert [e.id for e in page.data] == [middle] and page.has_more is True
    page = events.list({**base, "limit": 2, "starting_after": newest})
    assert [e.id for e in page.data] == [middle, oldest]
    # ending_before: the page just newer than the cursor, still newest first; has_more
    # says whether there are newer ones still (how the app catches up from its cursor).
    page = events.list({**base, "limit": 1, "ending_before": oldest})
    assert [e.id for e in page.data] == [middle] and page.has_more is True
    page = events.list({**base, "limit": 2, "ending_before": oldest})
    assert [e.id for e in page.data] == [newest, middle]
    newer_than_newest = [
        e
        for e in events.list({**base, "ending_before": newest}).data
        if e.data.object.to_dict().get("id") in ids
    ]
    assert newer_than_newest == []


def test_unknown_cursor(backend: Backend) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.client.v1.events.list({"starting_after": "evt_doesnotexist0000000"})
    assert info.value.http_status in (400, 404) and info.value.code == "resource_missing"


def test_retrieve_event(backend: Backend) -> None:
    ids = _expire_sessions(backend, 1)
    (event,) = eventually(
        lambda: _events_of(backend, {"types": [EXPIRED], "limit": 100}, ids),
        lambda ev: len(ev) == 1,
    )
    again = backend.client.v1.events.retrieve(event.id)
    assert (again.id, again.type, again.created) == (event.id, event.type, event.created)
