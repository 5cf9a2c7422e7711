"""The orders' figures of a report window, summed by the database (issue 14).

Which business day an order counts on (docs/orders.md 4.5) is decided by the database: the
transaction that first finds it paid in full takes the next number of the database's order
of money (``orders.paid_seq``, store/money_order.py: the lock a day close takes too) and
stores the completing payment's time (``paid_at``). The order counts on the local day of
``paid_at``, unless that day was closed before it was paid (the close's ``covered_seq`` is
lower than ``paid_seq``): then on the day after the last day closed before it was paid (the
day after its own at least), as money recorded late does. That day follows from numbers that
never change, so a Z report counted exactly the orders that fall on its day, and a closed
day never changes.

Orders whose own day was closed before they were paid ("late" orders) are rare: they are
found by their number and placed in Python; every other order of the window is its own
day's, summed with one condition on ``paid_at``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from pos_app.domain.order_report import (
    OrderFigures,
    OrderFiguresSum,
    RefundedLine,
    rate_text,
    refunded_back,
)
from pos_app.domain.payment import RefundStatus
from pos_app.domain.report_data import ReportWindow, business_date, day_start, offset_spans
from pos_app.store.order_hours import figure_rows, hour_rows, serves, shaped
from pos_app.store.report_queries import SqlReportQueries
from pos_app.store.report_sql import Clock, as_date, aware, enum_value
from pos_app.store.schema import (
    bookings,
    day_closes,
    order_lines,
    orders,
    refund_lines,
    refunds,
    resources,
)

_MAX_IDS = 5000  # ids named in one query at most (SQLite allows 32,766 parameters)


def landing_day(own: date, paid_seq: int, closes: Sequence[tuple[date, int]]) -> date:
    """The business day an order paid at local day ``own`` with number ``paid_seq`` counts
    on, given every close (day, covered_seq)."""
    return Closes(closes).landing(own, paid_seq)


class Closes:
    """Every closed day with its order number, for placing orders paid after a close
    (a dictionary and a sorted list: a year of late orders is placed in milliseconds)."""

    def __init__(self, closes: Sequence[tuple[date, int]]) -> None:
        self.seq_of = dict(closes)
        by_seq = sorted((seq, day) for day, seq in closes)
        self._seqs = [seq for seq, _ in by_seq]
        # The latest day among the closes numbered up to each position.
        self._latest = list(accumulate((day for _, day in by_seq), max))

    def landing(self, own: date, paid_seq: int) -> date:
        """See ``landing_day``: its own day unless that day was closed before it was paid,
        else the day after the last day closed before it was paid (after its own at least)."""
        seq = self.seq_of.get(own)
        if seq is None or seq >= paid_seq:
            return own
        before = bisect_left(self._seqs, paid_seq)  # closes numbered below paid_seq
        return max(own + timedelta(days=1), self._latest[before - 1] + timedelta(days=1))


def _closes_and_lines() -> Any:
    """Tagged rows: 0 each closed day from ORDER_CLOSES_FROM on with the last order number
    its Z report counted (one row per day and currency in the table), 1 whether a refund
    ever gave back a line. Built once (its day a parameter)."""
    c = day_closes.c
    return union_all(
        select(literal(0, Integer), c.business_date, func.min(c.covered_seq))
        .where(c.business_date >= bindparam("order_closes_from"))
        .group_by(c.business_date),
        select(
            literal(1, Integer),
            null().cast(Date),
            case((exists().where(refund_lines.c.quantity > 0), 1), else_=0).cast(BigInteger),
        ),
    )


_CLOSES_AND_LINES = _closes_and_lines()


class SqlOrderReportQueries:
    """Order figures (tips, discounts, tax, lines, tips by staff, promo codes) by currency."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def figures(self, window: ReportWindow) -> dict[str, OrderFigures]:
        """The figures of the orders that count on the window's days, per currency."""
        # The closes from the day before the window on: what the window's figures and its
        # late orders depend on (_late reads an older one only for a late order's own day);
        # and whether a refund ever gave back a line, in the same statement.
        closes: list[tuple[date, int]] = []
        lines_back = False
        params = {"order_closes_from": window.first - timedelta(days=1)}
        for tag, day, n in self._s.execute(_CLOSES_AND_LINES, params):
            if tag == 0:
                closes.append((as_date(day), int(n)))
            else:
                lines_back = bool(n)
        clock = Clock(
            self._s.get_bind().dialect.name,
            offset_spans(window.tz, window.start - timedelta(days=1), window.end),
            (window.first, window.last),
        )
        own_day = clock.local_date(orders.c.paid_at)
        closed_before = exists().where(
            day_closes.c.business_date == own_day, day_closes.c.covered_seq < orders.c.paid_seq
        )
        own = and_(
            orders.c.paid_seq.is_not(None),
            orders.c.paid_at >= window.start,
            orders.c.paid_at < window.end,
        )
        closed_in = any(window.first <= day <= window.last for day, _ in closes)
        if closed_in:
            own = and_(own, ~closed_before)  # no closed day in the window: no lookup a row
        acc: dict[str, OrderFiguresSum] = {}
        if not closed_in and serves(window):
            # No closed day: the window's own orders are those paid in it, summed per hour.
            _add(*hour_rows(self._s, window), acc)
        else:
            self._sum(own, acc)
        late = self._late(window, closes)
        for i in range(0, len(late), _MAX_IDS):
            self._sum(orders.c.id.in_(late[i : i + _MAX_IDS]), acc)
        if lines_back:  # else no refund ever gave back a line: nothing to read
            self._refunded_back(window, acc)
        return {code: acc[code].figures() for code in sorted(acc)}

    def _refunded_back(self, window: ReportWindow, acc: dict[str, OrderFiguresSum]) -> None:
        """Take off the lines the window's refunds gave back (``refund_lines``: by item, or
        every line for a refund of everything), on the day each refund counts by the rule
        the report's refunds follow; a reversal puts them back (docs/orders.md 4.5)."""
        counted: dict[str, int] = {}
        for ids, sign in SqlReportQueries(self._s).counted_refunds(window):
            q = select(refund_lines.c.refund_id).where(refund_lines.c.refund_id.in_(ids))
            for (refund_id,) in self._s.execute(q.distinct()):
                counted[str(refund_id)] = counted.get(str(refund_id), 0) + sign
        counted = {k: v for k, v in counted.items() if v}
        if not counted:
            return
        ids_ = sorted(counted)
        order_ids: set[str] = set()
        for i in range(0, len(ids_), _MAX_IDS):
            q = select(refunds.c.order_id).where(refunds.c.id.in_(ids_[i : i + _MAX_IDS]))
            order_ids.update(str(o) for (o,) in self._s.execute(q.distinct()))
        history: list[RefundedLine] = []
        wanted = sorted(order_ids)
        for i in range(0, len(wanted), _MAX_IDS):
            history += self._history(wanted[i : i + _MAX_IDS])
        refunded_back(history, counted, acc)

    def _history(self, order_ids: list[str]) -> list[RefundedLine]:
        """Every counted refund's part of the lines of these orders (a refund counts once it
        succeeded, even when it failed later), in the order the refunds were made."""
        r, rl, line, o = refunds.c, refund_lines.c, order_lines.c, orders.c
        counts = or_(
            r.status == RefundStatus.SUCCEEDED.value,
            and_(r.status == RefundStatus.FAILED.value, r.record_seq.is_not(None)),
        )
        cols = [rl.refund_id, r.order_id, rl.position, rl.quantity, line.quantity, o.currency,
                func.coalesce(line.product_id, line.service_id), line.kind, line.name,
                line.tax_rate_thousandths, line.amount,
                line.line_discount + line.order_discount, line.tax]  # fmt: skip
        q = (
            select(*cols)
            .select_from(
                refund_lines.join(refunds, r.id == rl.refund_id)
                .join(order_lines, and_(line.order_id == r.order_id, line.position == rl.position))
                .join(orders, o.id == r.order_id)
            )
            .where(r.order_id.in_(order_ids), counts)
            .order_by(r.order_id, rl.position, r.created_at, r.id)
        )
        return [
            RefundedLine(str(a), str(b), int(c), int(d), int(e), str(f), str(g),
                         str(enum_value(h)), str(i), int(j), int(k), int(m), int(n))
            for a, b, c, d, e, f, g, h, i, j, k, m, n in self._s.execute(q)
        ]  # fmt: skip

    def _closes(self, which: ColumnElement[bool]) -> list[tuple[date, int]]:
        """The closed days ``which`` picks with the last order number each one's Z report
        counted (one row per day and currency: every one of three years is 4 ms)."""
        q = (
            select(day_closes.c.business_date, func.min(day_closes.c.covered_seq))
            .where(which)
            .group_by(day_closes.c.business_date)
        )
        return [(as_date(d), int(n)) for d, n in self._s.execute(q)]

    def _late(self, window: ReportWindow, closes: Sequence[tuple[date, int]]) -> list[str]:
        """Ids of the orders paid after their own day was closed that land in the window.

        Such an order lands after a day closed before it was paid, so on the window only
        when a day from the one before the window on was closed before it was paid, and not
        one from its last day on (it would land later).

        ``closes`` are those from the day before the window on. That is enough to place a
        late order but for its own day's close, read here when older: the latest day closed
        before it was paid is one of them, since one of them was closed before it was paid."""
        near = [seq for day, seq in closes if day >= window.first - timedelta(days=1)]
        # Its own day is a closed day before the window's last: paid before the end of the
        # latest such day, so an open week's own orders (all paid after the close before
        # it) are not read one by one to find none of them late.
        own_days = [day for day, _ in closes if day < window.last]
        if not near or not own_days:
            return []
        where: list[ColumnElement[bool]] = [
            orders.c.paid_seq > min(near),
            orders.c.paid_at
            < min(window.end, day_start(max(own_days) + timedelta(days=1), window.tz)),
        ]
        after = [seq for day, seq in closes if day >= window.last]
        if after:
            where.append(orders.c.paid_seq <= min(after))
        q = select(orders.c.id, orders.c.paid_at, orders.c.paid_seq).where(*where)
        found = [(str(i), business_date(aware(at), window.tz), int(n))
                 for i, at, n in self._s.execute(q)]  # fmt: skip
        since = window.first - timedelta(days=1)
        older = sorted({own for _, own, _ in found if own < since})
        for i in range(0, len(older), _MAX_IDS):
            closes = [
                *closes,
                *self._closes(day_closes.c.business_date.in_(older[i : i + _MAX_IDS])),
            ]
        placed = Closes(closes)
        out: list[str] = []
        for order_id, own, paid_seq in found:
            day = placed.landing(own, paid_seq)
            if day != own and window.first <= day <= window.last:
                out.append(order_id)
        return out

    def _sum(self, counted: ColumnElement[bool], acc: dict[str, OrderFiguresSum]) -> None:
        """Add the figures of the orders ``counted`` picks into ``acc`` (by currency).

        Three queries (one statement on PostgreSQL: order_hours.shaped), not five:
        the orders' totals grouped by promo code too (the code's uses are its group's), and
        the lines grouped by item and tax rate at once (an item's figures, and a rate's, are
        sums of those groups): each reads the orders, or their lines, once."""
        o, line = orders.c, order_lines.c
        code_text = func.upper(o.promo_code)
        totals = (
            select(
                o.currency,
                code_text,
                func.count(),
                func.sum(o.tip),
                func.sum(o.discount),
                func.sum(o.tax),
            )
            .where(counted)
            .group_by(o.currency, code_text)
        )
        # The counted orders (by their paid_at or id index), then their lines by the lines'
        # key, which starts with the order: measured on SQLite, a third less than looking
        # the lines up by an IN of the counted ids.
        joined = orders.join(order_lines, line.order_id == o.id)
        item = func.coalesce(line.product_id, line.service_id)
        lines = (
            select(
                o.currency,
                item,
                line.kind,
                line.tax_rate_thousandths,
                func.max(line.name),
                func.sum(line.quantity),
                func.sum(line.amount),
                func.sum(line.line_discount + line.order_discount),
                func.sum(line.tax),
            )
            .select_from(joined)
            .where(counted)
            .group_by(o.currency, item, line.kind, line.tax_rate_thousandths)
        )
        # A tip is the booking's staff member's, or the seller's (issue 14).
        staff = func.coalesce(resources.c.name, o.created_by_name)
        tips = (
            select(o.currency, staff, func.sum(o.tip))
            .select_from(
                orders.outerjoin(bookings, bookings.c.id == o.booking_id).outerjoin(
                    resources, resources.c.id == bookings.c.resource_id
                )
            )
            .where(counted, o.tip > 0)
            .group_by(o.currency, staff)
        )
        _add(*figure_rows(self._s, shaped(totals, lines, tips)), acc)


def _add(
    totals: Sequence[Sequence[Any]],
    lines: Sequence[Sequence[Any]],
    tips: Sequence[Sequence[Any]],
    acc: dict[str, OrderFiguresSum],
) -> None:
    """Add grouped totals, lines and tips (from the rows or from the hours) into ``acc``."""

    def of(code: str) -> OrderFiguresSum:
        return acc.setdefault(code, OrderFiguresSum())

    for code, promo, n, tip, discounts, tax in totals:
        of(code).add_totals(orders=int(n), tips=_int(tip), discounts=_int(discounts),
                            tax=_int(tax))  # fmt: skip
        if promo is not None:
            of(code).add_promo(str(promo), uses=int(n), discount=_int(discounts))
    items: dict[tuple[str, str, str], list[Any]] = {}
    for code, key, kind, rate, name, qty, amount, discount, tax in lines:
        amount, tax = _int(amount), _int(tax)
        of(code).add_rate(rate_text(int(rate)), tax=tax, base=amount - tax)
        sums = [str(name), _int(qty), amount, _int(discount), tax]
        found = items.setdefault((code, str(key), str(enum_value(kind))), sums)
        if found is not sums:  # the item at another rate: one item, its latest name
            found[0] = max(found[0], sums[0])
            for k in range(1, 5):
                found[k] += sums[k]
    for (code, key, kind), (name, qty, amount, discount, tax) in items.items():
        of(code).add_item(key, kind=kind, name=name, quantity=qty, amount=amount,
                          discount=discount, tax=tax)  # fmt: skip
    for code, name, tip in tips:
        of(code).add_tip(str(name or ""), _int(tip))


def _int(value: Any) -> int:
    """A SUM read back (None over no rows; PostgreSQL's numeric for a bigint sum)."""
    return int(value or 0)
