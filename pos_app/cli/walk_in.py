"""Money commands on a walk-in order (issue 14): `charge`, `pay-cash`, `refund` and `status`
take an ``ord_…`` id as well as a booking id (a booking's order id means its booking, shown
as before), and `pos-app void ORDER_ID [--json]` voids an unpaid walk-in sale.

A walk-in order's JSON, for `status`, `pay-cash` and `refund` (amounts in minor units)::

    {"id": "ord_…", "number", "booking_id": null, "customer_name", "currency", "status",
     "total", "paid", "refunded", "balance_due", "overpaid_amount", "lines": [...],
     "payments": [...], "refunds": [...]}

``status`` is the order's (``open``, ``paid``, ``partially_refunded``, ``refunded``,
``void``), or ``overpaid`` while it keeps more than its total (``overpaid_amount``, owed
back: `refund ORDER_ID --excess`), as a booking shows it; `pay-cash` adds ``"payment"`` and
`refund` ``"refund"``, as for a booking.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pos_app.cli.output import print_json
from pos_app.cli.sell import order_json, order_text
from pos_app.i18n import gettext

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import AppContext
    from pos_app.domain.payment import Payment, Refund
    from pos_app.services.orders import OrderMoneyDetail

ORDER_PREFIX = "ord_"


def is_walk_in(payable_id: str) -> bool:
    """Whether the id (after a booking's order id was turned into its booking) is an order's."""
    return payable_id.strip().startswith(ORDER_PREFIX)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``void`` on the command line's subcommands."""
    s = sub.add_parser(
        "void",
        help=gettext(
            "void a walk-in order nothing was paid for (its promo code's use is given back)"
        ),
    )
    s.add_argument("order_id")
    s.add_argument("--json", action="store_true", help=gettext("print one JSON object"))


def money_json(detail: OrderMoneyDetail) -> dict[str, Any]:
    """A walk-in order with its money, payments and refunds (the shape above)."""
    from pos_app.cli.shapes import payment_json, refund_json  # loads the services: lazily

    p = detail.payable
    order = order_json(p.order)
    order.update(
        {
            "number": p.order.number,
            "booking_id": p.booking_id,
            "customer_name": p.customer_name,
            "status": _status(detail),
            "paid": p.paid_amount,
            "refunded": p.refunded_amount,
            "balance_due": p.balance_due.amount,
            "overpaid_amount": p.overpaid.amount,  # owed back; 0 unless overpaid
            "payments": [payment_json(x) for x in detail.payments],
            "refunds": [refund_json(r) for r in detail.refunds],
        }
    )
    return order


def _status(detail: OrderMoneyDetail) -> str:
    from pos_app.domain.orders import money_status

    p = detail.payable
    if p.voided:
        return "void"
    if p.overpaid.amount > 0:  # before the rest, as derive_status puts it for a booking
        return "overpaid"
    return money_status(p.price_amount, p.paid_amount, p.refunded_amount, given_up=False).value


def headline(detail: OrderMoneyDetail) -> str:
    """One line for the desk: "Order 12  Ada  $62.99  paid  paid $62.99  refunded $0.00"."""
    p = detail.payable
    # The status stays the word --json gives (open, paid, void…): what support looks up.
    return gettext(
        "{order}  {customer}  {total}  {status}  paid {paid}  refunded {refunded}"
    ).format(
        order=p.title,
        customer=p.customer_name or gettext("walk-in"),
        total=p.order.money(p.price_amount),
        status=_status(detail),
        paid=p.order.money(p.paid_amount),
        refunded=p.order.money(p.refunded_amount),
    ) + (
        "  " + gettext("overpaid by {amount} (refund --excess)").format(amount=p.overpaid)
        if p.overpaid.amount > 0
        else ""
    )


def payment_line(x: Payment) -> str:
    """A payment under a booking's or an order's headline; the method and status are the
    words --json gives (card, succeeded…), as Stripe's Dashboard and support name them."""
    return gettext("payment {id}  {method}  {amount}  {status}  {session}").format(
        id=x.id,
        method=x.method.value,
        amount=x.money,
        status=x.status.value,
        session=x.stripe_session_id or "",
    )


def refund_line(r: Refund) -> str:
    """A refund under a booking's or an order's headline (its status as --json gives it)."""
    return gettext("refund {id}  {amount}  {status}  {stripe_id}").format(
        id=r.id, amount=r.money, status=r.status.value, stripe_id=r.stripe_refund_id or ""
    )


def status(ctx: AppContext, order_id: str, as_json: bool) -> int:
    """`status ORDER_ID`: the order's money after re-reading what Stripe may still change."""
    detail = ctx.orders.money(order_id)
    if as_json:
        print_json(money_json(detail))
        return 0
    print(headline(detail))
    for x in detail.payments:
        print("  " + payment_line(x))
    for r in detail.refunds:
        print("  " + refund_line(r))
    return 0


def void(ctx: AppContext, args: argparse.Namespace) -> int:
    """`void ORDER_ID`: the sale is cancelled before any money moved."""
    order = ctx.orders.void(args.order_id)
    if args.json:
        print_json(money_json(ctx.orders.money(order.id)))
    else:
        voided = gettext("Order {number} voided: nothing was charged.").format(number=order.number)
        print("\n".join(order_text(order, voided)))
    return 0
