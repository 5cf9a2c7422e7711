"""The demo day's shop (issue 14): a small shelf and promo codes in every state, seeded
into the demo world (demo.py sells from them), so the products, promo-codes and sell
screens open on the shelf the dashboard's and Z report's sales came from.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from pos_app.domain import locale_format

if TYPE_CHECKING:
    from pos_app.app import AppContext

SHELF = [  # name, SKU, price, stock, tax rate
    ("Argan oil 50 ml", "ARG-050", "18.00", 12, "8.875"),
    ("Shampoo 250 ml", "SHA-250", "12.00", 3, "8.875"),
    ("Styling wax", "WAX-075", "9.50", 20, "8.875"),
    ("Gift card sleeve", "", "1.00", 40, "0"),
]
SHOWN_PRODUCT = "Argan oil 50 ml"  # the products screen edits this one (its stock history)


def seed_demo_products(ctx: AppContext) -> str:
    """A small shelf (one running low, one with a delivery, a count and a breakage); returns
    the id of the product to show. Seeded once: a world that has it returns that id."""
    from pos_app.domain.errors import PosError
    from pos_app.domain.products import StockReason
    from pos_app.services.products import ProductForm

    try:
        return ctx.products.find(SHOWN_PRODUCT).id
    except PosError:
        pass  # not seeded yet
    ids = {}
    for name, sku, price, stock, tax in SHELF:
        with locale_format.ascii_input():  # written "12.00" whatever the screenshot's language
            product = ctx.products.save_product(
                ProductForm(
                    id=None, name=name, price_text=price, currency=ctx.config.currency,
                    stock=stock, sku=sku, tax_rate_text=tax,
                )
            )  # fmt: skip
        ids[name] = product.id
    argan = ids[SHOWN_PRODUCT]
    ctx.products.adjust_stock(argan, 24, StockReason.RECEIVE, "Delivery 4471")
    ctx.products.adjust_stock(argan, -1, StockReason.DAMAGE, "Dropped, bottle broke")
    ctx.products.count_stock(argan, 34, "Monthly count")
    return argan


def seed_demo_promo_codes(ctx: AppContext) -> None:
    """Codes in every state: usable (one with uses taken), ended, and switched off. Seeded
    once: a world that has them is left as it is."""
    from pos_app.domain.money import Money
    from pos_app.services.promo_codes import PromoForm

    if any(c.code == "WELCOME5" for c in ctx.promo_codes.list_codes()):
        return
    today = ctx.promo_codes.today()
    currency = ctx.config.currency
    add = ctx.promo_codes.add_code
    with locale_format.ascii_input():  # written "5.00" whatever the screenshot's language
        add(PromoForm("SUMMER10", currency, percent_text="10", valid_until=today + timedelta(25)))
        add(
            PromoForm(
                "WELCOME5", currency, amount_text="5.00", max_uses=100, min_order_text="20.00"
            )
        )
        add(PromoForm("AUTUMN15", currency, percent_text="15", valid_until=today - timedelta(3)))
        vip = add(PromoForm("VIP20", currency, percent_text="20", max_uses=10))
    for _ in range(3):
        ctx.promo_codes.use("WELCOME5", Money(4500, currency))
    ctx.promo_codes.set_active(vip.id, False)
