"""What a sales report says about the orders paid in its days: tips, discounts, tax, sales by
product or service, tax by rate, tips by staff and promo codes used (issue 14).

An order's figures count once, on the business day it became paid in full (docs/orders.md
4.5; the database decides that day, store/order_report_queries.py): its lines as sold, its
discount, tax and tip. A refund's money counts in the report's ``refunds`` on its own day,
like every refund; the lines it gave back (``refund_lines``) are taken off ``by_product``,
``tax_by_rate``, ``tax`` and ``discounts`` on that same day (``refunded_back``).

A Z report frozen before these figures existed has none of their keys: it is read as no
orders (every figure 0, every table empty), and summing it adds nothing.

Amounts are integers in minor units of one currency; currencies are never added together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pos_app.domain.payable import line_share
from pos_app.domain.percent import Percent


@dataclass(frozen=True)
class ItemSales:
    """One product or service sold in the period: how many, and what its lines came to."""

    key: str  # the product's or service's id
    kind: str  # "product" | "service"
    name: str  # as sold (the latest day's, for a range)
    quantity: int
    amount: int  # what the customer paid for its lines (tax included unless the prices held it)
    discount: int  # the lines' own discounts and their share of the orders'
    tax: int

    def to_json(self) -> dict[str, Any]:
        """The row as JSON-ready values."""
        return {
            "key": self.key,
            "kind": self.kind,
            "name": self.name,
            "quantity": self.quantity,
            "amount": self.amount,
            "discount": self.discount,
            "tax": self.tax,
        }


@dataclass(frozen=True)
class RateTax:
    """The tax of one rate, and the amount it was worked out on (the lines after discounts,
    tax left out)."""

    rate: str  # Percent.plain(): "8.875", "0"
    tax: int
    base: int


@dataclass(frozen=True)
class PromoUse:
    """A promo code used on paid orders: how many, and the discount they gave."""

    code: str
    uses: int
    discount: int


@dataclass(frozen=True)
class OrderFigures:
    """One currency's order figures for a period (all zero: no order paid in it)."""

    orders: int = 0
    tips: int = 0
    discounts: int = 0
    tax: int = 0
    by_product: tuple[ItemSales, ...] = ()  # highest amount first
    tax_by_rate: tuple[RateTax, ...] = ()  # highest rate first
    tips_by_staff: tuple[tuple[str, int], ...] = ()  # (name, tip), highest first
    promo_codes: tuple[PromoUse, ...] = ()  # most used first

    @property
    def has_any(self) -> bool:
        """Whether there is anything to show: orders paid, or lines counted back on a day
        with refunds only (negative rows)."""
        return bool(self.orders or self.by_product or self.tax_by_rate)

    def to_json(self) -> dict[str, Any]:
        """The figures as the keys they add to a currency of ``report --json``."""
        return {
            "orders": self.orders,
            "tips": self.tips,
            "discounts": self.discounts,
            "tax": self.tax,
            "by_product": [i.to_json() for i in self.by_product],
            "tax_by_rate": {r.rate: {"tax": r.tax, "base": r.base} for r in self.tax_by_rate},
            "tips_by_staff": dict(self.tips_by_staff),
            "promo_codes": {
                p.code: {"uses": p.uses, "discount": p.discount} for p in self.promo_codes
            },
        }


def rate_text(thousandths: int) -> str:
    """A tax rate as the reports key it: "8.875", "0"."""
    return Percent(thousandths).plain()


@dataclass
class _ItemSum:
    kind: str = ""
    name: str = ""
    quantity: int = 0
    amount: int = 0
    discount: int = 0
    tax: int = 0


@dataclass
class OrderFiguresSum:
    """Running sum of one currency's order figures over several days or query parts."""

    orders: int = 0
    tips: int = 0
    discounts: int = 0
    tax: int = 0
    items: dict[str, _ItemSum] = field(default_factory=dict)
    rates: dict[str, list[int]] = field(default_factory=dict)  # rate → [tax, base]
    staff: dict[str, int] = field(default_factory=dict)
    promos: dict[str, list[int]] = field(default_factory=dict)  # code → [uses, discount]

    def add_totals(self, *, orders: int, tips: int, discounts: int, tax: int) -> None:
        """Add orders' counts and sums."""
        self.orders += orders
        self.tips += tips
        self.discounts += discounts
        self.tax += tax

    def add_item(
        self,
        key: str,
        *,
        kind: str,
        name: str,
        quantity: int,
        amount: int,
        discount: int,
        tax: int,
    ) -> None:
        """Add lines of one product or service (its name becomes the latest one given)."""
        acc = self.items.setdefault(key, _ItemSum())
        acc.kind, acc.name = kind, name
        acc.quantity += quantity
        acc.amount += amount
        acc.discount += discount
        acc.tax += tax

    def add_rate(self, rate: str, *, tax: int, base: int) -> None:
        """Add the tax of lines at one rate and what it was worked out on."""
        acc = self.rates.setdefault(rate, [0, 0])
        acc[0] += tax
        acc[1] += base

    def add_tip(self, staff: str, tip: int) -> None:
        """Add tips of one staff member."""
        self.staff[staff] = self.staff.get(staff, 0) + tip

    def add_promo(self, code: str, *, uses: int, discount: int) -> None:
        """Add uses of one promo code."""
        acc = self.promos.setdefault(code, [0, 0])
        acc[0] += uses
        acc[1] += discount

    def add(self, f: OrderFigures) -> None:
        """Add one period's figures (periods oldest first: names follow the latest)."""
        self.add_totals(orders=f.orders, tips=f.tips, discounts=f.discounts, tax=f.tax)
        for i in f.by_product:
            self.add_item(
                i.key,
                kind=i.kind,
                name=i.name,
                quantity=i.quantity,
                amount=i.amount,
                discount=i.discount,
                tax=i.tax,
            )
        for r in f.tax_by_rate:
            self.add_rate(r.rate, tax=r.tax, base=r.base)
        for name, tip in f.tips_by_staff:
            self.add_tip(name, tip)
        for p in f.promo_codes:
            self.add_promo(p.code, uses=p.uses, discount=p.discount)

    def add_json(self, t: Mapping[str, Any]) -> None:
        """Add one currency of a frozen report (its ``to_json()``); a report frozen before
        order figures existed has none of their keys and adds nothing."""
        self.add_totals(
            orders=int(t.get("orders", 0)),
            tips=int(t.get("tips", 0)),
            discounts=int(t.get("discounts", 0)),
            tax=int(t.get("tax", 0)),
        )
        for i in t.get("by_product") or ():
            self.add_item(
                str(i["key"]),
                kind=str(i["kind"]),
                name=str(i["name"]),
                quantity=int(i["quantity"]),
                amount=int(i["amount"]),
                discount=int(i["discount"]),
                tax=int(i["tax"]),
            )
        for rate, r in (t.get("tax_by_rate") or {}).items():
            self.add_rate(str(rate), tax=int(r["tax"]), base=int(r["base"]))
        for name, tip in (t.get("tips_by_staff") or {}).items():
            self.add_tip(str(name), int(tip))
        for code, p in (t.get("promo_codes") or {}).items():
            self.add_promo(str(code), uses=int(p["uses"]), discount=int(p["discount"]))

    def figures(self) -> OrderFigures:
        """The summed figures, each table in its order (ties by name, so always the same)."""
        # A row all zeros is a line sold and given back in full in the period: no sale.
        kept = {
            k: s
            for k, s in self.items.items()
            if (s.quantity, s.amount, s.discount, s.tax) != (0, 0, 0, 0)
        }
        items = sorted(kept.items(), key=lambda kv: (-kv[1].amount, kv[1].name, kv[0]))
        return OrderFigures(
            orders=self.orders,
            tips=self.tips,
            discounts=self.discounts,
            tax=self.tax,
            by_product=tuple(
                ItemSales(k, s.kind, s.name, s.quantity, s.amount, s.discount, s.tax)
                for k, s in items
            ),
            tax_by_rate=tuple(
                RateTax(rate, tax, base)
                for rate, (tax, base) in sorted(
                    self.rates.items(), key=lambda kv: Percent.of(kv[0]), reverse=True
                )
                if (tax, base) != (0, 0)
            ),
            tips_by_staff=tuple(sorted(self.staff.items(), key=lambda kv: (-kv[1], kv[0]))),
            promo_codes=tuple(
                PromoUse(code, uses, discount)
                for code, (uses, discount) in sorted(
                    self.promos.items(), key=lambda kv: (-kv[1][0], kv[0])
                )
            ),
        )


@dataclass(frozen=True)
class RefundedLine:
    """What one refund gave back of one order line: ``quantity`` of the line's ``of``, and the
    line's own figures as sold (its currency, item and rate too), for ``refunded_back``."""

    refund_id: str
    order_id: str
    position: int
    quantity: int
    of: int  # the line's quantity
    currency: str
    key: str
    kind: str
    name: str
    rate: int  # thousandths
    amount: int
    discount: int
    tax: int


def refunded_back(
    history: Sequence[RefundedLine], counted: Mapping[str, int], acc: dict[str, OrderFiguresSum]
) -> None:
    """Take what the ``counted`` refunds (id → sign: 1 a refund, −1 its reversal) gave back
    of their lines off ``acc``: the product's quantity, amount, discount and tax, the rate's
    tax and base, and the ``tax`` and ``discounts`` totals (docs/orders.md 4.5).

    ``history`` holds every counted refund's part of the same lines, oldest refund first: a
    line's parts are ``line_share``s in that order, so the parts of a line add up to it
    exactly and a range over the sale's day and the refunds' nets out to nothing.
    """
    before: dict[tuple[str, int], int] = {}
    for part in history:
        line = (part.order_id, part.position)
        k = before.get(line, 0)
        upto = min(k + part.quantity, part.of)
        before[line] = upto
        sign = counted.get(part.refund_id)
        if sign is None or upto <= k:
            continue

        def share(figure: int, k: int = k, upto: int = upto, of: int = part.of) -> int:
            return line_share(figure, of, upto) - line_share(figure, of, k)

        amount, discount, tax = share(part.amount), share(part.discount), share(part.tax)
        fig = acc.setdefault(part.currency, OrderFiguresSum())
        fig.add_totals(orders=0, tips=0, discounts=-sign * discount, tax=-sign * tax)
        fig.add_item(part.key, kind=part.kind, name=part.name, quantity=-sign * (upto - k),
                     amount=-sign * amount, discount=-sign * discount, tax=-sign * tax)  # fmt: skip
        fig.add_rate(rate_text(part.rate), tax=-sign * tax, base=-sign * (amount - tax))


def figures_from_json(t: Mapping[str, Any]) -> OrderFigures:
    """The order figures of one currency of a frozen report (none when it predates them)."""
    acc = OrderFiguresSum()
    acc.add_json(t)
    return acc.figures()
