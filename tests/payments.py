"""Paying through the sandbox's hosted page over HTTP, as a customer's phone would."""

from __future__ import annotations

import httpx

from tests.page_forms import csrf_token
from tests.patient_http import TLS

SUCCESS = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"
#: Stripe's asynchronous refund test cards (https://docs.stripe.com/testing#refunds): the
#: payment succeeds; a refund of it is pending, then succeeded / succeeded, then failed.
REFUND_PENDING_FIRST = "4000 0000 0000 7726"
REFUND_FAILS_LATER = "4000 0000 0000 5126"


def pay(url: str, card: str = SUCCESS, *, exp: str = "12 / 34", cvc: str = "123") -> httpx.Response:
    """Open the hosted page and submit the card form; returns the final response."""
    # A client (its cookies) per payment; the TLS context is shared (tests.patient_http).
    with httpx.Client(follow_redirects=True, timeout=10, verify=TLS) as client:
        page = client.get(url)
        page.raise_for_status()
        form = {"card_number": card, "exp": exp, "cvc": cvc, "name": "Test Customer"}
        return client.post(url, data={**form, "csrf_token": csrf_token(page.text)})
