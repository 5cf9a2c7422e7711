"""An order as Checkout line items whose amounts already hold the discount (docs/orders.md 3.3).

Stripe's page then lists what the customer buys, and the session's ``amount_total`` (the
sum of the items) equals what is asked for exactly, whatever Stripe's own rounding, because
every amount is one of the order's own figures:

- the whole order: one item per line at its net (after both discounts; with prices that
  include tax, its tax inside), quantity 1 so no net has to divide by its quantity; one
  "Tax <rate>" item per rate when tax is added; a "Tip" item. Their sum is the order's total
  (its own CHECK: ``total = subtotal − discount + tax + tip``, tax left out when included);
- more than :data:`MAX_ITEMS` of those: the lines grouped by tax rate, each group at its net;
- a part (a deposit, the card part of a split, a balance): one item with the amount asked,
  since lines cannot add up to a part, named for what it is ("Card part of order 12") and
  described by the order's lines and total, so the customer sees what the part pays for.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pos_app.domain.orders import Order, SoldLine
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import DiscountKind

#: Stripe's limit on a Checkout Session's line items in payment mode.
MAX_ITEMS = 100
#: Between the parts of an item's description.
SEPARATOR = " · "
#: A part's description names at most this many of the order's lines ("and 3 more").
PART_LINES_NAMED = 5


@dataclass(frozen=True, slots=True)
class CheckoutLine:
    """One Checkout line item: quantity 1, ``amount`` in minor units of the order's currency.

    ``description`` shows under the name on Stripe's page; "" sends none.
    """

    name: str
    amount: int
    description: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError("CheckoutLine.amount must be an int of minor units")
        if self.amount < 0:
            raise ValueError("a Checkout line item is never negative")
        if not self.name:
            raise ValueError("a Checkout line item has a name")


class PartKind(StrEnum):
    """Why only part of an order is asked for; names the one item sent."""

    DEPOSIT = "deposit"
    CARD_PART = "card_part"  # the card part of a payment split between card and cash
    BALANCE = "balance"  # what is left after an earlier payment


def part_kind(order: Order, asked: int, paid: int) -> PartKind:
    """What a charge of ``asked`` is when ``paid`` of ``order`` is paid already (minor units,
    from the stored order and its ledger, so a link made again says the same).

    All that is due, after an earlier payment: the balance. Less, on a walk-in sale (no
    booking, so no deposit): the card part of a payment split between card and cash. Less,
    on a booking's order: a deposit (nothing paid yet) or, after one, the balance.
    """
    paid_before = paid > 0
    if paid_before and asked >= order.total - paid:
        return PartKind.BALANCE
    if order.booking_id is None:
        return PartKind.CARD_PART
    return PartKind.BALANCE if paid_before else PartKind.DEPOSIT


def checkout_lines(
    order: Order, amount: int | None = None, part: PartKind = PartKind.DEPOSIT
) -> tuple[CheckoutLine, ...]:
    """The line items for asking ``amount`` of ``order`` (its whole total when None).

    Their amounts add up to ``amount`` exactly; ``part`` names the single item sent when
    ``amount`` is less than the total. ValueError for an amount of 0 or more than the total.
    """
    asked = order.total if amount is None else amount
    if not 0 < asked <= order.total:
        raise ValueError("a Checkout Session asks for more than 0 and at most the order's total")
    if asked < order.total:
        return (CheckoutLine(_part_name(order, part), asked, _part_description(order)),)
    extras = _tax_lines(order) + _tip_lines(order)
    items = tuple(_item(order, sold) for sold in order.lines)
    if len(items) + len(extras) > MAX_ITEMS:
        items = _by_rate(order)
    if len(items) + len(extras) > MAX_ITEMS:
        # Only an order with dozens of tax rates gets here: one item still names it.
        count = sum(sold.line.quantity for sold in order.lines)
        return (CheckoutLine(_order_name(order), asked, _count(count)),)
    return items + extras


def _order_name(order: Order) -> str:
    return f"Order {order.number if order.number is not None else order.id}"


def _part_name(order: Order, part: PartKind) -> str:
    of = f"order {order.number if order.number is not None else order.id}"
    if part is PartKind.CARD_PART:
        return f"Card part of {of}"
    if part is PartKind.BALANCE:
        return f"Balance of {of}"
    return f"Deposit for {of}"


def _part_description(order: Order) -> str:
    """The order's lines ("2 × Shampoo, Haircut") and its total, under a part's name."""
    named = [
        sold.line.name if sold.line.quantity == 1 else f"{sold.line.quantity} × {sold.line.name}"
        for sold in order.lines
    ]
    if len(named) > PART_LINES_NAMED:
        more = len(named) - PART_LINES_NAMED
        named = [*named[:PART_LINES_NAMED], f"and {more} more"]
    lines = ", ".join(named)
    total = f"order total {order.money(order.total)}"
    return f"{lines}{SEPARATOR}{total}" if lines else total


def _net(order: Order, sold: SoldLine) -> int:
    """What the line sells for after both discounts: tax inside when prices include it."""
    return sold.amount if order.prices_include_tax else sold.amount - sold.tax


def _item(order: Order, sold: SoldLine) -> CheckoutLine:
    line = sold.line
    name = line.name if line.quantity == 1 else f"{line.quantity} × {line.name}"
    parts: list[str] = []
    if line.quantity > 1:
        parts.append(f"{line.quantity} × {order.money(line.unit_amount.amount)}")
    if sold.discount:
        parts.append(f"{order.money(sold.discount)} off{_discount_percent(order, sold)}")
    if order.prices_include_tax and sold.tax:
        parts.append(f"includes {order.money(sold.tax)} tax ({line.tax_rate})")
    return CheckoutLine(name, _net(order, sold), SEPARATOR.join(parts))


def _discount_percent(order: Order, sold: SoldLine) -> str:
    """ " (10%)" when the line's whole discount is one percentage; else nothing."""
    own, shared = sold.line.discount, order.order_discount
    if sold.line_discount and not sold.order_discount and own is not None:
        percent = own.percent if own.kind is DiscountKind.PERCENT else None
    elif sold.order_discount and not sold.line_discount and shared is not None:
        percent = shared.percent if shared.kind is DiscountKind.PERCENT else None
    else:
        percent = None
    return f" ({percent})" if percent is not None else ""


def _tax_lines(order: Order) -> tuple[CheckoutLine, ...]:
    if order.prices_include_tax:
        return ()
    return tuple(
        CheckoutLine(f"Tax {rate}", tax) for rate, tax in _tax_by_rate(order).items() if tax
    )


def _tax_by_rate(order: Order) -> dict[Percent, int]:
    found: dict[Percent, int] = {}
    for sold in order.lines:
        found[sold.line.tax_rate] = found.get(sold.line.tax_rate, 0) + sold.tax
    return dict(sorted(found.items(), reverse=True))


def _tip_lines(order: Order) -> tuple[CheckoutLine, ...]:
    if not order.tip:
        return ()
    tip = order.tip_input
    described = f"{tip.percent}" if tip is not None and tip.percent is not None else ""
    return (CheckoutLine("Tip", order.tip, described),)


def _by_rate(order: Order) -> tuple[CheckoutLine, ...]:
    """The lines grouped by tax rate (highest first), each group at its net."""
    groups: dict[Percent, list[SoldLine]] = {}
    for sold in order.lines:
        groups.setdefault(sold.line.tax_rate, []).append(sold)
    items: list[CheckoutLine] = []
    for rate in sorted(groups, reverse=True):
        members = groups[rate]
        count = sum(sold.line.quantity for sold in members)
        at = f" at {rate} tax" if rate.thousandths else ", no tax"
        parts = [_count(count)]
        discount = sum(sold.discount for sold in members)
        if discount:
            parts.append(f"{order.money(discount)} off")
        tax = sum(sold.tax for sold in members)
        if order.prices_include_tax and tax:
            parts.append(f"includes {order.money(tax)} tax")
        net = sum(_net(order, sold) for sold in members)
        items.append(CheckoutLine(f"{_order_name(order)}{at}", net, SEPARATOR.join(parts)))
    return tuple(items)


def _count(count: int) -> str:
    return "1 item" if count == 1 else f"{count} items"
