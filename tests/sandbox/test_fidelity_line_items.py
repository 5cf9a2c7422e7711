"""An order's line items in the sandbox, as Stripe shapes them (``fixtures3.json``'s ``item``)
and as Stripe's hosted page shows them: each product's description under its name.

The fixture's ``item`` carries the product's *name* as its ``description`` ("T-shirt"), its
amounts as integers with ``amount_total = amount_subtotal − amount_discount + amount_tax``,
and an ad-hoc ``price`` with ``unit_amount`` (integer) and ``unit_amount_decimal`` (string).
The product's own description (``product_data.description``) is not on the item: Stripe's
docs say it is "meant to be displayable to the customer", and its page shows it under the
name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import stripe

from tests.sandbox.conftest import auth_headers, session_params

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stripe" / "fixtures3.json"
#: Name, product description (or None) and unit amount of each item sent, quantity 1.
ITEMS = [
    ("2 × Shampoo", "2 × $12.00 · $2.40 off (10%)", 2160),
    ("Haircut", "$3.50 off (10%)", 3150),
    ("Tax 8.875%", None, 192),
    ("Tip", "15%", 797),
]


def _fixture(name: str) -> dict[str, Any]:
    resources: dict[str, dict[str, Any]] = json.loads(FIXTURES.read_text(encoding="utf-8"))[
        "resources"
    ]
    return resources[name]


def _line_items() -> list[dict[str, Any]]:
    items = []
    for name, description, amount in ITEMS:
        product: dict[str, Any] = {"name": name}
        if description is not None:
            product["description"] = description
        items.append(
            {
                "quantity": 1,
                "price_data": {"currency": "usd", "unit_amount": amount, "product_data": product},
            }
        )
    return items


def _session(client: stripe.StripeClient) -> stripe.checkout.Session:
    return client.v1.checkout.sessions.create(session_params(line_items=_line_items()))


def test_listed_items_are_shaped_like_stripes(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    session = _session(client)
    assert session.amount_total == session.amount_subtotal == 6299
    # The wire's JSON, as Stripe sends it (the SDK turns unit_amount_decimal into a Decimal).
    answer = http.get(f"/v1/checkout/sessions/{session.id}/line_items", headers=auth_headers())
    listed: list[dict[str, Any]] = answer.json()["data"]
    fixture = _fixture("item")
    assert isinstance(fixture["description"], str) and fixture["object"] == "item"
    for item, (name, _, amount) in zip(listed, ITEMS, strict=True):
        assert item["object"] == "item" and item["id"].startswith("li_")
        # The product's name, never its description.
        assert item["description"] == name
        assert item["quantity"] == 1 and item["currency"] == "usd"
        assert (item["amount_subtotal"], item["amount_discount"], item["amount_tax"]) == (
            amount,
            0,
            0,
        )
        assert item["amount_total"] == amount
        for key in ("amount_subtotal", "amount_discount", "amount_tax", "amount_total"):
            assert type(item[key]) is type(fixture[key]) is int, key
        price = item["price"]
        assert set(price) == set(fixture["price"])
        assert (price["object"], price["type"], price["currency"]) == ("price", "one_time", "usd")
        assert price["unit_amount"] == amount and price["unit_amount_decimal"] == str(amount)
        assert type(price["unit_amount_decimal"]) is type(fixture["price"]["unit_amount_decimal"])
        assert price["product"].startswith("prod_")
    assert sum(item["amount_total"] for item in listed) == session.amount_total
    # Expanded on the session, the same items.
    expanded = http.get(
        f"/v1/checkout/sessions/{session.id}",
        params={"expand[]": "line_items"},
        headers=auth_headers(),
    )
    assert expanded.json()["line_items"]["data"] == listed
    # What the app reads of them, through the SDK.
    read = client.v1.checkout.sessions.line_items.list(session.id)
    assert [(i.description, i.price.unit_amount) for i in read.data] == [  # type: ignore[union-attr]
        (name, amount) for name, _, amount in ITEMS
    ]


def test_the_page_shows_each_description_under_its_name(
    client: stripe.StripeClient, http: httpx.Client
) -> None:
    session = _session(client)
    assert session.url is not None
    html = http.get(session.url).text
    assert '<div class="name">2 × Shampoo</div>' in html
    assert '<div class="desc">2 × $12.00 · $2.40 off (10%)</div>' in html
    assert '<div class="desc">$3.50 off (10%)</div>' in html
    assert '<div class="desc">15%</div>' in html
    # The tax item has none, and no empty one is drawn.
    assert html.count('<div class="desc">') == 3
    assert html.index("2 × Shampoo") < html.index("$2.40 off") < html.index("Haircut")
    assert "$62.99" in html


def test_a_description_is_text_not_markup(client: stripe.StripeClient, http: httpx.Client) -> None:
    items = [
        {
            "quantity": 1,
            "price_data": {
                "currency": "usd",
                "unit_amount": 500,
                "product_data": {"name": "Gel", "description": "<b>bold</b> & <script>"},
            },
        }
    ]
    session = client.v1.checkout.sessions.create(session_params(line_items=items))
    assert session.url is not None
    html = http.get(session.url).text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in html and "<b>bold" not in html
