"""Checkout Session calls the app makes, and every error it handles, through the real SDK."""

from __future__ import annotations

import time
from typing import Any

import pytest
import stripe

from tests.contract.conftest import Backend, eventually, make_client
from tests.contract.forms import one_item

MINUTE = 60


def _err(info: pytest.ExceptionInfo[stripe.StripeError]) -> dict[str, Any]:
    error = info.value.error
    assert error is not None
    return error.to_dict()


# -- create, retrieve, expire ----------------------------------------------------------------


def test_create_as_the_app_does(backend: Backend) -> None:
    before = int(time.time())
    expires_at = before + 31 * MINUTE
    session = backend.create_session(
        customer_email="ada@example.com",
        client_reference_id="bk_contract",
        expires_at=expires_at,
        success_url="https://shop.example/ok?s={CHECKOUT_SESSION_ID}",
        cancel_url="https://shop.example/back",
    )
    assert session.object == "checkout.session" and session.id.startswith("cs_test_")
    assert (session.status, session.payment_status, session.mode) == ("open", "unpaid", "payment")
    assert session.payment_intent is None  # none until the customer confirms (API 2022-08-01+)
    assert isinstance(session.url, str) and session.url.startswith(("http://", "https://"))
    assert (session.amount_total, session.amount_subtotal, session.currency) == (2145, 2145, "usd")
    assert type(session.amount_total) is int and type(session.expires_at) is int
    assert session.expires_at == expires_at
    assert session.customer_email == "ada@example.com"
    assert session.client_reference_id == "bk_contract"
    assert session.to_dict()["metadata"]["booking_id"] == "bk_contract"
    assert session.livemode is False
    assert before - 5 <= session.created <= int(time.time()) + 5


def test_retrieve_returns_what_create_returned(backend: Backend) -> None:
    created = backend.create_session()
    again = backend.client.v1.checkout.sessions.retrieve(created.id)
    for name in (
        "id",
        "status",
        "payment_status",
        "amount_total",
        "currency",
        "url",
        "expires_at",
        "payment_intent",
    ):
        assert getattr(again, name) == getattr(created, name), name
    assert again.to_dict()["metadata"] == created.to_dict()["metadata"]


def test_retrieve_unknown_session_is_resource_missing(backend: Backend) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.client.v1.checkout.sessions.retrieve("cs_test_doesnotexist")
    assert info.value.http_status == 404 and info.value.code == "resource_missing"


def test_expire_then_expire_again(backend: Backend) -> None:
    session = backend.create_session()
    expired = backend.client.v1.checkout.sessions.expire(
        session.id, options={"idempotency_key": backend.key("expire")}
    )
    assert (expired.status, expired.payment_status, expired.url) == ("expired", "unpaid", None)
    assert backend.client.v1.checkout.sessions.retrieve(session.id).status == "expired"
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.client.v1.checkout.sessions.expire(session.id)
    assert info.value.http_status == 400
    assert _err(info)["type"] == "invalid_request_error"


def test_expire_a_completed_session_is_refused(backend: Backend) -> None:
    backend.require_sandbox()
    session = backend.create_session()
    assert backend.pay_page(session, "4242 4242 4242 4242").status_code in (200, 303)
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.client.v1.checkout.sessions.expire(session.id)
    assert info.value.http_status == 400 and "complete" in str(info.value.user_message)


# -- idempotency ---------------------------------------------------------------------------


def test_replay_returns_the_first_result(backend: Backend) -> None:
    key = backend.key("replay")
    params: Any = {
        "mode": "payment",
        "line_items": one_item("usd", 1500),
        "metadata": {"contract_run": backend.run_id},
        "success_url": "https://shop.example/ok",
    }
    first = backend.client.v1.checkout.sessions.create(params, options={"idempotency_key": key})
    again = backend.client.v1.checkout.sessions.create(params, options={"idempotency_key": key})
    assert again.id == first.id
    assert first.last_response is not None and again.last_response is not None
    assert first.last_response.headers.get("Idempotent-Replayed") != "true"
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"


def test_same_key_other_parameters_is_an_idempotency_error(backend: Backend) -> None:
    key = backend.key("mismatch")
    backend.client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "line_items": one_item("usd", 1500),
            "success_url": "https://shop.example/ok",
        },
        options={"idempotency_key": key},
    )
    with pytest.raises(stripe.IdempotencyError) as info:
        backend.client.v1.checkout.sessions.create(
            {
                "mode": "payment",
                "line_items": one_item("usd", 1600),
                "success_url": "https://shop.example/ok",
            },
            options={"idempotency_key": key},
        )
    assert info.value.http_status == 400
    assert _err(info)["type"] == "idempotency_error"


def test_validation_failures_are_not_stored_against_the_key(backend: Backend) -> None:
    key = backend.key("fixed")
    with pytest.raises(stripe.InvalidRequestError):
        backend.client.v1.checkout.sessions.create(
            {
                "mode": "payment",
                "line_items": one_item("usd", 10),
                "success_url": "https://shop.example/ok",
            },  # below the minimum
            options={"idempotency_key": key},
        )
    fixed = backend.client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "line_items": one_item("usd", 1500),
            "success_url": "https://shop.example/ok",
        },
        options={"idempotency_key": key},
    )
    assert fixed.status == "open"
    assert fixed.last_response is not None
    assert fixed.last_response.headers.get("Idempotent-Replayed") != "true"


# -- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "unit_amount", "why"),
    [
        ("usd", 49, "below the 0.50 USD minimum"),
        ("gbp", 29, "below the 0.30 GBP minimum"),
        ("jpy", 49, "below the 50 JPY minimum"),
        ("usd", 100_000_000, "above 99,999,999 minor units"),
        ("kwd", 1505, "three-decimal currency whose last digit is not 0"),
    ],
)
def test_amounts_stripe_refuses(
    backend: Backend, currency: str, unit_amount: int, why: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.create_session(line_items=one_item(currency, unit_amount))
    assert info.value.http_status == 400, why
    assert str(_err(info).get("param", "")).startswith("line_items"), why


@pytest.mark.parametrize("currency", ["usd", "jpy", "kwd"])
def test_amounts_stripe_accepts_at_the_edges(backend: Backend, currency: str) -> None:
    minimum = {"usd": 50, "jpy": 50, "kwd": 500}[currency]
    assert backend.create_session(line_items=one_item(currency, minimum)).amount_total == minimum
    assert backend.create_session(line_items=one_item(currency, 99_999_990)).status == "open"


def test_amount_with_decimals_is_not_an_integer(backend: Backend) -> None:
    """12.5 JPY cannot exist (zero-decimal); in minor units no amount has a fraction."""
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.create_session(line_items=one_item("jpy", 12.5))  # type: ignore[arg-type]
    assert info.value.http_status == 400
    assert _err(info)["param"] == "line_items[0][price_data][unit_amount]"


@pytest.mark.parametrize(
    ("offset", "why"), [(29 * MINUTE, "under 30 min"), (25 * 60 * MINUTE, "over 24 h")]
)
def test_expires_at_outside_30_minutes_to_24_hours(backend: Backend, offset: int, why: str) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.create_session(expires_at=int(time.time()) + offset)
    assert info.value.http_status == 400, why
    assert _err(info)["param"] == "expires_at"


@pytest.mark.parametrize(
    ("metadata", "why"),
    [
        ({f"k{i}": "v" for i in range(51)}, "51 keys"),
        ({"k" * 41: "v"}, "a 41-character key"),
        ({"k": "v" * 501}, "a 501-character value"),
        ({"a[b": "v"}, "a key with a bracket"),
    ],
)
def test_metadata_limits(backend: Backend, metadata: dict[str, str], why: str) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.client.v1.checkout.sessions.create(
            {"mode": "payment", "line_items": one_item("usd", 1500), "metadata": metadata}
        )
    assert info.value.http_status == 400, why
    assert str(_err(info).get("param", "")).startswith("metadata"), why


def test_unknown_parameter(backend: Backend) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.client.v1.checkout.sessions.create(
            {"mode": "payment", "line_items": one_item("usd", 1500), "not_a_parameter": "x"}  # type: ignore[typeddict-unknown-key]
        )
    err = _err(info)
    assert (info.value.http_status, err["code"], err["param"]) == (
        400,
        "parameter_unknown",
        "not_a_parameter",
    )


def test_parameter_stripe_has_but_the_sandbox_lacks(backend: Backend) -> None:
    backend.require_sandbox("Stripe accepts the parameter: only the sandbox refuses it")
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.create_session(allow_promotion_codes=True)
    err = _err(info)
    assert err["param"] == "allow_promotion_codes"
    assert "not supported by the sandbox" in err["message"]


@pytest.mark.parametrize("key", ["sk_live_abcdefghijklmnop1234", "garbage", "pk_test_abc"])
def test_keys_that_are_not_secret_test_keys_are_refused(backend: Backend, key: str) -> None:
    backend.require_sandbox("sends a live or garbage key: never done to real Stripe")
    with pytest.raises(stripe.AuthenticationError) as info:
        make_client(key, backend.url).v1.checkout.sessions.list()
    assert info.value.http_status == 401


# -- listing -------------------------------------------------------------------------------


def test_list_filters_and_pagination(backend: Backend) -> None:
    since = int(time.time()) - 1
    made = [backend.create_session(line_items=one_item("usd", 1500 + i)) for i in range(3)]
    backend.client.v1.checkout.sessions.expire(made[0].id)
    sessions = backend.client.v1.checkout.sessions
    mine = {s.id for s in made}

    def listed(params: Any) -> list[str]:
        return [s.id for s in sessions.list(params).data if s.id in mine]

    newest_first = listed({"created": {"gte": since}, "limit": 100})
    assert newest_first == [s.id for s in reversed(made)]
    assert listed({"created": {"gte": since}, "status": "open", "limit": 100}) == [
        made[2].id,
        made[1].id,
    ]
    assert listed({"created": {"gte": since}, "status": "expired", "limit": 100}) == [made[0].id]
    assert listed({"created": {"lt": since}, "limit": 100}) == []

    page1 = sessions.list({"created": {"gte": since}, "limit": 1})
    assert page1.has_more is True and len(page1.data) == 1
    page2 = sessions.list(
        {"created": {"gte": since}, "limit": 1, "starting_after": page1.data[0].id}
    )
    assert page2.data[0].id != page1.data[0].id
    back = sessions.list({"created": {"gte": since}, "limit": 1, "ending_before": page2.data[0].id})
    assert [s.id for s in back.data] == [page1.data[0].id]


@pytest.mark.parametrize("limit", [0, 101])
def test_list_limit_bounds(backend: Backend, limit: int) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.client.v1.checkout.sessions.list({"limit": limit})
    assert info.value.http_status == 400 and _err(info)["param"] == "limit"


def test_list_by_payment_intent_and_customer_email(backend: Backend) -> None:
    backend.require_sandbox()
    email = f"{backend.run_id}@example.com"
    paid = backend.create_session(customer_email=email)
    backend.create_session(customer_email=email)  # open: no customer_details yet
    assert backend.pay_page(paid, "4242 4242 4242 4242").status_code in (200, 303)
    pi = backend.client.v1.checkout.sessions.retrieve(paid.id).payment_intent
    assert isinstance(pi, str)
    sessions = backend.client.v1.checkout.sessions
    assert [s.id for s in sessions.list({"payment_intent": pi}).data] == [paid.id]
    by_email = sessions.list({"customer_details": {"email": email.upper()}})
    assert [s.id for s in by_email.data] == [paid.id]
    assert by_email.data[0].customer_details is not None
    assert by_email.data[0].customer_details.email == email


def test_list_of_a_paid_session_shows_it_complete(backend: Backend) -> None:
    backend.require_sandbox()
    session = backend.create_session()
    backend.pay_page(session, "4242 4242 4242 4242")
    done = eventually(
        lambda: backend.client.v1.checkout.sessions.retrieve(session.id),
        lambda s: s.status == "complete",
    )
    assert (done.status, done.payment_status, done.url) == ("complete", "paid", None)
    assert isinstance(done.payment_intent, str)
