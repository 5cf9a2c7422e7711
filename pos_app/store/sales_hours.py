"""A report's rows dated on open days, from the per-hour sums the database keeps.

``sales_hours`` (migration 0022) holds, per UTC hour and report key, the count and sums of
the payments, refunds and reversals the report counts, kept by triggers in the transaction
of every change. A window with no closed day (today, the open week) has no adjustment out
of it, so its own rows are exactly the rows dated in it: their sums are the hours' sums.
Served from here only when every UTC hour of the window lies in one local hour (whole-hour
offsets, changing on the hour: Clock.whole_hours); otherwise the rows are read.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, func, literal, select

from pos_app.domain.report_data import ReportWindow
from pos_app.store.report_sql import Clock
from pos_app.store.schema import sales_hours

#: The column that marks a branch as pre-summed (its rows are hours, not payments).
SUMMED = "unfeed_n"


def hours_branch(kind: str, clock: Clock, window: ReportWindow) -> Select[Any] | None:
    """The hours of ``kind`` (payment, refund or reversal) dated in the window, shaped as
    the report's row branch with ``n`` rows in each, or None when hours cannot serve it."""
    start, end = window.start, window.end
    if not clock.whole_hours(start, end):
        return None
    h = sales_hours.c
    zero: ColumnElement[Any] = literal(0, Integer)
    return select(
        h.currency.label("currency"),
        h.service_id.label("service_id"),
        h.service_name.label("service_name"),
        func.nullif(h.resource_id, "").label("resource_id"),
        h.method.label("method"),
        clock.local_hour(h.hour).label("hour"),
        h.n.label("n"),
        h.amount.label("amount"),
        h.fee.label("fee"),
        zero.label("adjustment"),
        h.unfeed_n.label(SUMMED),
        h.unfeed_amount.label("unfeed_amount"),
    ).where(h.kind == kind, h.hour >= start, h.hour < end, h.n > 0)


def hours_grouped(sub: Any, *, payment: bool) -> list[tuple[Select[Any], bool]]:
    """The hours of ``sub`` (an ``hours_branch`` subquery) summed in two groupings, each in
    the report's cell shape, with whether its cells count in the hour rows only: by
    currency, service, staff and method (no hour: -1), and by currency and hour. A report
    needs each breakdown alone, never their product: a busy day's 600 cells become 150."""
    zero: ColumnElement[Any] = literal(0, Integer)
    none: ColumnElement[Any] = literal("", String)
    sums = [func.sum(sub.c.n), func.sum(sub.c.amount)]
    pending = [func.sum(sub.c[SUMMED]), func.sum(sub.c.unfeed_amount)] if payment else [zero, zero]
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
