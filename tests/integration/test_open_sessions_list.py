"""The full sync pass's list of open Checkout Sessions, against the sandbox (issue 12).

Each listed session must be the very snapshot a retrieve with the PaymentIntent expanded
gives (the pass applies it in that read's place), a declined attempt included; a paid
session is not on the list (its link is read alone); pages follow one another.
"""

from __future__ import annotations

import pytest

from pos_app.app import AppContext
from pos_app.gateway import stripe_gateway
from tests.integration.helpers import book
from tests.payments import DECLINED, pay


def test_open_sessions_are_listed_as_each_is_read(
    app: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stripe_gateway, "OPEN_SESSIONS_PAGE", 1)  # a page per session
    declined = app.checkout.start(book(app, name="Declined Card").id)
    assert declined.url and declined.session_id
    pay(declined.url, DECLINED)  # the session stays open for another card
    paid = app.checkout.start(book(app, name="Paid Card").id)
    assert paid.url
    pay(paid.url)
    plain = app.checkout.start(book(app, name="Not Paid Yet").id)
    gateway = app.deps.gateway

    listed = list(gateway.open_checkout_sessions(pages=2))

    assert [s.id for s in listed] == [plain.session_id, declined.session_id]  # newest first
    for session in listed:
        assert session == gateway.retrieve_checkout_session(session.id, with_last_attempt=True)
    assert listed[1].last_payment_error is not None
    assert listed[1].last_payment_error.code == "card_declined"
    assert len(list(gateway.open_checkout_sessions(pages=1))) == 1  # no more than ``pages``
