"""Hosted sessions need ``success_url``; ``allowed_payment_method_types`` keeps them card-only.

Run with STRIPE_TEST_SECRET_KEY to check both against Stripe test mode: that settles whether
the pinned API version still refuses a hosted session without ``success_url``
(``pos_app/sandbox/behaviour.py``, SUCCESS_URL_REQUIRED).
"""

from __future__ import annotations

import pytest
import stripe

from tests.contract.conftest import Backend
from tests.contract.forms import session_params


def test_a_hosted_session_without_success_url_is_refused(backend: Backend) -> None:
    params = session_params()
    del params["success_url"]
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.client.v1.checkout.sessions.create(params)  # type: ignore[arg-type]
    err = info.value
    assert err.http_status == 400
    assert (err.code, err.param) == ("parameter_missing", "success_url")
    assert err.user_message == "Missing required param: success_url."


def test_card_only_is_accepted_and_returned(backend: Backend) -> None:
    session = backend.create_session(allowed_payment_method_types=["card"])
    assert session.status == "open"
    assert session.to_dict()["allowed_payment_method_types"] == ["card"]
    assert session.payment_method_types == ["card"]
    again = backend.client.v1.checkout.sessions.retrieve(session.id)
    assert again.to_dict()["allowed_payment_method_types"] == ["card"]


def test_the_old_payment_method_types_parameter_is_unknown(backend: Backend) -> None:
    # Gone from create params under the pinned version: only the new name restricts.
    with pytest.raises(stripe.InvalidRequestError) as info:
        backend.create_session(payment_method_types=["card"])
    assert info.value.code == "parameter_unknown"
    assert info.value.param == "payment_method_types"
