"""Deleting webhook records past their windows, a bounded batch per call.

Each call deletes at most ``limit`` rows, so a caller can commit between batches and no
single transaction holds SQLite's write lock for long, however many rows a flood left.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from pos_app.store.schema import processed_events, webhook_deliveries


def prune_deliveries(
    session: Session, *, events_before: datetime, rejected_before: datetime, limit: int
) -> int:
    """Delete up to ``limit`` deliveries: those naming an event received before
    ``events_before``, those naming none received before ``rejected_before``."""
    d = webhook_deliveries.c
    old = or_(
        and_(d.event_id.is_not(None), d.received_at < events_before),
        and_(d.event_id.is_(None), d.received_at < rejected_before),
    )
    batch = select(d.id).where(old).order_by(d.id).limit(limit)
    result = session.execute(webhook_deliveries.delete().where(d.id.in_(batch)))
    return int(result.rowcount)  # type: ignore[attr-defined]


def prune_processed(session: Session, *, before: datetime, limit: int) -> int:
    """Delete up to ``limit`` processed-event ids recorded before ``before``."""
    p = processed_events.c
    batch = select(p.event_id).where(p.processed_at < before).limit(limit)
    result = session.execute(processed_events.delete().where(p.event_id.in_(batch)))
    return int(result.rowcount)  # type: ignore[attr-defined]
