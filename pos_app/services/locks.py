"""Row locks in one order for every writer (the booking first, then its payment or refund),
and the end of a booking's claim.

Two writers that lock the same two rows in opposite orders wait for each other, and
PostgreSQL ends one with "deadlock detected" (SQLite, with one write lock for the whole
database, never does). ``checkout`` and ``cash`` lock the booking before touching its
payments, so the writers that start from a payment or a refund find its booking first.
"""

from __future__ import annotations

import logging

from pos_app.domain.booking import Booking
from pos_app.domain.payment import Payment, Refund
from pos_app.domain.ports import UnitOfWork
from pos_app.services.context import Deps

log = logging.getLogger(__name__)


def payment_and_booking(uow: UnitOfWork, payment_id: str) -> tuple[Payment | None, Booking | None]:
    """The payment and its booking, both locked, the booking first."""
    seen = uow.payments.get(payment_id)
    if seen is None:
        return None, None
    booking = uow.bookings.get(seen.booking_id, for_update=True)
    # A locked read is read afresh (see the repositories), so what another writer
    # committed while we waited for the booking is what we change.
    return uow.payments.get(payment_id, for_update=True), booking


def refund_and_booking(uow: UnitOfWork, refund_id: str) -> tuple[Refund | None, Booking | None]:
    """The refund and its booking, both locked, the booking first."""
    seen = uow.refunds.get(refund_id)
    if seen is None:
        return None, None
    booking = uow.bookings.get(seen.booking_id, for_update=True)
    return uow.refunds.get(refund_id, for_update=True), booking


def release_claim(deps: Deps, booking_id: str, claim_id: str) -> None:
    """End a booking's claim (cash being taken, or a cancel closing its links) after a refusal
    or an error, so links and cash work again at once; if that fails, the lease ends it."""
    try:
        with deps.uow(write=True) as uow:
            booking = uow.bookings.get(booking_id, for_update=True)
            if booking is not None and booking.release_cash_claim(claim_id):
                uow.commit()
    except Exception:  # the first error is the one to show; this one is only logged
        log.warning("booking.claim_release_failed booking=%s claim=%s", booking_id, claim_id)
