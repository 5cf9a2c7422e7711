"""An order's Checkout Session, item by item: ``amount_total`` equals the order's total and
every listed line item's amount equals ours, exactly (docs/orders.md 3.3), in the sandbox
and, with ``STRIPE_TEST_SECRET_KEY``, at Stripe.

The order is made as the desk makes it (``OrderService.create_walk_in`` over a real
database), its request frozen as a payment will freeze it (``checkout_request.freeze_order``)
and sent by the app's own gateway, which then reads the items back from Stripe.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pos_app.app import AppContext
from pos_app.domain.checkout_lines import CheckoutLine, PartKind
from pos_app.domain.gateway_types import CheckoutRequest
from pos_app.domain.orders import Order
from pos_app.domain.pricing import TipBase
from pos_app.gateway.stripe_gateway import StripeGateway
from pos_app.services.checkout_request import freeze_order, thaw
from pos_app.services.context import Policy
from pos_app.services.orders import SaleItem, SaleRequest
from pos_app.services.products import ProductForm
from tests.contract.conftest import Backend

POLICY = Policy(station_id="st_contract", timezone=UTC, success_url="https://shop.example/ok")


def _shop(app: AppContext) -> None:
    """Shampoo $12.00 at 8.875 %, Serum $9.99 at 20 %; Haircut $35.00 (untaxed) is one of
    the demo services every fresh database has."""
    for name, price, rate in (("Shampoo", "12.00", "8.875"), ("Serum", "9.99", "20")):
        app.products.save_product(
            ProductForm(
                id=None, name=name, price_text=price, currency="usd", stock=5, tax_rate_text=rate
            )
        )


def _gateway(backend: Backend) -> StripeGateway:
    return StripeGateway(
        backend.api_key,
        mode="sandbox" if backend.is_sandbox else "test",
        api_base=backend.url,
        max_network_retries=0,
    )


def _request(
    backend: Backend, order: Order, amount: int, part: PartKind = PartKind.DEPOSIT
) -> CheckoutRequest:
    frozen = freeze_order(
        order,
        payment_id=f"pay_{backend.run_id}",
        amount=amount,
        expires_at=datetime.now(UTC) + timedelta(minutes=31),
        policy=POLICY,
        part=part,
    )
    request = thaw(frozen)
    # Tagged like every contract object, to tell it apart in a real account.
    return replace(request, metadata={**request.metadata, "contract_run": backend.run_id})


def _send(backend: Backend, request: CheckoutRequest) -> tuple[int, list[tuple[str, int]]]:
    """Create the session; its ``amount_total``, and each listed item as (name, amount)."""
    gateway = _gateway(backend)
    session = gateway.create_checkout_session(request, idempotency_key=backend.key("order"))
    try:
        items = gateway.list_checkout_line_items(session.id)
    finally:
        gateway.expire_checkout_session(session.id, idempotency_key=backend.key("expire"))
    for item in items:
        # Each item is quantity 1 at its unit amount, with nothing of Stripe's own on it.
        assert (item.quantity, item.currency) == (1, request.currency)
        assert item.amount_subtotal == item.amount_total == item.unit_amount
    assert session.currency == request.currency
    return session.amount_total, [(item.name, item.amount_total) for item in items]


def _pairs(lines: tuple[CheckoutLine, ...]) -> list[tuple[str, int]]:
    return [(line.name, line.amount) for line in lines]


def test_tax_added_discount_and_tip(backend: Backend, app: AppContext) -> None:
    _shop(app)
    order = app.orders.create_walk_in(
        SaleRequest(
            [SaleItem("Shampoo", 2), SaleItem("Haircut")], discount_text="10%", tip_text="15%"
        )
    )
    # 2 × 1200 + 3500 = 5900; 10 % = 590 shared 240 / 350; Shampoo's net 2160 and its tax
    # 191.7 → 192; Haircut 3150; tip 15 % of 5310 = 796.5 → 797. 6299.
    assert order.total == 6299
    request = _request(backend, order, order.total)
    amount_total, listed = _send(backend, request)
    assert amount_total == order.total
    assert (
        listed
        == _pairs(request.lines)
        == [
            ("2 × Shampoo", 2160),
            ("Haircut", 3150),
            ("Tax 8.875%", 192),
            ("Tip", 797),
        ]
    )
    # Our figures: each line's net is its amount less its added tax.
    assert [line.amount - line.tax for line in order.lines] == [2160, 3150]
    assert (order.tax, order.tip) == (192, 797)


def test_prices_including_tax(backend: Backend, app: AppContext) -> None:
    _shop(app)
    app.pricing.save(
        prices_include_tax=True, tip_base=TipBase.BEFORE_TAX, manager_discount_text="20"
    )
    order = app.orders.create_walk_in(
        SaleRequest(
            [SaleItem("Shampoo", 2), SaleItem("Serum")], discount_text="10%", tip_text="10%"
        )
    )
    # 2400 + 999 = 3399; 10 % = 340 shared 240 / 100; nets 2160 (176 tax inside) and 899
    # (150 inside); tip 10 % of 3059 − 326 = 273. 3399 − 340 + 273 = 3332; no tax item.
    assert order.total == 3332
    request = _request(backend, order, order.total)
    amount_total, listed = _send(backend, request)
    assert amount_total == order.total
    assert listed == _pairs(request.lines) == [("2 × Shampoo", 2160), ("Serum", 899), ("Tip", 273)]
    assert [line.amount for line in order.lines] == [2160, 899]


def test_a_deposit_is_one_item_of_the_amount_asked(backend: Backend, app: AppContext) -> None:
    _shop(app)
    order = app.orders.create_walk_in(
        SaleRequest([SaleItem("Shampoo", 2), SaleItem("Haircut")], discount_text="10%")
    )
    request = _request(backend, order, 2000, PartKind.DEPOSIT)
    amount_total, listed = _send(backend, request)
    assert amount_total == 2000
    assert listed == [(f"Deposit for order {order.number}", 2000)]
