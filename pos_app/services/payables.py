"""Finding what a customer pays (issue 14, docs/orders.md 2.3): an order, with its booking
when it has one, read or locked in one order for every writer: booking (if any), then the
order, then the caller's payment or refund.

A booking id (``bk_…``) means the booking's order; an order id (``ord_…``) the order itself.
"""

from __future__ import annotations

from pos_app.domain.errors import NotFoundError
from pos_app.domain.payable import Payable
from pos_app.domain.payment import Payment, PaymentStatus
from pos_app.domain.ports import UnitOfWork
from pos_app.i18n import gettext

BOOKING_PREFIX = "bk_"


def order_id_of(uow: UnitOfWork, payable_id: str) -> str:
    """The order a booking or order id names; NotFoundError with a sentence when none. A
    booking stored without its order is given one (``orders.ensure_for_booking``)."""
    if payable_id.startswith(BOOKING_PREFIX):
        if uow.bookings.get(payable_id) is None:
            raise NotFoundError(gettext("There is no booking {id}.").format(id=payable_id))
        return uow.orders.ensure_for_booking(payable_id)
    return payable_id


def read(uow: UnitOfWork, payable_id: str) -> Payable | None:
    """The payable as stored, without locks (a booking or order id); None if unknown."""
    try:
        order_id = order_id_of(uow, payable_id)
    except NotFoundError:
        return None
    order = uow.orders.get(order_id)
    if order is None:
        return None
    booking = uow.bookings.get(order.booking_id) if order.booking_id else None
    payable = Payable.of(order, booking, uow.orders.money(order_id))
    _derive(payable, uow.payments.for_order(order_id))
    return payable


def lock(uow: UnitOfWork, payable_id: str) -> Payable | None:
    """The payable with its rows locked, booking first, then the order (PostgreSQL); read
    afresh, so what another writer committed while we waited is what we change."""
    try:
        order_id = order_id_of(uow, payable_id)
    except NotFoundError:
        return None
    seen = uow.orders.get(order_id)
    if seen is None:
        return None
    booking = uow.bookings.get(seen.booking_id, for_update=True) if seen.booking_id else None
    order = uow.orders.get(order_id, for_update=True)
    assert order is not None  # orders are never deleted
    payable = Payable.of(order, booking, uow.orders.money(order_id))
    _derive(payable, uow.payments.for_order(order_id))
    return payable


def require(uow: UnitOfWork, payable_id: str, *, for_update: bool = False) -> Payable:
    """``lock`` or ``read``, or NotFoundError naming the id."""
    found = lock(uow, payable_id) if for_update else read(uow, payable_id)
    if found is None:
        missing = (
            gettext("There is no booking {id}.")
            if payable_id.startswith(BOOKING_PREFIX)
            else gettext("There is no order {id}.")
        )
        raise NotFoundError(missing.format(id=payable_id))
    return found


def save_claim(uow: UnitOfWork, payable: Payable) -> None:
    """Store the payable's claim on its order row (the caller holds the lock, and commits)."""
    uow.orders.set_claim(payable.id, payable.cash_claim, payable.cash_claim_until)


def _derive(payable: Payable, payments: list[Payment]) -> None:
    payable.derive(
        open_checkout=any(p.status.link_open for p in payments),
        processing=any(p.status is PaymentStatus.PROCESSING for p in payments),
    )
