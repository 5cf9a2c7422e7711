"""A closed day's payment links by status, frozen once settled (table ``day_link_counts``).

The conversion figure counts the card payment links created on a report's days by status.
A link changes status after its day closed (it expires, is paid, fails), and a link can
still be made on a day closed early (a sale after an 18:00 close), so a day's counts are
frozen only once *settled*, which the database decides when it counts, never a clock:

* the day is closed, and so is a later day (its close came after the day was over at
  every desk: a link dated on it could now only come from a station whose clock is days
  behind, the known limit of counting links by the time they were made);
* none of the day's links is still open in the database (``LINK_STILL_OPEN``).

A day close freezes the settled days before it; the leader's sync pass freezes the others
later, once their last link has ended (services/link_counts.py). A report sums the frozen
counts of its days counted in its time zone and counts the other days live.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    String,
    bindparam,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from pos_app.domain.payment import LINK_STILL_OPEN, PaymentMethod
from pos_app.domain.report_data import day_bounds, zone_key
from pos_app.store.report_sql import as_date
from pos_app.store.schema import day_closes, day_link_counts, payments, sales_hours
from pos_app.store.upsert import insert_for

#: Counting a range live in more runs of unfrozen days than this: one count of it all.
MAX_LIVE_RUNS = 8

CONVERSION = (
    select(payments.c.status, func.count())
    .where(
        payments.c.method == PaymentMethod.CARD,
        payments.c.created_at >= bindparam("start"),
        payments.c.created_at < bindparam("end"),
    )
    .group_by(payments.c.status)
)
# The same from the per-hour counts the database keeps (migration 0022: kind 'link', the
# status in ``method``), for bounds on whole UTC hours: a week's 50,000 links not read again.
_HOURS = (
    select(sales_hours.c.method, func.sum(sales_hours.c.n))
    .where(
        sales_hours.c.kind == "link",
        sales_hours.c.hour >= bindparam("start"),
        sales_hours.c.hour < bindparam("end"),
        sales_hours.c.n > 0,
    )
    .group_by(sales_hours.c.method)
)
_FROZEN = select(day_link_counts.c.business_date, day_link_counts.c.counts).where(
    day_link_counts.c.business_date >= bindparam("first"),
    day_link_counts.c.business_date <= bindparam("last"),
    day_link_counts.c.timezone == bindparam("zone"),
)


def _day_query(live: Any) -> Any:
    """Tagged rows: 0 the frozen counts of the days (``_FROZEN``), 1 the live counts by
    status (``live``: ``_HOURS`` or ``CONVERSION``)."""
    none, no_n = null().cast(String), null().cast(BigInteger)
    return union_all(
        _FROZEN.with_only_columns(
            literal(0, Integer), *_FROZEN.selected_columns, none, no_n, maintain_column_froms=True
        ),
        live.with_only_columns(
            literal(1, Integer),
            null().cast(Date),
            none,
            *live.selected_columns,
            maintain_column_froms=True,
        ),
    )


# Built once, for bounds on whole hours (True) or not.
_DAY = {True: _day_query(_HOURS), False: _day_query(CONVERSION)}


def _whole(start: datetime, end: datetime) -> bool:
    """Whether both bounds are whole UTC hours (the per-hour counts serve them)."""
    return all(t == t.replace(minute=0, second=0, microsecond=0) for t in (start, end))


class LinkCountQueries:
    """Link counts of days, live or frozen, for SqlReportQueries (its session: ``_s``)."""

    _s: Session

    def _no_jit(self) -> None:
        raise NotImplementedError

    def live_links(self, start: datetime, end: datetime) -> dict[str, int]:
        """Card payment links created in UTC [start, end), counted now, by status."""
        rows = self._s.execute(
            _HOURS if _whole(start, end) else CONVERSION, {"start": start, "end": end}
        )
        return {str(getattr(s, "value", s)): int(n) for s, n in rows}

    def links_of_days(
        self, first: date, last: date, tz: tzinfo, *, frozen: bool = True
    ) -> dict[str, int]:
        """Links created on the local days [first, last] by status: each day's frozen counts
        where it has them (``frozen``), the other days counted live."""
        self._no_jit()
        known: dict[date, dict[str, int]] = {}
        if frozen and first == last:
            # One day (the dashboard's): its frozen counts and its live ones in one
            # statement, the live ones used only when it has none frozen.
            start, end = day_bounds(first, last, tz)
            params = {"first": first, "last": last, "zone": zone_key(tz), "start": start,
                      "end": end}  # fmt: skip
            live: dict[str, int] = {}
            for tag, day, counts, status, n in self._s.execute(_DAY[_whole(start, end)], params):
                if tag == 0:
                    known[as_date(day)] = json.loads(counts)
                else:
                    live[str(getattr(status, "value", status))] = int(n)
            return {k: int(n) for k, n in known[first].items()} if known else live
        if frozen:
            params = {"first": first, "last": last, "zone": zone_key(tz)}
            for day, counts in self._s.execute(_FROZEN, params):
                known[as_date(day)] = json.loads(counts)
        runs = _runs(first, last, known)
        if len(runs) > MAX_LIVE_RUNS:
            known, runs = {}, [(first, last)]
        total: dict[str, int] = {}
        parts = list(known.values()) + [self.live_links(*day_bounds(a, b, tz)) for a, b in runs]
        for counts in parts:
            for status, n in counts.items():
                total[status] = total.get(status, 0) + int(n)
        return total

    def freeze_links(self, day: date, tz: tzinfo, now: datetime) -> bool:
        """Freeze closed ``day``'s link counts when a later day is closed and none of its
        links is still open; True when they are frozen (now or before)."""
        self._s.flush()  # a close added in this transaction (the day close's own) counts
        later = select(day_closes.c.business_date).where(day_closes.c.business_date > day)
        if self._s.execute(later.limit(1)).first() is None:
            return False
        counts = self.live_links(*day_bounds(day, day, tz))
        if any(counts.get(s.value) for s in LINK_STILL_OPEN):
            return False
        values = {
            "business_date": day,
            "timezone": zone_key(tz),
            "counts": json.dumps(counts, sort_keys=True, separators=(",", ":")),
            "frozen_at": now,
        }
        # Two stations freezing the same day: the second's row is the same, and dropped.
        insert = insert_for(self._s.get_bind().dialect.name)
        self._s.execute(insert(day_link_counts).values(**values).on_conflict_do_nothing())
        return True

    def unfrozen_closed_days(self, before: date | None, limit: int) -> list[date]:
        """Closed days without frozen link counts, newest first, before ``before``."""
        frozen = select(day_link_counts.c.business_date).where(
            day_link_counts.c.business_date == day_closes.c.business_date
        )
        q = (
            select(day_closes.c.business_date)
            .where(~frozen.exists())
            .group_by(day_closes.c.business_date)
            .order_by(day_closes.c.business_date.desc())
            .limit(limit)
        )
        if before is not None:
            q = q.where(day_closes.c.business_date < before)
        return [as_date(d) for (d,) in self._s.execute(q)]


def _runs(first: date, last: date, known: dict[date, Any]) -> list[tuple[date, date]]:
    """The runs of consecutive days of [first, last] not in ``known``, oldest first."""
    runs: list[tuple[date, date]] = []
    day = first
    while day <= last:
        if day not in known:
            if runs and runs[-1][1] == day - timedelta(days=1):
                runs[-1] = (runs[-1][0], day)
            else:
                runs.append((day, day))
        day += timedelta(days=1)
    return runs
