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
from pos_app.domain import locale_format as lf
from pos_app.i18n import gettext, ngettext

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import AppContext
    from pos_app.domain.products import Product, StockAdjustment
    from pos_app.domain.promo import PromoCode


def whole_number(text: str) -> int:
    """An argparse type: a whole number of ASCII digits, with an optional minus sign."""
    digits = text.strip().removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
        raise argparse.ArgumentTypeError(
            gettext("{text} is not a whole number").format(text=repr(text))
        )
    return int(text.strip())


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``product`` and ``promo`` on the command line's subcommands."""
    s = sub.add_parser("product", help=gettext("retail products and their stock (managers)"))
    kinds = s.add_subparsers(dest="product_command", metavar="ACTION", required=True)
    k = kinds.add_parser("add", help=gettext("add a product, priced in the business's currency"))
    k.add_argument("name", metavar="NAME")
    k.add_argument("--price", required=True, help=gettext("price, e.g. 12.00"))
    k.add_argument(
        "--stock", type=whole_number, default=0, help=gettext("opening stock (default 0)")
    )
    k.add_argument("--sku", default="", help=gettext("SKU or barcode"))
    k.add_argument(
        "--tax-rate", default="0", help=gettext("tax rate in percent, e.g. 8.875 (default 0)")
    )
    k.add_argument("--json", action="store_true", help=gettext("print one JSON object"))
    k = kinds.add_parser("list", help=gettext("every product, inactive ones too"))
    k.add_argument("--json", action="store_true", help=gettext("print one JSON object"))
    k = kinds.add_parser(
        "stock",
        help=gettext("count (--set) or receive (--add N; a negative N removes damaged stock)"),
    )
    k.add_argument("name", metavar="NAME", help=gettext("the product's name or SKU"))
    g = k.add_mutually_exclusive_group(required=True)
    g.add_argument("--set", type=whole_number, metavar="N", help=gettext("what a count found"))
    g.add_argument(
        "--add", type=whole_number, metavar="N", help=gettext("received (or −N damaged)")
    )
    k.add_argument("--reason", default="", metavar="TEXT", help=gettext("a note for the audit log"))
    k.add_argument("--json", action="store_true", help=gettext("print one JSON object"))

    s = sub.add_parser("promo", help=gettext("promo codes (managers)"))
    kinds = s.add_subparsers(dest="promo_command", metavar="ACTION", required=True)
    k = kinds.add_parser("add", help=gettext("add a promo code"))
    k.add_argument("code", metavar="CODE")
    g = k.add_mutually_exclusive_group(required=True)
    g.add_argument("--percent", help=gettext("percent off the order, e.g. 10"))
    g.add_argument("--amount", help=gettext("amount off the order, e.g. 5.00"))
    k.add_argument(
        "--max-uses", type=whole_number, metavar="N", help=gettext("uses allowed in all")
    )
    k.add_argument(
        "--from", dest="valid_from", metavar="YYYY-MM-DD", help=gettext("first day valid")
    )
    k.add_argument(
        "--until", dest="valid_until", metavar="YYYY-MM-DD", help=gettext("last day valid")
    )
    k.add_argument("--min-order", metavar="AMOUNT", help=gettext("smallest subtotal, e.g. 20.00"))
    k.add_argument("--json", action="store_true", help=gettext("print one JSON object"))


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
        values = {
            "name": made.name,
            "price": made.price,
            "tax": made.tax_rate,
            "stock": lf.number(made.stock),
            "sku": made.sku,
        }
        print(
            gettext("Added {name}: {price}, tax {tax}, {stock} in stock, SKU {sku}.").format(
                **values
            )
            if made.sku
            else gettext("Added {name}: {price}, tax {tax}, {stock} in stock.").format(**values)
        )
    return 0


def _list(ctx: AppContext, args: argparse.Namespace) -> int:
    found = ctx.products.list_products(include_inactive=True)
    if args.json:
        print_json({"products": [product_json(p) for p in found]})
        return 0
    if not found:
        print(gettext("No products yet: add one with `pos-app product add NAME --price 12.00`."))
    for p in found:
        state = "  " + gettext("(inactive)") if not p.active else ""
        low = "  " + gettext("low") if p.active and p.is_low else ""
        stock = gettext("{count} in stock").format(count=f"{lf.number(p.stock):>7}")
        print(f"{p.name:<30} {p.sku or '':<14} {p.price!s:>12} {stock}{low}{state}")
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
        print(
            gettext("{name} already has {count} in stock; nothing changed.").format(
                name=after.name, count=lf.number(after.stock)
            )
        )
    else:
        print(
            gettext("{name}: {reason} {change}, {count} in stock.").format(
                name=after.name,
                reason=done.reason.label,
                change=f"{done.change:+d}",
                count=lf.number(done.stock_after),
            )
        )
    warning = low_stock_warning(after)
    if warning and after.active:
        print(warning)
    return 0


def promo(ctx: AppContext, args: argparse.Namespace) -> int:
    """`pos-app promo add`."""
    from pos_app.services.promo_codes import PromoForm

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
        print(gettext("Added promo code {code}.").format(code=promo_words(made)))
    return 0


def promo_words(promo: PromoCode) -> str:
    """A code and its limits in the UI language: "SUMMER10 (10% off, 100 uses, 1 Jun 2026 – …)".
    (The audit log keeps its own English line, ``services.audit_words.promo_words``.)"""
    discount = promo.discount
    off = discount.percent if discount.percent is not None else discount.amount
    parts = [gettext("{amount} off").format(amount=off)]
    if promo.max_uses is not None:
        parts.append(
            ngettext("{count} use", "{count} uses", promo.max_uses).format(
                count=lf.number(promo.max_uses)
            )
        )
    if promo.valid_from or promo.valid_until:
        start = lf.date_text(promo.valid_from, "date_plain") if promo.valid_from else "…"
        end = lf.date_text(promo.valid_until, "date_plain") if promo.valid_until else "…"
        parts.append(f"{start} – {end}")
    if promo.min_order is not None:
        parts.append(gettext("orders of {amount} or more").format(amount=promo.min_order))
    return f"{promo.code} ({', '.join(parts)})"
