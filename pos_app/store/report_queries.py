"""The sales report's SQL: GROUP BY in the database, by local business day and hour.

SQL has no time zones here (SQLite has none at all), so the report window's zone becomes a
short list of UTC-offset spans (one per DST period) and each column is shifted by its span's
offset in SQL: ``date(col, '-300 minutes')`` on SQLite, ``col + interval`` on PostgreSQL.

The day-close rule ("a closed day is immutable, later corrections are adjustments") is one
EXISTS on ``day_closes``: a row whose own local day was closed with a lower order number
than the row's (``covered_seq < record_seq``: the database recorded it after the close; see
store/money_order.py) is an adjustment. Station clocks are never compared, and a day is
closed once for all its currencies (its Z report freezes them all, even one it had none of).
It counts on the latest of: the local day of its ``recorded_at`` (shown, as the day it came
in), the day after its own, and the day after the last day closed before it was recorded,
so it always lands on a day that was open when it was recorded and no closed day ever
changes. Rows dated in the window are found through ``(status, paid_at)`` /
``(status, created_at)``; rows from outside it only when a close is near: recorded in the
window, dated the day before it, or numbered after a close of a day just before it or in it.

A refund that failed after it succeeded is two movements: the refund (its success) and its
reversal (money back: a negative refund), each with its own order number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    extract,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    text,
    union,
    union_all,
)
from sqlalchemy.orm import Session

from pos_app.domain.payment import PaymentMethod, PaymentStatus, RefundStatus
from pos_app.domain.report_data import (
    ExportRow,
    Movement,
    OffsetSpan,
    ReportWindow,
    SalesCell,
    day_start,
    offset_spans,
)
from pos_app.store.schema import bookings, day_closes, payments, refunds, resources, users

# The payment a refund returns (its method and Stripe ids).
_refund_payment = payments.alias("refund_payment")
_DAY = 24 * 60
_MAX_IDS = 5000  # ids named in a query at most (SQLite allows 32,766 parameters)


@dataclass(frozen=True)
class _Source:
    """Payments, refunds or refund reversals: which rows count, which column dates a row,
    which says when it was recorded and which gives the database's order of that."""

    kind: Movement
    table: Any
    dated: Any  # paid_at / created_at: the business moment
    recorded: Any  # recorded_at / reversed_at: when a station recorded it (shown only)
    seq: Any  # record_seq / reversed_seq: the database's order of that recording
    counted: Any  # the rows that count
    sign: int = 1  # -1: a reversal gives back what its refund took out


_PAYMENTS = _Source(
    Movement.PAYMENT,
    payments,
    payments.c.paid_at,
    payments.c.recorded_at,
    payments.c.record_seq,
    payments.c.status == PaymentStatus.SUCCEEDED.value,
)
# A refund counts once it succeeded, even when it failed later (its reversal then counts too).
_REFUNDS = _Source(
    Movement.REFUND,
    refunds,
    refunds.c.created_at,
    refunds.c.recorded_at,
    refunds.c.record_seq,
    and_(
        refunds.c.status.in_([RefundStatus.SUCCEEDED.value, RefundStatus.FAILED.value]),
        or_(refunds.c.status == RefundStatus.SUCCEEDED.value, refunds.c.record_seq.is_not(None)),
    ),
)
_REVERSALS = _Source(
    Movement.REFUND,
    refunds,
    refunds.c.created_at,
    refunds.c.reversed_at,
    refunds.c.reversed_seq,
    and_(refunds.c.status == RefundStatus.FAILED.value, refunds.c.reversed_seq.is_not(None)),
    sign=-1,
)
_SOURCES = (_PAYMENTS, _REFUNDS, _REVERSALS)


@dataclass(frozen=True)
class _Facts:
    """The closes near a report's window, read once for every source's plan."""

    here: bool  # a day of the window is closed
    day_before: bool  # the day before it is
    seq_from: int | None  # rows numbered above this may land in it from outside...
    seq_to: int | None  # ...up to this one (None: no bound)
    sources: tuple[_Source, ...]  # reversals only when some refund failed after succeeding


class _Clock:
    """Local-time SQL for one window: shifts a UTC column by the zone's offset at that time."""

    def __init__(
        self, dialect: str, spans: tuple[OffsetSpan, ...], days: tuple[date, date]
    ) -> None:
        self._sqlite = dialect == "sqlite"
        self._spans = spans
        self.days = days  # every local date a row of this plan can be dated on

    def _shift(self, col: Any, extra_minutes: int = 0) -> Any:
        """The SQL offset (a modifier or an interval) of the span ``col`` falls in."""

        def value(minutes: int) -> Any:
            m = minutes + extra_minutes
            if self._sqlite:
                return literal(f"{m:+d} minutes", String)
            return literal(timedelta(minutes=m))

        first, *rest = self._spans
        if not rest:
            return value(first.minutes)
        whens = [
            (col < span.starts_at, value(before.minutes))
            for before, span in zip(self._spans, rest, strict=False)
        ]
        return case(*whens, else_=value(self._spans[-1].minutes))

    def local_date(self, col: Any, *, days: int = 0) -> ColumnElement[Any]:
        """The local calendar date of a UTC column (plus ``days``)."""
        if self._sqlite:
            return func.date(col, self._shift(col, days * _DAY))
        return cast(col + self._shift(col, days * _DAY), Date)

    def local_hour(self, col: Any) -> ColumnElement[Any]:
        """The local wall-clock hour 0..23 of a UTC column."""
        if self._sqlite:
            return cast(func.strftime("%H", col, self._shift(col)), Integer)
        return cast(extract("hour", col + self._shift(col)), Integer)

    def day(self, value: date) -> ColumnElement[Any]:
        """A date to compare with ``local_date`` (SQLite: its 'YYYY-MM-DD' text)."""
        return literal(value.isoformat(), String) if self._sqlite else literal(value, Date)

    def next_day(self, day: Any) -> ColumnElement[Any]:
        """The day after a date column or expression."""
        if self._sqlite:
            return func.date(day, literal("+1 day", String))
        return cast(day + literal(1, Integer), Date)

    def later(self, *days: Any) -> ColumnElement[Any]:
        """The latest of some dates (none of them NULL)."""
        return func.max(*days) if self._sqlite else func.greatest(*days)


class SqlReportQueries:
    """Report figures summed by the database."""

    def __init__(self, session: Session) -> None:
        self._s = session

    # -- public ------------------------------------------------------------------------------

    def sales(self, window: ReportWindow) -> list[SalesCell]:
        """Payments and refunds of the window grouped by currency, service, staff, method, hour."""
        cells: list[SalesCell] = []
        # Each branch grouped on its own (a plain subquery SQLite flattens, no UNION to
        # materialise); cells of the same key from two branches are added up by the caller.
        facts = self._close_facts(window)
        branches = [(s, b) for s in facts.sources for b in self._plan(window, s, facts)]
        for source, branch in branches:
            sub = branch.subquery()
            fee_unknown = and_(
                literal(source.kind is Movement.PAYMENT),
                sub.c.method == PaymentMethod.CARD,
                sub.c.fee.is_(None),
            )
            q = select(
                sub.c.currency,
                sub.c.service_id,
                func.max(sub.c.service_name),
                sub.c.resource_id,
                sub.c.method,
                sub.c.hour,
                func.count(),
                func.sum(sub.c.amount),
                func.sum(func.coalesce(sub.c.fee, 0)),
                func.sum(sub.c.adjustment),
                func.sum(case((sub.c.adjustment == 1, sub.c.amount), else_=0)),
                # Card payments whose balance transaction (so fee) is not known yet.
                func.sum(case((fee_unknown, 1), else_=0)),
                func.sum(case((fee_unknown, sub.c.amount), else_=0)),
            ).group_by(
                sub.c.currency, sub.c.service_id, sub.c.resource_id, sub.c.method, sub.c.hour
            )
            sign = source.sign  # a reversal takes back a refund: its count and money too
            for r in self._s.execute(q):
                cells.append(
                    SalesCell(
                        kind=source.kind,
                        currency=r[0],
                        service_id=r[1],
                        service_name=r[2] or "",
                        resource_id=r[3] or "",
                        method=str(_value(r[4])),
                        hour=int(r[5]),
                        count=sign * int(r[6]),
                        amount=sign * int(r[7] or 0),
                        fee=sign * int(r[8] or 0),
                        adjustments=int(r[9] or 0),
                        adjustment_amount=sign * int(r[10] or 0),
                        fees_pending=int(r[11] or 0),
                        fees_pending_amount=int(r[12] or 0),
                    )
                )
        return cells

    def conversion(self, window: ReportWindow) -> dict[str, int]:
        """Card payment links created in the window, by status."""
        self._no_jit()
        q = (
            select(payments.c.status, func.count())
            .where(
                payments.c.method == PaymentMethod.CARD,
                payments.c.created_at >= window.start,
                payments.c.created_at < window.end,
            )
            .group_by(payments.c.status)
        )
        return {str(_value(status)): int(n) for status, n in self._s.execute(q)}

    def frozen_days(self, first: date, last: date) -> list[tuple[date, int | None, str]]:
        """The closed days of [first, last] with their order number and frozen report
        (``report_json``), one row a day (its currencies' rows hold the same report)."""
        c, one = day_closes.c, day_closes.alias("one_currency").c
        lowest = select(func.min(one.currency)).where(one.business_date == c.business_date)
        q = select(c.business_date, c.covered_seq, c.report_json).where(
            c.business_date >= first,
            c.business_date <= last,
            c.currency == lowest.scalar_subquery(),
        )
        rows = self._s.execute(q)
        return [(_date(d), None if n is None else int(n), str(j)) for d, n, j in rows]

    def export_rows(self, window: ReportWindow) -> Iterator[ExportRow]:
        """Every succeeded payment and refund of the window by business day and time, streamed."""
        facts = self._close_facts(window)
        parts = [b for s in facts.sources for b in self._plan(window, s, facts, detail=True)]
        union = union_all(*parts).subquery()
        q = select(union).order_by(
            union.c.business_date, union.c.at, union.c.kind, union.c.id, union.c.recorded_at
        )
        dates: dict[Any, date] = {}  # a few distinct days: parse each once
        for r in self._s.execute(q.execution_options(yield_per=2000)):
            (kind, id_, booking_id, at, day, adjustment, customer, service, staff, method,
             currency, amount, fee, net, status, session_id, intent_id, charge_id, refund_id,
             txn_id, reason, recorded_by, recorded_at) = r  # fmt: skip
            business_date = dates.get(day)
            if business_date is None:
                business_date = dates[day] = _date(day)
            yield ExportRow(
                Movement(kind),
                id_,
                booking_id,
                _aware(at),
                business_date,
                bool(adjustment),
                customer or "",
                service or "",
                staff or "",
                str(_value(method)),
                currency,
                int(amount),
                None if fee is None else int(fee),
                None if net is None else int(net),
                str(_value(status)),
                session_id,
                intent_id,
                charge_id,
                refund_id,
                txn_id,
                reason,
                recorded_by or "",
                None if recorded_at is None else _aware(recorded_at),
            )

    def _no_jit(self) -> None:
        """PostgreSQL: no JIT in this transaction (on a big table compiling costs more, in
        hundreds of ms, than these index-bounded queries take to run)."""
        if self._s.get_bind().dialect.name == "postgresql":
            self._s.execute(text("SET LOCAL jit = off"))

    # -- the plan -----------------------------------------------------------------------------

    def _close_facts(self, window: ReportWindow) -> _Facts:
        """What every source's plan needs to know of the closes near the window (and whether
        any refund failed after it succeeded), read once per report."""
        self._no_jit()
        first, last = window.first, window.last
        rows = self._s.execute(
            select(day_closes.c.business_date, day_closes.c.covered_seq).where(
                day_closes.c.business_date >= first - timedelta(days=1),
                day_closes.c.business_date <= last,
            )
        ).all()
        days = {_date(r[0]) for r in rows}
        # Rows numbered after the close of a day just before the window or in it may land in
        # it, unless numbered after the close of its last day or a later one too.
        near = [int(r[1]) for r in rows if _date(r[0]) < last]
        seq_from = min(near) if near else None
        seq_to = None
        if near:
            seq_to = self._s.execute(
                select(func.min(day_closes.c.covered_seq)).where(day_closes.c.business_date >= last)
            ).scalar()
        reversed_ = self._s.execute(
            select(exists().where(refunds.c.reversed_seq > 0))  # numbers start at 1: an index range
        ).scalar()
        return _Facts(
            here=any(first <= d <= last for d in days),
            day_before=(first - timedelta(days=1)) in days,
            seq_from=seq_from,
            seq_to=seq_to,
            sources=_SOURCES if reversed_ else (_PAYMENTS, _REFUNDS),
        )

    def _plan(
        self, window: ReportWindow, source: _Source, facts: _Facts, *, detail: bool = False
    ) -> list[Select[Any]]:
        """One row per counted payment (or refund, or reversal) of the window with its
        business day, local hour and adjustment flag, from the branches that can have rows
        (disjoint)."""
        start, end = window.start, window.end
        before = day_start(window.first - timedelta(days=1), window.tz)
        # Rows dated outside the window that may be adjustments landing in it: recorded in
        # it by a station's clock, or numbered after a close of a day just before it or in
        # it (they land after that day) and not after a close of its last day or later.
        arms = [and_(source.recorded >= start, source.recorded < end)]
        if facts.seq_from is not None:
            by_order = source.seq > facts.seq_from
            if facts.seq_to is not None:
                by_order = and_(by_order, source.seq <= facts.seq_to)
            arms.append(by_order)
        # OFFSET 0: else PostgreSQL walks the paid_at index for min/max (seconds on 10M).
        found = (
            select(source.dated.label("dated"), source.recorded.label("recorded"))
            .where(
                source.counted,
                self._any_of(source, arms, window),
                or_(source.dated < start, source.dated >= end),
            )
            .offset(0)
            .subquery()
        )
        far = self._s.execute(
            select(func.min(found.c.dated), func.max(found.c.dated), func.min(found.c.recorded))
        ).one()
        lo = before
        for value in (far[0], far[2]):
            if value is not None:
                lo = min(lo, _aware(value))
        # Two days past the end: a recorded_at later than that is past the window whatever
        # the offset, so the last span may stand for it.
        hi = end + timedelta(days=2)
        if far[1] is not None:
            hi = max(hi, _aware(far[1]) + timedelta(days=2))
        clock = _Clock(
            self._s.get_bind().dialect.name,
            offset_spans(window.tz, lo, hi),
            (lo.date() - timedelta(days=1), hi.date() + timedelta(days=1)),
        )
        # Only rows dated on a closed day can be adjustments: today's dashboard (not closed
        # yet) needs no join at all, and rows from outside only when such a day is near.
        day = timedelta(days=1)
        from_outside = facts.day_before or (
            far[0] is not None and self._any_close(lo.date() - day, hi.date() + day)
        )
        own = self._branch(source, clock, window, closes=facts.here, own=True, detail=detail)
        if not from_outside:
            return [own]
        other = self._branch(
            source, clock, window, closes=True, own=False, detail=detail, strays=arms
        )
        return [own, other]

    def _any_of(
        self, source: _Source, arms: list[ColumnElement[bool]], window: ReportWindow
    ) -> ColumnElement[bool]:
        """Counted rows dated outside ``window`` matching any of ``arms`` (each a range one
        index serves). Their ids (a few, as a rule) are read first and named: an OR of the
        arms reads the whole table on SQLite, ``id IN (a UNION b)`` on PostgreSQL too."""
        outside = not_(and_(source.dated >= window.start, source.dated < window.end))
        if len(arms) == 1:
            return and_(arms[0], outside)
        q = union(*(select(source.table.c.id).where(source.counted, a, outside) for a in arms))
        ids: Any = list(self._s.execute(q).scalars())
        if len(ids) > _MAX_IDS:  # many late rows (a station long offline)
            ids = q.scalar_subquery()
        named: ColumnElement[bool] = source.table.c.id.in_(ids)
        return named

    def _any_close(self, first: date, last: date) -> bool:
        """Whether any of the days [first, last] is closed (in any currency)."""
        q = select(
            exists().where(day_closes.c.business_date >= first, day_closes.c.business_date <= last)
        )
        return bool(self._s.execute(q).scalar())

    def _branch(
        self,
        source: _Source,
        clock: _Clock,
        window: ReportWindow,
        *,
        closes: bool,
        own: bool,
        detail: bool,
        strays: list[ColumnElement[bool]] | None = None,
    ) -> Select[Any]:
        """``own``: rows dated in the window, less those a close moved out of it. Otherwise:
        rows dated outside the window that a close moved into it (``strays``, or dated the
        day before it, and recorded after that day's close)."""
        start, end = window.start, window.end
        t = source.table
        where: list[ColumnElement[bool]] = [source.counted]
        if own:
            where += [source.dated >= start, source.dated < end]
        else:
            before = day_start(window.first - timedelta(days=1), window.tz)
            assert strays is not None
            where += [
                self._any_of(
                    source, [*strays, and_(source.dated >= before, source.dated < start)], window
                ),
                or_(source.dated < start, source.dated >= end),
            ]
        base = t.join(bookings, bookings.c.id == t.c.booking_id)
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
            closed = _closed_days(*((window.first, window.last) if own else clock.days))
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
                self._after_closes(source, clock, own_date),
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
                bookings.c.service_id.label("service_id"),
                bookings.c.service_name.label("service_name"),
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
        cols = [
            literal(source.kind.value, String).label("kind"),
            t.c.id.label("id"),
            t.c.booking_id.label("booking_id"),
            source.dated.label("at"),
            business_date.label("business_date"),
            flag.label("adjustment"),
            bookings.c.customer_name.label("customer"),
            bookings.c.service_name.label("service_name"),
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

    @staticmethod
    def _after_closes(source: _Source, clock: _Clock, own_date: Any) -> ColumnElement[Any]:
        """The day after the last day closed before the database recorded the row (the day
        after its own when there is none): it cannot land earlier."""
        last_closed = (
            select(func.max(day_closes.c.business_date))
            .where(day_closes.c.covered_seq < source.seq)
            .scalar_subquery()
        )
        return func.coalesce(clock.next_day(last_closed), clock.next_day(own_date))


def _closed_days(first: date, last: date) -> Any:
    """One row per closed day of [first, last] (its currencies were closed together) with
    the last order number its Z report counts."""
    return (
        select(
            day_closes.c.business_date.label("business_date"),
            func.min(day_closes.c.covered_seq).label("covered_seq"),
        )
        .where(day_closes.c.business_date >= first, day_closes.c.business_date <= last)
        .group_by(day_closes.c.business_date)
        .subquery("closed_day")
    )


def _aware(value: Any) -> datetime:
    """A UTC time from a row (through a union SQLite may hand back its text)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _date(value: Any) -> date:
    """A date from a row: SQLite's date() gives 'YYYY-MM-DD' text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _value(v: Any) -> Any:
    """An enum's value, or the plain value a union handed back."""
    return getattr(v, "value", v)
