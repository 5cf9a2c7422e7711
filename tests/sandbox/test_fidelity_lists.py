"""Paging a session's line items both ways, as Stripe's list endpoints page."""

from __future__ import annotations

import httpx
import pytest
import stripe

from tests.contract.forms import one_item
from tests.sandbox.conftest import pay, session_params, wait_until


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


# -- charges, refunds and balance transactions (reconciliation reads them by range) -------


def _paid_charges(client: stripe.StripeClient, http: httpx.Client, n: int) -> list[str]:
    """``n`` sessions paid on the hosted page, oldest first; returns their charge ids."""
    charges = []
    for _ in range(n):
        session = client.v1.checkout.sessions.create(session_params())
        assert session.url is not None
        assert pay(http, session.url).status_code in (200, 303)
        paid = client.v1.checkout.sessions.retrieve(session.id)
        assert isinstance(paid.payment_intent, str)
        intent = client.v1.payment_intents.retrieve(paid.payment_intent)
        assert isinstance(intent.latest_charge, str)
        charges.append(intent.latest_charge)
    return charges


def test_charges_and_balance_transactions_page_and_filter(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    ids = _paid_charges(client, http, 3)
    newest_first = list(reversed(ids))
    listed = client.v1.charges.list()
    assert [c.id for c in listed.data] == newest_first and listed.has_more is False
    assert listed.url == "/v1/charges" and listed.object == "list"
    first = client.v1.charges.list({"limit": 2})
    assert [c.id for c in first.data] == newest_first[:2] and first.has_more is True
    rest = client.v1.charges.list({"limit": 2, "starting_after": newest_first[1]})
    assert [c.id for c in rest.data] == newest_first[2:] and rest.has_more is False
    back = client.v1.charges.list({"limit": 1, "ending_before": newest_first[2]})
    assert [c.id for c in back.data] == newest_first[1:2] and back.has_more is True
    walked = [c.id for c in client.v1.charges.list({"limit": 1}).auto_paging_iter()]
    assert walked == newest_first

    created = [client.v1.charges.retrieve(c).created for c in ids]
    since = client.v1.charges.list({"created": {"gte": min(created)}})
    assert [c.id for c in since.data] == newest_first
    assert client.v1.charges.list({"created": {"lt": min(created)}}).data == []
    assert client.v1.charges.list({"created": {"gt": max(created)}}).data == []
    exact = client.v1.charges.list({"created": {"gte": min(created), "lte": max(created)}})
    assert len(exact.data) == 3
    one = client.v1.charges.retrieve(ids[0])
    assert isinstance(one.payment_intent, str)
    by_intent = client.v1.charges.list({"payment_intent": one.payment_intent})
    assert [c.id for c in by_intent.data] == [ids[0]]
    expanded = client.v1.charges.list({"limit": 1, "expand": ["data.balance_transaction"]})
    assert expanded.data[0].balance_transaction.fee > 0  # type: ignore[union-attr]

    txns = client.v1.balance_transactions.list({"created": {"gte": min(created)}, "limit": 100})
    assert [t.source for t in txns.data] == newest_first
    assert all(t.type == "charge" and t.fee > 0 for t in txns.data)
    of_one = client.v1.balance_transactions.list({"source": ids[0]})
    assert [t.source for t in of_one.data] == [ids[0]]
    assert client.v1.balance_transactions.list({"type": "refund"}).data == []
    assert client.v1.balance_transactions.list({"currency": "eur"}).data == []

    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.balance_transactions.list({"payout": "po_1"})
    assert info.value.param == "payout"
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.charges.list({"starting_after": "ch_missing"})
    assert (info.value.code, info.value.param) == ("resource_missing", "starting_after")


def test_refunds_list_by_created_range(client: stripe.StripeClient, http: httpx.Client) -> None:
    (charge_id,) = _paid_charges(client, http, 1)
    refund = client.v1.refunds.create({"charge": charge_id, "amount": 100})
    listed = client.v1.refunds.list({"created": {"gte": refund.created, "lt": refund.created + 1}})
    assert [r.id for r in listed.data] == [refund.id]
    assert client.v1.refunds.list({"created": {"gt": refund.created}}).data == []
    assert wait_until(lambda: client.v1.refunds.retrieve(refund.id).status == "succeeded")
    txns = client.v1.balance_transactions.list({"type": "refund"})
    assert [(t.source, t.amount, t.fee) for t in txns.data] == [(refund.id, -100, 0)]
