"""`pos-app sell`: a walk-in sale of products and services, saved as an open order; and
`pos-app add-item`: products or services added to a booking's order before it is paid.

The shape scripts depend on (issue 14)::

    pos-app sell --item "NAME[ xQTY]" [--item …] [--promo CODE | --discount 10% | --discount 5.00]
                 [--tip 3.00 | --tip 15%] [--customer NAME] [--json]
    {"id": "ord_…", "lines": [{"name", "quantity", "unit_amount", "discount", "tax", "amount"}],
     "subtotal", "discount", "tax", "tip", "total", "currency", "status"}

Amounts are integers of minor units. A line's ``amount`` is what the customer pays for it
(its tax included); ``tax`` is part of it. Nothing is charged yet: the order is saved open.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pos_app.cli.output import print_json
from pos_app.domain.errors import ValidationError
from pos_app.i18n import N_, gettext

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import AppContext
    from pos_app.domain.orders import Order

# The flag a refused value came from, named in the sentence.
_FLAG = {"item": "--item", "discount": "--discount", "tip": "--tip"}
ADDED = N_(
    "Added to the booking's order: the booking now costs its total; stock is taken when paid."
)
SAVED_OPEN = N_(
    "Saved as an open order: nothing is charged, and no stock is taken until it is paid."
)
_EACH = N_('a product (name or SKU) or service, e.g. "Shampoo x2"; repeat for more')
_JSON = N_("print one JSON object")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``sell`` on the command line's subcommands."""
    s = sub.add_parser(
        "sell",
        help=gettext("sell products and services to a walk-in customer (saved as an open order)"),
        description=gettext(
            "Each --item is a product's name or SKU, or a service's name (any case), "
            'with an optional quantity: --item "Shampoo x2". Amounts in --json are minor units.'
        ),
    )
    s.add_argument(
        "--item",
        action="append",
        required=True,
        metavar='"NAME[ xQTY]"',
        help=gettext(_EACH),
    )
    g = s.add_mutually_exclusive_group()
    g.add_argument("--promo", metavar="CODE", help=gettext("a promo code"))
    g.add_argument(
        "--discount", metavar="10%|5.00", help=gettext("a percent or an amount off the order")
    )
    s.add_argument("--tip", metavar="15%|3.00", help=gettext("a percent of the order or an amount"))
    s.add_argument("--customer", default="", metavar="NAME", help=gettext("the customer's name"))
    s.add_argument("--json", action="store_true", help=gettext(_JSON))

    s = sub.add_parser(
        "add-item",
        help=gettext("add products or services to a booking's order (before it is paid)"),
        description=gettext(
            "Each --item is a product's name or SKU, or a service's name (any case), "
            'with an optional quantity: --item "Shampoo x2". Refused once the booking is paid '
            "or has an open card link. Amounts in --json are minor units."
        ),
    )
    s.add_argument("booking_id")
    s.add_argument(
        "--item",
        action="append",
        required=True,
        metavar='"NAME[ xQTY]"',
        help=gettext(_EACH),
    )
    s.add_argument("--json", action="store_true", help=gettext(_JSON))


def order_json(order: Order) -> dict[str, Any]:
    """An order as scripts read it (the exact shape above)."""
    return {
        "id": order.id,
        "lines": [
            {
                "name": sold.line.name,
                "quantity": sold.line.quantity,
                "unit_amount": sold.line.unit_amount.amount,
                "discount": sold.discount,
                "tax": sold.tax,
                "amount": sold.amount,
            }
            for sold in order.lines
        ],
        "subtotal": order.subtotal,
        "discount": order.discount,
        "tax": order.tax,
        "tip": order.tip,
        "total": order.total,
        "currency": order.currency,
        "status": order.status.value,
    }


def order_text(order: Order, closing: str = SAVED_OPEN) -> list[str]:
    """An order as the desk reads it: its lines, its figures, its total; ``closing`` is a
    sentence marked with N_ (translated here) or one already in the UI language."""
    m = order.money
    head = {"number": order.number, "id": order.id, "customer": order.customer.name}
    out = [
        gettext("Order {number} ({id}) for {customer}").format(**head)
        if order.customer.name
        else gettext("Order {number} ({id})").format(**head)
    ]
    for sold in order.lines:
        line = sold.line
        what = f"{line.quantity} × {line.name}" if line.quantity > 1 else line.name
        off = f"  (−{m(sold.discount)})" if sold.discount else ""
        out.append(f"  {what:<36} {m(sold.amount)!s:>12}{off}")
    out.append(f"  {gettext('Subtotal'):<36} {m(order.subtotal)!s:>12}")
    if order.discount:
        out.append(f"  {_discount_words(order):<36} {'−' + str(m(order.discount)):>12}")
    if order.tax or order.prices_include_tax:
        label = gettext("Tax (included)") if order.prices_include_tax else gettext("Tax")
        out.append(f"  {label:<36} {m(order.tax)!s:>12}")
    if order.tip:
        out.append(f"  {gettext('Tip'):<36} {m(order.tip)!s:>12}")
    out.append(f"  {gettext('Total'):<36} {m(order.total)!s:>12}")
    out.append(gettext(closing))
    return out


def _discount_words(order: Order) -> str:
    """ "Discount (promo code SAVE10)", "Discount (10% off)" or "Discount (given)"."""
    given = order.order_discount
    if order.promo_code:
        return gettext("Discount (promo code {code})").format(code=order.promo_code)
    if given is None:
        return gettext("Discount (given)")
    off = given.percent if given.percent is not None else given.amount
    return gettext("Discount ({amount} off)").format(amount=off)


def sell(ctx: AppContext, args: argparse.Namespace) -> int:
    """`pos-app sell`."""
    from pos_app.services.orders import SaleItem, SaleRequest

    try:
        request = SaleRequest(
            items=[SaleItem.parse(text) for text in args.item],
            discount_text=args.discount,
            promo_code=args.promo,
            tip_text=args.tip,
            customer_name=args.customer,
        )
        order = ctx.orders.create_walk_in(request)
    except ValidationError as err:
        flag = _FLAG.get(err.field)
        raise ValidationError(err.field, f"{flag}: {err.message}" if flag else err.message) from err
    if args.json:
        print_json(order_json(order))
    else:
        print("\n".join(order_text(order)))
    return 0


def add_item(ctx: AppContext, args: argparse.Namespace) -> int:
    """`pos-app add-item BOOKING_ID --item "NAME[ xQTY]" [--json]`: the order as `sell`
    prints it, with the booking's new total."""
    from pos_app.services.orders import SaleItem

    try:
        items = [SaleItem.parse(text) for text in args.item]
        order = ctx.orders.add_to_booking(args.booking_id, items)
    except ValidationError as err:
        flag = _FLAG.get(err.field)
        raise ValidationError(err.field, f"{flag}: {err.message}" if flag else err.message) from err
    if args.json:
        print_json(order_json(order))
    else:
        print("\n".join(order_text(order, ADDED)))
    return 0
