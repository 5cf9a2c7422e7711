"""Checkout Sessions through the real stripe SDK, plus auth and wire-format checks."""

from __future__ import annotations

import time

import httpx
import pytest
import stripe

from pos_app.sandbox import behaviour
from pos_app.sandbox.runner import SandboxHandle
from tests.sandbox.conftest import auth_headers, make_client, pay, session_params


def test_create_returns_an_open_unpaid_session(client: stripe.StripeClient) -> None:
    before = int(time.time())
    session = client.v1.checkout.sessions.create(
        session_params(
            customer_email="ada@example.com",
            client_reference_id="booking-42",
            success_url="https://shop.example/ok?session={CHECKOUT_SESSION_ID}",
            cancel_url="https://shop.example/cancel",
        )
    )
    assert session.object == "checkout.session"
    assert session.id.startswith("cs_test_")
    assert session.livemode is False
    assert (session.status, session.payment_status) == ("open", "unpaid")
    assert session.payment_intent is None
    assert (session.amount_subtotal, session.amount_total, session.currency) == (2500, 2500, "usd")
    assert session.mode == "payment"
    assert session.to_dict()["metadata"] == {"booking_id": "bk_1"}
    assert session.customer_email == "ada@example.com"
    assert session.client_reference_id == "booking-42"
    assert session.url is not None and session.url.endswith(f"/c/pay/{session.id}")
    assert before <= session.created <= int(time.time())
    assert session.expires_at - session.created == behaviour.SESSION_DEFAULT_LIFETIME_SECONDS
    assert session.success_url == "https://shop.example/ok?session={CHECKOUT_SESSION_ID}"


def test_retrieve_and_expand(client: stripe.StripeClient) -> None:
    created = client.v1.checkout.sessions.create(session_params())
    again = client.v1.checkout.sessions.retrieve(created.id)
    assert again.to_dict() == created.to_dict()
    expanded = client.v1.checkout.sessions.retrieve(created.id, params={"expand": ["line_items"]})
    assert expanded.line_items is not None
    item = expanded.line_items.data[0]
    assert (item.description, item.quantity, item.amount_total) == ("Haircut", 2, 2500)
    assert item.price is not None and item.price.unit_amount == 1250


def test_retrieve_unknown_is_resource_missing(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.checkout.sessions.retrieve("cs_test_nope")
    assert info.value.http_status == 404
    assert info.value.code == "resource_missing"
    assert info.value.user_message == "No such checkout.session: 'cs_test_nope'"


def test_list_is_newest_first_with_filters_and_pagination(client: stripe.StripeClient) -> None:
    ids = [client.v1.checkout.sessions.create(session_params()).id for _ in range(5)]
    page = client.v1.checkout.sessions.list({"limit": 2})
    assert page.url == "/v1/checkout/sessions"
    assert [s.id for s in page.data] == ids[::-1][:2]
    assert page.has_more is True
    everything = [s.id for s in client.v1.checkout.sessions.list({"limit": 2}).auto_paging_iter()]
    assert everything == ids[::-1]
    client.v1.checkout.sessions.expire(ids[1])
    expired = client.v1.checkout.sessions.list({"status": "expired"})
    assert [s.id for s in expired.data] == [ids[1]]
    opened = client.v1.checkout.sessions.list({"status": "open"})
    assert ids[1] not in [s.id for s in opened.data] and len(opened.data) == 4
    newer = client.v1.checkout.sessions.list({"ending_before": ids[2], "limit": 1})
    assert [s.id for s in newer.data] == [ids[3]] and newer.has_more is True


def test_list_filters_by_payment_intent_and_created(client: stripe.StripeClient) -> None:
    session = client.v1.checkout.sessions.create(session_params())
    assert client.v1.checkout.sessions.list({"payment_intent": "pi_none"}).data == []
    now = int(time.time())
    recent = client.v1.checkout.sessions.list({"created": {"gte": now - 60}})
    assert [s.id for s in recent.data] == [session.id]
    assert client.v1.checkout.sessions.list({"created": {"gt": now + 60}}).data == []


def test_expire_then_expire_again(client: stripe.StripeClient) -> None:
    session = client.v1.checkout.sessions.create(session_params())
    expired = client.v1.checkout.sessions.expire(session.id)
    assert (expired.status, expired.url, expired.payment_status) == ("expired", None, "unpaid")
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.checkout.sessions.expire(session.id)
    assert info.value.http_status == 400
    assert info.value.user_message is not None
    assert 'Only Checkout Sessions with a status in ["open"] can be expired' in (
        info.value.user_message
    )
    events = client.v1.events.list({"type": "checkout.session.expired"})
    assert [e.data.object["id"] for e in events.data] == [session.id]
    assert events.data[0].data.object["status"] == "expired"


def test_no_event_on_creation(client: stripe.StripeClient) -> None:
    client.v1.checkout.sessions.create(session_params())
    assert client.v1.events.list().data == []


@pytest.mark.parametrize(
    ("overrides", "code", "param"),
    [
        ({"foo": "bar"}, "parameter_unknown", "foo"),
        ({"mode": "subscription"}, None, "mode"),
        ({"line_items": []}, "parameter_missing", "line_items"),
        ({"line_items": [{"quantity": 1}]}, "parameter_missing", "line_items[0][price_data]"),
        (
            {
                "line_items": [
                    {
                        "quantity": 0,
                        "price_data": {
                            "currency": "usd",
                            "unit_amount": 500,
                            "product_data": {"name": "x"},
                        },
                    }
                ]
            },
            "parameter_invalid_integer",
            "line_items[0][quantity]",
        ),
        (
            {
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": "usd",
                            "unit_amount": "12.5",
                            "product_data": {"name": "x"},
                        },
                    }
                ]
            },
            "parameter_invalid_integer",
            "line_items[0][price_data][unit_amount]",
        ),
        (
            {
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": "usd",
                            "unit_amount": 500,
                            "product_data": {"name": ""},
                        },
                    }
                ]
            },
            "parameter_invalid_empty",
            "line_items[0][price_data][product_data][name]",
        ),
        (
            {
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": "zzz",
                            "unit_amount": 500,
                            "product_data": {"name": "x"},
                        },
                    }
                ]
            },
            None,
            "line_items[0][price_data][currency]",
        ),
        ({"metadata": {"k" * 41: "v"}}, None, "metadata[" + "k" * 41 + "]"),
        ({"expires_at": int(time.time()) + 60}, None, "expires_at"),
        ({"expires_at": int(time.time()) + 25 * 3600}, None, "expires_at"),
        ({"customer_email": "not-an-email"}, "email_invalid", "customer_email"),
        (
            {"payment_intent_data": {"capture_method": "manual"}},
            None,
            "payment_intent_data[capture_method]",
        ),
    ],
)
def test_validation_errors(
    client: stripe.StripeClient, overrides: dict[str, object], code: str | None, param: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.checkout.sessions.create(session_params(**overrides))
    assert info.value.http_status == 400
    assert info.value.code == code
    assert info.value.param == param


def test_unknown_parameter_message(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.checkout.sessions.create(session_params(foo="bar"))
    assert info.value.user_message == "Received unknown parameter: foo"


@pytest.mark.parametrize(
    ("currency", "unit_amount", "ok"),
    [
        ("usd", 49, False),
        ("usd", 50, True),
        ("gbp", 29, False),
        ("gbp", 30, True),
        ("jpy", 49, False),
        ("jpy", 50, True),
        ("usd", 100_000_000, False),
    ],
)
def test_amount_bounds(
    client: stripe.StripeClient, currency: str, unit_amount: int, ok: bool
) -> None:
    params = session_params(
        line_items=[
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency,
                    "unit_amount": unit_amount,
                    "product_data": {"name": "x"},
                },
            }
        ]
    )
    if ok:
        assert client.v1.checkout.sessions.create(params).amount_total == unit_amount
        return
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.checkout.sessions.create(params)
    assert info.value.code in ("amount_too_small", "amount_too_large", "parameter_invalid_integer")


def test_expires_at_within_bounds_is_kept(client: stripe.StripeClient) -> None:
    wanted = int(time.time()) + 45 * 60
    session = client.v1.checkout.sessions.create(session_params(expires_at=wanted))
    assert session.expires_at == wanted


def test_uppercase_currency_is_normalised(client: stripe.StripeClient) -> None:
    params = session_params(
        line_items=[
            {
                "quantity": 1,
                "price_data": {
                    "currency": "EUR",
                    "unit_amount": 900,
                    "product_data": {"name": "x"},
                },
            }
        ]
    )
    assert client.v1.checkout.sessions.create(params).currency == "eur"


@pytest.mark.parametrize("key", ["sk_live_abcdefgh1234", "garbage", "pk_test_123456789"])
def test_other_keys_are_rejected(sandbox: SandboxHandle, key: str) -> None:
    with pytest.raises(stripe.AuthenticationError) as info:
        make_client(sandbox.url, key).v1.checkout.sessions.list()
    message = info.value.user_message or ""
    assert message.startswith("Invalid API Key provided: ")
    assert key not in message and message.endswith(key[-4:])


def test_live_key_is_masked_like_stripe(http: httpx.Client) -> None:
    r = http.get("/v1/events", headers=auth_headers("sk_live_abcd1234"))
    assert r.status_code == 401
    assert r.json() == {
        "error": {
            "type": "invalid_request_error",
            "message": "Invalid API Key provided: sk_live_****1234",
        }
    }


def test_missing_key(http: httpx.Client) -> None:
    r = http.get("/v1/checkout/sessions")
    assert r.status_code == 401
    assert r.json()["error"]["message"].startswith("You did not provide an API key.")


def test_basic_auth_is_accepted(http: httpx.Client) -> None:
    r = http.get("/v1/events", auth=("sk_test_basic", ""))
    assert r.status_code == 200 and r.json()["object"] == "list"


def test_response_headers_and_unknown_urls(http: httpx.Client) -> None:
    r = http.get("/v1/events", headers={**auth_headers(), "Stripe-Version": "2024-06-20"})
    assert r.headers["request-id"].startswith("req_")
    assert r.headers["stripe-version"] == "2024-06-20"
    assert r.headers["content-type"].startswith("application/json")
    r = http.get("/v1/events", headers=auth_headers())
    assert r.headers["stripe-version"] == behaviour.DEFAULT_API_VERSION
    r = http.get("/v1/customers", headers=auth_headers())
    assert r.status_code == 404
    assert r.json()["error"]["message"].startswith("Unrecognized request URL (GET: /v1/customers)")
    r = http.delete("/v1/checkout/sessions/cs_test_x", headers=auth_headers())
    assert r.status_code == 404


def test_healthz_needs_no_key(http: httpx.Client) -> None:
    r = http.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True and isinstance(body["version"], str)


def test_line_items_endpoint_and_list_expansion(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    session = client.v1.checkout.sessions.create(
        session_params(
            line_items=[
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 3000,
                        "product_data": {"name": "Cut"},
                    },
                },
                {
                    "quantity": 3,
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 200,
                        "product_data": {"name": "Wax"},
                    },
                },
            ]
        )
    )
    assert session.amount_total == 3600
    items = client.v1.checkout.sessions.line_items.list(session.id)
    assert [(i.description, i.quantity, i.amount_total) for i in items.data] == [
        ("Cut", 1, 3000),
        ("Wax", 3, 600),
    ]
    raw = http.get(
        f"/v1/checkout/sessions/{session.id}/line_items",
        params={"limit": 1},
        headers=auth_headers(),
    ).json()
    assert raw["has_more"] is True and len(raw["data"]) == 1
    listed = http.get(
        "/v1/checkout/sessions", params=[("expand[]", "data.line_items")], headers=auth_headers()
    ).json()
    assert listed["data"][0]["line_items"]["data"][1]["description"] == "Wax"
    bad = http.get(
        f"/v1/checkout/sessions/{session.id}",
        params=[("expand[]", "customer_email")],
        headers=auth_headers(),
    )
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "expand[0]"


def test_list_by_payment_intent_after_payment(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    session = client.v1.checkout.sessions.create(session_params())
    client.v1.checkout.sessions.create(session_params())
    assert session.url is not None
    pay(http, session.url)
    pi = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    assert isinstance(pi, str)
    found = client.v1.checkout.sessions.list({"payment_intent": pi})
    assert [s.id for s in found.data] == [session.id]
    expanded = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent"]}
    )
    assert isinstance(expanded.payment_intent, stripe.PaymentIntent)
    assert expanded.payment_intent.status == "succeeded"
    complete = client.v1.checkout.sessions.list({"status": "complete"})
    assert [s.id for s in complete.data] == [session.id]
