"""UGX on the wire, as Stripe's currencies page describes it (https://docs.stripe.com/currencies
"Special cases"): zero-decimal for people, but amounts are sent with two decimals that must
be 00 ("to charge 5 UGX, provide an amount value of 500").
"""

from __future__ import annotations

import pytest
import stripe

from tests.contract.conftest import Backend
from tests.contract.forms import one_item

SUCCESS_URL = "https://shop.example/ok?s={CHECKOUT_SESSION_ID}"
UNDER_REAL_MINIMUM = (
    "5 UGX is under a real account's minimum (0.50 USD or the like after conversion): "
    "checked against the sandbox only"
)


@pytest.mark.parametrize("shillings", [5, 5_000])
def test_ugx_is_sent_as_hundredths(backend: Backend, shillings: int) -> None:
    if shillings < 5_000:
        backend.require_sandbox(UNDER_REAL_MINIMUM)
    amount = shillings * 100
    session = backend.create_session(line_items=one_item("ugx", amount), success_url=SUCCESS_URL)
    assert (session.currency, session.amount_total, session.amount_subtotal) == (
        "ugx",
        amount,
        amount,
    )
    items = backend.client.v1.checkout.sessions.line_items.list(session.id)
    price = items.data[0].price
    assert price is not None and price.unit_amount == amount
    backend.client.v1.checkout.sessions.expire(session.id)


@pytest.mark.parametrize("amount", [550, 500_050])
def test_ugx_amounts_not_divisible_by_100_are_refused(backend: Backend, amount: int) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        backend.create_session(line_items=one_item("ugx", amount), success_url=SUCCESS_URL)
    assert err.value.http_status == 400
    if amount >= 500_000:  # above any minimum: the only reason left is the last two digits
        assert "divisible by 100" in str(err.value.user_message)
