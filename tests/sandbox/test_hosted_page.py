"""Paying through the hosted page with plain HTTP, as a phone browser would."""

from __future__ import annotations

import threading

import httpx
import pytest
import stripe

from tests.sandbox.conftest import card_form, pay, session_params, with_token


def _session(client: stripe.StripeClient, **overrides: object) -> stripe.checkout.Session:
    return client.v1.checkout.sessions.create(session_params(**overrides))


def _url(session: stripe.checkout.Session) -> str:
    assert session.url is not None
    return session.url


def test_page_shows_items_total_and_sandbox_ribbon(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    session = _session(client, cancel_url="https://shop.example/back")
    page = http.get(_url(session))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "SANDBOX — no real money moves" in html
    assert "Sandbox Business" in html
    assert "Haircut" in html and "Qty 2" in html
    assert "$25.00" in html and "$12.50 each" in html
    for field in ('name="card_number"', 'name="exp"', 'name="cvc"', 'name="name"'):
        assert field in html
    assert 'name="viewport"' in html
    assert "https://shop.example/back" in html
    assert "4242 4242 4242 4242" in html  # the test-card list
    assert "<link" not in html and 'src="http' not in html  # no external assets


def test_jpy_and_kwd_amounts_are_formatted_for_their_currency(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    jpy = _session(
        client,
        line_items=[
            {
                "quantity": 1,
                "price_data": {
                    "currency": "jpy",
                    "unit_amount": 3500,
                    "product_data": {"name": "Cut"},
                },
            }
        ],
    )
    assert "¥3,500" in http.get(_url(jpy)).text
    kwd = _session(
        client,
        line_items=[
            {
                "quantity": 1,
                "price_data": {
                    "currency": "kwd",
                    "unit_amount": 1500,
                    "product_data": {"name": "Cut"},
                },
            }
        ],
    )
    assert "KWD\u00a01.500" in http.get(_url(kwd)).text


def test_successful_payment(client: stripe.StripeClient, http: httpx.Client) -> None:
    session = _session(client, customer_email="ada@example.com")
    r = pay(http, _url(session))  # redirected to success_url; the link now says it is paid
    assert r.status_code == 200
    assert "This payment is complete" in r.text and "$25.00" in r.text
    assert "Visa •••• 4242" in r.text

    done = client.v1.checkout.sessions.retrieve(session.id)
    assert (done.status, done.payment_status, done.url) == ("complete", "paid", None)
    assert isinstance(done.payment_intent, str) and done.payment_intent.startswith("pi_")
    assert done.customer_details is not None
    assert done.customer_details.email == "ada@example.com"
    assert done.customer_details.name == "Ada Lovelace"

    pi = client.v1.payment_intents.retrieve(done.payment_intent)
    assert (pi.status, pi.amount, pi.amount_received, pi.currency) == (
        "succeeded",
        2500,
        2500,
        "usd",
    )
    assert pi.to_dict()["metadata"] == {"booking_id": "bk_1"}
    assert pi.payment_method_types == ["card"]
    assert isinstance(pi.latest_charge, str)

    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert (charge.status, charge.paid, charge.captured, charge.refunded) == (
        "succeeded",
        True,
        True,
        False,
    )
    assert (charge.amount, charge.amount_captured, charge.amount_refunded) == (2500, 2500, 0)
    assert charge.payment_intent == pi.id
    assert charge.outcome is not None and charge.outcome.type == "authorized"
    assert charge.payment_method_details is not None
    card = charge.payment_method_details.card
    assert card is not None and (card.brand, card.last4) == ("visa", "4242")
    assert "refunds" not in charge  # not included by default since 2022-11-15

    assert isinstance(charge.balance_transaction, str)
    txn = client.v1.balance_transactions.retrieve(charge.balance_transaction)
    assert (txn.type, txn.amount, txn.fee, txn.net, txn.source) == (
        "charge",
        2500,
        103,
        2397,
        charge.id,
    )
    assert txn.fee_details[0].amount == 103 and txn.fee_details[0].type == "stripe_fee"

    types = [e.type for e in client.v1.events.list().data]
    assert types == [
        "checkout.session.completed",
        "payment_intent.succeeded",
        "charge.succeeded",
        "payment_intent.created",
    ]
    completed = client.v1.events.list({"type": "checkout.session.completed"}).data[0]
    assert completed.data.object["payment_status"] == "paid"
    assert completed.request is not None and completed.request.id is None


def test_success_url_redirect_and_completed_page(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    session = _session(client, success_url="https://shop.example/ok?cs={CHECKOUT_SESSION_ID}")
    form = with_token(http, _url(session), card_form())
    r = http.post(_url(session), data=form, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"https://shop.example/ok?cs={session.id}"
    again = http.get(_url(session))
    assert again.status_code == 200 and "This payment is complete" in again.text


@pytest.mark.parametrize(
    ("number", "message", "code", "decline_code"),
    [
        ("4000 0000 0000 0002", "Your card was declined.", "card_declined", "generic_decline"),
        (
            "4000000000009995",
            "Your card has insufficient funds.",
            "card_declined",
            "insufficient_funds",
        ),
        ("4000000000009987", "Your card was declined.", "card_declined", "lost_card"),
        ("4000000000000069", "Your card has expired.", "expired_card", "expired_card"),
        (
            "4000000000000127",
            "Your card&#39;s security code is incorrect.",
            "incorrect_cvc",
            "incorrect_cvc",
        ),
        (
            "4000000000000119",
            "An error occurred while processing your card. Try again in a little bit.",
            "processing_error",
            "processing_error",
        ),
    ],
)
def test_declined_cards_leave_the_session_open(
    client: stripe.StripeClient,
    http: httpx.Client,
    number: str,
    message: str,
    code: str,
    decline_code: str,
) -> None:
    session = _session(client)
    r = pay(http, _url(session), number)
    assert r.status_code == 200
    assert message in r.text
    assert 'value="' + number + '"' in r.text  # the form keeps what was typed
    after = client.v1.checkout.sessions.retrieve(session.id)
    assert (after.status, after.payment_status) == ("open", "unpaid")
    assert after.url == session.url
    assert isinstance(after.payment_intent, str)
    pi = client.v1.payment_intents.retrieve(after.payment_intent)
    assert pi.status == "requires_payment_method"
    assert pi.last_payment_error is not None
    assert (pi.last_payment_error.code, pi.last_payment_error.decline_code) == (code, decline_code)
    assert isinstance(pi.latest_charge, str)
    failed = client.v1.charges.retrieve(pi.latest_charge)
    assert (failed.status, failed.paid, failed.failure_code) == ("failed", False, code)
    assert failed.balance_transaction is None
    types = [e.type for e in client.v1.events.list().data]
    assert types == ["payment_intent.payment_failed", "charge.failed", "payment_intent.created"]

    # Another card on the same session reuses the PaymentIntent and succeeds.
    assert pay(http, _url(session)).status_code == 200
    paid = client.v1.checkout.sessions.retrieve(session.id)
    assert paid.status == "complete" and paid.payment_intent == pi.id
    assert client.v1.payment_intents.retrieve(pi.id).latest_charge != failed.id


def test_incorrect_number_and_field_errors_create_nothing(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    session = _session(client)
    r = pay(http, _url(session), "4242 4242 4242 4241")
    assert "Your card number is incorrect." in r.text
    r = pay(http, _url(session), exp="01 / 20")
    assert "expiration year is in the past" in r.text
    r = pay(http, _url(session), cvc="1")
    assert "security code is incomplete" in r.text
    after = client.v1.checkout.sessions.retrieve(session.id)
    assert after.status == "open" and after.payment_intent is None
    assert client.v1.events.list().data == []


def test_unknown_luhn_valid_card_is_declined_as_live_card(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    session = _session(client)
    r = pay(http, _url(session), "4111 1111 1111 1111")
    assert "non test (live) card" in r.text
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"


def test_3ds_complete(client: stripe.StripeClient, http: httpx.Client) -> None:
    session = _session(client)
    r = pay(http, _url(session), "4000 0027 6000 3184")
    assert r.status_code == 200
    assert "Complete authentication" in r.text and "Fail authentication" in r.text
    waiting = client.v1.checkout.sessions.retrieve(session.id)
    assert waiting.status == "open" and isinstance(waiting.payment_intent, str)
    pi = client.v1.payment_intents.retrieve(waiting.payment_intent)
    assert pi.status == "requires_action" and pi.next_action is not None
    # Reloading the page comes back to the challenge.
    assert "Complete authentication" in http.get(_url(session)).text

    answer = with_token(http, _url(session), {"action": "complete"})
    done = http.post(_url(session) + "/authenticate", data=answer)
    assert done.status_code == 303  # on to success_url
    assert done.headers["location"] == f"https://shop.example/thanks?s={session.id}"
    assert client.v1.checkout.sessions.retrieve(session.id).status == "complete"
    pi = client.v1.payment_intents.retrieve(pi.id, params={"expand": ["latest_charge"]})
    assert pi.status == "succeeded"
    charge = pi.latest_charge
    assert isinstance(charge, stripe.Charge)
    assert charge.payment_method_details is not None
    card = charge.payment_method_details.card
    assert card is not None and card.three_d_secure is not None
    assert card.three_d_secure.result == "authenticated"
    # A second answer does nothing more.
    http.post(_url(session) + "/authenticate", data=answer)
    assert len(client.v1.events.list({"type": "charge.succeeded"}).data) == 1


def test_3ds_fail(client: stripe.StripeClient, http: httpx.Client) -> None:
    session = _session(client)
    pay(http, _url(session), "4000002760003184")
    answer = with_token(http, _url(session), {"action": "fail"})
    r = http.post(_url(session) + "/authenticate", data=answer)
    assert r.status_code == 200
    assert "We are unable to authenticate your payment method." in r.text
    after = client.v1.checkout.sessions.retrieve(session.id)
    assert after.status == "open"
    assert isinstance(after.payment_intent, str)
    pi = client.v1.payment_intents.retrieve(after.payment_intent)
    assert pi.status == "requires_payment_method"
    assert pi.last_payment_error is not None
    assert pi.last_payment_error.code == "payment_intent_authentication_failure"
    assert pi.latest_charge is None
    types = [e.type for e in client.v1.events.list().data]
    assert types == [
        "payment_intent.payment_failed",
        "payment_intent.requires_action",
        "payment_intent.created",
    ]


def test_paying_twice_is_impossible(client: stripe.StripeClient, http: httpx.Client) -> None:
    session = _session(client)
    assert pay(http, _url(session)).status_code == 200
    second = pay(http, _url(session))
    assert "This payment is complete" in second.text
    assert len(client.v1.events.list({"type": "charge.succeeded"}).data) == 1


def test_concurrent_payments_charge_once(client: stripe.StripeClient, sandbox_url: str) -> None:
    session = _session(client)
    barrier = threading.Barrier(6)
    texts: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        with httpx.Client(timeout=20.0) as c:
            form = with_token(c, _url(session), card_form())
            barrier.wait()
            r = c.post(_url(session), data=form)
        with lock:
            texts.append("redirected to success_url" if r.status_code == 303 else r.text)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum("redirected to success_url" in t for t in texts) == 1
    assert sum("This payment is complete" in t for t in texts) == 5
    assert len(client.v1.events.list({"type": "charge.succeeded"}).data) == 1
    assert len(client.v1.events.list({"type": "checkout.session.completed"}).data) == 1


def test_expired_and_unknown_pages(client: stripe.StripeClient, http: httpx.Client) -> None:
    session = _session(client, cancel_url="https://shop.example/back")
    client.v1.checkout.sessions.expire(session.id)
    page = http.get(_url(session))
    assert page.status_code == 200 and "This link has expired" in page.text
    paid = pay(http, _url(session))
    assert "This link has expired" in paid.text
    assert client.v1.checkout.sessions.retrieve(session.id).payment_intent is None
    missing = http.get("/c/pay/cs_test_doesnotexist")
    assert missing.status_code == 404 and "Page not found" in missing.text


def test_expiring_after_a_failed_attempt_cancels_the_payment_intent(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    session = _session(client)
    pay(http, _url(session), "4000000000000002")
    expired = client.v1.checkout.sessions.expire(session.id)
    assert isinstance(expired.payment_intent, str)
    pi = client.v1.payment_intents.retrieve(expired.payment_intent)
    assert pi.status == "canceled" and pi.canceled_at is not None
