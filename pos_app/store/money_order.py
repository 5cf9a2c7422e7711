"""The database's order of recorded money: what "recorded after the day was closed" means.

Station clocks differ (one ten minutes slow is enough to lose money), so "after" is never a
comparison of times. Every row that records money (a payment written succeeded, a refund
written succeeded, a succeeded refund's later failure) gets the next number from the one
row of ``record_order``, bumped inside the transaction that records it. Bumping locks that
row until commit (SQLite: the write lock; PostgreSQL: the row lock), so numbers are given in
commit order. A day close takes the same lock before it reads anything and keeps the last
number given (``DayClose.covered_seq``): rows numbered up to it are in its frozen report,
every later one is an adjustment.

The numbers are given here, in one place, as the rows are flushed: no service can record
money and forget to number it.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, sessionmaker

from pos_app.domain.payment import Payment, Refund
from pos_app.store.schema import record_order

_ROW = record_order.c.id == 1


def install(factory: sessionmaker[Session]) -> None:
    """Number recorded money in every session ``factory`` makes."""
    event.listen(factory, "before_flush", _number_recorded_money)


def hold(session: Session) -> int:
    """Take the lock every writer of money takes and return the last number given.

    Until this transaction ends no money is recorded: every row numbered up to the result
    is committed (a writer holding the lock is waited for), and later ones will be higher.
    """
    q = select(record_order.c.last_seq).where(_ROW).with_for_update()
    return int(session.connection().execute(q).scalar_one())


def take_number(session: Session) -> int:
    """Take the next number for something recorded in this transaction that is not a row of
    money (an order paid in full: docs/orders.md 4.5), under the same lock."""
    conn = session.connection()
    conn.execute(update(record_order).where(_ROW).values(last_seq=record_order.c.last_seq + 1))
    return int(conn.execute(select(record_order.c.last_seq).where(_ROW)).scalar_one())


def _number_recorded_money(session: Session, _context: Any, _instances: Any) -> None:
    """Give each payment or refund recorded in this flush its number (see the module)."""
    slots: list[tuple[Payment | Refund, str]] = []
    for row in chain(session.new, session.dirty):
        if isinstance(row, Payment | Refund) and row.awaiting_order:
            slots.append((row, "record_seq"))
        if isinstance(row, Refund) and row.reversal_awaiting_order:
            slots.append((row, "reversed_seq"))
    if not slots:
        return
    conn = session.connection()
    conn.execute(
        update(record_order).where(_ROW).values(last_seq=record_order.c.last_seq + len(slots))
    )
    last = int(conn.execute(select(record_order.c.last_seq).where(_ROW)).scalar_one())
    # One transaction commits them together; within it, a refund's success before its failure.
    slots.sort(key=lambda s: (s[1] == "reversed_seq", s[0].id))
    for number, (row, column) in enumerate(slots, start=last - len(slots) + 1):
        setattr(row, column, number)
