"""Local time in report SQL, and values read back from either database.

SQL has no time zones here (SQLite has none at all), so a report window's zone becomes a
short list of UTC-offset spans (one per DST period) and each column is shifted by its
span's offset in SQL: ``date(col, '-300 minutes')`` on SQLite, ``col + interval`` on
PostgreSQL (store/report_queries.py builds the queries).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    String,
    Time,
    case,
    cast,
    extract,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from pos_app.domain.report_data import OffsetSpan
from pos_app.store.schema import day_closes

_DAY = 24 * 60


class Clock:
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

    def whole_hours(self, start: datetime, end: datetime) -> bool:
        """Whether [start, end) and every offset change start on a UTC hour and every offset
        is whole hours: then each UTC hour lies in one local day and one local hour."""
        changes = [span.starts_at for span in self._spans[1:]]
        aligned = all(
            t == t.replace(minute=0, second=0, microsecond=0) for t in (start, end, *changes)
        )
        return aligned and all(span.minutes % 60 == 0 for span in self._spans)

    def local_date(self, col: Any, *, days: int = 0) -> ColumnElement[Any]:
        """The local calendar date of a UTC column (plus ``days``). SQLite's date functions
        round to the millisecond, so its text is cut to the second first: 23:59:59.9995 is
        still that day (as on PostgreSQL), not the next one, whatever the report's window."""
        if self._sqlite:
            return func.date(func.substr(col, 1, 19), self._shift(col, days * _DAY))
        return cast(col + self._shift(col, days * _DAY), Date)

    def local_hour(self, col: Any) -> ColumnElement[Any]:
        """The local wall-clock hour 0..23 of a UTC column."""
        if self._sqlite:
            return cast(func.strftime("%H", func.substr(col, 1, 19), self._shift(col)), Integer)
        return cast(extract("hour", col + self._shift(col)), Integer)

    def clock_time(self, col: Any) -> ColumnElement[Any]:
        """The local wall-clock time of a UTC column as 'HH:MM:SS' text (seconds cut, never
        rounded: SQLite's date functions round to the millisecond, so its text is cut first)."""
        if self._sqlite:
            return func.strftime("%H:%M:%S", func.substr(col, 1, 19), self._shift(col))
        return time_text(self.local_time(col))

    def local_time(self, col: Any) -> ColumnElement[Any]:
        """PostgreSQL: the local wall-clock timestamp of a UTC column."""
        shifted: ColumnElement[Any] = col + self._shift(col)
        return shifted

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


def time_text(local: Any) -> ColumnElement[Any]:
    """PostgreSQL: a local timestamp's wall-clock time as 'HH:MM:SS' text (seconds cut,
    never rounded). A time's text (once the fraction is cut) costs less than to_char's."""
    return _text(cast(_seconds(local), Time))


def after_closes(seq: Any, clock: Clock, own_date: Any) -> ColumnElement[Any]:
    """The day after the last day closed before the database recorded a row numbered
    ``seq`` (the day after its own date when there is none): it cannot land earlier."""
    last_closed = (
        select(func.max(day_closes.c.business_date))
        .where(day_closes.c.covered_seq < seq)
        .scalar_subquery()
    )
    return func.coalesce(clock.next_day(last_closed), clock.next_day(own_date))


def utc_text(col: Any, sqlite: bool) -> ColumnElement[Any]:
    """A UTC column as 'YYYY-MM-DDTHH:MM:SSZ' text (seconds cut)."""
    if sqlite:  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff'
        return concat(func.substr(col, 1, 10), "T", func.substr(col, 12, 8), "Z")
    # The timestamp's ISO text ('YYYY-MM-DD HH:MM:SS' once the fraction is cut: DateStyle
    # ISO, which export_batches sets) costs less than to_char's.
    return concat(func.replace(_text(_seconds(col)), " ", "T"), "Z")


def _seconds(col: Any) -> ColumnElement[Any]:
    """PostgreSQL: a timestamp with its fraction of a second cut (never rounded)."""
    return func.date_trunc(literal("second", String), col)


def _text(value: Any) -> ColumnElement[Any]:
    """PostgreSQL: a value as its own text (dates and times: DateStyle ISO)."""
    return cast(value, String)


def concat(*parts: Any) -> ColumnElement[Any]:
    """Text joined with SQL's ``||`` (strings given are bound as text)."""
    out: ColumnElement[Any] | None = None
    for part in parts:
        value = literal(part, String) if isinstance(part, str) else part
        out = value if out is None else out.op("||", return_type=String)(value)
    assert out is not None
    return out


def date_text(day: Any, sqlite: bool) -> ColumnElement[Any]:
    """A date column or expression as 'YYYY-MM-DD' text (SQLite's date() gives that)."""
    return day if sqlite else _text(day)  # DateStyle ISO: 'YYYY-MM-DD'


def closed_days(first: date, last: date) -> Any:
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


class Together:
    """Statements of one shape read together: on PostgreSQL as one UNION ALL (one round
    trip, where a report's time mostly goes; built once with them), on SQLite each on its
    own (no round trip to save, and its planner flattens each one's subquery)."""

    def __init__(self, parts: Sequence[Any]) -> None:
        self.parts = tuple(parts)
        self._union = union_all(*self.parts) if len(self.parts) > 1 else None

    def rows(self, session: Session, params: Any = None) -> Iterator[Any]:
        """Every row of every statement (in no promised order between them)."""
        if self._union is not None and session.get_bind().dialect.name == "postgresql":
            yield from session.execute(self._union, params)
            return
        for part in self.parts:
            yield from session.execute(part, params)


def run_together(session: Session, parts: Sequence[Any], params: Any = None) -> Iterator[Any]:
    """The rows of statements of one shape, all of them (``Together``)."""
    return Together(parts).rows(session, params)


def aware_parser(dialect: str) -> Callable[[Any], datetime]:
    """The fastest way from a driver's stored time to an aware UTC datetime: SQLite hands
    back the text SQLAlchemy wrote ('YYYY-MM-DD HH:MM:SS.ffffff'), psycopg a naive one."""
    if dialect == "sqlite":  # datetime.replace is several times slower than this parse
        return lambda text: datetime.fromisoformat(text + "+00:00")
    return aware


def aware(value: Any) -> datetime:
    """A UTC time from a row (through a union SQLite may hand back its text)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    # combine, not replace(tzinfo=…): the same datetime, made in a quarter of the time.
    return value if value.tzinfo is not None else datetime.combine(value, value.time(), UTC)


def as_date(value: Any) -> date:
    """A date from a row: SQLite's date() gives 'YYYY-MM-DD' text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def enum_value(v: Any) -> Any:
    """An enum's value, or the plain value a union handed back."""
    return getattr(v, "value", v)
