"""The report's sources of money rows, and what the closes near a window say about them.

A report counts payments, refunds and refund reversals (``Source``). Before it plans its
queries (store/report_queries.py) it reads once what the closes near its window decide
(``Facts``): whether a day of it is closed, the close of the day before it, the order
numbers between which rows dated before it may land in it, and those rows themselves (the
"late rows": dated before the window, recorded in it by a station's clock or numbered
after a close of a day just before it or in it). Each read is one statement for every
source: at 10,000,000 payments on PostgreSQL a report's time is mostly round trips.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Integer,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    union,
    union_all,
)
from sqlalchemy.orm import Session

from pos_app.domain.payment import PaymentStatus, RefundStatus
from pos_app.domain.report_data import Movement, ReportWindow
from pos_app.store.report_sql import as_date, aware
from pos_app.store.schema import day_closes, payments, record_order, refunds


@dataclass(frozen=True)
class Source:
    """Payments, refunds or refund reversals: which rows count, which column dates a row,
    which says when it was recorded and which gives the database's order of that."""

    kind: Movement
    table: Any
    dated: Any  # paid_at / created_at: the business moment
    recorded: Any  # recorded_at / reversed_at: when a station recorded it (shown only)
    seq: Any  # record_seq / reversed_seq: the database's order of that recording
    counted: Any  # the rows that count
    hours: str  # its kind in sales_hours (store/sales_hours.py)
    sign: int = 1  # -1: a reversal gives back what its refund took out


PAYMENTS = Source(
    Movement.PAYMENT,
    payments,
    payments.c.paid_at,
    payments.c.recorded_at,
    payments.c.record_seq,
    payments.c.status == PaymentStatus.SUCCEEDED.value,
    "payment",
)
# A refund counts once it succeeded, even when it failed later (its reversal then counts too).
REFUNDS = Source(
    Movement.REFUND,
    refunds,
    refunds.c.created_at,
    refunds.c.recorded_at,
    refunds.c.record_seq,
    and_(
        refunds.c.status.in_([RefundStatus.SUCCEEDED.value, RefundStatus.FAILED.value]),
        or_(refunds.c.status == RefundStatus.SUCCEEDED.value, refunds.c.record_seq.is_not(None)),
    ),
    "refund",
)
REVERSALS = Source(
    Movement.REFUND,
    refunds,
    refunds.c.created_at,
    refunds.c.reversed_at,
    refunds.c.reversed_seq,
    and_(refunds.c.status == RefundStatus.FAILED.value, refunds.c.reversed_seq.is_not(None)),
    "reversal",
    sign=-1,
)
SOURCES = (PAYMENTS, REFUNDS, REVERSALS)
_BY_KIND = {s.hours: s for s in SOURCES}

#: (id, dated, recorded) of a late row.
Stray = tuple[str, datetime, datetime]


@dataclass(frozen=True)
class Facts:
    """The closes near a report's window, read once for every source's plan."""

    here: bool  # a day of the window is closed
    day_before: int | None  # the day before it is closed: its close's order number
    seq_from: int | None  # rows numbered above this may land in it from outside...
    seq_to: int | None  # ...up to this one (None: no bound)
    sources: tuple[Source, ...]  # reversals only when some refund failed after succeeding
    strays: dict[str, list[Stray]]  # each source's late rows (by its ``hours`` kind)


_SETTINGS = (
    "set_config('jit', 'off', true) || set_config('random_page_cost', "
    "least(current_setting('random_page_cost')::float, 1.1)::text, true)"
)
_CHEAP_PLANS = text(f"SELECT {_SETTINGS}")
_TUNED = "pos_app.report_planner_tuned"  # session.info: the transaction already tuned


def tune_planner(session: Session) -> None:
    """PostgreSQL, once per transaction, in one statement: no JIT (on a big table compiling
    costs more, in hundreds of ms, than these index-bounded queries take to run), and a
    random read priced as the cached or SSD read it is (at most 1.1): at the default 4 (a
    spinning disk), without parallel workers, a week's payments joined their bookings by
    reading all 9,000,000 bookings (3.9 s) instead of looking up 61,000 (0.2 s).

    Both settings are the transaction's (``set_config(…, true)``: SET LOCAL). A report reads
    its days, their links and its orders in one transaction: set once, not before each
    (``close_facts`` sets them in its own statement)."""
    if session.get_bind().dialect.name == "postgresql" and not _tuned(session):
        session.execute(_CHEAP_PLANS)
        _mark_tuned(session)


def _tuned(session: Session) -> bool:
    tx = session.get_transaction()
    return tx is not None and session.info.get(_TUNED) is tx


def _mark_tuned(session: Session) -> None:
    # (A rollback to a savepoint could undo the settings: then only a slower plan.)
    session.info[_TUNED] = session.get_transaction()


def _facts_query(tune: bool) -> Any:
    """Tagged rows of one statement: 0 the closes of [FIRST, LAST] (the day before the
    window to its last), 1 the lowest order number of a close of the last day or a later
    one, 2 the last number given, 3 whether a refund failed after it succeeded (numbers
    start at 1: an index range); with ``tune`` (PostgreSQL), 4 the planner's settings set
    (``tune_planner``: its values are of no use, it is their round trip saved)."""
    c = day_closes.c
    no_day = null().cast(Date)
    parts = [
        select(literal(0, Integer), c.business_date, c.covered_seq).where(
            c.business_date >= bindparam("facts_first"), c.business_date <= bindparam("facts_last")
        ),
        select(literal(1, Integer), no_day, func.min(c.covered_seq)).where(
            c.business_date >= bindparam("facts_last")
        ),
        select(literal(2, Integer), no_day, record_order.c.last_seq),
        select(
            literal(3, Integer),
            no_day,
            case((exists().where(refunds.c.reversed_seq > 0), 1), else_=0).cast(BigInteger),
        ),
    ]
    if tune:
        settings = func.length(literal_column(_SETTINGS)).cast(BigInteger)
        parts.append(select(literal(4, Integer), no_day, settings))
    return union_all(*parts)


# Built once: building them cost more than running them (small tables).
_FACTS = {tune: _facts_query(tune) for tune in (False, True)}


def close_facts(session: Session, window: ReportWindow, *, refunds_only: bool = False) -> Facts:
    """What every source's plan needs to know of the closes near the window (and whether
    any refund failed after it succeeded), read once per report: one statement (with the
    planner's settings on PostgreSQL), then one for the late rows of every source
    (``refunds_only``: of the refunds' sources only)."""
    first, last = window.first, window.last
    tune = session.get_bind().dialect.name == "postgresql" and not _tuned(session)
    params = {"facts_first": first - timedelta(days=1), "facts_last": last}
    rows: list[tuple[Any, int]] = []
    later = last_seq = None
    reversed_ = False
    for tag, day, n in session.execute(_FACTS[tune], params):
        if tag == 0:
            rows.append((as_date(day), int(n)))
        elif tag == 1:
            later = None if n is None else int(n)
        elif tag == 2:
            last_seq = None if n is None else int(n)
        elif tag == 3:
            reversed_ = bool(n)
    if tune:
        _mark_tuned(session)
    # Rows numbered after the close of a day just before the window or in it may land in
    # it, unless numbered after the close of its last day or a later one too.
    near = [n for d, n in rows if d < last]
    seq_from = min(near) if near else None
    # No close of its last day or later yet: up to the last number given, which changes no
    # answer but makes the search a closed range, so planners take the order number's index
    # (SQLite took the date's for "dated before": the whole past).
    seq_to = (later if later is not None else last_seq) if near else None
    sources: tuple[Source, ...] = SOURCES if reversed_ else (PAYMENTS, REFUNDS)
    if refunds_only:
        sources = tuple(s for s in sources if s.kind is Movement.REFUND)
    facts = Facts(
        here=any(first <= d <= last for d, _ in rows),
        day_before=min((n for d, n in rows if d == first - timedelta(days=1)), default=None),
        seq_from=seq_from,
        seq_to=seq_to,
        sources=sources,
        strays={},
    )
    facts.strays.update(_strays(session, facts, window))
    return facts


def _strays(session: Session, facts: Facts, window: ReportWindow) -> dict[str, list[Stray]]:
    """Each source's counted rows dated before the window that a close may move into it:
    recorded in it by a station's clock, or numbered after the close of a day just before
    it or in it (so they land after that day) and not after a close of its last day or a
    later one. A row dated after the window never lands in it (an adjustment lands after
    its own day), so none is looked for. One statement for every source, tagged by its
    position."""
    kinds = tuple(s.hours for s in facts.sources)
    out: dict[str, list[Stray]] = {kind: [] for kind in kinds}
    if not kinds:
        return out
    start = window.start
    quarters = session.get_bind().dialect.name == "postgresql" and start == start.replace(
        minute=start.minute - start.minute % 15, second=0, microsecond=0
    )
    q = _strays_query(kinds, facts.seq_from is not None, facts.seq_to is not None, quarters)
    params = {
        "strays_start": window.start,
        "strays_end": window.end,
        "strays_seq_from": facts.seq_from,
        "strays_seq_to": facts.seq_to,
    }
    for row_id, dated, recorded, i in session.execute(q, params):
        out[kinds[i]].append((str(row_id), aware(dated), aware(recorded)))
    return out


# Dated and recorded in two different UTC quarter hours (PostgreSQL, constants spelt out so
# the planner matches migration 0030's partial index, which holds only such payments).
QUARTERS_APART = literal_column(
    "floor(date_part('epoch', payments.paid_at) / 900) "
    "<> floor(date_part('epoch', payments.recorded_at) / 900)",
    Boolean,
)


@lru_cache(maxsize=16)
def _strays_query(kinds: tuple[str, ...], by_order: bool, bounded: bool, quarters: bool) -> Any:
    """The statement of ``_strays`` for these sources and arms, its values as parameters
    (built once: building it cost more than running it). ``quarters``: the window starts
    on a UTC quarter hour, so a payment dated before it and recorded in it was dated and
    recorded in two different quarter hours (migration 0030's index holds only those)."""
    parts = []
    for i, kind in enumerate(kinds):
        source = _BY_KIND[kind]
        arms = [
            and_(
                source.recorded >= bindparam("strays_start"),
                source.recorded < bindparam("strays_end"),
                *([QUARTERS_APART] if quarters and source is PAYMENTS else []),
            )
        ]
        if by_order:
            order = source.seq > bindparam("strays_seq_from")
            if bounded:
                order = and_(order, source.seq <= bindparam("strays_seq_to"))
            arms.append(order)
        cols = [source.table.c.id, source.dated, source.recorded, literal(i, Integer)]
        dated = source.dated < bindparam("strays_start")
        parts += [select(*cols).where(source.counted, arm, dated) for arm in arms]
    return union(*parts)


def strays_query(source: Source, facts: Facts, window: ReportWindow, dated_before: datetime) -> Any:
    """The ids of ``source``'s late rows (see ``_strays``) dated before ``dated_before``:
    one SELECT per arm, each a range one index serves (the order number's with the date in
    it: the open days' rows are skipped in the index), under UNION: an OR of the arms reads
    the whole table."""
    arms = [and_(source.recorded >= window.start, source.recorded < window.end)]
    if facts.seq_from is not None:
        by_order = source.seq > facts.seq_from
        if facts.seq_to is not None:
            by_order = and_(by_order, source.seq <= facts.seq_to)
        arms.append(by_order)
    parts = [
        select(source.table.c.id).where(source.counted, arm, source.dated < dated_before)
        for arm in arms
    ]
    return parts[0] if len(parts) == 1 else union(*parts)


def any_close(session: Session, first: Any, last: Any) -> bool:
    """Whether any of the days [first, last] is closed (in any currency)."""
    c = day_closes.c
    q = select(exists().where(c.business_date >= first, c.business_date <= last))
    return bool(session.execute(q).scalar())
