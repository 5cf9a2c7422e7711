"""A report's rows dated on open days, from the per-hour sums the database keeps.

``sales_hours`` (migration 0022) holds, per UTC hour and report key, the count and sums of
the payments, refunds and reversals the report counts, kept by triggers in the transaction
of every change. A window with no closed day (today, the open week) has no adjustment out
of it, so its own rows are exactly the rows dated in it: their sums are the hours' sums.
Served from here only when every UTC hour of the window lies in one local hour (whole-hour
offsets, changing on the hour: Clock.whole_hours); otherwise the rows are read.

The hours are summed in two groupings: by currency, service, staff and method (hour -1),
and by currency and hour (``hour_only`` cells). A report needs each breakdown alone, never
their product: a busy day's 600 cells become 150. The statements are built once per zone
shape (they take the window's bounds as HOURS_START and HOURS_END): building them cost
more than running them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, bindparam, func, literal, select

from pos_app.domain.report_data import OffsetSpan, ReportWindow, offset_spans
from pos_app.store.report_sql import Clock
from pos_app.store.schema import sales_hours

#: The parameters of the window's UTC bounds, [start, end).
HOURS_START, HOURS_END = "hours_start", "hours_end"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def hours_queries(
    kind: str, payment: bool, dialect: str, window: ReportWindow
) -> list[tuple[Select[Any], bool]] | None:
    """The grouped hours of ``kind`` (payment, refund or reversal) dated in the window, in
    the report's cell shape, each with whether its cells count in the hour rows only; None
    when the hours cannot serve this window."""
    start, end = window.start, window.end
    spans = offset_spans(window.tz, start - timedelta(days=1), end)
    if not Clock(dialect, spans, (window.first, window.last)).whole_hours(start, end):
        return None
    # The first span's start is not in the SQL (it also applies before it).
    shape = (spans[0].minutes, *((s.starts_at, s.minutes) for s in spans[1:]))
    return _queries(kind, payment, dialect, shape)


@lru_cache(maxsize=64)
def _queries(
    kind: str, payment: bool, dialect: str, shape: tuple[Any, ...]
) -> list[tuple[Select[Any], bool]]:
    first, *rest = shape
    spans: tuple[OffsetSpan, ...] = (OffsetSpan(rest[0][0] if rest else _EPOCH, first),)
    spans += tuple(OffsetSpan(at, minutes) for at, minutes in rest)
    clock = Clock(dialect, spans, (_EPOCH.date(), _EPOCH.date()))
    h = sales_hours.c
    zero: ColumnElement[Any] = literal(0, Integer)
    sub = (
        select(
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
            h.kind == kind,
            h.hour >= bindparam(HOURS_START),
            h.hour < bindparam(HOURS_END),
            h.n > 0,
        )
        .subquery()
    )
    none: ColumnElement[Any] = literal("", String)
    sums = [func.sum(sub.c.n), func.sum(sub.c.amount)]
    pending = [func.sum(sub.c.unfeed_n), func.sum(sub.c.unfeed_amount)] if payment else [zero] * 2
    by_key = select(
        sub.c.currency,
        sub.c.service_id,
        func.max(sub.c.service_name),
        sub.c.resource_id,
        sub.c.method,
        literal(-1, Integer),
        *sums,
        func.sum(sub.c.fee),
        zero,
        zero,
        *pending,
    ).group_by(sub.c.currency, sub.c.service_id, sub.c.resource_id, sub.c.method)
    by_hour = select(
        sub.c.currency, none, none, none, none, sub.c.hour, *sums, zero, zero, zero, zero, zero
    ).group_by(sub.c.currency, sub.c.hour)
    return [(by_key, False), (by_hour, True)]
