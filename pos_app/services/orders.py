"""Orders: price a walk-in sale from the catalogue and save it, open, in one transaction.

The rules are the domain's: items are resolved from the catalogue and snapshot as sold
(``domain.orders``), priced by ``price_order`` with the stored pricing settings, a promo code
checked by ``check_code`` and a manual discount by ``can_give_discount``. Saving an order
takes nothing: its stock is taken and its promo use counted in the transaction that records
it paid (docs/orders.md), so stock and uses are only *checked* here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from pos_app.domain import currency as cur
from pos_app.domain import locale_format as lf
from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import Service
from pos_app.domain.errors import (
    FormErrors,
    InvalidStateError,
    NotFoundError,
    ValidationError,
)
from pos_app.domain.money import Money
from pos_app.domain.orders import (
    LineKind,
    Order,
    OrderCustomer,
    OrderStatus,
    ambiguous_item,
    inactive_item,
    nothing_to_charge,
    parse_discount,
    parse_item,
    parse_tip,
    unknown_item,
)
from pos_app.domain.payable import Payable
from pos_app.domain.payment import Payment, PaymentStatus, Refund
from pos_app.domain.people import Actor
from pos_app.domain.percent import Percent
from pos_app.domain.ports import UnitOfWork
from pos_app.domain.pricing import MAX_LINES, Discount, OrderLine, Tip, price_order
from pos_app.domain.products import Product, not_enough
from pos_app.domain.promo import PromoCode, can_give_discount
from pos_app.domain.text import bounded
from pos_app.i18n import N_, gettext, ngettext
from pos_app.services import audit, ledger, order_charge, payables
from pos_app.services.audit_words import order_voided, order_words
from pos_app.services.context import Deps
from pos_app.services.customers import Contact, check_contact, find_or_add
from pos_app.services.ids import new_id
from pos_app.services.pricing_settings import read_policy
from pos_app.services.promo_codes import check_code

log = logging.getLogger(__name__)

BOTH_DISCOUNTS = N_("Give a promo code or a discount, not both.")
ADD_TO_CLOSED = N_(
    "This booking is cancelled or marked as a no-show, so nothing can be added to it."
)
ADD_AFTER_PAID = N_(
    "This booking has been paid (in part or in full), so its order can no longer change; "
    "sell the extra items as a new sale."
)
ADD_WITH_LINK = N_(
    "A card payment link is open for this booking; cancel it before adding items, then "
    "charge again."
)
NO_ORDER = N_("This booking has no order to add items to.")
VOID_BOOKING_ORDER = N_("This order belongs to booking {booking}; cancel the booking instead.")
VOID_WITH_LINK = N_("A card payment link is open for this order. Cancel the link first, then void.")
VOID_PAID = N_("Money has been taken for this order, so it cannot be voided. Refund it instead.")
VOID_NOT_OPEN = N_("This order is not open any more, so it cannot be voided.")


#: The Sell screen lists at most this many part-paid sales (oldest first): a desk has a few.
PART_PAID_SHOWN = 20


@dataclass(frozen=True)
class OrderMoneyDetail:
    """An order with what was paid and refunded against it (``status``, ``pay-cash``)."""

    payable: Payable
    payments: list[Payment]
    refunds: list[Refund]


# Payments that hold money, or may: a paid order's lines never change.
_TOOK_MONEY = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.PROCESSING})


@dataclass(frozen=True)
class SaleItem:
    """One item of a sale as the desk names it: a product's name or SKU, or a service's name
    (any case), a quantity, and optionally a discount on this line ("10%" or "5.00")."""

    text: str
    quantity: int = 1
    discount_text: str | None = None

    @classmethod
    def parse(cls, text: str) -> SaleItem:
        """An item from "NAME[ xQTY]" ("Shampoo x2")."""
        name, quantity = parse_item(text)
        return cls(name, quantity)


@dataclass(frozen=True)
class SaleRequest:
    """A walk-in sale as the desk (or the CLI) asks for it, as typed."""

    items: Sequence[SaleItem]
    discount_text: str | None = None  # "10%" or "5.00" off the order
    promo_code: str | None = None
    tip_text: str | None = None  # "15%" or "3.00"
    customer_name: str = ""
    customer_email: str = ""
    customer_phone: str = ""
    customer_id: str | None = None  # a customer chosen from the suggestions


@dataclass(frozen=True)
class _Item:
    """A catalogue item found for a SaleItem."""

    kind: LineKind
    id: str
    name: str
    price: Money
    tax_rate_thousandths: int
    product: Product | None = None


class OrderService:
    """Price and save walk-in orders; read them back."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def today(self) -> date:
        """The business's date now (its time zone): what promo codes' dates are compared with."""
        return self._d.clock.now().astimezone(self._d.policy.timezone).date()

    def get(self, order_id: str) -> Order:
        """One order with its lines, or NotFoundError."""
        with self._d.uow() as uow:
            found = uow.orders.get(order_id.strip())
        if found is None:
            raise NotFoundError(
                gettext("There is no order '{id}'.").format(id=bounded(order_id.strip(), 60))
            )
        return found

    def create_walk_in(self, request: SaleRequest, actor: Actor | None = None) -> Order:
        """Price the sale and save it as an open order (with its audit entry) in one
        transaction; a sentence and nothing saved when anything is wrong."""
        who = actor or self._d.desk.actor
        if not request.items:
            raise ValidationError("items", "Add at least one item to the order.")
        if len(request.items) > MAX_LINES:
            raise ValidationError("items", _too_many_lines())
        if request.discount_text and request.promo_code:
            raise ValidationError("discount", BOTH_DISCOUNTS)
        contact = None
        if request.customer_name or request.customer_email or request.customer_phone:
            contact, errors = check_contact(
                request.customer_name, request.customer_email, request.customer_phone
            )
            if errors:
                raise FormErrors(errors)
        now = self._d.clock.now()
        with self._d.uow(write=True) as uow:
            policy = read_policy(uow.events)
            found = [_resolve(uow, item.text) for item in request.items]
            currency = found[0].price.currency
            _check_stock(request.items, found)
            lines = [
                OrderLine(
                    name=f.name,
                    unit_amount=f.price,
                    quantity=item.quantity,
                    tax_rate=Percent(f.tax_rate_thousandths),
                    discount=(
                        parse_discount(item.discount_text, currency) if item.discount_text else None
                    ),
                )
                for item, f in zip(request.items, found, strict=True)
            ]
            subtotal = Money(sum(line.gross.amount for line in lines), currency)
            promo: PromoCode | None = None
            discount: Discount | None = None
            if request.promo_code:
                promo = check_code(uow, request.promo_code, today=self.today(), subtotal=subtotal)
                discount = promo.discount
            elif request.discount_text:
                discount = parse_discount(request.discount_text, currency)
            tip: Tip | None = parse_tip(request.tip_text, currency) if request.tip_text else None
            totals = price_order(
                lines,
                order_discount=discount,
                tip=tip,
                prices_include_tax=policy.prices_include_tax,
                tip_base=policy.tip_base,
            )
            # A promo code's discount is the code's; every other one is given by hand.
            manual = totals.discount - (
                sum(p.order_discount for p in totals.lines) if promo is not None else 0
            )
            if manual:
                can_give_discount(
                    Money(manual, currency), subtotal, who, policy.manager_discount
                ).ensure()
            total = totals.money(totals.total)
            if total.amount <= 0:
                raise InvalidStateError(nothing_to_charge(total))
            if total.amount > cur.maximum_charge(currency):
                largest = Money(cur.maximum_charge(currency), currency)
                raise InvalidStateError(
                    gettext(
                        "This order comes to {total}, more than one payment can take "
                        "({largest}); split it into two orders."
                    ).format(total=total.format(), largest=largest.format())
                )
            customer = self._customer(uow, request, contact, now)
            order = Order.build(
                id=new_id("ord"),
                items=[(f.kind, f.id) for f in found],
                totals=totals,
                tip_base=policy.tip_base,
                created_at=now,
                created_by_name=who.name,
                created_by=who.id,
                customer=customer,
                order_discount=discount,
                promo_code_id=promo.id if promo else None,
                promo_code=promo.code if promo else None,
                tip_input=tip,
            )
            order = replace(order, number=uow.orders.add(order))
            audit.record(
                uow,
                at=now,
                actor=who,
                action=AuditAction.ORDER_CREATED,
                amount=order.total,
                currency=currency,
                detail=order_words(order),
            )
            uow.commit()
        log.info(
            "order.created order=%s number=%s lines=%d total=%d %s",
            order.id,
            order.number,
            len(order.lines),
            order.total,
            currency,
        )
        return order

    def booking_of(self, order_id: str) -> str | None:
        """The booking an order id's money commands show (a booking's order is shown as its
        booking, as before), or None for a walk-in sale, shown as the order."""
        return self.get(order_id).booking_id

    def void(self, order_id: str, actor: Actor | None = None) -> Order:
        """Void a walk-in order nothing was paid for (the desk cancels the sale); its promo
        code's use, if taken, is given back once. A sentence, and nothing changed, when money
        was taken, a card link is open or cash is being taken, or it belongs to a booking."""
        who = actor or self._d.desk.actor
        now = self._d.clock.now()
        with self._d.uow(write=True) as uow:
            payable = payables.require(uow, order_id.strip(), for_update=True)
            if payable.booking is not None:
                raise InvalidStateError(VOID_BOOKING_ORDER.format(booking=payable.booking.id))
            payable.ensure_no_cash_claim(self._d.server_now())
            payments = uow.payments.for_order(payable.id)
            if any(p.status.link_open for p in payments):
                raise InvalidStateError(VOID_WITH_LINK)
            if payable.paid_amount > 0 or any(p.status in _TOOK_MONEY for p in payments):
                raise InvalidStateError(VOID_PAID)
            if not uow.orders.void(payable.id):
                raise InvalidStateError(VOID_NOT_OPEN)
            order_charge.give_back(uow, payable)
            order = replace(payable.order, status=OrderStatus.VOID)
            audit.record(
                uow,
                at=now,
                actor=who,
                action=AuditAction.ORDER_VOIDED,
                amount=order.total,
                currency=order.currency,
                detail=order_voided(order),
            )
            uow.commit()
        log.info("order.voided order=%s number=%s", order.id, order.number)
        return order

    def money(self, order_id: str) -> OrderMoneyDetail:
        """An order as paid: its figures, money summary and status, payments and refunds."""
        with self._d.uow() as uow:
            payable = payables.require(uow, order_id.strip())
            return OrderMoneyDetail(
                payable,
                uow.payments.for_order(payable.id),
                uow.refunds.for_order(payable.id),
            )

    def part_paid(self, limit: int = PART_PAID_SHOWN) -> list[OrderMoneyDetail]:
        """Walk-in sales paid in part (a split's cash or card part, the rest still due), from
        the database, oldest first: what every station's Sell screen lists, whichever
        station sold them."""
        found: list[OrderMoneyDetail] = []
        with self._d.uow() as uow:
            for order_id in uow.orders.part_paid_walk_ins(limit):
                payable = payables.require(uow, order_id)
                payments = uow.payments.for_order(order_id)
                found.append(OrderMoneyDetail(payable, payments, uow.refunds.for_order(order_id)))
        return found

    def add_to_booking(
        self, booking_id: str, items: Sequence[SaleItem], actor: Actor | None = None
    ) -> Order:
        """Add lines to a booking's order and price it again, in one transaction with the
        booking's price (its order's total); refused once anything is paid, a link is open
        or cash is being taken (docs/orders.md 2.1: a paid order's lines never change)."""
        who = actor or self._d.desk.actor
        if not items:
            raise ValidationError("items", "Add at least one item to the order.")
        now = self._d.clock.now()
        with self._d.uow(write=True) as uow:
            booking = uow.bookings.get(booking_id.strip(), for_update=True)
            if booking is None:
                raise NotFoundError(
                    gettext("There is no booking '{id}'.").format(
                        id=bounded(booking_id.strip(), 60)
                    )
                )
            if booking.cancelled or booking.no_show:
                raise InvalidStateError(ADD_TO_CLOSED)
            payable = payables.require(uow, booking.id, for_update=True)  # the order's claim
            payable.ensure_no_cash_claim(self._d.server_now())
            payments = uow.payments.for_order(payable.id)
            if any(p.status in _TOOK_MONEY for p in payments):
                raise InvalidStateError(ADD_AFTER_PAID)
            if any(p.status.link_open for p in payments):
                raise InvalidStateError(ADD_WITH_LINK)
            order = uow.orders.for_booking(booking.id)
            if order is None:
                raise InvalidStateError(NO_ORDER)
            found = [_resolve(uow, item.text) for item in items]
            for f in found:
                if f.price.currency != order.currency:
                    raise InvalidStateError(
                        gettext(
                            "{item} is priced in {currency}; this booking is in {booking}."
                        ).format(
                            item=f.name,
                            currency=f.price.currency.upper(),
                            booking=order.currency.upper(),
                        )
                    )
            if len(order.lines) + len(items) > MAX_LINES:
                raise ValidationError("items", _too_many_lines())
            held = [(s.item_id, s.line.quantity) for s in order.lines if s.kind is LineKind.PRODUCT]
            _check_stock(items, found, already=held)
            lines = [s.line for s in order.lines] + [
                OrderLine(f.name, f.price, item.quantity, Percent(f.tax_rate_thousandths))
                for item, f in zip(items, found, strict=True)
            ]
            totals = price_order(
                lines,
                order_discount=order.order_discount,
                tip=order.tip_input,
                prices_include_tax=order.prices_include_tax,
                tip_base=order.tip_base,
            )
            if totals.total > cur.maximum_charge(order.currency):
                largest = Money(cur.maximum_charge(order.currency), order.currency)
                raise InvalidStateError(
                    gettext(
                        "With these items the booking comes to {total}, more than one payment "
                        "can take ({largest}); sell them as a new sale."
                    ).format(total=totals.money(totals.total).format(), largest=largest.format())
                )
            changed = Order.build(
                id=order.id,
                items=[(s.kind, s.item_id) for s in order.lines] + [(f.kind, f.id) for f in found],
                totals=totals,
                tip_base=order.tip_base,
                created_at=order.created_at,
                created_by_name=order.created_by_name,
                created_by=order.created_by,
                customer=order.customer,
                booking_id=order.booking_id,
                order_discount=order.order_discount,
                promo_code_id=order.promo_code_id,
                promo_code=order.promo_code,
                tip_input=order.tip_input,
            )
            changed = replace(changed, status=order.status, number=order.number)
            uow.orders.replace_lines(changed)
            booking.price_amount = changed.total  # the booking costs what its order does
            ledger.recompute(uow, booking, at=now)
            audit.record(
                uow,
                at=now,
                actor=who,
                action=AuditAction.ORDER_CHANGED,
                booking_id=booking.id,
                amount=changed.total,
                currency=changed.currency,
                detail=order_words(changed, added=len(items)),
            )
            uow.commit()
        log.info(
            "order.items_added order=%s booking=%s lines=%d total=%d %s",
            changed.id,
            booking_id,
            len(changed.lines),
            changed.total,
            changed.currency,
        )
        return changed

    def _customer(
        self, uow: UnitOfWork, request: SaleRequest, contact: Contact | None, now: datetime
    ) -> OrderCustomer:
        """Who the order is for: a chosen customer, one found or added by email or phone,
        a name only (no customer record for a name alone), or nobody."""
        if request.customer_id:
            chosen = uow.customers.get(request.customer_id)
            if chosen is None:
                raise NotFoundError(N_("That customer no longer exists; search again."))
            return OrderCustomer(chosen.name, chosen.email or "", chosen.phone or "", chosen.id)
        if contact is None:
            return OrderCustomer()
        if not (contact.email or contact.phone):
            return OrderCustomer(contact.name)
        customer = find_or_add(uow, contact, now=now)
        uow.bookings.flush()  # the customer row first: the order refers to it
        return OrderCustomer(contact.name, contact.email, contact.phone, customer.id)


def _too_many_lines() -> str:
    """The refusal of an order longer than ``MAX_LINES``, in the UI language."""
    return ngettext(
        "An order holds at most {count} line.", "An order holds at most {count} lines.", MAX_LINES
    ).format(count=lf.number(MAX_LINES))


def _resolve(uow: UnitOfWork, text: str) -> _Item:
    """The product (by name or SKU) or service (by name or id) ``text`` names, any case."""
    key = " ".join(text.split())
    product = uow.products.find(key) if key else None
    folded = key.casefold()
    services = [
        s
        for s in uow.services.list(active_only=False)
        if s.name.casefold() == folded or s.id.casefold() == folded
    ]
    service: Service | None = services[0] if services else None
    if product is not None and service is not None:
        if (product.sku or "").casefold() != folded:  # a SKU names the product alone
            raise InvalidStateError(ambiguous_item(product.name))
        service = None
    if product is not None:
        if not product.active:
            raise InvalidStateError(inactive_item(product.name))
        return _Item(
            LineKind.PRODUCT,
            product.id,
            product.name,
            product.price,
            product.tax_rate.thousandths,
            product,
        )
    if service is not None:
        if not service.active:
            raise InvalidStateError(inactive_item(service.name))
        return _Item(
            LineKind.SERVICE,
            service.id,
            service.name,
            service.price,
            service.tax_rate_thousandths,
        )
    raise NotFoundError(unknown_item(bounded(key, 60)))


def _check_stock(
    items: Sequence[SaleItem],
    found: Sequence[_Item],
    already: Sequence[tuple[str, int]] = (),
) -> None:
    """Refuse, naming what is left, a product asked for (over all its lines, ``already`` on
    the order included) beyond its stock. Nothing is taken: that happens when it is paid."""
    wanted: dict[str, int] = {}
    for product_id, quantity in already:
        wanted[product_id] = wanted.get(product_id, 0) + quantity
    for item, f in zip(items, found, strict=True):
        if f.product is not None:
            wanted[f.id] = wanted.get(f.id, 0) + item.quantity
    for f in found:
        if f.product is not None and wanted.get(f.id, 0) > f.product.stock:
            raise InvalidStateError(not_enough(f.product.name, f.product.stock))
