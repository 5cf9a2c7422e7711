"""Announce every committed change to the other stations, once, for every writer.

A unit of work's session notes which bookings, payments, refunds, closed days, catalogue rows
and customers it writes (as they are flushed, and those still pending at commit). Just before
the outermost commit, on PostgreSQL, it sends them with ``pg_notify`` in the same transaction:
PostgreSQL delivers a notification only when its transaction commits and never when it rolls
back, so listeners hear of a change exactly when it is visible to them. The services know
nothing of this (installed on the session factory, like ``money_order``).

On SQLite there is nothing to send: stations on one file watch ``PRAGMA data_version``
(``change_feed.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from pos_app.domain.booking import Booking, Service
from pos_app.domain.changes import CHANNEL, Change, Topic, encode, utc_day
from pos_app.domain.payment import Payment, Refund
from pos_app.domain.people import Customer, Resource
from pos_app.domain.reports import DayClose

log = logging.getLogger(__name__)

_KEY = "pos_app.change_notes"


def install(factory: sessionmaker[Session]) -> None:
    """Announce the changes of every session ``factory`` makes."""
    event.listen(factory, "after_flush", _note_flushed)
    event.listen(factory, "before_commit", _announce)
    event.listen(factory, "after_transaction_end", _forget)


def noted(session: Session) -> Change:
    """What ``session`` has written so far in its transaction (for tests and the hook)."""
    found: Change = session.info.get(_KEY, Change())
    return found


def changes_in(rows: Iterable[object]) -> Change:
    """The change that writing ``rows`` (new, changed or deleted mapped objects) makes."""
    topics: set[str] = set()
    ids: set[str] = set()
    days = set()
    closed = set()
    for row in rows:
        if isinstance(row, Booking):
            topics.add(Topic.BOOKING)
            ids.add(row.id)
            # A moved booking leaves one day and arrives on another: both are concerned.
            history = inspect(row).attrs.starts_at.history
            for at in chain(history.added or (), history.deleted or (), [row.starts_at]):
                if at is not None:
                    days.add(utc_day(at))
        elif isinstance(row, Payment | Refund):
            topics.add(Topic.PAYMENT if isinstance(row, Payment) else Topic.REFUND)
            if row.booking_id is not None:  # a walk-in's money concerns no booking
                ids.add(row.booking_id)
        elif isinstance(row, DayClose):
            topics.add(Topic.DAY_CLOSE)
            closed.add(row.business_date)
        elif isinstance(row, Service | Resource):
            topics.add(Topic.CATALOG)
        elif isinstance(row, Customer):
            topics.add(Topic.CUSTOMER)
    return Change(
        topics=frozenset(topics),
        booking_ids=frozenset(ids),
        days=frozenset(days),
        closed_days=frozenset(closed),
    )


def _note(session: Session, rows: Iterable[object]) -> None:
    note(session, changes_in(rows))


def note(session: Session, change: Change) -> None:
    """Add ``change`` to what ``session``'s transaction announces: for rows written with
    Core statements (products, stock, promo codes), which no flush sees."""
    if not change.is_empty():
        session.info[_KEY] = noted(session).merge(change)


def _written(session: Session) -> Iterable[object]:
    """Rows this flush writes: new, deleted, and changed ones whose values really differ (the
    charge screen re-reads a payment every second and sets what it already holds)."""
    changed = (row for row in session.dirty if session.is_modified(row))
    return chain(session.new, changed, session.deleted)


def _note_flushed(session: Session, _context: Any) -> None:
    _note(session, _written(session))


def _announce(session: Session) -> None:
    """Send what this transaction wrote, inside it, just before it commits (PostgreSQL)."""
    if session.in_nested_transaction():
        return  # a savepoint being released: the outer commit announces it all
    # Rows still pending are flushed after this hook, by the commit itself.
    _note(session, _written(session))
    change = noted(session)
    if not change.is_empty():
        send(session, change)


def send(session: Session, change: Change) -> None:
    """Queue ``change``'s NOTIFY in ``session``'s transaction (PostgreSQL; SQLite has none)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    # On the session's connection, not through session.execute: no autoflush here, the
    # commit flushes as it always does.
    session.connection().execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": CHANNEL, "payload": encode(change)},
    )


def _forget(session: Session, transaction: SessionTransaction) -> None:
    """The transaction is over (committed or rolled back): start the next one afresh."""
    if transaction.parent is None:
        session.info.pop(_KEY, None)
