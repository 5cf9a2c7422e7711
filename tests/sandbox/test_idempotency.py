"""Idempotency-Key: replays, conflicts, what is (not) saved, in-progress requests."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import stripe

from pos_app.sandbox import idempotency
from pos_app.sandbox.errors import invalid_request
from pos_app.sandbox.store import Store
from pos_app.sandbox.wire import ApiResponse
from tests.sandbox.conftest import auth_headers, session_params

FORM = urlencode(
    [
        ("mode", "payment"),
        ("line_items[0][quantity]", "1"),
        ("line_items[0][price_data][currency]", "usd"),
        ("line_items[0][price_data][unit_amount]", "1500"),
        ("line_items[0][price_data][product_data][name]", "Haircut"),
        ("metadata[booking_id]", "bk_9"),
        ("success_url", "https://shop.example/thanks"),
    ]
)


def _post(
    http: httpx.Client, path: str, body: str, key: str, api_key: str = "sk_test_a"
) -> httpx.Response:
    return http.post(
        path,
        content=body,
        headers={
            **auth_headers(api_key),
            "Idempotency-Key": key,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )


def test_replay_returns_the_first_response(http: httpx.Client) -> None:
    first = _post(http, "/v1/checkout/sessions", FORM, "key-1")
    assert first.status_code == 200
    assert "idempotent-replayed" not in first.headers
    second = _post(http, "/v1/checkout/sessions", FORM, "key-1")
    assert second.status_code == 200
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["original-request"] == first.headers["request-id"]
    assert second.json() == first.json()
    # Field order does not change the parameters.
    reordered = "&".join(reversed(FORM.split("&")))
    third = _post(http, "/v1/checkout/sessions", reordered, "key-1")
    assert third.json()["id"] == first.json()["id"]
    listed = http.get("/v1/checkout/sessions", headers=auth_headers("sk_test_a")).json()
    assert [s["id"] for s in listed["data"]] == [first.json()["id"]]


def test_keys_are_scoped_per_api_key(http: httpx.Client) -> None:
    a = _post(http, "/v1/checkout/sessions", FORM, "shared", api_key="sk_test_a")
    b = _post(http, "/v1/checkout/sessions", FORM, "shared", api_key="sk_test_b")
    assert a.json()["id"] != b.json()["id"]
    assert "idempotent-replayed" not in b.headers


def test_sdk_replay_same_session(client: stripe.StripeClient) -> None:
    first = client.v1.checkout.sessions.create(session_params(), options={"idempotency_key": "k"})
    again = client.v1.checkout.sessions.create(session_params(), options={"idempotency_key": "k"})
    assert again.id == first.id
    assert again.last_response is not None
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"


def test_same_key_different_params_is_an_idempotency_error(client: stripe.StripeClient) -> None:
    client.v1.checkout.sessions.create(session_params(), options={"idempotency_key": "k2"})
    with pytest.raises(stripe.IdempotencyError) as info:
        client.v1.checkout.sessions.create(
            session_params(metadata={"booking_id": "other"}), options={"idempotency_key": "k2"}
        )
    assert info.value.http_status == 400
    assert "same parameters they were first used with" in (info.value.user_message or "")


def test_same_key_different_endpoint(http: httpx.Client) -> None:
    created = _post(http, "/v1/checkout/sessions", FORM, "k3").json()
    r = _post(http, f"/v1/checkout/sessions/{created['id']}/expire", "", "k3")
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["type"] == "idempotency_error"
    assert "same endpoint" in error["message"]


def test_validation_failures_are_not_saved(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.create(
            session_params(foo="bar"), options={"idempotency_key": "k4"}
        )
    fixed = client.v1.checkout.sessions.create(session_params(), options={"idempotency_key": "k4"})
    assert fixed.status == "open"
    replay = client.v1.checkout.sessions.create(session_params(), options={"idempotency_key": "k4"})
    assert replay.id == fixed.id


def test_business_errors_are_saved_and_replayed(client: stripe.StripeClient) -> None:
    session = client.v1.checkout.sessions.create(session_params())
    client.v1.checkout.sessions.expire(session.id)
    for _ in range(2):
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.v1.checkout.sessions.expire(session.id, options={"idempotency_key": "k5"})
        assert info.value.http_status == 400
    assert info.value.headers is not None
    assert info.value.headers.get("Idempotent-Replayed") == "true"


def test_expire_replay_does_not_emit_twice(client: stripe.StripeClient) -> None:
    session = client.v1.checkout.sessions.create(session_params())
    for _ in range(3):
        out = client.v1.checkout.sessions.expire(session.id, options={"idempotency_key": "k6"})
        assert out.status == "expired"
    events = client.v1.events.list({"type": "checkout.session.expired"}).data
    assert len(events) == 1
    assert events[0].request is not None
    assert events[0].request.idempotency_key == "k6"
    assert events[0].request.id is not None and events[0].request.id.startswith("req_")


def test_too_long_key(http: httpx.Client) -> None:
    r = _post(http, "/v1/checkout/sessions", FORM, "x" * 256)
    assert r.status_code == 400


def test_in_progress_key_is_409(tmp_path: Path) -> None:
    store = Store(tmp_path / "idem.sqlite3")
    owner = idempotency.key_hash("sk_test_x")
    # A first request has claimed the key and is still running.
    assert (
        idempotency.claim(
            store, owner, "busy", "POST", "/v1/x", idempotency.fingerprint({"a": "1"}), 1.0
        )
        is None
    )
    called: list[int] = []

    def work(tx: object) -> dict[str, object]:
        called.append(1)
        return {}

    response = idempotency.run(
        store,
        api_key="sk_test_x",
        idem_key="busy",
        method="POST",
        path="/v1/x",
        params={"a": "1"},
        request_id="req_2",
        now=1.0,
        work=work,
    )
    assert response.status == 409
    assert json.loads(response.text)["error"]["code"] == "idempotency_key_in_use"
    assert response.headers["Stripe-Should-Retry"] == "true"
    assert called == []
    store.close()


def test_crash_leftover_is_cleared_on_start(tmp_path: Path) -> None:
    store = Store(tmp_path / "idem.sqlite3")
    owner = idempotency.key_hash("sk_test_x")
    assert idempotency.claim(store, owner, "k", "POST", "/v1/x", "{}", 1.0) is None
    assert idempotency.recover(store) == 1
    assert idempotency.claim(store, owner, "k", "POST", "/v1/x", "{}", 2.0) is None
    store.close()


def test_unexpected_errors_are_saved_as_500(tmp_path: Path) -> None:
    store = Store(tmp_path / "idem.sqlite3")
    calls: list[int] = []

    def boom(tx: object) -> dict[str, object]:
        calls.append(1)
        raise RuntimeError("bug")

    def run() -> ApiResponse:
        return idempotency.run(
            store,
            api_key="sk_test_x",
            idem_key="k",
            method="POST",
            path="/v1/x",
            params={},
            request_id="req_1",
            now=1.0,
            work=boom,
        )

    assert run().status == 500
    replay = run()
    assert replay.status == 500 and replay.headers["Idempotent-Replayed"] == "true"
    assert calls == [1]
    store.close()


def test_unsaved_errors_release_the_key(tmp_path: Path) -> None:
    store = Store(tmp_path / "idem.sqlite3")

    def invalid(tx: object) -> dict[str, object]:
        raise invalid_request("bad", executed=False)

    def run(work: idempotency.Work) -> ApiResponse:
        return idempotency.run(
            store,
            api_key="sk_test_x",
            idem_key="k",
            method="POST",
            path="/v1/x",
            params={},
            request_id="req_1",
            now=1.0,
            work=work,
        )

    assert run(invalid).status == 400
    ok = run(lambda tx: {"ok": True})
    assert ok.status == 200 and "Idempotent-Replayed" not in ok.headers
    store.close()
