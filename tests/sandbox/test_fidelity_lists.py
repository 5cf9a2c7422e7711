"""Paging a session's line items both ways, as Stripe's list endpoints page."""

from __future__ import annotations

import pytest
import stripe

from tests.contract.forms import one_item
from tests.sandbox.conftest import session_params


def test_line_items_page_both_ways(client: stripe.StripeClient) -> None:
    items = [one_item("usd", 100 * (i + 1))[0] for i in range(3)]
    session = client.v1.checkout.sessions.create(session_params(line_items=items))
    listing = client.v1.checkout.sessions.line_items
    everything = listing.list(session.id)
    ids = [i.id for i in everything.data]
    assert [i.amount_total for i in everything.data] == [100, 200, 300]  # given order
    assert everything.has_more is False

    first = listing.list(session.id, {"limit": 1})
    assert [i.id for i in first.data] == ids[:1] and first.has_more is True
    after = listing.list(session.id, {"limit": 1, "starting_after": ids[0]})
    assert [i.id for i in after.data] == ids[1:2] and after.has_more is True
    before = listing.list(session.id, {"limit": 1, "ending_before": ids[2]})
    assert [i.id for i in before.data] == ids[1:2] and before.has_more is True
    before_all = listing.list(session.id, {"ending_before": ids[2]})
    assert [i.id for i in before_all.data] == ids[:2] and before_all.has_more is False

    with pytest.raises(stripe.InvalidRequestError) as info:
        listing.list(session.id, {"starting_after": ids[0], "ending_before": ids[2]})
    assert info.value.code == "parameters_exclusive"
    with pytest.raises(stripe.InvalidRequestError) as info:
        listing.list(session.id, {"ending_before": "li_nope"})
    assert (info.value.code, info.value.param) == ("resource_missing", "ending_before")
