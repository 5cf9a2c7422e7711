"""The Sell screen without Qt: what can be sold, the cart, and the figures the desk sees.

The cart is an immutable value the screen replaces on each tap; ``present`` prices it with
the domain's own rules (``domain.pricing``), so the screen shows to the cent what the saved
order will hold. Promo codes are checked by the service (they need the database): the screen
hands the checked code's discount in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from pos_app.domain.booking import Service
from pos_app.domain.errors import ValidationError
from pos_app.domain.money import Money
from pos_app.domain.orders import parse_discount, parse_tip
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import (
    MAX_QUANTITY,
    Discount,
    OrderLine,
    PricingPolicy,
    TipOffer,
    TipOption,
    price_order,
)
from pos_app.domain.pricing import TIP_PRESETS as TIP_PRESETS  # the screen's preset buttons
from pos_app.domain.products import Product, not_enough
from pos_app.i18n import _
from pos_app.services.orders import SaleItem, SaleRequest


class Kind(StrEnum):
    """What a tile sells."""

    PRODUCT = "product"
    SERVICE = "service"


@dataclass(frozen=True, slots=True)
class Sellable:
    """A tile: a product (with its stock) or a service."""

    id: str
    kind: Kind
    name: str
    price: Money
    tax_rate: Percent
    sku: str | None = None
    stock: int | None = None  # None: a service, never out of stock

    @property
    def tile_text(self) -> str:
        """Name and price on two lines; a product's stock on a third."""
        text = f"{self.name}\n{self.price}"
        if self.stock is not None:
            text += "\n" + (
                _("Out of stock")
                if self.stock <= 0
                else _("{count} in stock").format(count=self.stock)
            )
        return text


def sellables(products: Iterable[Product], services: Iterable[Service]) -> list[Sellable]:
    """Every active product and service as a tile, by name."""
    tiles = [
        Sellable(p.id, Kind.PRODUCT, p.name, p.price, p.tax_rate, p.sku, p.stock)
        for p in products
        if p.active
    ]
    tiles += [
        Sellable(s.id, Kind.SERVICE, s.name, s.price, s.tax_rate) for s in services if s.active
    ]
    return sorted(tiles, key=lambda t: t.name.casefold())


def search(tiles: Sequence[Sellable], text: str) -> list[Sellable]:
    """Tiles whose name holds ``text`` (any case), or whose SKU is ``text``."""
    wanted = text.strip().casefold()
    if not wanted:
        return list(tiles)
    return [t for t in tiles if wanted in t.name.casefold() or (t.sku or "").casefold() == wanted]


def scanned(tiles: Sequence[Sellable], code: str) -> Sellable | None:
    """The product a barcode scanner typed (its SKU exactly, any case), or None."""
    wanted = code.strip().casefold()
    return next((t for t in tiles if t.sku and t.sku.casefold() == wanted), None)


@dataclass(frozen=True, slots=True)
class CartLine:
    """An item in the cart and how many."""

    item: Sellable
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class Cart:
    """What the customer is buying, and the discount, promo code and tip as the desk set them."""

    lines: tuple[CartLine, ...] = ()
    discount_text: str = ""  # "10%" or "5.00" off the order
    promo_code: str = ""  # set with its discount once the service accepted it
    promo_discount: Discount | None = None
    tip_text: str = ""  # "15%" or "3.00"

    def add(self, item: Sellable) -> Cart:
        """One more of ``item`` (a new line, or the quantity of its line up by one)."""
        for i, line in enumerate(self.lines):
            if line.item.id == item.id:
                return self.set_quantity(i, line.quantity + 1)
        return replace(self, lines=(*self.lines, CartLine(item)))

    def set_quantity(self, index: int, quantity: int) -> Cart:
        """Line ``index`` at ``quantity`` (0 removes it; at most MAX_QUANTITY)."""
        lines = list(self.lines)
        if quantity <= 0:
            del lines[index]
        else:
            lines[index] = replace(lines[index], quantity=min(quantity, MAX_QUANTITY))
        return replace(self, lines=tuple(lines))

    def with_promo(self, code: str, discount: Discount | None) -> Cart:
        """The promo code the service accepted (its discount replaces a typed one)."""
        return replace(self, promo_code=code, promo_discount=discount, discount_text="")

    def with_discount(self, text: str) -> Cart:
        """A discount typed by the desk (it replaces a promo code)."""
        return replace(self, discount_text=text, promo_code="", promo_discount=None)

    def subtotal(self) -> Money | None:
        """Every line's price × quantity, before any discount (what a promo code's minimum
        order is compared with); None for an empty cart."""
        if not self.lines:
            return None
        currency = self.lines[0].item.price.currency
        return Money(sum(line.item.price.amount * line.quantity for line in self.lines), currency)

    def with_tip(self, text: str) -> Cart:
        """The tip as typed or chosen from the presets."""
        return replace(self, tip_text=text)


def sale_request(cart: Cart) -> SaleRequest:
    """The sale the order service saves for ``cart``, as the desk set it."""
    return SaleRequest(
        items=[
            # A product by its SKU when it has one: a service may share a product's name.
            SaleItem(line.item.sku or line.item.name, line.quantity)
            if line.item.kind is Kind.PRODUCT
            else SaleItem(line.item.name, line.quantity)
            for line in cart.lines
        ],
        discount_text=cart.discount_text.strip() or None,
        promo_code=cart.promo_code or None,
        tip_text=cart.tip_text.strip() or None,
    )


@dataclass(frozen=True, slots=True)
class LineView:
    """A cart line as the screen lists it."""

    name: str
    quantity: int
    amount: str  # what the line comes to, after its discounts (tax as the business prices)
    warning: str = ""  # "Only 2 × Shampoo left in stock."


@dataclass(frozen=True, slots=True)
class SellState:
    """Everything the Sell screen shows for a cart."""

    lines: tuple[LineView, ...]
    subtotal: str
    discount: str
    tax: str
    tip: str
    total: str
    total_amount: int  # minor units, for the charge
    currency: str
    problem: str  # one sentence when the cart can't be sold as it is, else ""
    can_sell: bool
    tax_included: bool


def _money(amount: int, currency: str) -> str:
    return str(Money(amount, currency))


def _unpriced(
    views: tuple[LineView, ...], currency: str, problem: str, policy: PricingPolicy
) -> SellState:
    zero = _money(0, currency)
    return SellState(
        views, zero, zero, zero, zero, zero, 0, currency, problem, False, policy.prices_include_tax
    )


def present(cart: Cart, policy: PricingPolicy, currency: str) -> SellState:
    """Price ``cart`` as the saved order will be; a problem in one sentence, never a raise."""
    if not cart.lines:
        return _unpriced((), currency, _("Tap an item to start a sale."), policy)
    currency = cart.lines[0].item.price.currency
    warnings = {
        line.item.id: not_enough(line.item.name, line.item.stock)
        for line in cart.lines
        if line.item.stock is not None and line.quantity > line.item.stock
    }
    problem = next(iter(warnings.values()), "")
    try:
        discount = cart.promo_discount
        if cart.discount_text.strip():
            discount = parse_discount(cart.discount_text, currency)
        tip = parse_tip(cart.tip_text, currency) if cart.tip_text.strip() else None
        totals = price_order(
            [
                OrderLine(line.item.name, line.item.price, line.quantity, line.item.tax_rate)
                for line in cart.lines
            ],
            order_discount=discount,
            tip=tip,
            prices_include_tax=policy.prices_include_tax,
            tip_base=policy.tip_base,
        )
    except ValidationError as err:
        views = tuple(
            LineView(line.item.name, line.quantity, "", warnings.get(line.item.id, ""))
            for line in cart.lines
        )
        return _unpriced(views, currency, err.message, policy)
    views = tuple(
        LineView(
            line.item.name,
            line.quantity,
            _money(priced.amount(totals.tax_included), currency),
            warnings.get(line.item.id, ""),
        )
        for line, priced in zip(cart.lines, totals.lines, strict=True)
    )
    return SellState(
        lines=views,
        subtotal=_money(totals.subtotal, currency),
        discount=_money(totals.discount, currency),
        tax=_money(totals.tax, currency),
        tip=_money(totals.tip, currency),
        total=_money(totals.total, currency),
        total_amount=totals.total,
        currency=currency,
        problem=problem,
        can_sell=not problem and totals.total > 0,
        tax_included=totals.tax_included,
    )


def asks_for_tip(cart: Cart, *, tip_on_display: bool) -> bool:
    """Whether Charge (QR) first asks the customer for a tip on the customer display: the
    station's setting is on and the desk has set no tip (a preset or an amount) yet."""
    return tip_on_display and bool(cart.lines) and not cart.tip_text.strip()


def tip_offer(cart: Cart, policy: PricingPolicy, currency: str) -> TipOffer | None:
    """No tip and each preset, priced exactly as the saved order will be (a tip is never
    taxed or discounted, so it is the difference in the total); None when the cart cannot
    be sold as it is."""
    base = present(cart.with_tip(""), policy, currency)
    if not base.can_sell:
        return None
    before = Money(base.total_amount, base.currency)
    options = [TipOption(0, Money(0, base.currency), before)]
    for percent in TIP_PRESETS:
        total = Money(
            present(cart.with_tip(f"{percent}%"), policy, currency).total_amount, base.currency
        )
        options.append(TipOption(percent, total - before, total))
    return TipOffer(before, tuple(options))
