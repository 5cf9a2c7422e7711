"""The audit log's words for the catalogue, staff, products, promo codes and orders, as
``Detail`` s: each a marked template and its values, stored with the entry and said in the
reader's language when shown (the English sentence is stored beside it, as before).

Kept in one place so the services that write these entries say one thing one way, and the
English their ``detail`` column carries stays what it was ("Added product Shampoo ($9.50,
tax 0%, warn at 3)").
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pos_app.domain.audit import Day, Detail, DetailValue, counted, joined
from pos_app.domain.money import Money
from pos_app.domain.people import ResourceKind, Role
from pos_app.domain.percent import Percent
from pos_app.domain.text import bounded
from pos_app.i18n import N_, N_plural

# The models named in annotations only (pricing and stock words import theirs when used): the
# people service imports these words, and the sign-in page (the first screen, before the
# app is open) needs neither orders nor pricing.
if TYPE_CHECKING:
    from pos_app.domain.booking import Service
    from pos_app.domain.orders import Order
    from pos_app.domain.pricing import Discount, PricingPolicy
    from pos_app.domain.products import Product, StockReason
    from pos_app.domain.promo import PromoCode

INACTIVE = Detail(N_("inactive"))
_ROLE = {Role.MANAGER: N_("manager"), Role.STAFF: N_("staff")}
_KIND = {ResourceKind.STAFF: N_("staff column"), ResourceKind.ROOM: N_("room")}
# Promo dates in the audit log: "1 Jun 2026" in English, as ``record_day`` wrote them.
_PROMO_DAY = "date_plain"


def added(what: Detail) -> Detail:
    """ "Added …" for something new in the catalogue or staff."""
    return Detail(N_("Added {what}"), {"what": what})


def changed(before: Detail, after: Detail) -> Detail:
    """ "Changed … → …" for an edit of the catalogue or staff."""
    return Detail(N_("Changed {before} → {after}"), {"before": before, "after": after})


def named(name: str, parts: list[DetailValue]) -> Detail:
    """ "Shampoo (…, …)": a thing by its name and its settings, each a phrase of its own."""
    return Detail("{name} ({parts})", {"name": name, "parts": joined(parts, ", ")})


def service_words(service: Service) -> Detail:
    """A service and its settings: "Haircut (45 min, $35.00, tax 8%, inactive)"."""
    parts: list[DetailValue] = [
        Detail(N_("{count} min"), {"count": service.duration_minutes}),
        Money(service.price_amount, service.currency),
    ]
    if service.tax_rate_thousandths:
        parts.append(_tax(Percent(service.tax_rate_thousandths)))
    if not service.active:
        parts.append(INACTIVE)
    return named(service.name, parts)


def product_words(product: Product) -> Detail:
    """A product and its settings: "Shampoo ($9.50, tax 0%, SKU SH-1, warn at 3)"."""
    parts: list[DetailValue] = [product.price, _tax(product.tax_rate)]
    if product.sku:
        parts.append(Detail(N_("SKU {sku}"), {"sku": product.sku}))
    parts.append(Detail(N_("warn at {count}"), {"count": product.low_stock}))
    if not product.active:
        parts.append(INACTIVE)
    return named(product.name, parts)


def user_words(name: str, role: Role, active: bool, takes_bookings: bool) -> Detail:
    """An account: "Sam Lee (staff, takes bookings)"."""
    parts: list[DetailValue] = [Detail(_ROLE[role])]
    if takes_bookings:
        parts.append(Detail(N_("takes bookings")))
    if not active:
        parts.append(INACTIVE)
    return named(name, parts)


def resource_words(name: str, kind: ResourceKind, position: int, active: bool) -> Detail:
    """A column of the day view: "Room 2 (room, position 3)"."""
    parts: list[DetailValue] = [
        Detail(_KIND[kind]),
        Detail(N_("position {number}"), {"number": position}),
    ]
    if not active:
        parts.append(INACTIVE)
    return named(name, parts)


def discount_words(discount: Discount) -> Detail:
    """ "10% off" or "$5.00 off"."""
    if discount.percent is not None:
        return Detail(N_("{amount} off"), {"amount": discount.percent})
    assert discount.amount is not None  # a discount is a percentage or an amount
    return Detail(N_("{amount} off"), {"amount": discount.amount})


def promo_words(promo: PromoCode) -> Detail:
    """A code and its limits: "SUMMER10 (10% off, 100 uses, 1 Jun 2026 – …)"."""
    parts: list[DetailValue] = [discount_words(promo.discount)]
    if promo.max_uses is not None:
        parts.append(counted(N_plural("{count} use", "{count} uses"), promo.max_uses))
    if promo.valid_from or promo.valid_until:
        parts.append(
            Detail(
                N_("{start} – {end}"),
                {"start": _day(promo.valid_from), "end": _day(promo.valid_until)},
            )
        )
    if promo.min_order is not None:
        parts.append(Detail(N_("orders of {amount} or more"), {"amount": promo.min_order}))
    return named(promo.code, parts)


def promo_added(promo: PromoCode) -> Detail:
    """The audit log's words for a new promo code."""
    return Detail(N_("Added promo code {promo}"), {"promo": promo_words(promo)})


def promo_switched(code: str, active: bool) -> Detail:
    """The audit log's words for a code switched on or off."""
    if active:
        return Detail(N_("Switched on promo code {code}"), {"code": code})
    return Detail(N_("Switched off promo code {code}"), {"code": code})


def order_words(order: Order, added: int = 0) -> Detail:
    """ "Order 12 (ord_…): 2 × Shampoo, Haircut; 10% off; total $71.89, open" (with ``added``,
    the last lines only: "Order 12 (…): added 2 × Shampoo; total $42.75, open")."""
    shown = order.lines[-added:] if added else order.lines
    lines = ", ".join(
        f"{s.line.quantity} × {s.line.name}" if s.line.quantity > 1 else s.line.name for s in shown
    )
    head = N_("Order {number} ({id}): {lines}")
    if added:
        head = N_("Order {number} ({id}): added {lines}")
    number = str(order.number) if order.number is not None else "None"
    parts: list[DetailValue] = [
        Detail(head, {"number": number, "id": order.id, "lines": bounded(lines, 600)})
    ]
    if order.promo_code:
        parts.append(Detail(N_("promo code {code}"), {"code": order.promo_code}))
    elif order.order_discount is not None:
        parts.append(discount_words(order.order_discount))
    if order.tip:
        parts.append(Detail(N_("tip {amount}"), {"amount": order.money(order.tip)}))
    parts.append(Detail(N_("total {amount}, open"), {"amount": order.money(order.total)}))
    return joined(parts)


def order_voided(order: Order) -> Detail:
    """The audit log's words for a walk-in order voided unpaid."""
    return Detail(N_("{order}; voided"), {"order": order_words(order)})


def pricing_words(policy: PricingPolicy) -> Detail:
    """The pricing settings: "prices include tax, tips before tax, manager for discounts
    above 10%"."""
    from pos_app.domain.pricing import TipBase

    tax = N_("prices include tax") if policy.prices_include_tax else N_("tax added to prices")
    tip = N_("tips before tax") if policy.tip_base is TipBase.BEFORE_TAX else N_("tips after tax")
    return Detail(
        N_("{tax}, {tip}, manager for discounts above {percent}"),
        {"tax": Detail(tax), "tip": Detail(tip), "percent": policy.manager_discount},
    )


def pricing_changed(old: PricingPolicy, new: PricingPolicy) -> Detail:
    """The audit log's words for a change of the pricing settings."""
    return Detail(
        N_("Pricing: {before} → {after}"),
        {"before": pricing_words(old), "after": pricing_words(new)},
    )


def stock_words(
    name: str, reason: StockReason, change: int, before: int, note: str | Detail = ""
) -> Detail:
    """A stock change: "Shampoo: Received +5 (stock 3 → 8)", then its note if it has one
    (typed by a person: data; written by the app: a Detail of its own)."""
    from pos_app.domain.products import reason_words

    words = Detail(
        N_("{name}: {reason} {change} (stock {before} → {after})"),
        {
            "name": name,
            "reason": Detail(reason_words(reason)),
            "change": f"{change:+d}",
            "before": before,
            "after": before + change,
        },
    )
    if not note:
        return words
    return Detail("{text}. {note}", {"text": words, "note": note})


def oversold(quantity: int, name: str, order: str, short: int) -> Detail:
    """The audit log's words when a paid order took more than the shelf held."""
    return Detail(
        N_(
            "{quantity} × {name} sold on order {order} with {shelf} on the shelf: "
            "oversold by {short}; check the shelf"
        ),
        {
            "quantity": quantity,
            "name": name,
            "order": order,
            "shelf": quantity - short,
            "short": short,
        },
    )


def _tax(rate: Percent) -> Detail:
    return Detail(N_("tax {rate}"), {"rate": rate})


def _day(day: date | None) -> DetailValue:
    return Day(day, _PROMO_DAY) if day is not None else "…"
