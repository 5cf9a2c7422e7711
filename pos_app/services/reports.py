"""The sales report: a business day's or a range's figures per currency, for managers.

The database sums (``uow.reports``, GROUP BY); this module checks the request, names the
rows and rolls the grouped cells up into totals and breakdowns, never adding currencies.

Rules every report, export and Z report share:

* The business day is the configured time zone's (``deps.policy.timezone``); each local
  day's UTC bounds come from zoneinfo, so a DST day has 23 or 25 hours.
* A payment counts at ``paid_at`` (Stripe's time of the charge for a card, the moment it was
  recorded for cash), a refund at ``created_at`` (when it was issued) once it succeeded.
* One the database recorded after its own day was closed (a higher order number than the
  close's, never a comparison of station clocks; a day is closed for every currency at
  once) is an adjustment: it counts
  on the day of its ``recorded_at`` instead, or on a later day (at hour 00) when that one
  was closed before it was recorded (the next day when it was recorded on the closed day
  itself), so a closed day's figures never change; ``adjustments`` counts it there.
* A refund that failed after it succeeded counts twice: its refund on its day, and its
  reversal (money back, a negative refund) by the same rules, so the two cancel on a day
  not closed in between and a closed day gets the money back as an adjustment.
* By hour is by local wall-clock hour: on the 25-hour day both 01:00–02:00 hours land in
  "01"; on the 23-hour day the hour that does not exist ("02" in New York) stays empty.

A closed day's figures never change, so a report reads them from the day's frozen Z report
(``day_closes.report_json``) and sums the database's rows only for the days still open (in
runs of consecutive days; each run's query brings the adjustments that land in it, as for
any window; the run's own rows come summed per hour by the database's triggers,
store/sales_hours.py): the same figures as reading every row again
(``from_snapshots=False``, kept for the tests that prove it), at the cost of one small query
per closed day range. Exceptions, read live: a close whose report still waited for Stripe's
fees (a fee learned after the close changes the live figure), one closed in another time
zone or without its report. The conversion of payment links (links change state after a
close) comes from a closed day's frozen link counts once none of its links was still open
(store/link_counts.py), else live. Labels are the catalogue's current names (a service
renamed after a close is shown by its new name, as a live report shows it); one no longer in
the catalogue keeps the latest day's label. What the frozen report cannot know: a booking
moved to another service or staff member, or a fee corrected by reconciliation, after its
day closed; the closed day keeps what its Z report showed (report_sums documents the summing
rules).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import replace
from datetime import date, timedelta, tzinfo
from typing import Any, Protocol, runtime_checkable

from pos_app.domain import locale_format as lf
from pos_app.domain.dates import check_days
from pos_app.domain.errors import FormErrors, PermissionDeniedError
from pos_app.domain.order_report import OrderFigures
from pos_app.domain.payment import LINK_STILL_OPEN, PaymentStatus
from pos_app.domain.people import Actor
from pos_app.domain.ports import UnitOfWork
from pos_app.domain.report_data import ReportWindow, SalesCell, zone_key
from pos_app.domain.report_sums import TotalsSum, sum_reports
from pos_app.domain.reports import (
    METHOD_LABELS,
    UNASSIGNED,
    Conversion,
    CurrencyTotals,
    SalesReport,
)
from pos_app.i18n import N_, gettext
from pos_app.services.context import Deps

log = logging.getLogger(__name__)

MAX_RANGE_DAYS = 366
MANAGERS_ONLY = N_("Only a manager can see sales reports.")
#: More runs of open days than this in one range: read the whole range live (one scan).
MAX_LIVE_RUNS = 8


def zone_name(tz: tzinfo) -> str:
    """The IANA name of a zone ("America/New_York"), or its best description."""
    return zone_key(tz)


def check_range(start: date, end: date) -> None:
    """Raise FormErrors unless [start, end] is a range a report can cover."""
    check_days(start=start, end=end)
    if end < start:
        raise FormErrors({"end": gettext("The end date must be on or after the start date.")})
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise FormErrors(
            {
                "end": gettext(
                    "A report covers at most {count} days; choose a shorter range."
                ).format(count=lf.number(MAX_RANGE_DAYS))
            }
        )


class ReportService:
    """Sales figures for a business day or a range of days (managers only)."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def daily(
        self, day: date, *, actor: Actor | None = None, uow: UnitOfWork | None = None
    ) -> SalesReport:
        """The figures of one local business day (read in ``uow`` when given)."""
        return self.range(day, day, actor=actor, uow=uow)

    def range(
        self,
        start: date,
        end: date,
        *,
        actor: Actor | None = None,
        uow: UnitOfWork | None = None,
        from_snapshots: bool = True,
    ) -> SalesReport:
        """The figures of the local business days ``start`` to ``end`` inclusive (≤ 366).

        ``uow``: read in the caller's transaction (the day close reads under its lock).
        ``from_snapshots``: closed days from their frozen Z reports (module docstring of
        report_sums and ``_frozen_days``); False reads every row again (same figures).
        """
        self._allow(actor)
        check_range(start, end)
        tz = self._d.policy.timezone
        zone = zone_name(tz)
        window = ReportWindow(start, end, tz)
        began = time.perf_counter()
        frozen: dict[date, dict[str, Any]] = {}
        with nullcontext(uow) if uow is not None else self._d.uow() as reading:
            queries = reading.reports
            names = None
            if from_snapshots:
                if isinstance(queries, DaysAndNames):  # with the names: one round trip
                    closes, *names = queries.days_and_names(start, end)
                elif isinstance(queries, FrozenDayQueries):
                    closes = queries.frozen_days(start, end)
                else:
                    closes = [
                        (c.business_date, c.covered_seq, c.report_json)
                        for c in reading.day_closes.between(start, end)
                    ]
                frozen = _frozen_days(closes, zone)
            live = _open_runs(start, end, frozen)
            if len(live) > MAX_LIVE_RUNS:  # closed and open days interleaved: one scan is less
                frozen, live = {}, [(start, end)]
            cells = [(a, reading.reports.sales(ReportWindow(a, b, tz))) for a, b in live]
            orders = [reading.order_reports.figures(ReportWindow(a, b, tz)) for a, b in live]
            links = reading.reports.conversion(window, frozen=from_snapshots)
            if names is None:
                names = [
                    {s.id: s.name for s in reading.services.list(active_only=False)},
                    {r.id: r.name for r in reading.resources.list(active_only=False)},
                ]
            services, staff = names
        if not frozen and len(cells) == 1:
            currencies = with_orders(
                roll_up(cells[0][1], services=services, staff=staff), orders[0]
            )
            report = SalesReport(start, end, zone, currencies, conversion_of(links))
        else:
            parts: list[tuple[date, SalesReport | dict[str, Any]]] = list(frozen.items())
            parts += [
                (
                    first,
                    SalesReport(
                        first,
                        first,
                        zone,
                        with_orders(roll_up(c, services=services, staff=staff), figures),
                    ),
                )
                for (first, c), figures in zip(cells, orders, strict=True)
            ]
            try:
                report = sum_reports(
                    (r for _, r in sorted(parts, key=lambda p: p[0])),
                    start=start,
                    end=end,
                    timezone=zone,
                    conversion=conversion_of(links),
                    services=services,
                    staff=staff,
                )
            except (KeyError, TypeError, ValueError, AttributeError):
                # A frozen report not shaped as this version writes them: read every row.
                log.warning("report.snapshot_unreadable from=%s to=%s", start, end)
                return self.range(start, end, actor=actor, uow=uow, from_snapshots=False)
        log.debug(
            "report.built from=%s to=%s currencies=%s frozen_days=%s ms=%.1f",
            start,
            end,
            ",".join(report.currencies),
            len(frozen),
            (time.perf_counter() - began) * 1000,
        )
        return report

    def window(self, start: date, end: date) -> ReportWindow:
        """The checked window of local days [start, end] in the business's time zone."""
        check_range(start, end)
        return ReportWindow(start, end, self._d.policy.timezone)

    def _allow(self, actor: Actor | None) -> None:
        who = actor or self._d.desk.actor
        if not who.is_manager:
            raise PermissionDeniedError(MANAGERS_ONLY)


def _frozen_days(
    closes: Iterable[tuple[date, int | None, str]], zone: str
) -> dict[date, dict[str, Any]]:
    """The closed days whose frozen report (its ``to_json()``) can stand for the live
    figures, by day.

    A closed day's figures never change (money recorded after its close counts on a later
    open day), except what no order number tracks: a fee Stripe reports after the close. So
    a day whose Z report still waited for fees (``fees_pending``), one closed in another
    time zone, or one whose close holds no report of that day, is read live instead. The
    conversion of links has its own frozen counts (store/link_counts.py).
    """
    out: dict[date, dict[str, Any]] = {}
    for day, covered_seq, frozen in closes:
        if day in out or covered_seq is None:
            continue
        try:
            report = json.loads(frozen)
            currencies = report["currencies"]
            usable = (
                report.get("date") == day.isoformat()
                and report.get("timezone") == zone
                and all(type(t["fees_pending"]) is int for t in currencies.values())
                and not any(t["fees_pending"] for t in currencies.values())
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # no report frozen in it: the day is read live
        if usable:
            out[day] = report
    return out


@runtime_checkable
class FrozenDayQueries(Protocol):
    """Report queries that read the closed days' frozen reports in one query."""

    def frozen_days(self, first: date, last: date) -> list[tuple[date, int | None, str]]:
        """(day, covered_seq, report_json) of the closed days of [first, last]."""
        ...


@runtime_checkable
class DaysAndNames(Protocol):
    """Report queries that read the frozen days and the catalogue's names in one query."""

    def days_and_names(
        self, first: date, last: date
    ) -> tuple[list[tuple[date, int | None, str]], dict[str, str], dict[str, str]]:
        """``frozen_days``, and every service's and staff member's name by id."""
        ...


def _open_runs(start: date, end: date, frozen: Mapping[date, object]) -> list[tuple[date, date]]:
    """The runs of consecutive days of [start, end] not in ``frozen``, oldest first."""
    runs: list[tuple[date, date]] = []
    day = start
    while day <= end:
        if day in frozen:
            day += timedelta(days=1)
            continue
        first = day
        while day + timedelta(days=1) <= end and day + timedelta(days=1) not in frozen:
            day += timedelta(days=1)
        runs.append((first, day))
        day += timedelta(days=1)
    return runs


def conversion_of(by_status: dict[str, int]) -> Conversion:
    """Payment links by what became of them (cancelled at the desk counts as expired)."""
    n = by_status.get
    return Conversion(
        started=sum(by_status.values()),
        paid=n(PaymentStatus.SUCCEEDED.value, 0),
        expired=n(PaymentStatus.EXPIRED.value, 0),
        failed=n(PaymentStatus.FAILED.value, 0),
        # Not settled yet: links still open, and bank payments on their way.
        open=sum(n(s.value, 0) for s in LINK_STILL_OPEN),
    )


def with_orders(
    currencies: dict[str, CurrencyTotals], figures: Mapping[str, OrderFigures]
) -> dict[str, CurrencyTotals]:
    """The totals with the orders' figures of the same days (a currency only orders have,
    e.g. an order paid in full on a day its payments count elsewhere, gets empty totals)."""
    out = dict(currencies)
    for code, f in figures.items():
        base = out.get(code) or TotalsSum.for_cells(METHOD_LABELS).totals(code)
        out[code] = replace(base, order_figures=f)
    return {code: out[code] for code in sorted(out)}


def roll_up(
    cells: Iterable[SalesCell], *, services: dict[str, str], staff: dict[str, str]
) -> dict[str, CurrencyTotals]:
    """Totals and breakdowns per currency from the database's grouped cells.

    ``services`` and ``staff`` name the ids (the catalogue's current names; a service no
    longer in it keeps the name its bookings had). Currencies are never added together.
    """
    acc: dict[str, TotalsSum] = {}
    for cell in cells:
        cur = acc.get(cell.currency)
        if cur is None:
            cur = acc[cell.currency] = TotalsSum.for_cells(METHOD_LABELS)
        rid = cell.resource_id
        cur.add_cell(
            cell,
            service=services.get(cell.service_id) or cell.service_name or cell.service_id,
            staff=staff.get(rid, rid) if rid else UNASSIGNED,
            method=METHOD_LABELS.get(cell.method, cell.method),
        )
    # The rows are named already: no catalogue given to rename them.
    return {code: c.totals(code) for code, c in sorted(acc.items())}
