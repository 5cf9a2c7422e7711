"""A report's rows dated on open days, from the per-hour sums the database keeps.

``sales_hours`` (migration 0022) holds, per UTC hour and report key, the count and sums of
the payments, refunds and reversals the report counts, kept by triggers in the transaction
of every change. A window with no closed day (today, the open week) has no adjustment out
of it, so its own rows are exactly the rows dated in it: their sums are the hours' sums.
Served from here only when every UTC hour of the window lies in one local hour (whole-hour
offsets, changing on the hour: Clock.whole_hours); otherwise the rows are read.

The hours are summed in two groupings: by currency, service, staff and method (hour -1),
and by currency and hour (``hour_only`` cells). A report needs each breakdown alone, never
their product: a busy day's 600 cells become 150. Both groupings of every kind are one
statement (PostgreSQL: GROUPING SETS, one read of the hours; SQLite: a UNION ALL), built
once per zone shape (it takes the window's bounds as HOURS_START and HOURS_END): building
it cost more than running it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    String,
    bindparam,
    case,
    func,
    literal,
    select,
    tuple_,
    union_all,
)

from pos_app.domain.report_data import OffsetSpan, ReportWindow, offset_spans
from pos_app.store.report_sql import Clock
from pos_app.store.schema import sales_hours

#: The parameters of the window's UTC bounds, [start, end).
HOURS_START, HOURS_END = "hours_start", "hours_end"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: A grouped statement: one SELECT, or a UNION ALL of them.
Grouped = Select[Any] | CompoundSelect[Any]


def hours_query(kinds: tuple[str, ...], dialect: str, window: ReportWindow) -> Grouped | None:
    """The grouped hours of ``kinds`` (payment, refund, reversal) dated in the window, in
    the report's cell shape plus its kind (``source``) and a 1 (``from_hours``); a cell of
    the hour rows only has an hour, one by key the hour -1. None when the hours cannot
    serve this window."""
    start, end = window.start, window.end
    spans = offset_spans(window.tz, start - timedelta(days=1), end)
    if not Clock(dialect, spans, (window.first, window.last)).whole_hours(start, end):
        return None
    # The first span's start is not in the SQL (it also applies before it).
    shape = (spans[0].minutes, *((s.starts_at, s.minutes) for s in spans[1:]))
    return _query(kinds, dialect, shape)


@lru_cache(maxsize=64)
def _query(kinds: tuple[str, ...], dialect: str, shape: tuple[Any, ...]) -> Grouped:
    first, *rest = shape
    spans: tuple[OffsetSpan, ...] = (OffsetSpan(rest[0][0] if rest else _EPOCH, first),)
    spans += tuple(OffsetSpan(at, minutes) for at, minutes in rest)
    clock = Clock(dialect, spans, (_EPOCH.date(), _EPOCH.date()))
    h = sales_hours.c
    zero: ColumnElement[Any] = literal(0, Integer)
    sub = (
        select(
            h.kind,
            h.currency,
            h.service_id,
            h.service_name,
            func.nullif(h.resource_id, "").label("resource_id"),
            h.method,
            clock.local_hour(h.hour).label("hour"),
            h.n,
            h.amount,
            h.fee,
            h.unfeed_n,
            h.unfeed_amount,
        )
        .where(
            h.kind.in_(kinds),
            h.hour >= bindparam(HOURS_START),
            h.hour < bindparam(HOURS_END),
            h.n > 0,
        )
        .subquery()
    )
    c = sub.c
    sums = [func.sum(c.n), func.sum(c.amount)]
    tail = [c.kind, literal(1, Integer).label("from_hours")]
    key = (c.kind, c.currency, c.service_id, c.resource_id, c.method)
    if dialect == "postgresql":
        # Both groupings from one read of the hours (GROUPING SETS). A by-hour cell's
        # service, staff, method and fee are blanked by the caller (its hour is not -1).
        by_key = func.grouping(c.hour) == 1
        hour = case((by_key, -1), else_=c.hour)
        return select(
            c.currency,
            func.coalesce(c.service_id, ""),
            func.max(c.service_name),
            c.resource_id,
            func.coalesce(c.method, ""),
            hour,
            *sums,
            func.sum(c.fee),
            zero,
            zero,
            func.sum(c.unfeed_n),
            func.sum(c.unfeed_amount),
            *tail,
        ).group_by(func.grouping_sets(tuple_(*key), tuple_(c.kind, c.currency, c.hour)))
    none: ColumnElement[Any] = literal("", String)
    by_keys = select(
        c.currency,
        c.service_id,
        func.max(c.service_name),
        c.resource_id,
        c.method,
        literal(-1, Integer),
        *sums,
        func.sum(c.fee),
        zero,
        zero,
        func.sum(c.unfeed_n),
        func.sum(c.unfeed_amount),
        *tail,
    ).group_by(*key)
    by_hour = select(
        c.currency, none, none, none, none, c.hour, *sums, zero, zero, zero, zero, zero, *tail
    ).group_by(c.kind, c.currency, c.hour)
    return union_all(by_keys, by_hour)
