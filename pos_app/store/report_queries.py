"""The sales report's SQL: GROUP BY in the database, by local business day and hour.

SQL has no time zones here, so each column is shifted by the zone's UTC offset at that time
in SQL (store/report_sql.py).

The day-close rule ("a closed day is immutable, later corrections are adjustments") is one
EXISTS on ``day_closes``: a row whose own local day was closed with a lower order number
than the row's (``covered_seq < record_seq``: the database recorded it after the close; see
store/money_order.py) is an adjustment. Station clocks are never compared, and a day is
closed once for all its currencies (its Z report freezes them all, even one it had none of).
It counts on the latest of: the local day of its ``recorded_at`` (shown, as the day it came
in), the day after its own, and the day after the last day closed before it was recorded,
so it always lands on a day that was open when it was recorded and no closed day ever
changes. Rows dated in the window are found through ``(status, paid_at)`` /
``(status, created_at)``; rows dated before it only when a close is near, as late rows
(store/report_sources.py): recorded in it by a station's clock (migration 0030 on
PostgreSQL), or numbered after a close of a day just before it or in it (``(status,
record_seq, paid_at)``, migration 0015: the open days' own rows are passed over in the
index), then read again by their ids, the day before's among them. None dated after it: an
adjustment lands after its day.

A window with no closed day (today, the open week) has no adjustment out of it: its own rows
are the per-hour sums ``sales_hours`` keeps (store/sales_hours.py, migration 0022), read
instead of every row joined to its booking, in two groupings (the hours apart).

At 10,000,000 payments on PostgreSQL a report's time is mostly round trips and building
statements: what does not change is built once with its values as parameters, and the
statements of one shape are sent as one (report_sql.Together).

A refund that failed after it succeeded is two movements: the refund (its success) and its
reversal (money back: a negative refund), each with its own order number.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from pos_app.domain.payment import PaymentMethod
from pos_app.domain.report_data import (
    ExportBatch,
    Movement,
    ReportWindow,
    SalesCell,
    day_start,
    offset_spans,
)
from pos_app.domain.reports import WALK_IN_ID, WALK_IN_NAME
from pos_app.store.export_days import ExportDayQueries
from pos_app.store.link_counts import LinkCountQueries
from pos_app.store.order_export import order_cells
from pos_app.store.report_export import ExportQueries, export_batches, export_cells
from pos_app.store.report_sources import (
    Facts,
    Source,
    any_close,
    close_facts,
    strays_query,
    tune_planner,
)
from pos_app.store.report_sql import (
    Clock,
    after_closes,
    as_date,
    closed_days,
    enum_value,
    run_together,
)
from pos_app.store.sales_hours import HOURS_END, HOURS_START, hours_query
from pos_app.store.schema import (
    bookings,
    day_closes,
    orders,
    payments,
    resources,
    services,
    users,
)

# The payment a refund returns (its method and Stripe ids).
_refund_payment = payments.alias("refund_payment")
# What a walk-in order's money is shown as where a booking's service would be.
_CARD = PaymentMethod.CARD.value
_MAX_IDS = 5000  # ids named in a query at most (SQLite allows 32,766 parameters)


def _frozen_days_query() -> Select[Any]:
    c, one = day_closes.c, day_closes.alias("one_currency").c
    lowest = select(func.min(one.currency)).where(one.business_date == c.business_date)
    return select(c.business_date, c.covered_seq, c.report_json).where(
        c.business_date >= bindparam("first"),
        c.business_date <= bindparam("last"),
        c.currency == lowest.scalar_subquery(),
    )


# Built once: its shape never changes (building one costs more than running it, small table).
_FROZEN_DAYS = _frozen_days_query()


def _days_and_names_query() -> Any:
    """Tagged rows: 0 the frozen days (``_FROZEN_DAYS``), 1 each service's id and name,
    2 each staff member's: what a report reads first, in one statement."""
    no_day, no_seq, no_text = null().cast(Date), null().cast(BigInteger), null().cast(String)
    days = _FROZEN_DAYS.with_only_columns(
        literal(0, Integer), *_FROZEN_DAYS.selected_columns, no_text, maintain_column_froms=True
    )
    return union_all(
        days,
        select(literal(1, Integer), no_day, no_seq, services.c.id, services.c.name),
        select(literal(2, Integer), no_day, no_seq, resources.c.id, resources.c.name),
    )


_DAYS_AND_NAMES = _days_and_names_query()


class SqlReportQueries(ExportDayQueries, ExportQueries, LinkCountQueries):
    """Report figures summed by the database."""

    def __init__(self, session: Session) -> None:
        self._s = session

    # -- public ------------------------------------------------------------------------------

    def sales(self, window: ReportWindow) -> list[SalesCell]:
        """Payments and refunds of the window grouped by currency, service, staff, method, hour."""
        cells: list[SalesCell] = []
        # Each branch grouped on its own (a plain subquery SQLite flattens, no UNION to
        # materialise); cells of the same key from two branches are added up by the caller.
        # PostgreSQL runs them all as one statement (report_sql.run_together).
        facts = self._close_facts(window)
        dialect = self._s.get_bind().dialect.name
        # No closed day in the window, so no adjustment out of it: its own rows are the
        # hours' sums (store/sales_hours.py), when its zone allows.
        kinds = tuple(s.hours for s in facts.sources)
        hours = None if facts.here else hours_query(kinds, dialect, window)
        parts: list[Any] = [] if hours is None else [hours]
        for source in facts.sources:
            payment = source.kind is Movement.PAYMENT
            for i, branch in enumerate(self._plan(window, source, facts, own=hours is None)):
                # The own rows of a window with no closed day hold no adjustment (a 0).
                adjusted = i > 0 or hours is not None or facts.here
                grouped = self._grouped(branch.subquery(), adjusted=adjusted, payment=payment)
                tail: list[Any] = [literal(source.hours, String), literal(0, Integer)]
                parts.append(grouped.add_columns(*tail))
        by_kind = {s.hours: s for s in facts.sources}
        bounds = {HOURS_START: window.start, HOURS_END: window.end}
        for r in run_together(self._s, parts, bounds):
            source = by_kind[r[13]]
            sign = source.sign  # a reversal takes back a refund: its count and money too
            hour = int(r[5])
            # An hour rows' cell (store/sales_hours.py) has an hour; by key, the hour -1.
            hour_only = bool(r[14]) and hour != -1
            method = "" if hour_only else str(enum_value(r[4]))
            card = method == _CARD and source.kind is Movement.PAYMENT
            cells.append(
                SalesCell(
                    source.kind,
                    r[0],
                    "" if hour_only else r[1],
                    "" if hour_only else r[2] or "",
                    "" if hour_only else r[3] or "",
                    method,
                    hour,
                    sign * int(r[6]),
                    sign * int(r[7] or 0),
                    0 if hour_only else sign * int(r[8] or 0),
                    int(r[9] or 0),
                    sign * int(r[10] or 0),
                    int(r[11] or 0) if card else 0,
                    int(r[12] or 0) if card else 0,
                    hour_only,
                )
            )
        return cells

    @staticmethod
    def _grouped(sub: Any, *, adjusted: bool, payment: bool) -> Select[Any]:
        """One branch's rows grouped by currency, service, staff, method and hour."""
        zero: ColumnElement[Any] = literal(0, Integer)
        # Sums known to be 0 are not summed: a third of the grouping's time on SQLite.
        adjustments: list[ColumnElement[Any]] = [zero, zero]
        if adjusted:
            adjustments = [
                func.sum(sub.c.adjustment),
                func.sum(case((sub.c.adjustment == 1, sub.c.amount), else_=0)),
            ]
        fees_pending: list[ColumnElement[Any]] = [zero, zero]
        if payment:
            # Card payments whose balance transaction (so fee) is not known yet: the rows
            # without a fee, kept by the caller for card cells only (a cell has one method;
            # counting NULLs is cheaper than a CASE a row).
            fees_pending = [
                func.count() - func.count(sub.c.fee),
                func.sum(case((sub.c.fee.is_(None), sub.c.amount), else_=0)),
            ]
        return select(
            sub.c.currency,
            sub.c.service_id,
            func.max(sub.c.service_name),
            sub.c.resource_id,
            sub.c.method,
            sub.c.hour,
            func.count(),
            func.sum(sub.c.amount),
            func.sum(sub.c.fee),
            *adjustments,
            *fees_pending,
        ).group_by(sub.c.currency, sub.c.service_id, sub.c.resource_id, sub.c.method, sub.c.hour)

    def conversion(self, window: ReportWindow, *, frozen: bool = True) -> dict[str, int]:
        """Card payment links created in the window, by status (settled closed days from
        their frozen counts when ``frozen``: store/link_counts.py)."""
        return self.links_of_days(window.first, window.last, window.tz, frozen=frozen)

    def frozen_days(self, first: date, last: date) -> list[tuple[date, int | None, str]]:
        """The closed days of [first, last] with their order number and frozen report
        (``report_json``), one row a day (its currencies' rows hold the same report)."""
        rows = self._s.execute(_FROZEN_DAYS, {"first": first, "last": last})
        return [(as_date(d), None if n is None else int(n), str(j)) for d, n, j in rows]

    def days_and_names(
        self, first: date, last: date
    ) -> tuple[list[tuple[date, int | None, str]], dict[str, str], dict[str, str]]:
        """``frozen_days`` and the names of every service and staff member by id (active
        or not), in one statement: a report's round trips are most of its time."""
        days: list[tuple[date, int | None, str]] = []
        names: tuple[dict[str, str], dict[str, str]] = ({}, {})
        for tag, d, n, a, b in self._s.execute(_DAYS_AND_NAMES, {"first": first, "last": last}):
            if tag == 0:
                days.append((as_date(d), None if n is None else int(n), str(a)))
            else:
                names[tag - 1][str(a)] = str(b)
        return days, *names

    def counted_refunds(self, window: ReportWindow) -> list[tuple[Select[Any], int]]:
        """Ids of the refunds (sign 1) and reversals (−1) that count on the window's days."""
        facts = self._close_facts(window, refunds_only=True)
        plans = [(b, s) for s in facts.sources for b in self._plan(window, s, facts, detail=True)]
        return [(select(b.subquery().c.id), s.sign) for b, s in plans]

    def _export_live(self, window: ReportWindow, zone: str) -> Iterator[ExportBatch]:
        """The CSV export's rows of the window in business order, every cell made by the
        database (store/report_export.py), in batches (export_days.py: the kept ones)."""
        facts = self._close_facts(window)
        parts = [b for s in facts.sources for b in self._plan(window, s, facts, detail=zone)]
        return export_batches(self._s, parts, zone)

    def _no_jit(self) -> None:
        """PostgreSQL: the planner's settings of a report, once per transaction
        (store/report_sources.tune_planner)."""
        tune_planner(self._s)

    # -- the plan -----------------------------------------------------------------------------

    def _close_facts(self, window: ReportWindow, *, refunds_only: bool = False) -> Facts:
        """What every source's plan needs to know of the closes near the window, and its
        late rows (store/report_sources.py), read once per report."""
        return close_facts(self._s, window, refunds_only=refunds_only)

    def _plan(
        self,
        window: ReportWindow,
        source: Source,
        facts: Facts,
        *,
        detail: bool | str = False,
        own: bool = True,
    ) -> list[Select[Any]]:
        """One row per counted payment (or refund, or reversal) of the window with its
        business day, local hour and adjustment flag, from the branches that can have rows
        (disjoint; ``own``: False leaves out the rows dated in it, the first branch).
        ``detail``: True, the export's values; a zone's name, its CSV cells."""
        start, end = window.start, window.end
        before = day_start(window.first - timedelta(days=1), window.tz)
        strays = facts.strays[source.hours]
        lo = before
        for row in strays:
            lo = min(lo, row[1], row[2])
        # Two days past the end: a recorded_at later than that is past the window whatever
        # the offset, so the last span may stand for it.
        hi = end + timedelta(days=2)
        clock = Clock(
            self._s.get_bind().dialect.name,
            offset_spans(window.tz, lo, hi),
            (lo.date() - timedelta(days=1), hi.date() + timedelta(days=1)),
        )
        # Only rows dated on a closed day can be adjustments: today's dashboard (not closed
        # yet) needs no join at all, and rows from outside only when such a day is near.
        plan = []
        if own:
            plan.append(
                self._branch(source, clock, window, closes=facts.here, own=True, detail=detail)
            )
        # The rows dated before the window that a close moved into it are late rows: the
        # day before's (recorded after its close: numbered after it, so found by the order
        # number) when that day is closed, older ones when a day they can be dated on is.
        # One branch of their ids (the join on the closes decides, as for any row): not a
        # range of the day before, which read every row of the open week in the index.
        ids = [row[0] for row in strays if row[1] >= before and facts.day_before is not None]
        older = [row[0] for row in strays if row[1] < before]
        # Dated before the day before: their local days end two days before the window.
        if older and any_close(self._s, lo.date() - timedelta(days=1), window.first - timedelta(2)):
            ids += older
        if ids:
            rows: Any = ids
            if len(ids) > _MAX_IDS:  # many late rows (a station long offline)
                rows = strays_query(source, facts, window, start).scalar_subquery()
            outside = source.table.c.id.in_(rows)
            plan.append(
                self._branch(
                    source, clock, window, closes=True, own=False, detail=detail, outside=outside
                )
            )
        return plan

    def _branch(
        self,
        source: Source,
        clock: Clock,
        window: ReportWindow,
        *,
        closes: bool,
        own: bool,
        detail: bool | str,
        outside: ColumnElement[bool] | None = None,
    ) -> Select[Any]:
        """``own``: rows dated in the window, less those a close moved out of it. Otherwise:
        the rows ``outside`` picks (dated before the window) that a close moved into it
        (recorded after their own day's close)."""
        start, end = window.start, window.end
        t = source.table
        where: list[ColumnElement[bool]] = [source.counted]
        if own:
            where += [source.dated >= start, source.dated < end]
        else:
            assert outside is not None
            where += [outside, source.dated < start]
        # A walk-in order's money has no booking (issue 14): kept, named by its order.
        base = t.outerjoin(bookings, bookings.c.id == t.c.booking_id).outerjoin(
            orders, orders.c.id == t.c.order_id
        )
        service_id = func.coalesce(bookings.c.service_id, literal(WALK_IN_ID, String))
        service_name = func.coalesce(bookings.c.service_name, literal(WALK_IN_NAME, String))
        customer = func.coalesce(bookings.c.customer_name, orders.c.customer_name)
        if source.kind is Movement.REFUND:
            base = base.join(_refund_payment, _refund_payment.c.id == t.c.payment_id)
        own_date = clock.local_date(source.dated)
        hour: ColumnElement[Any] = clock.local_hour(source.dated)
        business_date: ColumnElement[Any] = own_date
        flag: ColumnElement[Any] = literal(0, Integer)
        if closes:
            # Recorded after its own day was closed: by the database's order, not by a clock.
            # A day is closed once for all its currencies (its Z report freezes them all).
            # Only the closes of the days these rows can be dated on (a small table).
            closed = closed_days(*((window.first, window.last) if own else clock.days))
            base = base.join(
                closed,
                and_(closed.c.business_date == own_date, closed.c.covered_seq < source.seq),
                isouter=own,
            )
            adjusted = closed.c.business_date.is_not(None)
            recorded_date = clock.local_date(source.recorded)
            # The day after its own, named by the close joined (the same date), so this and
            # its subquery run only for the adjusted rows the join keeps, not every row read.
            moved_to = clock.later(
                recorded_date,
                clock.next_day(closed.c.business_date),
                after_closes(source.seq, clock, own_date),
            )
            # At the hour it was recorded when it lands on that day, else at 00.
            moved_hour = case(
                (recorded_date == moved_to, clock.local_hour(source.recorded)), else_=0
            )
            if own:
                business_date = case((adjusted, moved_to), else_=own_date)
                hour = case((adjusted, moved_hour), else_=hour)
                flag = case((adjusted, 1), else_=0)
                where.append(or_(not_(adjusted), moved_to <= clock.day(window.last)))
            else:
                business_date, hour, flag = moved_to, moved_hour, literal(1, Integer)
                where += [moved_to >= clock.day(window.first), moved_to <= clock.day(window.last)]
        method = (
            t.c.method if source.kind is Movement.PAYMENT else _refund_payment.c.method
        ).label("method")
        sign = literal(source.sign, Integer)
        if not detail:
            cols: list[Any] = [
                t.c.currency.label("currency"),
                service_id.label("service_id"),
                service_name.label("service_name"),
                bookings.c.resource_id.label("resource_id"),
                method,
                hour.label("hour"),
                t.c.amount.label("amount"),
                t.c.fee_amount.label("fee"),
                flag.label("adjustment"),
            ]
            return select(*cols).select_from(base).where(*where)
        base = base.outerjoin(resources, resources.c.id == bookings.c.resource_id).outerjoin(
            users, users.c.id == t.c.created_by
        )
        is_payment = source.kind is Movement.PAYMENT
        payment = t if is_payment else _refund_payment
        if isinstance(detail, str):  # the CSV's cells: the amount signed as the file shows it
            shown = literal(source.sign * (1 if is_payment else -1), Integer)
            order_raw = order_cells(t, orders, payment=is_payment)  # issue 14
            raw = {
                "kind": literal(source.kind.value, String),
                "id": t.c.id,
                "booking_id": t.c.booking_id,
                "at": source.dated,
                "business_date": business_date,
                "adjustment": flag,
                "customer": customer,
                "service": service_name,
                "staff": resources.c.name,
                "method": method.element,
                "currency": t.c.currency,
                "amount": shown * t.c.amount,
                "fee": sign * t.c.fee_amount,
                "status": t.c.status,
                "session_id": payment.c.stripe_session_id,
                "intent_id": payment.c.stripe_payment_intent_id,
                "charge_id": payment.c.stripe_charge_id,
                "refund_id": null() if is_payment else t.c.stripe_refund_id,
                "txn_id": t.c.stripe_balance_transaction_id,
                "reason": null() if is_payment else t.c.reason,
                "recorded_by": users.c.name,
                "recorded_at": source.recorded,
                **order_raw,
            }
            if self._s.get_bind().dialect.name == "sqlite":
                cells = export_cells(raw, clock.clock_time(source.dated), detail, True)
                return select(*cells).select_from(base).where(*where)
            # PostgreSQL: the raw values, made cells once over the branches' union
            # (report_export.export_batches), with the local time the branch's clock gives.
            raw["local_at"] = clock.local_time(source.dated)
            return select(*(v.label(k) for k, v in raw.items())).select_from(base).where(*where)
        cols = [
            literal(source.kind.value, String).label("kind"),
            t.c.id.label("id"),
            t.c.booking_id.label("booking_id"),
            source.dated.label("at"),
            business_date.label("business_date"),
            flag.label("adjustment"),
            customer.label("customer"),
            service_name.label("service_name"),
            resources.c.name.label("staff"),
            method,
            t.c.currency.label("currency"),
            (sign * t.c.amount).label("amount"),
            (sign * t.c.fee_amount).label("fee"),
            (sign * t.c.net_amount).label("net"),
            t.c.status.label("status"),
            payment.c.stripe_session_id.label("session_id"),
            payment.c.stripe_payment_intent_id.label("payment_intent_id"),
            payment.c.stripe_charge_id.label("charge_id"),
            (null() if is_payment else t.c.stripe_refund_id).label("refund_id"),
            t.c.stripe_balance_transaction_id.label("balance_transaction_id"),
            (null() if is_payment else t.c.reason).label("reason"),
            users.c.name.label("recorded_by"),
            source.recorded.label("recorded_at"),
        ]
        return select(*cols).select_from(base).where(*where)
