"""A request without a key is refused for that before anything about its body is judged.

The sandbox now checks the key before it reads a POST's body (issue 11 item 8: a huge
unauthenticated POST must cost nothing). This pins that order to Stripe's: with no key
and a body Stripe would refuse on its own (an unknown parameter), the answer is the 401.
"""

from __future__ import annotations

import httpx

from tests.contract.conftest import Backend

STRIPE_API = "https://api.stripe.com"


def test_no_key_is_answered_401_whatever_the_body(backend: Backend) -> None:
    base = backend.url or STRIPE_API
    response = httpx.post(
        f"{base}/v1/checkout/sessions",
        content=b"not_a_parameter_stripe_knows=1&mode=nonsense",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=20,
    )
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["message"].startswith("You did not provide an API key.")
