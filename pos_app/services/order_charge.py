"""What an order needs before money can move (docs/orders.md 2.4), checked in the
transaction that opens its card link or takes the cash claim:

- its products are on the shelf (checked again: another station may have sold them since the
  order was made); nothing is taken here, that happens when it is paid;
- its promo code's use is counted, once per order (``promo_use_taken``), by a conditional
  UPDATE: two stations racing for the last use cannot both get it, and the one refused hears
  "Promo code X has been used up" before its customer pays anything.
"""

from __future__ import annotations

from pos_app.domain.errors import InvalidStateError
from pos_app.domain.orders import LineKind
from pos_app.domain.payable import Payable
from pos_app.domain.ports import UnitOfWork
from pos_app.domain.products import not_enough
from pos_app.domain.promo import used_up


def before_money(uow: UnitOfWork, payable: Payable) -> None:
    """Check the stock and take the promo use (the caller holds the order's lock and
    commits); InvalidStateError with the sentence, changing nothing, when either fails."""
    order = payable.order
    if payable.paid_amount > 0:
        return  # money has moved already: stock and use were settled by the first payment
    check_stock(uow, payable, lock=False)
    if order.promo_code_id is None or payable.promo_use_taken:
        return
    if uow.promo_codes.take_use(order.promo_code_id) is None:
        code = order.promo_code or ""
        promo = uow.promo_codes.by_code(code)
        raise InvalidStateError(used_up(code, promo.max_uses if promo is not None else 1))
    uow.orders.mark_promo_use(order.id, taken=True)
    payable.promo_use_taken = True


def give_back(uow: UnitOfWork, payable: Payable) -> None:
    """Give the order's promo use back, once, when it is voided unpaid (caller commits)."""
    code_id = payable.order.promo_code_id
    if code_id is not None and uow.orders.mark_promo_use(payable.id, taken=False):
        uow.promo_codes.give_back_use(code_id)
        payable.promo_use_taken = False


def check_stock(uow: UnitOfWork, payable: Payable, *, lock: bool = True) -> None:
    """InvalidStateError naming what is left when a product line wants more than the shelf
    holds. Cash checks it again, ``lock``ing the products (in id order, so two stations never
    wait for each other crosswise), in the transaction that records it and takes the stock:
    of two stations selling the last one for cash, the second waits, then is refused."""
    wanted: dict[str, int] = {}
    for sold in payable.order.lines:
        if sold.kind is LineKind.PRODUCT:
            wanted[sold.item_id] = wanted.get(sold.item_id, 0) + sold.line.quantity
    for product_id, quantity in sorted(wanted.items()):
        product = uow.products.get(product_id, for_update=lock)
        if product is not None and quantity > product.stock:
            raise InvalidStateError(not_enough(product.name, product.stock))
