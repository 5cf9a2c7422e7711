"""Paying a Checkout Session with each test card of the facts sheet.

All sandbox-only: a customer has to pay on the hosted page, which real Stripe serves only
to a browser. The table is the facts sheet's (``stripe-facts.md``, "Test cards"),
not the sandbox's card list, and the codes are read back through the API as the app would.
"""

from __future__ import annotations

import pytest
import stripe

from tests.contract.conftest import Backend
from tests.page_forms import with_token

#: number → (code, decline_code) from the facts sheet; ``None`` code means it succeeds.
FACTS_TEST_CARDS: dict[str, tuple[str | None, str | None]] = {
    "4242 4242 4242 4242": (None, None),
    "4000 0000 0000 0002": ("card_declined", "generic_decline"),
    "4000 0000 0000 9995": ("card_declined", "insufficient_funds"),
    "4000 0000 0000 9987": ("card_declined", "lost_card"),
    "4000 0000 0000 0069": ("expired_card", None),
    "4000 0000 0000 0127": ("incorrect_cvc", None),
    "4000 0000 0000 0119": ("processing_error", None),
    "4242 4242 4242 4241": ("incorrect_number", None),
}
THREE_D_SECURE_CARD = "4000 0027 6000 3184"
#: What Stripe shows for a number failing the Luhn check (caught before any request).
INCORRECT_NUMBER_MESSAGE = "Your card number is incorrect."


def _session_after(backend: Backend, number: str) -> tuple[stripe.checkout.Session, str]:
    session = backend.create_session()
    page = backend.pay_page(session, number)
    assert page.status_code in (200, 303), page.text
    return backend.client.v1.checkout.sessions.retrieve(session.id), page.text


@pytest.mark.parametrize(("number", "expected"), list(FACTS_TEST_CARDS.items()))
def test_test_card(backend: Backend, number: str, expected: tuple[str | None, str | None]) -> None:
    backend.require_sandbox()
    code, decline_code = expected
    session, page = _session_after(backend, number)
    if code is None:
        assert (session.status, session.payment_status) == ("complete", "paid")
        assert isinstance(session.payment_intent, str)
        pi = backend.client.v1.payment_intents.retrieve(session.payment_intent)
        assert pi.status == "succeeded" and pi.last_payment_error is None
        return
    # A declined card leaves the session open: the customer may try another card.
    assert (session.status, session.payment_status) == ("open", "unpaid")
    if code == "incorrect_number":
        # Stripe.js refuses the number before anything reaches Stripe: no PaymentIntent.
        assert INCORRECT_NUMBER_MESSAGE in page
        assert session.payment_intent is None
        return
    assert isinstance(session.payment_intent, str)
    pi = backend.client.v1.payment_intents.retrieve(
        session.payment_intent, {"expand": ["latest_charge"]}
    )
    assert pi.status == "requires_payment_method"
    error = pi.last_payment_error
    assert error is not None and error.type == "card_error"
    assert error.code == code
    if decline_code is not None:
        assert error.decline_code == decline_code
    charge = pi.latest_charge
    assert isinstance(charge, stripe.Charge)
    assert (charge.status, charge.paid, charge.failure_code) == ("failed", False, code)
    assert charge.outcome is not None and charge.outcome.type != "authorized"
    if decline_code is not None:
        assert charge.outcome.reason == decline_code


def test_the_table_is_complete() -> None:
    """Every decline the app explains (messages.py) has a card here, and vice versa."""
    from pos_app.gateway import messages

    codes = {c for c, _ in FACTS_TEST_CARDS.values() if c}
    declines = {d for _, d in FACTS_TEST_CARDS.values() if d}
    assert codes <= set(messages.CARD_MESSAGES)
    assert declines <= set(messages.DECLINE_REASONS)


def test_another_card_after_a_decline_pays_the_same_payment_intent(backend: Backend) -> None:
    backend.require_sandbox()
    session, _ = _session_after(backend, "4000 0000 0000 9995")
    first_pi = session.payment_intent
    assert backend.pay_page(session, "4242 4242 4242 4242").status_code in (200, 303)
    paid = backend.client.v1.checkout.sessions.retrieve(session.id)
    assert (paid.status, paid.payment_intent) == ("complete", first_pi)
    charges = backend.client.v1.events.list({"type": "charge.*", "limit": 100}).data
    mine = [e.type for e in charges if e.data.object.to_dict().get("payment_intent") == first_pi]
    assert mine == ["charge.succeeded", "charge.failed"]


@pytest.mark.parametrize("approve", [True, False])
def test_three_d_secure(backend: Backend, approve: bool) -> None:
    backend.require_sandbox()
    session, _ = _session_after(backend, THREE_D_SECURE_CARD)
    assert session.status == "open" and isinstance(session.payment_intent, str)
    pi = backend.client.v1.payment_intents.retrieve(session.payment_intent)
    assert pi.status == "requires_action" and pi.next_action is not None
    assert backend.page is not None and session.url is not None
    answer = {"action": "complete" if approve else "fail"}
    backend.page.post(
        session.url + "/authenticate", data=with_token(backend.page, session.url, answer)
    )
    after = backend.client.v1.checkout.sessions.retrieve(session.id)
    pi = backend.client.v1.payment_intents.retrieve(session.payment_intent)
    if approve:
        assert (after.status, pi.status) == ("complete", "succeeded")
    else:
        assert (after.status, pi.status) == ("open", "requires_payment_method")
        assert pi.last_payment_error is not None
        assert pi.last_payment_error.code == "payment_intent_authentication_failure"
