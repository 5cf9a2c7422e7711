"""`pos-app product add|list|stock` and `pos-app promo add`: the shop's products and codes.

Shapes scripts depend on (issue 14): amounts are integers of minor units; a tax rate or a
percent is a string holding the exact decimal ("8.875"), since a JSON number becomes a
binary float in most readers (7.1 is not 7.1 there) and the rate is an exact figure.
Products and codes are priced in the business's currency (Settings ▸ Business).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pos_app.cli.input import parse_date
from pos_app.cli.output import print_json

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import AppContext
    from pos_app.domain.products import Product, StockAdjustment
    from pos_app.domain.promo import PromoCode


def whole_number(text: str) -> int:
    """An argparse type: a whole number of ASCII digits, with an optional minus sign."""
    digits = text.strip().removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(text.strip())


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``product`` and ``promo`` on the command line's subcommands."""
    s = sub.add_parser("product", help="retail products and their stock (managers)")
    kinds = s.add_subparsers(dest="product_command", metavar="ACTION", required=True)
    k = kinds.add_parser("add", help="add a product, priced in the business's currency")
    k.add_argument("name", metavar="NAME")
    k.add_argument("--price", required=True, help="price, e.g. 12.00")
    k.add_argument("--stock", type=whole_number, default=0, help="opening stock (default 0)")
    k.add_argument("--sku", default="", help="SKU or barcode")
    k.add_argument("--tax-rate", default="0", help="tax rate in percent, e.g. 8.875 (default 0)")
    k.add_argument("--json", action="store_true", help="print one JSON object")
    k = kinds.add_parser("list", help="every product, inactive ones too")
    k.add_argument("--json", action="store_true", help="print one JSON object")
    k = kinds.add_parser(
        "stock",
        help="count (--set) or receive (--add N; a negative N removes damaged stock)",
    )
    k.add_argument("name", metavar="NAME", help="the product's name or SKU")
    g = k.add_mutually_exclusive_group(required=True)
    g.add_argument("--set", type=whole_number, metavar="N", help="what a count found")
    g.add_argument("--add", type=whole_number, metavar="N", help="received (or −N damaged)")
    k.add_argument("--reason", default="", metavar="TEXT", help="a note for the audit log")
    k.add_argument("--json", action="store_true", help="print one JSON object")

    s = sub.add_parser("promo", help="promo codes (managers)")
    kinds = s.add_subparsers(dest="promo_command", metavar="ACTION", required=True)
    k = kinds.add_parser("add", help="add a promo code")
    k.add_argument("code", metavar="CODE")
    g = k.add_mutually_exclusive_group(required=True)
    g.add_argument("--percent", help="percent off the order, e.g. 10")
    g.add_argument("--amount", help="amount off the order, e.g. 5.00")
    k.add_argument("--max-uses", type=whole_number, metavar="N", help="uses allowed in all")
    k.add_argument("--from", dest="valid_from", metavar="YYYY-MM-DD", help="first day valid")
    k.add_argument("--until", dest="valid_until", metavar="YYYY-MM-DD", help="last day valid")
    k.add_argument("--min-order", metavar="AMOUNT", help="smallest subtotal, e.g. 20.00")
    k.add_argument("--json", action="store_true", help="print one JSON object")


def product_json(product: Product) -> dict[str, Any]:
    """A product as scripts read it."""
    return {
        "id": product.id,
        "name": product.name,
        "sku": product.sku,
        "price": product.price.amount,
        "currency": product.price.currency,
        "stock": product.stock,
        "tax_rate": product.tax_rate.plain(),
        "active": product.active,
    }


def adjustment_json(adjustment: StockAdjustment) -> dict[str, Any]:
    """A stock adjustment as scripts read it."""
    return {
        "seq": adjustment.seq,
        "change": adjustment.change,
        "stock_after": adjustment.stock_after,
        "reason": adjustment.reason.value,
        "note": adjustment.note,
    }


def promo_json(promo: PromoCode) -> dict[str, Any]:
    """A promo code as scripts read it."""
    discount, minimum = promo.discount, promo.min_order
    priced = discount.amount or minimum
    return {
        "id": promo.id,
        "code": promo.code,
        "percent": None if discount.percent is None else discount.percent.plain(),
        "amount": None if discount.amount is None else discount.amount.amount,
        "currency": None if priced is None else priced.currency,
        "max_uses": promo.max_uses,
        "uses": promo.uses,
        "valid_from": None if promo.valid_from is None else promo.valid_from.isoformat(),
        "valid_until": None if promo.valid_until is None else promo.valid_until.isoformat(),
        "min_order": None if minimum is None else minimum.amount,
        "active": promo.active,
    }


def product(ctx: AppContext, args: argparse.Namespace) -> int:
    """`pos-app product add|list|stock`."""
    if args.product_command == "add":
        return _add(ctx, args)
    if args.product_command == "list":
        return _list(ctx, args)
    return _stock(ctx, args)


def _add(ctx: AppContext, args: argparse.Namespace) -> int:
    from pos_app.services.products import ProductForm

    made = ctx.products.save_product(
        ProductForm(
            id=None,
            name=args.name,
            price_text=args.price,
            currency=ctx.config.currency,
            stock=args.stock,
            sku=args.sku,
            tax_rate_text=args.tax_rate,
        )
    )
    if args.json:
        print_json(product_json(made))
    else:
        sku = f", SKU {made.sku}" if made.sku else ""
        print(f"Added {made.name}: {made.price}, tax {made.tax_rate}, {made.stock} in stock{sku}.")
    return 0


def _list(ctx: AppContext, args: argparse.Namespace) -> int:
    found = ctx.products.list_products(include_inactive=True)
    if args.json:
        print_json({"products": [product_json(p) for p in found]})
        return 0
    if not found:
        print("No products yet: add one with `pos-app product add NAME --price 12.00`.")
    for p in found:
        state = "" if p.active else "  (inactive)"
        low = "  low" if p.active and p.is_low else ""
        print(f"{p.name:<30} {p.sku or '':<14} {p.price!s:>12} {p.stock:>7} in stock{low}{state}")
    return 0


def _stock(ctx: AppContext, args: argparse.Namespace) -> int:
    from pos_app.domain.products import StockReason, low_stock_warning

    found = ctx.products.find(args.name)
    if args.set is not None:
        done = ctx.products.count_stock(found.id, args.set, args.reason)
    else:
        reason = StockReason.RECEIVE if args.add > 0 else StockReason.DAMAGE
        done = ctx.products.adjust_stock(found.id, args.add, reason, args.reason)
    after = ctx.products.find(found.id)
    if args.json:
        print_json(
            {
                "product": product_json(after),
                "adjustment": None if done is None else adjustment_json(done),
            }
        )
        return 0
    if done is None:
        print(f"{after.name} already has {after.stock} in stock; nothing changed.")
    else:
        print(f"{after.name}: {done.reason.label} {done.change:+d}, {done.stock_after} in stock.")
    warning = low_stock_warning(after)
    if warning and after.active:
        print(warning)
    return 0


def promo(ctx: AppContext, args: argparse.Namespace) -> int:
    """`pos-app promo add`."""
    from pos_app.services.promo_codes import PromoForm, describe

    made = ctx.promo_codes.add_code(
        PromoForm(
            code=args.code,
            currency=ctx.config.currency,
            percent_text=args.percent,
            amount_text=args.amount,
            max_uses=args.max_uses,
            valid_from=parse_date(args.valid_from, "valid_from") if args.valid_from else None,
            valid_until=parse_date(args.valid_until, "valid_until") if args.valid_until else None,
            min_order_text=args.min_order,
        )
    )
    if args.json:
        print_json(promo_json(made))
    else:
        print(f"Added promo code {describe(made)}.")
    return 0
