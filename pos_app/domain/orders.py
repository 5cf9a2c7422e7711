"""Orders: what a customer buys in one sale, with its lines as sold and its figures.

An order keeps everything its figures came from (each line's name, unit price, quantity, tax
rate and own discount; the order's discount, promo code, tip, and the pricing settings as
used), so a later change of the catalogue or of Settings never alters it. Its figures are
``price_order``'s (``domain.pricing``); :meth:`Order.repriced` works them out again from what
is stored, and they always agree.

An order is ``open`` until it is paid; its status only moves forward (``advance``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pos_app.domain.errors import InvalidStateError, ValidationError
from pos_app.domain.money import Money, parse_money
from pos_app.domain.percent import Percent, parse_percent
from pos_app.domain.pricing import (
    MAX_QUANTITY,
    Discount,
    OrderLine,
    OrderTotals,
    Tip,
    TipBase,
    price_order,
    quantity_problem,
)
from pos_app.i18n import N_, gettext

#: The longest item text accepted ("Shampoo x2", a SKU, a service's name).
ITEM_TEXT_MAX = 160
# "NAME xQTY": a name, spaces, then x (or ×) and the quantity at the very end.
_QUANTITY = re.compile(r"^(?P<name>.*\S)\s+[x×](?P<qty>[0-9]{1,6})$", re.IGNORECASE)


class OrderStatus(StrEnum):
    """Where an order stands; it only moves forward (see ``advance``)."""

    OPEN = "open"  # priced and saved; nothing paid yet, no stock taken, no promo use counted
    PAID = "paid"  # paid in full: stock taken and promo use counted in the same transaction
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    VOID = "void"  # never paid and given up: nothing was taken, nothing to give back

    @property
    def label(self) -> str:
        """Words for the desk."""
        return _STATUS_WORDS[self]


_STATUS_WORDS = {
    OrderStatus.OPEN: "Open",
    OrderStatus.PAID: "Paid",
    OrderStatus.PARTIALLY_REFUNDED: "Partly refunded",
    OrderStatus.REFUNDED: "Refunded",
    OrderStatus.VOID: "Void",
}
# The statuses each one may move to; anything else would move it back.
_FORWARD: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.OPEN: frozenset({OrderStatus.PAID, OrderStatus.VOID}),
    OrderStatus.PAID: frozenset({OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}),
    OrderStatus.PARTIALLY_REFUNDED: frozenset(
        {OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}
    ),
    OrderStatus.REFUNDED: frozenset(),
    OrderStatus.VOID: frozenset(),
}


def money_status(total: int, paid: int, refunded: int, *, given_up: bool) -> OrderStatus:
    """An order's status as a summary of its money (docs/orders.md 2.3), derived like a
    booking's: nothing paid is open, or void once given up (cancelled, not shown); money
    kept short of the total (a deposit) stays open. A refund that failed after succeeding
    may show less refunded again, so this is derived, not ``advance``d."""
    if paid <= 0:
        return OrderStatus.VOID if given_up else OrderStatus.OPEN
    if refunded >= paid:
        return OrderStatus.REFUNDED
    if paid - refunded >= total:
        # Refunds that gave back only an overpayment (refund --excess) leave it simply paid,
        # as derive_status leaves a booking.
        return OrderStatus.PAID
    return OrderStatus.PARTIALLY_REFUNDED if refunded > 0 else OrderStatus.OPEN


def advance(current: OrderStatus, new: OrderStatus) -> OrderStatus:
    """``new`` if the order may move there from ``current`` (the same status is a no-op);
    InvalidStateError otherwise: states only move forward."""
    if new is current or new in _FORWARD[current]:
        return new
    raise InvalidStateError(_NO_WAY_BACK[current])


# One whole sentence per status an order is in (never its status word pasted into a
# sentence: languages agree adjectives with "order"); said with what it may still become.
_NO_WAY_BACK: dict[OrderStatus, str] = {
    OrderStatus.OPEN: N_("This order is open: it can only be paid or voided."),
    OrderStatus.PAID: N_("This order is paid: it can only be refunded."),
    OrderStatus.PARTIALLY_REFUNDED: N_(
        "This order is partly refunded: it can only be refunded further."
    ),
    OrderStatus.REFUNDED: N_("This order is refunded: its status cannot change any more."),
    OrderStatus.VOID: N_("This order is void: its status cannot change any more."),
}


class LineKind(StrEnum):
    """What a line sells."""

    PRODUCT = "product"  # off the shelf: stock is taken when the order is paid
    SERVICE = "service"  # a service from the catalogue (a booking's, or a walk-in's)


@dataclass(frozen=True, slots=True)
class SoldLine:
    """One line of an order as sold, with its figures (minor units of the order's currency).

    ``discount`` is both discounts on it (its own, and its share of the order's); ``amount``
    is what the customer pays for it: after discounts, with its tax added unless prices
    include tax (then ``tax`` is the part of ``amount`` that is tax).
    """

    position: int
    kind: LineKind
    item_id: str  # the product's or the service's id
    line: OrderLine  # the snapshot: name, unit price, quantity, tax rate, own discount
    line_discount: int
    order_discount: int
    tax: int
    amount: int

    @property
    def discount(self) -> int:
        """Both discounts on this line."""
        return self.line_discount + self.order_discount


@dataclass(frozen=True, slots=True)
class OrderCustomer:
    """Who the order is for: a name typed at the desk, or a customer on file (or nobody)."""

    name: str = ""
    email: str = ""
    phone: str = ""
    customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class Order:
    """A sale: its lines as sold, the inputs of its figures as used, and the figures."""

    id: str
    currency: str
    status: OrderStatus
    lines: tuple[SoldLine, ...]
    subtotal: int
    discount: int
    tax: int
    tip: int
    total: int
    prices_include_tax: bool
    tip_base: TipBase
    created_at: datetime
    created_by_name: str
    created_by: str | None = None
    customer: OrderCustomer = OrderCustomer()
    booking_id: str | None = None
    order_discount: Discount | None = None  # the manual discount, or the promo code's
    promo_code_id: str | None = None
    promo_code: str | None = None  # the code as it was when used
    tip_input: Tip | None = None  # the tip as given: a percent or an amount
    number: int | None = None  # given by the database when the order is stored

    def money(self, amount: int) -> Money:
        """One of the order's figures as Money."""
        return Money(amount, self.currency)

    @classmethod
    def build(
        cls,
        *,
        id: str,
        items: Sequence[tuple[LineKind, str]],
        totals: OrderTotals,
        tip_base: TipBase,
        created_at: datetime,
        created_by_name: str,
        created_by: str | None = None,
        customer: OrderCustomer = OrderCustomer(),
        booking_id: str | None = None,
        order_discount: Discount | None = None,
        promo_code_id: str | None = None,
        promo_code: str | None = None,
        tip_input: Tip | None = None,
    ) -> Order:
        """An open order from ``price_order``'s result; ``items`` are each line's kind and
        catalogue id, in the same order as ``totals.lines``."""
        if len(items) != len(totals.lines):
            raise ValueError("one (kind, id) per priced line")
        included = totals.tax_included
        lines = tuple(
            SoldLine(
                position=i + 1,
                kind=kind,
                item_id=item_id,
                line=priced.line,
                line_discount=priced.line_discount,
                order_discount=priced.order_discount,
                tax=priced.tax,
                amount=priced.amount(included),
            )
            for i, ((kind, item_id), priced) in enumerate(zip(items, totals.lines, strict=True))
        )
        return cls(
            id=id,
            currency=totals.currency,
            status=OrderStatus.OPEN,
            lines=lines,
            subtotal=totals.subtotal,
            discount=totals.discount,
            tax=totals.tax,
            tip=totals.tip,
            total=totals.total,
            prices_include_tax=included,
            tip_base=tip_base,
            created_at=created_at,
            created_by_name=created_by_name,
            created_by=created_by,
            customer=customer,
            booking_id=booking_id,
            order_discount=order_discount,
            promo_code_id=promo_code_id,
            promo_code=promo_code,
            tip_input=tip_input,
        )

    def repriced(self) -> OrderTotals:
        """The figures worked out again from what the order stores (they equal its own)."""
        return price_order(
            [sold.line for sold in self.lines],
            order_discount=self.order_discount,
            tip=self.tip_input,
            prices_include_tax=self.prices_include_tax,
            tip_base=self.tip_base,
        )


def parse_item(text: str) -> tuple[str, int]:
    """What names one line ("Shampoo x2", "SH-500", "Haircut") as (name or SKU, quantity);
    ValidationError with a sentence for text that names nothing or a quantity out of range."""
    raw = " ".join((text or "").split())
    if not raw:
        raise ValidationError("item", gettext('Name an item to sell, like "Shampoo x2".'))
    if len(raw) > ITEM_TEXT_MAX:
        raise ValidationError(
            "item",
            gettext("An item's name is at most {count} characters.").format(count=ITEM_TEXT_MAX),
        )
    found = _QUANTITY.match(raw)
    if found is None:
        return raw, 1
    name, quantity = found["name"], int(found["qty"])
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError("item", quantity_problem(name))
    return name, quantity


def parse_discount(text: str, currency: str) -> Discount:
    """A discount as typed: "10%" (a percent of the order) or "5.00" (an amount off)."""
    raw = (text or "").strip()
    if raw.endswith("%"):
        percent = parse_percent(raw, field="discount", what="discount")
        if percent.is_zero():
            raise ValidationError("discount", gettext("The discount must be more than 0 %."))
        return Discount.of_percent(percent)
    amount = parse_money(raw, currency, field="discount")
    if not amount.is_positive():
        raise ValidationError("discount", gettext("The discount must be more than zero."))
    return Discount.of_amount(amount)


def parse_tip(text: str, currency: str) -> Tip:
    """A tip as typed: "15%" (of the order, see TipBase) or "3.00" (an amount)."""
    raw = (text or "").strip()
    if raw.endswith("%"):
        return Tip(percent=parse_percent(raw, field="tip", what="tip"))
    return Tip(amount=parse_money(raw, currency, field="tip"))


def tip_of(percent: int | None, amount: int | None, currency: str) -> Tip | None:
    """The tip input a stored order holds (a percent in thousandths, or an amount), or None."""
    if percent is not None:
        return Tip(percent=Percent(percent))
    return None if amount is None else Tip(amount=Money(amount, currency))


def discount_of(percent: int | None, amount: int | None, currency: str) -> Discount | None:
    """A stored discount (a percent in thousandths, or an amount), or None."""
    if percent is not None:
        return Discount.of_percent(Percent(percent))
    return None if amount is None else Discount.of_amount(Money(amount, currency))


def nothing_to_charge(total: Money) -> str:
    """The refusal for an order whose discounts take it to nothing."""
    return f"This order comes to {total}: there is nothing to charge. Take off some discount."


def unknown_item(text: str) -> str:
    """The refusal for an item that names no product, SKU or service."""
    return f"There is no product or service called {text!r}; check the spelling or the SKU."


def inactive_item(name: str) -> str:
    """The refusal for an item switched off in the catalogue."""
    return f"{name} is not sold any more (it is switched off in the catalogue)."


def ambiguous_item(name: str) -> str:
    """The refusal for a name that is both a product's and a service's."""
    return (
        f"Both a product and a service are called {name}; sell the product by its SKU, "
        "or rename one of them."
    )
