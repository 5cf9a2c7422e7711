"""State survives restarts; sessions expire and refunds settle on the sandbox clock."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import stripe

from pos_app.sandbox import behaviour
from pos_app.sandbox.app import create_app
from pos_app.sandbox.runner import start_app_in_thread, start_in_thread
from tests.sandbox.conftest import (
    auth_headers,
    make_client,
    pay,
    plain_client,
    session_params,
    with_token,
)


def test_state_survives_a_restart(db_file: Path) -> None:
    first = start_in_thread(db_file)
    try:
        client = make_client(first.url)
        session = client.v1.checkout.sessions.create(
            session_params(), options={"idempotency_key": "persist-1"}
        )
        assert session.url is not None
        with httpx.Client() as http:
            assert pay(http, session.url).status_code == 200
        event_ids = [e.id for e in client.v1.events.list().data]
    finally:
        first.stop()

    second = start_in_thread(db_file)
    try:
        client = make_client(second.url)
        again = client.v1.checkout.sessions.retrieve(session.id)
        assert again.status == "complete" and again.payment_intent is not None
        assert [e.id for e in client.v1.events.list().data] == event_ids
        # Idempotency keys persist too.
        replay = client.v1.checkout.sessions.create(
            session_params(), options={"idempotency_key": "persist-1"}
        )
        assert replay.id == session.id
        assert client.v1.checkout.sessions.list().data[0].id == session.id
    finally:
        second.stop()


class FakeClock:
    def __init__(self, start: float = 1_900_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app_client(tmp_path: Path, clock: FakeClock) -> Iterator[httpx.Client]:
    """A sandbox on a fake clock, without its background task: time moves only when the
    test moves it, and reads apply what is due."""
    handle = start_app_in_thread(
        lambda url: create_app(
            tmp_path / "clock.sqlite3", clock=clock, background=False, public_base_url=url
        )
    )
    with httpx.Client(base_url=handle.url, headers=auth_headers()) as tc:
        yield tc
    handle.stop()


def _create(tc: httpx.Client, **extra: str) -> dict[str, object]:
    form = {
        "mode": "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "3500",
        "line_items[0][price_data][product_data][name]": "Haircut",
        "success_url": "https://shop.example/thanks",
        **extra,
    }
    r = tc.post("/v1/checkout/sessions", data=form)
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def test_session_expires_by_itself(app_client: httpx.Client, clock: FakeClock) -> None:
    session = _create(app_client, expires_at=str(int(clock.now) + 1800))
    assert session["created"] == int(clock.now)
    clock.now += 1799
    assert app_client.get(f"/v1/checkout/sessions/{session['id']}").json()["status"] == "open"
    clock.now += 1
    after = app_client.get(f"/v1/checkout/sessions/{session['id']}").json()
    assert (after["status"], after["url"]) == ("expired", None)
    events = app_client.get("/v1/events").json()["data"]
    assert [e["type"] for e in events] == ["checkout.session.expired"]
    assert events[0]["request"] == {"id": None, "idempotency_key": None}
    assert events[0]["created"] == int(clock.now)
    page = app_client.get(f"/c/pay/{session['id']}")
    assert "This link has expired" in page.text


def test_payment_after_expiry_is_refused(app_client: httpx.Client, clock: FakeClock) -> None:
    session = _create(app_client)
    clock.now += 24 * 3600
    form = {"card_number": "4242424242424242", "exp": "12/59", "cvc": "123", "name": "A"}
    url = f"/c/pay/{session['id']}"
    page = app_client.post(url, data=with_token(app_client, url, form))
    assert "This link has expired" in page.text
    assert app_client.get(f"/v1/checkout/sessions/{session['id']}").json()["status"] == "expired"


def test_refund_settles_after_the_delay(app_client: httpx.Client, clock: FakeClock) -> None:
    session = _create(app_client)
    # Stripe's "asynchronous success" refund test card
    form = {"card_number": "4000000000007726", "exp": "12/59", "cvc": "123", "name": "A"}
    url = f"/c/pay/{session['id']}"
    app_client.post(url, data=with_token(app_client, url, form))
    pi = app_client.get(f"/v1/checkout/sessions/{session['id']}").json()["payment_intent"]
    refund = app_client.post("/v1/refunds", data={"payment_intent": pi}).json()
    assert refund["status"] == "pending"
    clock.now += 0.5
    assert app_client.get(f"/v1/refunds/{refund['id']}").json()["status"] == "pending"
    clock.now += 0.6
    assert app_client.get(f"/v1/refunds/{refund['id']}").json()["status"] == "succeeded"


def test_expires_at_bounds_use_the_server_clock(app_client: httpx.Client, clock: FakeClock) -> None:
    now = int(clock.now)
    ok = app_client.post(
        "/v1/checkout/sessions",
        data={
            "mode": "payment",
            "expires_at": str(now + 1800),
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": "usd",
            "line_items[0][price_data][unit_amount]": "500",
            "line_items[0][price_data][product_data][name]": "x",
            "success_url": "https://shop.example/thanks",
        },
    )
    assert ok.status_code == 200
    short = app_client.post(
        "/v1/checkout/sessions",
        data={
            "mode": "payment",
            "expires_at": str(now + 1799),
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": "usd",
            "line_items[0][price_data][unit_amount]": "500",
            "line_items[0][price_data][product_data][name]": "x",
            "success_url": "https://shop.example/thanks",
        },
    )
    assert short.status_code == 400 and short.json()["error"]["param"] == "expires_at"


def test_sandbox_imports_nothing_of_the_app() -> None:
    # The sandbox is a separate program: no stripe, Qt, SQLAlchemy or other pos_app package.
    code = (
        "import sys, pos_app.sandbox.app, pos_app.sandbox.runner, pos_app.sandbox.discovery;"
        "bad=[m for m in sys.modules if m.split('.')[0] in ('stripe','PySide6','sqlalchemy')"
        " or (m.startswith('pos_app.') and not m.startswith('pos_app.sandbox'))];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_rate_limit_counts_every_request_of_the_account(tmp_path: Path, clock: FakeClock) -> None:
    handle = start_app_in_thread(
        lambda url: create_app(
            tmp_path / "rl.sqlite3", clock=clock, background=False, rate_limit_per_second=2
        )
    )
    try:
        client = plain_client(handle.url)
        client.v1.events.list()
        client.v1.checkout.sessions.create(session_params())
        # Reads and writes, and every key, share the account's one window.
        other = plain_client(handle.url, "sk_test_another_key")
        with pytest.raises(stripe.RateLimitError) as info:
            other.v1.events.list()
        assert info.value.http_status == 429
        body = info.value.json_body
        assert isinstance(body, dict)
        assert (body["error"]["type"], body["error"]["code"]) == (
            "invalid_request_error",
            "rate_limit",
        )
        with pytest.raises(stripe.RateLimitError):  # a write too, and it creates nothing
            client.v1.checkout.sessions.create(session_params())
        clock.now += 1.0
        client.v1.events.list()
        assert len(client.v1.checkout.sessions.list().data) == 1
    finally:
        handle.stop()


def test_the_limit_is_on_by_default_at_stripes_figure(tmp_path: Path, clock: FakeClock) -> None:
    handle = start_app_in_thread(
        lambda url: create_app(tmp_path / "rl.sqlite3", clock=clock, background=False)
    )
    try:
        client = plain_client(handle.url)
        for _ in range(behaviour.TEST_MODE_RATE_LIMIT):
            client.v1.events.list()
        with pytest.raises(stripe.RateLimitError):
            client.v1.events.list()
    finally:
        handle.stop()


def test_the_limit_can_be_switched_off(tmp_path: Path, clock: FakeClock) -> None:
    handle = start_app_in_thread(
        lambda url: create_app(
            tmp_path / "rl.sqlite3", clock=clock, background=False, rate_limit_per_second=None
        )
    )
    try:
        client = plain_client(handle.url)
        for _ in range(behaviour.TEST_MODE_RATE_LIMIT + 5):
            client.v1.events.list()
    finally:
        handle.stop()
