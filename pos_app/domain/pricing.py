"""An order's figures from its lines: discounts, tax per line, tip, and the totals.

The rules (docs/tax-and-discounts.md has a worked example):

- Every figure is a whole number of the currency's *step*: the smallest amount a charge can
  carry (1 minor unit for USD and JPY, 10 for three-decimal currencies, 100 for UGX and ISK).
  Unit prices are multiples of it already (``parse_money`` refuses others), and every
  percentage worked out here is rounded half-up to it, so the total is always chargeable.
- A line's own discount (percent or fixed, on the line as a whole) comes off first, then the
  order's discount: a percent of what the lines come to after their own discounts, or a
  fixed amount, allocated over the lines in proportion to those amounts by the largest
  remainder method, so the parts add up to the discount exactly. No discount takes a line
  below zero: a fixed discount larger than the order is cut to the order.
- Tax is worked out on each line after its discounts, rounded half-up per line. With prices
  before tax (the default) it is added; with "prices include tax" it is the part of the
  line's amount that is tax: amount × rate / (100 + rate), rounded half-up.
- A percent tip is of the amount after discounts and before tax (Square's "before taxes",
  Toast's default; ``TipBase.AFTER_TAX`` is the other choice). A tip is never taxed or
  discounted.
- ``total = subtotal − discount + tax + tip`` when tax is added; ``subtotal − discount + tip``
  when prices include it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pos_app.domain import currency as cur
from pos_app.domain.errors import ValidationError
from pos_app.domain.money import Money
from pos_app.domain.percent import HUNDRED, ZERO, Percent, div_half_up
from pos_app.i18n import N_, gettext

#: Most of one item a line may hold: a typo of 1000 shampoos is refused, not sold.
MAX_QUANTITY = 999
#: Most lines one order may hold.
MAX_LINES = 200
#: The refusal of an order with nothing in it (marked; translated where raised).
NO_ITEMS = N_("Add at least one item to the order.")


def quantity_problem(name: str) -> str:
    """The sentence refusing a quantity outside 1 … MAX_QUANTITY of ``name``, in the UI
    language."""
    return gettext("Choose a quantity from 1 to {most} for {name}.").format(
        most=MAX_QUANTITY, name=name
    )


#: A manual discount above this share of the order needs a manager (Settings can change it).
DEFAULT_MANAGER_DISCOUNT = Percent(20_000)


class DiscountKind(StrEnum):
    """A discount is a percentage or a fixed amount."""

    PERCENT = "percent"
    AMOUNT = "amount"


@dataclass(frozen=True, slots=True)
class Discount:
    """A percentage off, or a fixed amount off (of a line as a whole, or of the order)."""

    kind: DiscountKind
    percent: Percent | None = None
    amount: Money | None = None

    def __post_init__(self) -> None:
        if self.kind is DiscountKind.PERCENT:
            if self.percent is None or self.amount is not None:
                raise ValueError("a percent discount has a percent and no amount")
            if self.percent.thousandths > HUNDRED:
                raise ValueError("a discount is at most 100 %")
        elif self.amount is None or self.percent is not None:
            raise ValueError("an amount discount has an amount and no percent")
        elif self.amount.amount < 0:
            raise ValueError("a discount amount is never negative")

    @classmethod
    def of_percent(cls, percent: Percent) -> Discount:
        """``percent`` off."""
        return cls(DiscountKind.PERCENT, percent=percent)

    @classmethod
    def of_amount(cls, amount: Money) -> Discount:
        """``amount`` off."""
        return cls(DiscountKind.AMOUNT, amount=amount)

    def describe(self) -> str:
        """ "10% off" or "$5.00 off", in English whatever the language: the audit log's
        details record it (``label`` is what a screen shows)."""
        return f"{self.percent if self.percent is not None else self.amount} off"

    def label(self) -> str:
        """ "10% off", "10 % Rabatt", "$5.00 off": a whole marked sentence in the UI language,
        the percent and the money laid out by ``locale_format`` (Sell's status, the promo
        list), so a translator places the figure where the language puts it."""
        what = self.percent if self.percent is not None else self.amount
        return gettext("{discount} off").format(discount=what)

    def amount_off(self, base: int, currency: str, step: int = 1) -> int:
        """What comes off ``base`` (minor units, a multiple of ``step``), never more than it."""
        if self.percent is not None:
            return min(base, _percent_in_steps(self.percent, base, step))
        assert self.amount is not None
        if self.amount.currency != currency:
            raise ValidationError(
                "discount",
                gettext("The discount is in {currency}; this order is in {order}.").format(
                    currency=self.amount.currency.upper(), order=currency.upper()
                ),
            )
        return min(base, self.amount.amount // step * step)


class TipBase(StrEnum):
    """What a percent tip is a percentage of."""

    BEFORE_TAX = "before_tax"  # the amount after discounts, tax left out (the default)
    AFTER_TAX = "after_tax"  # the amount after discounts, tax included


@dataclass(frozen=True, slots=True)
class PricingPolicy:
    """The business's pricing settings (Settings; shared by every station)."""

    prices_include_tax: bool = False  # default: prices are before tax
    tip_base: TipBase = TipBase.BEFORE_TAX
    #: A manual discount above this share of the order needs a manager (domain.promo).
    manager_discount: Percent = DEFAULT_MANAGER_DISCOUNT


@dataclass(frozen=True, slots=True)
class Tip:
    """A tip: a percentage of the order (see TipBase) or an amount."""

    percent: Percent | None = None
    amount: Money | None = None

    def __post_init__(self) -> None:
        if (self.percent is None) == (self.amount is None):
            raise ValueError("a tip is a percent or an amount")
        if self.amount is not None and self.amount.amount < 0:
            raise ValueError("a tip is never negative")


#: The tip presets offered (percent), as Square and Fresha do: on the Sell screen, and to
#: the customer on the customer display.
TIP_PRESETS = (10, 15, 20)


@dataclass(frozen=True, slots=True)
class TipOption:
    """One tip the customer may choose: a preset ``percent`` (0: no tip), the tip it comes
    to and the order's total with it."""

    percent: int
    tip: Money
    total: Money


@dataclass(frozen=True, slots=True)
class TipOffer:
    """The tips offered for one sale as priced (no tip first, then each preset): what the
    customer display shows and what the choice stores on the order."""

    before_tip: Money
    options: tuple[TipOption, ...]

    def option(self, percent: int) -> TipOption:
        """The option for ``percent``; ValueError for one not offered."""
        for option in self.options:
            if option.percent == percent:
                return option
        raise ValueError(f"no {percent}% tip offered")


@dataclass(frozen=True, slots=True)
class OrderLine:
    """A line as sold: what the order keeps, so a later catalogue change never alters it."""

    name: str
    unit_amount: Money
    quantity: int
    tax_rate: Percent = ZERO
    discount: Discount | None = None

    def __post_init__(self) -> None:
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise TypeError("OrderLine.quantity must be an int")
        if not 1 <= self.quantity <= MAX_QUANTITY:
            raise ValidationError("quantity", quantity_problem(self.name))
        if self.unit_amount.amount < 0:
            raise ValueError("a unit price is never negative")
        if self.tax_rate.thousandths > HUNDRED:
            raise ValueError("a tax rate is at most 100 %")

    @property
    def gross(self) -> Money:
        """Unit price × quantity, before any discount."""
        return Money(self.unit_amount.amount * self.quantity, self.unit_amount.currency)


@dataclass(frozen=True, slots=True)
class PricedLine:
    """One line's figures, in minor units of the order's currency."""

    line: OrderLine
    gross: int  # unit price × quantity
    line_discount: int  # the line's own discount
    order_discount: int  # its share of the order's discount
    tax: int  # the tax on it (included in ``net`` when prices include tax)
    net: int  # gross − both discounts: what the line sells for, tip aside

    @property
    def discount(self) -> int:
        """Both discounts on this line."""
        return self.line_discount + self.order_discount

    def amount(self, tax_included: bool) -> int:
        """What the customer pays for this line: its net, plus its tax unless included."""
        return self.net if tax_included else self.net + self.tax


@dataclass(frozen=True, slots=True)
class OrderTotals:
    """The order's figures; ``total = subtotal − discount + tax + tip`` (tax added), or
    ``subtotal − discount + tip`` when prices include tax."""

    currency: str
    lines: tuple[PricedLine, ...]
    subtotal: int
    discount: int
    tax: int
    tip: int
    total: int
    tax_included: bool

    def money(self, amount: int) -> Money:
        """``amount`` (one of these figures) as Money of the order's currency."""
        return Money(amount, self.currency)

    def tax_by_rate(self) -> dict[Percent, int]:
        """Tax summed per rate, highest rate first (receipts show tax by rate)."""
        found: dict[Percent, int] = {}
        for priced in self.lines:
            found[priced.line.tax_rate] = found.get(priced.line.tax_rate, 0) + priced.tax
        return dict(sorted(found.items(), reverse=True))


def price_order(
    lines: Sequence[OrderLine],
    *,
    order_discount: Discount | None = None,
    tip: Tip | None = None,
    prices_include_tax: bool = False,
    tip_base: TipBase = TipBase.BEFORE_TAX,
) -> OrderTotals:
    """Work out every figure of an order (see the module for the rules)."""
    if not lines:
        raise ValidationError("items", gettext(NO_ITEMS))
    if len(lines) > MAX_LINES:
        raise ValidationError(
            "items", gettext("An order holds at most {count} lines.").format(count=MAX_LINES)
        )
    currency = lines[0].unit_amount.currency
    step = cur.amount_step(currency)
    for line in lines:
        if line.unit_amount.currency != currency:
            raise ValidationError(
                "items",
                gettext(
                    "{name} is priced in {currency}; every item of one order must be in {order}."
                ).format(
                    name=line.name,
                    currency=line.unit_amount.currency.upper(),
                    order=currency.upper(),
                ),
            )
        if line.unit_amount.amount % step:
            raise ValidationError(
                "items",
                gettext("The price of {name} is not a whole amount.").format(name=line.name),
            )
    gross = [line.gross.amount for line in lines]
    own = [
        line.discount.amount_off(g, currency, step) if line.discount is not None else 0
        for line, g in zip(lines, gross, strict=True)
    ]
    after_own = [g - d for g, d in zip(gross, own, strict=True)]
    shares = [0] * len(lines)
    if order_discount is not None:
        off = order_discount.amount_off(sum(after_own), currency, step)
        shares = [units * step for units in allocate(off // step, [a // step for a in after_own])]
    nets = [a - s for a, s in zip(after_own, shares, strict=True)]
    taxes = [
        line_tax(net, line.tax_rate, step, included=prices_include_tax)
        for line, net in zip(lines, nets, strict=True)
    ]
    priced = tuple(
        PricedLine(line, g, d, s, t, n)
        for line, g, d, s, t, n in zip(lines, gross, own, shares, taxes, nets, strict=True)
    )
    subtotal, discount, tax = sum(gross), sum(own) + sum(shares), sum(taxes)
    tip_amount = _tip(tip, sum(nets), tax, currency, step, prices_include_tax, tip_base)
    total = subtotal - discount + tip_amount + (0 if prices_include_tax else tax)
    return OrderTotals(
        currency, priced, subtotal, discount, tax, tip_amount, total, prices_include_tax
    )


def line_tax(net: int, rate: Percent, step: int = 1, *, included: bool = False) -> int:
    """The tax on a line whose amount after discounts is ``net`` (a multiple of ``step``),
    rounded half-up to the step: added on top, or the part of ``net`` that is tax."""
    units = net // step
    if included:
        return div_half_up(units * rate.thousandths, HUNDRED + rate.thousandths) * step
    return div_half_up(units * rate.thousandths, HUNDRED) * step


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` over ``weights`` in proportion, by the largest remainder method.

    The parts sum to ``total`` exactly and none is above its weight (``total`` is cut to the
    weights' sum). Each part starts as its floor share; the units left over go one each to
    the largest remainders, the earlier line first on a tie.
    """
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("allocate takes non-negative amounts")
    whole = sum(weights)
    if total >= whole:
        return list(weights)
    parts = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def _percent_in_steps(percent: Percent, base: int, step: int) -> int:
    """``percent`` of ``base`` rounded half-up to a whole step."""
    return percent.of_amount(base // step) * step


def _tip(
    tip: Tip | None,
    after_discounts: int,
    tax: int,
    currency: str,
    step: int,
    included: bool,
    base: TipBase,
) -> int:
    if tip is None:
        return 0
    if tip.amount is not None:
        if tip.amount.currency != currency:
            raise ValidationError(
                "tip",
                gettext("The tip is in {currency}; this order is in {order}.").format(
                    currency=tip.amount.currency.upper(), order=currency.upper()
                ),
            )
        if tip.amount.amount % step:
            raise ValueError("a tip is a whole number of the currency's steps (parse_money)")
        return tip.amount.amount
    assert tip.percent is not None
    if base is TipBase.BEFORE_TAX:
        amount = after_discounts - tax if included else after_discounts
    else:
        amount = after_discounts if included else after_discounts + tax
    return _percent_in_steps(tip.percent, amount, step)
