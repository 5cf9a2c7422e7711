"""An order's money, kept by ``ledger.recompute`` in the transaction that records the money
(issue 14, docs/orders.md 2.3-2.4): its paid and refunded sums and its status, and, the first
time it is paid in full, its stock taken.

Paid wins: a payment Stripe took is never refused, so taking stock never fails. When another
station sold the last one meanwhile, what is left is taken and the shortfall is written on
the adjustment and in the audit log ("oversold by 1 on order 12"); the CHECK keeps stock ≥ 0.
"""

from __future__ import annotations

import logging
from datetime import datetime

from pos_app.domain.audit import AuditAction, Detail
from pos_app.domain.errors import InvalidStateError
from pos_app.domain.orders import LineKind, Order, SoldLine, money_status
from pos_app.domain.people import SYSTEM_ACTOR
from pos_app.domain.ports import UnitOfWork
from pos_app.domain.products import StockReason
from pos_app.i18n import N_
from pos_app.services import audit
from pos_app.services.audit_words import oversold
from pos_app.services.products import change_stock

log = logging.getLogger(__name__)

# Another station may take stock between our read and our conditional update: read again.
_TRIES = 5


def follow(
    uow: UnitOfWork, order: Order, *, paid: int, refunded: int, given_up: bool, at: datetime
) -> None:
    """Store the order's money and status; take its stock once it is first paid in full."""
    status = money_status(order.total, paid, refunded, given_up=given_up)
    uow.orders.set_money(order.id, paid=paid, refunded=refunded, status=status.value)
    if paid >= order.total:
        # The business day its figures count on is decided by this number (docs/orders.md 4.5).
        uow.orders.mark_paid(order.id, at=at)
    if paid >= order.total and uow.orders.claim_stock(order.id):
        for sold in order.lines:
            if sold.kind is LineKind.PRODUCT:
                _take(uow, order, sold, at)


def restock(uow: UnitOfWork, order: Order, at: datetime) -> None:
    """Put back on the shelf, once, the lines of the order's succeeded refunds marked
    "restock" (docs/orders.md 2.4), in the transaction that records the refund succeeded;
    each change is a stock adjustment with its audit entry."""
    by_position = {sold.position: sold for sold in order.lines}
    for refund_id, back in uow.orders.claim_restock(order.id):
        sold = by_position.get(back.position)
        if sold is None or sold.kind is not LineKind.PRODUCT:
            continue  # a service has no shelf
        change_stock(
            uow,
            sold.item_id,
            back.quantity,
            reason=StockReason.REFUND_RESTOCK,
            actor=SYSTEM_ACTOR,
            at=at,
            note=Detail(
                N_("refund {refund} on order {order}"),
                {"refund": refund_id, "order": _number(order)},
            ),
            order_id=order.id,
        )


def _take(uow: UnitOfWork, order: Order, sold: SoldLine, at: datetime) -> None:
    """Take a paid line's quantity off the shelf, or all that is left (paid wins)."""
    wanted = sold.line.quantity
    number = _number(order)
    for _ in range(_TRIES):
        product = uow.products.get(sold.item_id)
        if product is None or product.stock <= 0:
            break
        taking = min(wanted, product.stock)
        short = wanted - taking
        note = (
            Detail(N_("oversold by {short} on order {order}"), {"short": short, "order": number})
            if short
            else Detail(N_("sold on order {order}"), {"order": number})
        )
        try:
            change_stock(
                uow,
                sold.item_id,
                -taking,
                reason=StockReason.SALE,
                actor=SYSTEM_ACTOR,
                at=at,
                note=note,
                order_id=order.id,
            )
        except InvalidStateError:
            continue  # sold elsewhere meanwhile: read what is left and try again
        if short:
            _oversold(uow, order, sold, short, at)
        return
    _oversold(uow, order, sold, wanted, at)


def _oversold(uow: UnitOfWork, order: Order, sold: SoldLine, short: int, at: datetime) -> None:
    """Never silent: the audit log says how many were sold that the shelf did not hold."""
    detail = oversold(sold.line.quantity, sold.line.name, _number(order), short)
    audit.record(uow, at=at, actor=SYSTEM_ACTOR, action=AuditAction.STOCK_ADJUSTED, detail=detail)
    log.warning("order.oversold order=%s product=%s short=%d", order.id, sold.item_id, short)


def _number(order: Order) -> str:
    """How the app's notes name an order: its number, or its id before it has one."""
    return str(order.number or order.id)
