"""LAN mode serves only the payment pages to other devices (issue 11 item 12).

The sandbox listens on every interface in LAN mode so phones can open payment links; the
API (which takes any well-formed test key), the test controls and the health check answer
only to this computer. Requests are driven in-process with the peer address a real server
would report, so no traffic leaves loopback.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from pos_app.sandbox.app import create_app
from pos_app.sandbox.lan_guard import is_local
from tests.page_forms import with_token
from tests.sandbox.conftest import auth_headers, card_form

LAN_SERVER = "192.168.1.20"  # the address the sandbox is reached at (documentation-like)
PHONE = ("192.168.1.57", 51000)
HERE = ("127.0.0.1", 51000)
SESSION_FORM = {
    "mode": "payment",
    "line_items[0][quantity]": "1",
    "line_items[0][price_data][currency]": "usd",
    "line_items[0][price_data][unit_amount]": "500",
    "line_items[0][price_data][product_data][name]": "Cut",
    "success_url": "https://shop.example/thanks",
}


@pytest.fixture
def asgi(db_file: Path) -> Starlette:
    return create_app(db_file, background=False, deliver_webhooks=False, enable_controls=True)


def _as(asgi: Starlette, peer: tuple[str, int], calls: Any) -> Any:
    """Run ``calls(client)`` against the app as seen from ``peer``."""

    async def go() -> Any:
        transport = httpx.ASGITransport(app=asgi, client=peer)
        base = f"http://{LAN_SERVER}:8000"
        async with httpx.AsyncClient(transport=transport, base_url=base) as client:
            return await calls(client)

    return asyncio.run(go())


def _create_session(asgi: Starlette) -> dict[str, Any]:
    async def create(client: httpx.AsyncClient) -> dict[str, Any]:
        r = await client.post("/v1/checkout/sessions", data=SESSION_FORM, headers=auth_headers())
        assert r.status_code == 200, r.text
        return dict(r.json())

    return dict(_as(asgi, HERE, create))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/checkout/sessions"),
        ("GET", "/v1/checkout/sessions"),
        ("GET", "/v1/events"),
        ("POST", "/v1/refunds"),
        ("GET", "/_sandbox"),
        ("POST", "/_sandbox/clock/advance"),
        ("POST", "/_sandbox/faults"),
        ("GET", "/healthz"),
        ("GET", "/"),
    ],
)
def test_another_device_gets_403_for_everything_but_the_pages(
    asgi: Starlette, method: str, path: str
) -> None:
    async def call(client: httpx.AsyncClient) -> httpx.Response:
        data = SESSION_FORM if path == "/v1/checkout/sessions" else None
        return await client.request(method, path, data=data, headers=auth_headers())

    refused = _as(asgi, PHONE, call)
    assert refused.status_code == 403
    assert "only on the computer it runs on" in refused.text

    async def listed(client: httpx.AsyncClient) -> int:
        r = await client.get("/v1/checkout/sessions", headers=auth_headers())
        return len(r.json()["data"])

    assert _as(asgi, HERE, listed) == 0  # the phone's create did not happen


def test_a_phone_opens_and_pays_the_page(asgi: Starlette) -> None:
    session = _create_session(asgi)
    path = f"/c/pay/{session['id']}"

    async def pay(client: httpx.AsyncClient) -> httpx.Response:
        page = await client.get(path)
        assert page.status_code == 200 and "Pay with card" in page.text
        token = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        return await client.post(path, data={**card_form(), "csrf_token": token})

    paid = _as(asgi, PHONE, pay)
    assert paid.status_code == 303

    async def thanks(client: httpx.AsyncClient) -> int:
        return (await client.get("/c/thanks?left=1")).status_code

    assert _as(asgi, PHONE, thanks) == 200

    async def status(client: httpx.AsyncClient) -> str:
        r = await client.get(f"/v1/checkout/sessions/{session['id']}", headers=auth_headers())
        return str(r.json()["status"])

    assert _as(asgi, HERE, status) == "complete"


@pytest.mark.parametrize(
    ("client", "server", "local"),
    [
        ("127.0.0.1", "127.0.0.1", True),
        ("127.0.0.1", "0.0.0.0", True),
        ("::1", "::", True),
        ("::ffff:127.0.0.1", "::", True),
        # The app reaching a sandbox bound to this computer's LAN address.
        ("192.168.1.20", "192.168.1.20", True),
        ("192.168.1.57", "192.168.1.20", False),
        ("::ffff:192.168.1.57", "::ffff:192.168.1.20", False),
        ("fe80::1%eth0", "fe80::2%eth0", False),
        ("10.0.0.9", "127.0.0.1", False),
    ],
)
def test_who_counts_as_this_computer(client: str, server: str, local: bool) -> None:
    scope = {"type": "http", "client": (client, 5000), "server": (server, 8000)}
    assert is_local(scope) is local


def test_real_lan_mode_keeps_the_api_on_loopback_working(tmp_path: Path) -> None:
    # Bound to every interface: the app's own calls come over loopback and are served.
    from pos_app.sandbox.runner import start_in_thread

    handle = start_in_thread(tmp_path / "lan.sqlite3", host="0.0.0.0")
    try:
        with httpx.Client(base_url=handle.url, headers=auth_headers(), timeout=10) as http:
            session = http.post("/v1/checkout/sessions", data=SESSION_FORM).json()
            page_url = f"/c/pay/{session['id']}"
            form = with_token(http, page_url, card_form())
            assert http.post(page_url, data=form).status_code == 303
            assert http.get("/healthz").status_code == 200
    finally:
        handle.stop()
