"""The CSV export's lines of closed days, kept as text (issue 13 item 9, migration 0028).

Making a row's cells costs about 24 µs (30 expressions, 7 lookups, the sort: see
store/report_export.py); copying kept text costs almost nothing. A closed day's rows never
change (no row recorded after a close lands on a closed day: store/report_queries.py), so
its lines are made once, by the same query as the live export (over those days alone: a
day's rows do not depend on the window), and kept in ``export_days``. What a line shows
can still change after the close (a fee or a Stripe id that arrives later, a renamed
customer or staff member, a refund's status): the database's triggers drop every kept day
such a change may touch, in the transaction that makes it (migration 0028 lists them), so
a kept line is never stale. An export then copies the kept days and makes only the others
(the open days, and closed days not kept yet) the old way.

Kept lines belong to a zone and to a format: ``format_key`` digests this code's sources
(the cells' SQL), the currencies' decimals, the characters shown as U+FFFD and the time
zone data, so an upgrade that writes a cell differently makes no old text count.

Writing kept lines: on PostgreSQL the writer holds the advisory lock KEY exclusively (tried,
not waited for: when another station is writing money it keeps nothing this time), which
every trigger takes shared first, so no change can commit between the writer's read and its
write of the lines (there would be no line to drop yet). SQLite has one writer at a time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import zoneinfo
from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pos_app.domain.csv_cells import exponent_groups, shown_pattern
from pos_app.domain.report_data import ExportBatch, ReportWindow, day_runs, day_start, zone_key
from pos_app.store.schema import day_closes, export_days
from pos_app.store.upsert import insert_for

#: Bump when the lines change in a way ``format_key`` cannot see.
FORMAT_VERSION = 1
#: topic_lock_key("export_days") (store/repositories.py); migration 0028's triggers take it.
KEY = 813821860926717834
#: Days made and kept per transaction at most (SQLite's other writers wait meanwhile).
RUN_DAYS = 31
# The modules whose code writes the cells: a change of any of them is another format.
_MAKERS = (
    "pos_app.store.report_export",
    "pos_app.store.order_export",
    "pos_app.store.report_sql",
    "pos_app.store.report_queries",
    "pos_app.store.export_days",
    "pos_app.domain.csv_cells",
    "pos_app.domain.currency",
    "pos_app.domain.text",
)


@lru_cache(maxsize=1)
def format_key() -> str:
    """The digest of everything that decides how a line is written (see the module)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT_VERSION}\0{shown_pattern()}\0{exponent_groups()!r}\0".encode())
    h.update(_tzdata().encode())
    for name in _MAKERS:
        source = getattr(importlib.import_module(name), "__file__", None)
        try:
            h.update(Path(str(source)).read_bytes())
        except OSError:  # no sources (a frozen build): the app's version stands for them
            h.update(_version().encode())
    return h.hexdigest()


def _tzdata() -> str:
    """The versions of the time zone data zoneinfo may read (its package, the system's)."""
    found = []
    with contextlib.suppress(metadata.PackageNotFoundError):
        found.append(metadata.version("tzdata"))
    for folder in zoneinfo.TZPATH:
        try:
            with (Path(folder) / "tzdata.zi").open(encoding="utf-8") as f:
                found.append(f.readline().strip())
        except OSError:
            pass
    return "|".join(found)


def _version() -> str:
    try:
        return metadata.version("pos-app")
    except metadata.PackageNotFoundError:
        return "unknown"


def records(text: str) -> Iterator[str]:
    """The CSV records of ``text`` (CRLF-ended), each with its CRLF: a line break inside a
    quoted cell (an odd number of quotes so far) does not end one."""
    pending: list[str] = []
    quotes = 0
    for piece in text.split("\r\n")[:-1]:
        pending.append(piece)
        quotes += piece.count('"')
        if quotes % 2 == 0:
            yield "\r\n".join(pending) + "\r\n"
            pending.clear()
            quotes = 0


class ExportDayQueries:
    """The kept lines of closed days, for SqlReportQueries (``_export_live`` makes lines)."""

    _s: Session

    def _export_live(self, window: ReportWindow, zone: str) -> Iterator[ExportBatch]:
        raise NotImplementedError

    def _kept(self, window: ReportWindow, zone: str) -> Any:
        c = export_days.c
        return (
            c.business_date >= window.first,
            c.business_date <= window.last,
            c.zone == zone,
            c.format == format_key(),
        )

    def unkept_export_days(self, window: ReportWindow, zone: str) -> list[date]:
        """The closed days of the window whose lines are not kept (for this zone and format)."""
        if zone != zone_key(window.tz):
            return []  # lines named another zone than they are in: never kept
        closed = select(day_closes.c.business_date).where(
            day_closes.c.business_date >= window.first, day_closes.c.business_date <= window.last
        )
        kept = select(export_days.c.business_date).where(*self._kept(window, zone))
        # One statement (EXCEPT: distinct days): every export asks this first, in a
        # transaction of its own, where its round trips were most of the time.
        return sorted(set(self._s.scalars(closed.except_(kept))))

    def keep_export_days(self, window: ReportWindow, zone: str) -> int:
        """Make and keep the lines of the window's closed days not kept yet; how many days
        were kept. For a writing unit of work, committed by the caller. On PostgreSQL
        nothing is kept (0) while another station writes money (see the module)."""
        dialect = self._s.get_bind().dialect.name
        locked = select(func.pg_try_advisory_xact_lock(KEY))
        if dialect == "postgresql" and not self._s.execute(locked).scalar():
            return 0
        kept = 0
        for first, last in day_runs(self.unkept_export_days(window, zone), RUN_DAYS):
            found: dict[str, list[str]] = {}
            for batch in self._export_live(ReportWindow(first, last, window.tz), zone):
                for record in records(batch.text):
                    # The first two cells, kind and business day, are never quoted.
                    found.setdefault(record.split(",", 2)[1], []).append(record)
            rows = []
            day = first
            while day <= last:
                lines = found.get(day.isoformat(), [])
                payments = sum(line.startswith("payment,") for line in lines)
                ends = day_start(day + timedelta(days=1), window.tz)
                rows.append(
                    {
                        "business_date": day,
                        "zone": zone,
                        "format": format_key(),
                        "ends": ends,
                        "payments": payments,
                        "refunds": len(lines) - payments,
                        "lines": "".join(lines),
                    }
                )
                day += timedelta(days=1)
            insert = insert_for(dialect)(export_days).values(rows)
            names = ("zone", "format", "ends", "payments", "refunds", "lines")
            self._s.execute(
                insert.on_conflict_do_update(
                    index_elements=[export_days.c.business_date],
                    set_={n: insert.excluded[n] for n in names},
                )
            )
            kept += len(rows)
        return kept

    def export_csv(self, window: ReportWindow, zone: str) -> Iterator[ExportBatch]:
        """The CSV export's rows of the window in business order, in batches: the kept
        closed days copied, the other days made by the database (store/report_export.py)."""
        if self._s.get_bind().dialect.name == "postgresql" and not self._s.in_transaction():
            # One snapshot for the kept days and the made ones, as one statement had.
            self._s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        kept: set[date] = set()
        if zone == zone_key(window.tz):
            q = select(export_days.c.business_date).where(*self._kept(window, zone))
            kept = set(self._s.scalars(q))
        runs: list[tuple[bool, date, date]] = []
        day = window.first
        while day <= window.last:
            here = day in kept
            if runs and runs[-1][0] == here:
                runs[-1] = (here, runs[-1][1], day)
            else:
                runs.append((here, day, day))
            day += timedelta(days=1)
        c = export_days.c
        for here, first, last in runs:
            part = ReportWindow(first, last, window.tz)
            if not here:
                yield from self._export_live(part, zone)
                continue
            q = (
                select(c.lines, c.payments, c.refunds)
                .where(*self._kept(part, zone))
                .order_by(c.business_date)
                .execution_options(yield_per=8)  # a day's text at a time, not all
            )
            for lines, payments, refunds in self._s.execute(q):
                if lines:
                    yield ExportBatch(lines, payments, refunds)
