"""The order figures of open days, from the per-hour sums the database keeps.

``order_hours`` (migration 0025) holds, per UTC hour of ``paid_at``, the counted orders'
figures in three kinds of rows, kept by triggers in the transaction of every change: 'order'
(per promo code), 'line' (per item, line kind, tax rate and name) and 'tip' (per staff
member of the booking and seller name). An order of a window with no closed day counts on
its own day, so the window's own orders are exactly those paid in it: their sums are the
hours' sums, when the window starts and ends on a UTC hour (a half-hour zone's day does
not: its orders are read).

Each query hands back the rows the orders' own queries do (store/order_report_queries.py),
so both are summed by the same code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session

from pos_app.domain.report_data import ReportWindow
from pos_app.store.schema import order_hours, resources


def _on_the_hour(t: datetime) -> bool:
    return t == t.replace(minute=0, second=0, microsecond=0)


def serves(window: ReportWindow) -> bool:
    """Whether the window's own orders are whole UTC hours of ``order_hours``."""
    return _on_the_hour(window.start) and _on_the_hour(window.end)


def hour_rows(
    session: Session, window: ReportWindow
) -> tuple[list[Row[Any]], list[Row[Any]], list[Row[Any]]]:
    """The window's orders' totals (currency, promo code or None, orders, tips, discounts,
    tax), lines (currency, item, kind, rate, name, quantity, amount, discount, tax) and tips
    by staff (currency, name, tips), grouped as the rows' own queries group them."""
    h = order_hours.c

    def of(kind: str) -> Any:
        # n > 0: an hour whose orders all moved away keeps a row of zeros.
        return (h.kind == kind, h.hour >= window.start, h.hour < window.end, h.n > 0)

    promo = case((h.key == "", None), else_=func.substr(h.key, 2))
    totals = (
        select(
            h.currency, promo, func.sum(h.n), func.sum(h.tip), func.sum(h.discount), func.sum(h.tax)
        )
        .where(*of("order"))
        .group_by(h.currency, h.key)
    )
    lines = (
        select(
            h.currency,
            h.key,
            h.detail,
            h.rate,
            func.max(h.name),
            func.sum(h.quantity),
            func.sum(h.amount),
            func.sum(h.discount),
            func.sum(h.tax),
        )
        .where(*of("line"))
        .group_by(h.currency, h.key, h.detail, h.rate)
    )
    # A tip is the booking's staff member's (named as now), or the seller's.
    staff = func.coalesce(resources.c.name, h.name)
    tips = (
        select(h.currency, staff, func.sum(h.tip))
        .select_from(order_hours.outerjoin(resources, resources.c.id == h.key))
        .where(*of("tip"))
        .group_by(h.currency, staff)
    )
    run = session.execute
    return list(run(totals)), list(run(lines)), list(run(tips))
