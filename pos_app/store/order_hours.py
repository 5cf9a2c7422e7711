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

from sqlalchemy import (
    BigInteger,
    Integer,
    Select,
    String,
    bindparam,
    case,
    func,
    literal,
    null,
    select,
)
from sqlalchemy.orm import Session

from pos_app.domain.report_data import ReportWindow
from pos_app.store.report_sql import Together
from pos_app.store.schema import order_hours, resources


def _on_the_hour(t: datetime) -> bool:
    return t == t.replace(minute=0, second=0, microsecond=0)


def serves(window: ReportWindow) -> bool:
    """Whether the window's own orders are whole UTC hours of ``order_hours``."""
    return _on_the_hour(window.start) and _on_the_hour(window.end)


def hour_rows(session: Session, window: ReportWindow) -> tuple[list[Any], list[Any], list[Any]]:
    """The window's orders' totals (currency, promo code or None, orders, tips, discounts,
    tax), lines (currency, item, kind, rate, name, quantity, amount, discount, tax) and tips
    by staff (currency, name, tips), grouped as the rows' own queries group them."""
    return figure_rows(session, _HOURS, {_START: window.start, _END: window.end})


_START, _END = "order_hours_start", "order_hours_end"


def _hour_queries() -> Together:
    """The three queries of ``hour_rows``, the window's bounds as parameters, in one shape:
    built once (building them cost more than running them)."""
    h = order_hours.c

    def of(kind: str) -> Any:
        # n > 0: an hour whose orders all moved away keeps a row of zeros.
        return (h.kind == kind, h.hour >= bindparam(_START), h.hour < bindparam(_END), h.n > 0)

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
    return shaped(totals, lines, tips)


#: Where each query's columns go in the shape all three share (a tag first): currency, two
#: texts, a text, a whole number, a text, four sums. None: a NULL of that place's type.
_LAYOUTS = (
    (0, 1, None, None, None, 2, 3, 4, 5),  # totals
    (0, 1, 2, 3, 4, 5, 6, 7, 8),  # lines
    (0, 1, None, None, None, 2, None, None, None),  # tips
)
_NULLS: tuple[Any, ...] = (
    None, String, String, Integer, String, BigInteger, BigInteger, BigInteger, BigInteger
)  # fmt: skip


def shaped(totals: Select[Any], lines: Select[Any], tips: Select[Any]) -> Together:
    """The orders' three figure queries (totals, lines, tips) put in one shape, tagged, to
    be read together (one statement on PostgreSQL: report_sql.Together)."""
    parts = []
    for tag, (q, layout) in enumerate(zip((totals, lines, tips), _LAYOUTS, strict=True)):
        cols = list(q.selected_columns)
        columns = [
            cols[i] if i is not None else null().cast(_NULLS[place])
            for place, i in enumerate(layout)
        ]
        parts.append(
            q.with_only_columns(literal(tag, Integer), *columns, maintain_column_froms=True)
        )
    return Together(parts)


def figure_rows(
    session: Session, figures: Together, params: dict[str, Any] | None = None
) -> tuple[list[Any], list[Any], list[Any]]:
    """The rows of the three figure queries ``shaped`` put together, as each hands them
    back."""
    out: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    for row in figures.rows(session, params):
        tag = row[0]
        out[tag].append(tuple(row[1 + i] for i, at in enumerate(_LAYOUTS[tag]) if at is not None))
    return out


_HOURS = _hour_queries()
