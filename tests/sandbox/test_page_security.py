"""The sandbox's own pages: no framing, a CSP with per-response nonces, CSRF on every POST
(issue 11 item 12). The API and Stripe's behaviour are untouched; these are the pages a
phone on the LAN opens."""

from __future__ import annotations

import re

import httpx
import pytest
import stripe

from pos_app.sandbox.page_security import CSRF_COOKIE
from tests.page_forms import csrf_token
from tests.sandbox.conftest import card_form, pay, session_params, with_token

THREE_D_SECURE = "4000 0027 6000 3184"


def _session(client: stripe.StripeClient, **overrides: object) -> stripe.checkout.Session:
    return client.v1.checkout.sessions.create(session_params(**overrides))


def _url(session: stripe.checkout.Session) -> str:
    assert session.url is not None
    return session.url


def _csp(response: httpx.Response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    parts = [p.strip().split(None, 1) for p in policy.split(";") if p.strip()]
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


def _assert_locked_down(response: httpx.Response) -> None:
    """Headers and markup of one page: nothing framed, nothing inline without the nonce."""
    assert response.headers["x-frame-options"] == "DENY"
    csp = _csp(response)
    assert csp["frame-ancestors"] == "'none'"
    assert csp["default-src"] == "'self'"
    nonce = re.fullmatch(r"'nonce-([A-Za-z0-9_-]{16,})'", csp["script-src"])
    assert nonce is not None, csp["script-src"]
    assert csp["style-src"] == csp["script-src"]
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    html = response.text
    tags = re.findall(r"<(script|style)\b([^>]*)>", html)
    assert tags, "every page has at least its stylesheet"
    for name, attrs in tags:
        assert f'nonce="{nonce.group(1)}"' in attrs, f"<{name}> without this response's nonce"
    # Inline style attributes and event handlers cannot carry a nonce: there are none.
    assert not re.search(r"\sstyle\s*=", html)
    assert not re.search(r"\son[a-z]+\s*=", html)


def test_every_page_is_unframeable_and_runs_only_nonced_code(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    session = _session(client, cancel_url="https://shop.example/back")
    form_page = http.get(_url(session))
    _assert_locked_down(form_page)
    assert "<script" in form_page.text
    challenge = pay(http, _url(_session(client)), THREE_D_SECURE)
    assert "Complete authentication" in challenge.text
    _assert_locked_down(challenge)
    expired = _session(client)
    client.v1.checkout.sessions.expire(expired.id)
    _assert_locked_down(http.get(_url(expired)))
    _assert_locked_down(http.get("/c/pay/cs_test_doesnotexist"))
    _assert_locked_down(http.get("/c/thanks?left=1"))
    # A fresh nonce each time: one leaked from a page is no good on the next.
    assert _csp(http.get(_url(session)))["script-src"] != _csp(form_page)["script-src"]


def test_the_csrf_cookie_is_strict_and_scripts_cannot_read_it(
    client: stripe.StripeClient, sandbox_url: str
) -> None:
    session = _session(client)
    with httpx.Client() as browser:
        page = browser.get(_url(session))
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=")
    attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/c/"} <= attributes


@pytest.mark.parametrize("tamper", ["no_token", "no_cookie", "other_browser", "other_session"])
def test_a_card_form_post_without_this_browsers_token_is_refused_and_changes_nothing(
    client: stripe.StripeClient, sandbox_url: str, tamper: str
) -> None:
    session = _session(client)
    other = _session(client)
    with httpx.Client(base_url=sandbox_url, timeout=10) as browser:
        form = with_token(browser, _url(session), card_form())
        if tamper == "no_token":
            del form["csrf_token"]
        elif tamper == "no_cookie":
            browser.cookies.clear()
        elif tamper == "other_browser":
            with httpx.Client(timeout=10) as attacker:
                form["csrf_token"] = csrf_token(attacker.get(_url(session)).text)
        elif tamper == "other_session":
            form["csrf_token"] = csrf_token(browser.get(_url(other)).text)
        refused = browser.post(_url(session), data=form, follow_redirects=False)
    assert refused.status_code == 403
    assert "Reload the payment page" in refused.text
    _assert_locked_down(refused)
    after = client.v1.checkout.sessions.retrieve(session.id)
    assert (after.status, after.payment_intent) == ("open", None)
    assert client.v1.events.list({"type": "charge.*"}).data == []


def test_the_3ds_answer_needs_the_token_too(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    session = _session(client)
    pay(http, _url(session), THREE_D_SECURE)
    refused = http.post(_url(session) + "/authenticate", data={"action": "complete"})
    assert refused.status_code == 403
    waiting = client.v1.checkout.sessions.retrieve(session.id)
    assert waiting.status == "open" and isinstance(waiting.payment_intent, str)
    assert client.v1.payment_intents.retrieve(waiting.payment_intent).status == "requires_action"
    answer = with_token(http, _url(session), {"action": "complete"})
    done = http.post(_url(session) + "/authenticate", data=answer, follow_redirects=False)
    assert done.status_code == 303
    assert client.v1.checkout.sessions.retrieve(session.id).status == "complete"


def test_the_forms_carry_the_token_a_browser_sends_back(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    session = _session(client)
    html = http.get(_url(session)).text
    token = csrf_token(html)
    # Inside the card form itself, as a hidden field: a browser posts it with the card.
    form = re.search(r'<form method="post"[^>]*id="pay-form".*?</form>', html, re.S)
    assert form is not None
    assert f'<input type="hidden" name="csrf_token" value="{token}">' in form.group(0)
    challenge = pay(http, _url(_session(client)), THREE_D_SECURE).text
    form = re.search(r"<form method=\"post\".*?</form>", challenge, re.S)
    assert form is not None
    assert f'name="csrf_token" value="{csrf_token(challenge)}"' in form.group(0)
