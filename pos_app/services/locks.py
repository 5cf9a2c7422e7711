"""Row locks in one order for every writer: the booking (if any), then its order, then the
payment or refund; and the end of an order's claim.

Two writers that lock the same two rows in opposite orders wait for each other, and
PostgreSQL ends one with "deadlock detected" (SQLite, with one write lock for the whole
database, never does). ``checkout`` and ``cash`` lock the booking and the order before
touching their payments, so the writers that start from a payment or a refund find its
booking and order first. A walk-in order has no booking row to lock.
"""

from __future__ import annotations

import logging

from pos_app.domain.payable import Payable
from pos_app.domain.payment import Payment, Refund
from pos_app.domain.ports import UnitOfWork
from pos_app.services import payables
from pos_app.services.context import Deps

log = logging.getLogger(__name__)


def payment_and_order(uow: UnitOfWork, payment_id: str) -> tuple[Payment | None, Payable | None]:
    """The payment and what it pays, all locked: booking, order, then the payment."""
    seen = uow.payments.get(payment_id)
    if seen is None:
        return None, None
    payable = payables.lock(uow, seen.order_id or seen.booking_id or "")
    # A locked read is read afresh (see the repositories), so what another writer
    # committed while we waited for the order is what we change.
    return uow.payments.get(payment_id, for_update=True), payable


def refund_and_order(uow: UnitOfWork, refund_id: str) -> tuple[Refund | None, Payable | None]:
    """The refund and what it refunds, all locked: booking, order, then the refund."""
    seen = uow.refunds.get(refund_id)
    if seen is None:
        return None, None
    payable = payables.lock(uow, seen.order_id or seen.booking_id or "")
    return uow.refunds.get(refund_id, for_update=True), payable


def release_claim(deps: Deps, payable_id: str, claim_id: str) -> None:
    """End an order's claim (cash being taken, or a cancel closing its links) after a refusal
    or an error, so links and cash work again at once; if that fails, the lease ends it."""
    try:
        with deps.uow(write=True) as uow:
            payable = payables.lock(uow, payable_id)
            if payable is not None and payable.release_cash_claim(claim_id):
                payables.save_claim(uow, payable)
                uow.commit()
    except Exception:  # the first error is the one to show; this one is only logged
        log.warning("order.claim_release_failed payable=%s claim=%s", payable_id, claim_id)
