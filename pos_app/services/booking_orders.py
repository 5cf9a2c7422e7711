"""A booking's order (issue 14, docs/orders.md 2.1): the booking's service is its first line,
priced with the service's tax rate and the stored pricing settings, and stored in the
booking's own transaction. The booking's price is the order's total, so the booking's money
paths and the order's agree while it has no add-ons.
"""

from __future__ import annotations

from dataclasses import replace

from pos_app.domain.booking import Booking, Service
from pos_app.domain.money import Money
from pos_app.domain.orders import LineKind, Order, OrderCustomer
from pos_app.domain.people import Actor
from pos_app.domain.percent import Percent
from pos_app.domain.ports import UnitOfWork
from pos_app.domain.pricing import OrderLine, OrderTotals, TipBase, price_order
from pos_app.services.ids import new_id
from pos_app.services.pricing_settings import read_policy


def price_service(uow: UnitOfWork, service: Service, price: Money) -> tuple[OrderTotals, TipBase]:
    """A booking's one service line priced as booked (``price`` may override the list
    price), with the settings read in the caller's transaction."""
    policy = read_policy(uow.events)
    line = OrderLine(
        name=service.name,
        unit_amount=price,
        quantity=1,
        tax_rate=Percent(service.tax_rate_thousandths),
    )
    totals = price_order(
        [line],
        order_discount=None,
        tip=None,
        prices_include_tax=policy.prices_include_tax,
        tip_base=policy.tip_base,
    )
    return totals, policy.tip_base


def store_order(
    uow: UnitOfWork, booking: Booking, totals: OrderTotals, tip_base: TipBase, actor: Actor
) -> Order:
    """Store the booking's open order (its row must be written first: the order refers to
    it); the order with the number the database gave it."""
    order = Order.build(
        id=new_id("ord"),
        items=[(LineKind.SERVICE, booking.service_id)],
        totals=totals,
        tip_base=tip_base,
        created_at=booking.created_at,
        created_by_name=actor.name,
        created_by=actor.id,
        customer=OrderCustomer(
            booking.customer_name,
            booking.customer_email or "",
            booking.customer_phone or "",
            booking.customer_id,
        ),
        booking_id=booking.id,
    )
    return replace(order, number=uow.orders.add(order))
