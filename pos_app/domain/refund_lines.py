"""Refunding lines of an order (issue 14, docs/orders.md 2.4): "refund 1 of 2 × Shampoo, put
it back on the shelf". What each part costs is the line's own figure shared by quantity
(``line_share``: the parts always add up to the line exactly), so a line's discount and tax
go back with it; the tip is never refunded by line.
"""

from __future__ import annotations

from collections.abc import Sequence

from pos_app.domain.errors import InvalidStateError, ValidationError
from pos_app.domain.orders import LineKind, Order
from pos_app.domain.payable import RefundLine, line_share
from pos_app.domain.text import bounded
from pos_app.i18n import gettext


def no_such_line(name: str, number: int | None) -> str:
    """The refusal for an item the order does not hold."""
    return f"Order {number} has no line {bounded(name, 60)!r}; check the receipt."


def too_many(name: str, left: int) -> str:
    """The refusal for more of a line than is left to refund."""
    if left <= 0:
        return f"Every {name} on this order has been refunded already."
    return f"Only {left} × {name} left to refund on this order."


def lines_to_refund(
    order: Order,
    asked: Sequence[tuple[str, int]],
    already: dict[int, int],
    *,
    restock: bool,
) -> tuple[int, list[RefundLine]]:
    """The amount to refund for ``asked`` (name, quantity) of the order's lines, and the
    refund's lines, given how many of each line (by position) ``already`` went back.

    A name matches a line's name in any case; a name on several lines takes from the first
    with some left. ``restock`` puts products back on the shelf (a service has none).
    ValidationError or InvalidStateError, with the sentence, when it cannot.
    """
    if not asked:
        raise ValidationError("item", gettext('Name the items to refund, like "Shampoo x1".'))
    taken = dict(already)
    parts: dict[int, int] = {}
    for name, quantity in asked:
        key = name.casefold()
        lines = [s for s in order.lines if s.line.name.casefold() == key]
        if not lines:
            raise InvalidStateError(no_such_line(name, order.number))
        want = quantity
        for sold in lines:
            left = sold.line.quantity - taken.get(sold.position, 0)
            take = min(left, want)
            if take > 0:
                taken[sold.position] = taken.get(sold.position, 0) + take
                parts[sold.position] = parts.get(sold.position, 0) + take
                want -= take
        if want > 0:
            left = sum(s.line.quantity - already.get(s.position, 0) for s in lines)
            raise InvalidStateError(too_many(lines[0].line.name, left))
    amount = 0
    refund_lines: list[RefundLine] = []
    for sold in order.lines:
        n = parts.get(sold.position, 0)
        if not n:
            continue
        before = already.get(sold.position, 0)
        q = sold.line.quantity
        amount += line_share(sold.amount, q, before + n) - line_share(sold.amount, q, before)
        back = restock and sold.kind is LineKind.PRODUCT
        refund_lines.append(RefundLine(sold.position, n, back))
    return amount, refund_lines


def every_line_left(order: Order, already: dict[int, int]) -> list[RefundLine]:
    """The lines a refund of the whole order gives back: every line's quantity not given
    back already (by position), none put back on the shelf (restocking is asked by item).

    Stored as the refund's lines, so the reports count every line back on the refund's day
    (docs/orders.md 4.5) exactly as a refund by item does.
    """
    out: list[RefundLine] = []
    for sold in order.lines:
        left = sold.line.quantity - already.get(sold.position, 0)
        if left > 0:
            out.append(RefundLine(sold.position, left, False))
    return out


def gives_back_everything(*, paid: int, total: int, held: int, amount: int) -> bool:
    """Whether a refund of ``amount`` gives the customer back everything they paid for an
    order paid in full (``held``: refunds before it that hold money)."""
    return paid >= total > 0 and amount > 0 and held + amount >= paid
