"""The sandbox's thank-you page, its card-only gate, and its delayed-payment test control."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import stripe

from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.sandbox.conftest import card_form, make_client, session_params, with_token


@pytest.fixture
def controlled(db_file: Path) -> Iterator[SandboxHandle]:
    handle = start_in_thread(db_file, enable_controls=True)
    yield handle
    handle.stop()


def test_success_url_is_required(client: stripe.StripeClient) -> None:
    params = session_params()
    del params["success_url"]
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.checkout.sessions.create(params)
    assert (info.value.code, info.value.param) == ("parameter_missing", "success_url")
    assert info.value.user_message == "Missing required param: success_url."


@pytest.mark.parametrize(
    ("value", "words"),
    [("sepa_debit", "not supported by the sandbox"), ("cheque", "must be one of")],
)
def test_only_card_is_allowed(client: stripe.StripeClient, value: str, words: str) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.checkout.sessions.create(
            session_params(allowed_payment_method_types=["card", value])
        )
    assert info.value.param == "allowed_payment_method_types[1]"
    assert words in str(info.value.user_message)


def test_card_only_is_echoed(client: stripe.StripeClient) -> None:
    session = client.v1.checkout.sessions.create(
        session_params(allowed_payment_method_types=["card"])
    )
    assert session.to_dict()["allowed_payment_method_types"] == ["card"]
    plain = client.v1.checkout.sessions.create(session_params())
    assert "allowed_payment_method_types" not in plain.to_dict()  # as Stripe leaves it out


def test_the_thank_you_page(
    client: stripe.StripeClient, http: httpx.Client, sandbox_url: str
) -> None:
    session = client.v1.checkout.sessions.create(
        session_params(success_url=f"{sandbox_url}/c/thanks?session_id={{CHECKOUT_SESSION_ID}}")
    )
    assert session.url
    form = with_token(http, session.url, card_form())
    paid = http.post(session.url, data=form, follow_redirects=True)
    assert paid.status_code == 200 and "Thank you" in paid.text
    assert "is complete" in paid.text and "$25.00" in paid.text
    left = http.get("/c/thanks", params={"left": "1"})
    assert "You left the page" in left.text and "Nothing was charged" in left.text


def _control(handle: SandboxHandle, session_id: str, outcome: str) -> httpx.Response:
    return httpx.post(
        f"{handle.url}/_sandbox/checkout/sessions/{session_id}/delayed_payment",
        json={"outcome": outcome},
    )


def _types(client: stripe.StripeClient) -> list[str]:
    return [e.type for e in reversed(client.v1.events.list({"limit": 100}).data)]


@pytest.mark.parametrize("succeeds", [True, False])
def test_a_bank_debit_completes_unpaid_then_settles(
    controlled: SandboxHandle, succeeds: bool
) -> None:
    client = make_client(controlled.url)
    session = client.v1.checkout.sessions.create(session_params())
    assert _control(controlled, session.id, "succeeded").status_code == 400  # not processing
    assert _control(controlled, session.id, "processing").status_code == 200
    done = client.v1.checkout.sessions.retrieve(session.id, {"expand": ["payment_intent"]})
    assert (done.status, done.payment_status, done.url) == ("complete", "unpaid", None)
    pi = done.payment_intent
    assert isinstance(pi, stripe.PaymentIntent) and pi.status == "processing"
    assert _control(controlled, session.id, "processing").status_code == 400  # not open
    outcome = "succeeded" if succeeds else "failed"
    assert _control(controlled, session.id, outcome).status_code == 200
    after = client.v1.checkout.sessions.retrieve(session.id, {"expand": ["payment_intent"]})
    pi = after.payment_intent
    assert isinstance(pi, stripe.PaymentIntent)
    if succeeds:
        assert (after.payment_status, pi.status) == ("paid", "succeeded")
    else:
        assert (after.status, after.payment_status) == ("complete", "unpaid")
        assert pi.status == "requires_payment_method" and pi.last_payment_error is not None
    assert _types(client)[-4:] == [
        "checkout.session.completed",
        f"charge.{outcome}",
        "payment_intent.succeeded" if succeeds else "payment_intent.payment_failed",
        f"checkout.session.async_payment_{outcome}",
    ]


def test_the_control_does_not_exist_without_test_controls(sandbox_url: str) -> None:
    client = make_client(sandbox_url)
    session = client.v1.checkout.sessions.create(session_params())
    r = httpx.post(
        f"{sandbox_url}/_sandbox/checkout/sessions/{session.id}/delayed_payment",
        json={"outcome": "processing"},
    )
    assert r.status_code == 404
