"""A split paid by card first: Stripe's page names the card part for what it is, "Card part
of order N", described by the order's lines and total, from the stored order (a link made
again, or a resend, says the same); a booking's part stays its deposit (docs/orders.md 3.3)."""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime, timedelta

from pos_app.app import AppContext
from pos_app.domain.checkout_lines import CheckoutLine
from pos_app.services.bookings import BookingRequest
from pos_app.services.checkout_request import thaw
from pos_app.services.orders import SaleItem, SaleRequest
from pos_app.services.products import ProductForm


def _sale(app: AppContext) -> tuple[str, int | None]:
    app.products.save_product(
        ProductForm(
            id=None, name="Shampoo", price_text="12.00", currency="usd", stock=5,
            tax_rate_text="8.875",
        )
    )  # fmt: skip
    order = app.orders.create_walk_in(SaleRequest([SaleItem("Shampoo", 2), SaleItem("Haircut")]))
    return order.id, order.number


def _stored_lines(app: AppContext, payment_id: str) -> tuple[CheckoutLine, ...]:
    with app.deps.uow() as uow:
        payment = uow.payments.get(payment_id)
    assert payment is not None and payment.checkout_request is not None
    return thaw(payment.checkout_request).lines


def test_the_card_part_of_a_split_is_named_so_on_stripes_page(app: AppContext) -> None:
    order_id, number = _sale(app)
    # 2 × 12.00 + 35.00 = 59.00, tax 8.875 % of 24.00 = 2.13: 61.13. The card part first.
    view = app.checkout.start(order_id, "20.00")
    expected = CheckoutLine(
        f"Card part of order {number}", 2000, "2 × Shampoo, Haircut · order total $61.13"
    )
    assert _stored_lines(app, view.payment_id) == (expected,)
    assert view.session_id is not None and view.url is not None
    listed = app.deps.gateway.list_checkout_line_items(view.session_id)
    assert [(item.name, item.amount_total) for item in listed] == [(expected.name, 2000)]
    # The hosted page shows the name and, under it, the description.
    with urllib.request.urlopen(view.url, timeout=10) as page:
        html = page.read().decode()
    assert expected.name in html and "order total $61.13" in html
    assert "Deposit" not in html
    # A new link for the same part (the desk regenerates it) says the same.
    again = app.checkout.regenerate(view.payment_id)
    assert again.payment_id != view.payment_id
    assert _stored_lines(app, again.payment_id) == (expected,)


def test_after_the_cash_part_the_card_pays_the_balance(app: AppContext) -> None:
    order_id, number = _sale(app)
    app.cash.record(order_id, "20.00")  # cash first
    view = app.checkout.start(order_id)
    (item,) = _stored_lines(app, view.payment_id)
    assert (item.name, item.amount) == (f"Balance of order {number}", 4113)


def test_part_paid_lists_open_walk_in_sales_with_something_paid_only(app: AppContext) -> None:
    first, _ = _sale(app)
    app.cash.record(first, "20.00")
    unpaid = app.orders.create_walk_in(SaleRequest([SaleItem("Haircut")]))
    paid = app.orders.create_walk_in(SaleRequest([SaleItem("Haircut")]))
    app.cash.record(paid.id)
    second = app.orders.create_walk_in(SaleRequest([SaleItem("Shampoo")]))
    app.cash.record(second.id, "5.00")
    # A booking's order with a deposit is the day's to show, not the Sell screen's.
    starts = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=1)
    booking = app.bookings.create(BookingRequest("Ada", "svc_haircut", starts))
    app.cash.record(booking.id, "10.00")
    listed = app.orders.part_paid()
    assert [d.payable.id for d in listed] == [first, second.id]  # oldest first
    assert unpaid.id not in {d.payable.id for d in listed}
    assert (listed[0].payable.paid_amount, listed[0].payable.balance_due.amount) == (2000, 4113)
    assert [p.amount for p in listed[1].payments] == [500]
    assert [d.payable.id for d in app.orders.part_paid(limit=1)] == [first]
