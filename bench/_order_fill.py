"""The orders of report_speed.py's shop (issue 14): every booking's order, and walk-in sales.

Since migration 0020 every payment and refund belongs to an order. A booking's order is one
service line at the booking's price, tax 0 % (as migration 0018 makes them), now and then
with a tip the customer added at the desk; a walk-in sale (a few percent of payments) has one
to three retail products with their tax rate, sometimes a promo code or a manual discount,
and often a tip. Their figures come from the app's own pricing (domain/pricing.py), so the
database's checks (``total_adds_up``) hold and the report's order figures (tips, discounts,
tax, by product, by tax rate, tips by staff, promo codes) have something to sum.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from pos_app.domain.money import Money
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import Discount, OrderLine, OrderTotals, Tip, price_order

ORDER_COLS = (
    "id, number, booking_id, customer_name, currency, status, discount_percent, "
    "discount_fixed, promo_code_id, promo_code, tip_percent, tip_fixed, prices_include_tax, "
    "tip_base, subtotal, discount, tax, tip, total, created_at, created_by, created_by_name, "
    "paid_amount, refunded_amount, stock_taken, promo_use_taken, paid_seq, paid_at, "
    "paid_payment_id"
)
LINE_COLS = (
    "order_id, position, kind, product_id, service_id, name, unit_amount, quantity, "
    "tax_rate_thousandths, discount_percent, discount_fixed, line_discount, order_discount, "
    "tax, amount"
)
NUMBER_COLS = "number, order_id"
PRODUCT_COLS = (
    "id, name, sku, price_amount, currency, tax_rate_thousandths, stock, active, created_at"
)
PROMO_COLS = "id, code, percent_thousandths, amount, currency, active, created_at"
# id, name, price, currency, tax rate (thousandths of a percent: 8.875 % NY, 19 % DE)
PRODUCTS = [
    ("prd_shampoo", "Shampoo 250 ml", 1800, "usd", 8875),
    ("prd_wax", "Styling wax", 1200, "usd", 8875),
    ("prd_comb", "Wooden comb", 600, "usd", 8875),
    ("prd_oil", "Beard oil", 2400, "usd", 8875),
    ("prd_spuelung", "Spülung", 1500, "eur", 19000),
    ("prd_buerste", "Bürste", 900, "eur", 7000),
]
# id, code, percent (thousandths) or amount, currency of the amount
PROMOS = [("promo_welcome", "WELCOME10", 10000, None, None),
          ("promo_five", "FIVEOFF", None, 500, "usd")]  # fmt: skip
WALK_IN_SHARE = 0.03  # of the shop's sales
BOOKING_TIP_SHARE = 0.08  # of booking orders: a tip added at the desk


@dataclass
class Sale:
    """One order being made: its figures, and the rows that follow from its payments."""

    id: str
    number: int
    currency: str
    totals: OrderTotals
    booking_id: str | None
    customer: str
    seller: tuple[str, str]  # user id, name
    created_at: str
    discount: tuple[int | None, int | None] = (None, None)  # percent, fixed
    promo: tuple[str | None, str | None] = (None, None)  # id, code
    tip: tuple[int | None, int | None] = (None, None)  # percent, fixed
    lines: list[tuple[Any, ...]] = field(default_factory=list)


def booking_sale(
    rnd: random.Random, seq: int, bid: str, svc: tuple[str, str, int, int, str],
    customer: str, seller: tuple[str, str], created_at: str,
) -> Sale:  # fmt: skip
    """A booking's order: its service at the booking's price, tax 0 %, sometimes a tip."""
    svc_id, name, _minutes, price, currency = svc
    line = OrderLine(name, Money(price, currency), 1)
    tip = (None, None)
    tip_of: Tip | None = None
    if rnd.random() < BOOKING_TIP_SHARE:
        if rnd.random() < 0.5:
            tip = (rnd.choice([10000, 15000, 20000]), None)
            tip_of = Tip(percent=Percent(tip[0]))
        else:
            tip = (None, rnd.choice([200, 500, 1000]))
            tip_of = Tip(amount=Money(tip[1], currency))
    totals = price_order([line], tip=tip_of)
    sale = Sale(f"ord_{seq}", seq, currency, totals, bid, customer, seller, created_at, tip=tip)
    sale.lines.append((sale.id, 1, "service", None, svc_id, name, price, 1, 0, None, None,
                       0, 0, 0, price))  # fmt: skip
    return sale


def walk_in_sale(
    rnd: random.Random, seq: int, customer: str, seller: tuple[str, str], created_at: str
) -> Sale:
    """A walk-in sale of one to three products, sometimes discounted, often tipped."""
    currency = "eur" if rnd.random() < 0.15 else "usd"
    stock = [p for p in PRODUCTS if p[3] == currency]
    chosen = rnd.sample(stock, k=min(len(stock), rnd.choice([1, 1, 2, 3])))
    lines = []
    for _pid, name, price, _cur, rate in chosen:
        qty = 1 if rnd.random() < 0.8 else rnd.randrange(2, 4)
        own = Discount.of_percent(Percent(20000)) if rnd.random() < 0.05 else None
        lines.append(OrderLine(name, Money(price, currency), qty, Percent(rate), own))
    discount: tuple[int | None, int | None] = (None, None)
    promo: tuple[str | None, str | None] = (None, None)
    off: Discount | None = None
    roll = rnd.random()
    if roll < 0.12 and currency == "usd":
        pid, code, percent, amount, _ = PROMOS[0 if roll < 0.08 else 1]
        promo = (pid, code)
        if percent is not None:
            discount = (percent, None)
            off = Discount.of_percent(Percent(percent))
        else:
            assert amount is not None
            discount = (None, amount)
            off = Discount.of_amount(Money(amount, currency))
    elif roll < 0.2:
        discount = (5000, None)
        off = Discount.of_percent(Percent(5000))
    tip: tuple[int | None, int | None] = (None, None)
    tip_of: Tip | None = None
    if rnd.random() < 0.3:
        tip = (rnd.choice([10000, 15000, 20000]), None)
        tip_of = Tip(percent=Percent(tip[0]))
    included = currency == "eur"  # European shelf prices include VAT
    totals = price_order(lines, order_discount=off, tip=tip_of, prices_include_tax=included)
    sale = Sale(f"ord_{seq}", seq, currency, totals, None, customer, seller, created_at,
                discount, promo, tip)  # fmt: skip
    for pos, ((pid, *_), priced) in enumerate(zip(chosen, totals.lines, strict=True), 1):
        own_percent = None
        if priced.line.discount is not None and priced.line.discount.percent is not None:
            own_percent = priced.line.discount.percent.thousandths
        sale.lines.append((
            sale.id, pos, "product", pid, None, priced.line.name, priced.line.unit_amount.amount,
            priced.line.quantity, priced.line.tax_rate.thousandths, own_percent, None,
            priced.line_discount, priced.order_discount, priced.tax, priced.amount(included),
        ))  # fmt: skip
    return sale


def order_row(sale: Sale, paid: int, completed: tuple[str, str, int] | None) -> tuple[Any, ...]:
    """The order's row; ``completed``: the payment that paid it in full (id, paid_at as
    stored, its order number), None while it is still open."""
    t = sale.totals
    return (
        sale.id, sale.number, sale.booking_id, sale.customer, sale.currency,
        "paid" if completed else "open", *sale.discount, *sale.promo, *sale.tip,
        t.tax_included, "before_tax", t.subtotal, t.discount, t.tax, t.tip, t.total,
        sale.created_at, sale.seller[0], sale.seller[1], paid, 0,
        completed is not None and sale.booking_id is None, completed is not None and
        sale.promo[0] is not None,
        completed[2] if completed else None, completed[1] if completed else None,
        completed[0] if completed else None,
    )  # fmt: skip
