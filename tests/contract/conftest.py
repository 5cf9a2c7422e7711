"""The contract suite's backends: the sandbox always, real Stripe test mode when a key is set.

Every scenario takes the ``backend`` fixture and runs once per backend. Against real Stripe
(``STRIPE_TEST_SECRET_KEY=sk_test_...``) the same assertions hold, which is what makes the
sandbox's answers a contract rather than a guess; scenarios that need a customer to pay on
the hosted page, or that would misuse a real account, skip there and say why.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import pytest
import stripe

from pos_app.gateway.backoff import BackoffHTTPClient
from pos_app.sandbox.runner import SandboxHandle
from tests.contract.forms import one_item, session_params
from tests.page_forms import with_token

T = TypeVar("T")

KEY_ENV = "STRIPE_TEST_SECRET_KEY"
NO_KEY_REASON = f"{KEY_ENV} not set: contract checked against the sandbox only"
NEEDS_PAYMENT = (
    "needs a customer to pay on the hosted Checkout page, which real Stripe only serves "
    "to a browser: checked against the sandbox only"
)
SANDBOX_KEY = "sk_test_contract_suite"
#: An expiry for the hosted page's "MM / YY" field that is always in the future.
GOOD_EXP = f"12 / {(time.gmtime().tm_year + 3) % 100:02d}"


@dataclass
class Backend:
    """Where the scenarios run, and how to do what only a customer could do."""

    name: str
    client: stripe.StripeClient
    api_key: str
    #: The API's base address; ``None`` for api.stripe.com.
    url: str | None = None
    page: httpx.Client | None = None
    #: Objects created here, to tag and tell apart from the rest of a real account.
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    @property
    def is_sandbox(self) -> bool:
        return self.name == "sandbox"

    def require_sandbox(self, reason: str = NEEDS_PAYMENT) -> None:
        if not self.is_sandbox:
            pytest.skip(reason)

    def key(self, label: str) -> str:
        """A fresh idempotency key."""
        return f"contract-{self.run_id}-{label}-{uuid.uuid4().hex[:8]}"

    def create_session(self, **overrides: Any) -> stripe.checkout.Session:
        params = session_params(**overrides)
        params["metadata"] = {**params["metadata"], "contract_run": self.run_id}
        return self.client.v1.checkout.sessions.create(params)  # type: ignore[arg-type]

    def pay_page(self, session: stripe.checkout.Session, number: str) -> httpx.Response:
        """Submit the sandbox's hosted card form as a customer would."""
        assert self.page is not None and session.url is not None
        form = {"card_number": number, "exp": GOOD_EXP, "cvc": "123", "name": "Ada Lovelace"}
        return self.page.post(
            session.url, data=with_token(self.page, session.url, form), follow_redirects=False
        )

    def paid_payment_intent(self, amount: int = 2145, currency: str = "usd") -> str:
        """A succeeded PaymentIntent: paid through Checkout in the sandbox; on real Stripe,
        confirmed directly with the ``pm_card_visa`` test method (no browser there)."""
        metadata = {"booking_id": "bk_contract", "contract_run": self.run_id}
        if self.is_sandbox:
            session = self.create_session(
                line_items=one_item(currency, amount),
                payment_intent_data={"metadata": metadata},
            )
            assert self.pay_page(session, "4242 4242 4242 4242").status_code in (200, 303)
            pi = self.client.v1.checkout.sessions.retrieve(session.id).payment_intent
            assert isinstance(pi, str)
            return pi
        created = self.client.v1.payment_intents.create(
            {
                "amount": amount,
                "currency": currency,
                "payment_method": "pm_card_visa",
                "confirm": True,
                "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
                "metadata": metadata,
            }
        )
        assert created.status == "succeeded"
        return created.id


def eventually(read: Callable[[], T], done: Callable[[T], bool], timeout: float = 15.0) -> T:
    """Poll ``read`` until ``done`` holds for its result (events and refunds settle async)."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def make_client(key: str, url: str | None) -> stripe.StripeClient:
    """A client configured like the app's: zero SDK retries, but a 429 (Stripe's 25
    requests/s in test mode, which the sandbox applies too) is waited out and resent."""
    return stripe.StripeClient(
        key,
        base_addresses={"api": url} if url else None,  # type: ignore[arg-type]
        http_client=BackoffHTTPClient(allow_sync_methods=True),
        max_network_retries=0,
    )


def plain_client(key: str, url: str | None) -> stripe.StripeClient:
    """Zero retries and no waiting: every 429 surfaces."""
    return stripe.StripeClient(
        key,
        base_addresses={"api": url} if url else None,  # type: ignore[arg-type]
        http_client=stripe.HTTPXClient(allow_sync_methods=True),
        max_network_retries=0,
    )


@pytest.fixture(params=["sandbox", "stripe"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "stripe":
        key = os.environ.get(KEY_ENV)
        if not key:
            pytest.skip(NO_KEY_REASON)
        if not key.startswith("sk_test_"):
            pytest.fail(f"{KEY_ENV} must be a test-mode secret key (sk_test_...)")
        yield Backend("stripe", make_client(key, None), key)
        return
    handle: SandboxHandle = request.getfixturevalue("sandbox")
    with httpx.Client(timeout=10) as page:
        yield Backend(
            "sandbox", make_client(SANDBOX_KEY, handle.url), SANDBOX_KEY, handle.url, page
        )
