"""The webhook receiver: genuine deliveries apply, anything else changes nothing."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import httpx
import pytest
import stripe
from starlette.applications import Starlette

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.booking import BookingStatus
from pos_app.sync.webhook_server import PATH, create_webhook_app
from tests import patient_http
from tests.integration.helpers import book, eventually
from tests.payments import pay

SECRET = "whsec_test_receiver_secret"


class Receiver:
    """Posts to the receiver's ASGI app in-process, as Stripe would over HTTP."""

    def __init__(self, asgi: Starlette) -> None:
        self._asgi = asgi

    def post(self, path: str, *, content: bytes, headers: dict[str, str]) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self._asgi)
            async with httpx.AsyncClient(transport=transport, base_url="http://pos") as client:
                return await client.post(path, content=content, headers=headers)

        return asyncio.run(send())


@pytest.fixture
def receiver(app: AppContext) -> Receiver:
    return Receiver(create_webhook_app(app.webhook_intake(SECRET)))


def _completed_event(app: AppContext, api_base: str, session_id: str) -> bytes:
    """The checkout.session.completed event for this session, as the sandbox serialized it."""
    response = patient_http.get(
        f"{api_base}/v1/events",
        params={"type": "checkout.session.completed", "limit": 100},
        headers={"Authorization": "Bearer sk_test_x"},
    )
    for event in response.json()["data"]:
        if event["data"]["object"]["id"] == session_id:
            return json.dumps(event).encode()
    raise AssertionError("no completed event for the session")


def _signed(payload: bytes, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(payload.decode(), secret, at)
    return {"Stripe-Signature": header, "Content-Type": "application/json"}


def _paid_on_phone(app: AppContext) -> tuple[str, str]:
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url and view.session_id
    pay(view.url)  # the desk has not looked yet: the booking still says awaiting payment
    return booking.id, view.session_id


def _status(app: AppContext, booking_id: str) -> BookingStatus:
    return app.bookings.detail(booking_id).booking.status


def test_a_genuine_delivery_marks_the_booking_paid_once(
    app: AppContext, app_env: dict[str, str], receiver: Receiver
) -> None:
    booking_id, session_id = _paid_on_phone(app)
    payload = _completed_event(app, app_env["POS_STRIPE_API_BASE"], session_id)
    first = receiver.post(PATH, content=payload, headers=_signed(payload))
    assert first.status_code == 200 and first.json()["outcome"] == "applied"
    assert _status(app, booking_id) is BookingStatus.PAID
    again = receiver.post(PATH, content=payload, headers=_signed(payload))
    assert again.status_code == 200 and again.json()["outcome"] == "ignored"


@pytest.mark.parametrize(
    "tamper",
    ["wrong_secret", "stale", "forged_body", "no_header", "not_json"],
)
def test_deliveries_that_are_not_provably_from_stripe_change_nothing(
    app: AppContext, app_env: dict[str, str], receiver: Receiver, tamper: str
) -> None:
    booking_id, session_id = _paid_on_phone(app)
    payload = _completed_event(app, app_env["POS_STRIPE_API_BASE"], session_id)
    headers = _signed(payload)
    if tamper == "wrong_secret":
        headers = _signed(payload, secret="whsec_someone_else")
    elif tamper == "stale":
        headers = _signed(payload, at=int(time.time()) - 301)
    elif tamper == "forged_body":
        payload = payload.replace(b"checkout.session.completed", b"checkout.session.expired")
    elif tamper == "no_header":
        headers = {"Content-Type": "application/json"}
    elif tamper == "not_json":
        payload = b"this is not json"
        headers = _signed(payload)
    response = receiver.post(PATH, content=payload, headers=headers)
    assert response.status_code == 400
    assert response.json()["outcome"] == "rejected"
    assert _status(app, booking_id) is BookingStatus.AWAITING_PAYMENT


def test_unknown_event_types_are_acknowledged_and_ignored(
    app: AppContext, receiver: Receiver
) -> None:
    booking_id, session_id = _paid_on_phone(app)
    event = {
        "id": "evt_unknown_1",
        "object": "event",
        "type": "customer.created",
        "created": int(time.time()),
        "api_version": "2026-10-28.endive",
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": {"id": session_id, "object": "checkout.session", "metadata": {}}},
    }
    payload = json.dumps(event).encode()
    response = receiver.post(PATH, content=payload, headers=_signed(payload))
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"
    assert _status(app, booking_id) is BookingStatus.AWAITING_PAYMENT


def test_the_desktop_apps_receiver_listens_on_the_configured_port(
    app_env: dict[str, str],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**app_env, "POS_WEBHOOK_PORT": str(port), "STRIPE_WEBHOOK_SECRET": SECRET}
    ctx = open_app(load_config(env), sandbox="none", receive_webhooks=True)
    try:
        booking_id, session_id = _paid_on_phone(ctx)
        payload = _completed_event(ctx, app_env["POS_STRIPE_API_BASE"], session_id)
        url = f"http://127.0.0.1:{port}{PATH}"
        response = eventually(
            lambda: _try_post(url, payload, _signed(payload)), timeout=10, interval=0.1
        )
        assert response.status_code == 200 and response.json()["outcome"] == "applied"
        assert _status(ctx, booking_id) is BookingStatus.PAID
    finally:
        ctx.close()
    with pytest.raises(httpx.ConnectError):
        httpx.post(url, content=payload, headers=_signed(payload), timeout=2)


def _try_post(url: str, payload: bytes, headers: dict[str, str]) -> httpx.Response | None:
    try:
        return httpx.post(url, content=payload, headers=headers, timeout=5)
    except httpx.ConnectError:
        return None  # not listening yet
