"""Money recorded anew: when Stripe corrects a payment the app had already recorded.

The database numbers recorded money in its own order (store/money_order.py) and a day close
keeps the last number its frozen report counts. A payment recorded again is numbered again,
after every close so far, so a closed day never changes behind its back: the payment becomes
an adjustment on a later open day. But a payment a closed day's report already counts must
not be counted a second time: its business time stays where that report put it.
"""

from __future__ import annotations

from datetime import datetime

from pos_app.domain.payment import Payment
from pos_app.domain.ports import UnitOfWork
from pos_app.domain.report_data import business_date
from pos_app.services.context import Deps


def stripe_corrected(
    deps: Deps, uow: UnitOfWork, payment: Payment, paid_at: datetime | None, *, amount: bool
) -> None:
    """Record what Stripe changed on ``payment`` (locked in ``uow``): its ``amount``, or its
    business time (``paid_at`` was the time before Stripe's time of the charge replaced it).

    A new amount is recorded anew. A new time is too, unless a closed day's Z report
    already counts the payment: then it keeps the time that report counted it at.
    """
    if amount:
        payment.recorded_again(deps.clock.now())
        return
    if paid_at is None or payment.paid_at == paid_at:
        return
    seq = payment.record_seq
    day = business_date(paid_at, deps.policy.timezone)
    if seq is not None and uow.day_closes.covers(day, seq):
        payment.paid_at = paid_at  # counted by a close already: moving it would count it twice
        return
    payment.recorded_again(deps.clock.now())
