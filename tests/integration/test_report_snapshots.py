"""Range reports from the closed days' frozen Z reports equal the live computation.

Each case is a random week of a shop (New York, over the March DST change): card and cash in
two currencies, refunds on the same or a later day, money recorded hours after its day was
closed, fees Stripe reports late, a service renamed, and days closed (at 23:00 or early, at
18:00) through the real DayCloseService, which freezes the day's report. Then every range of
those days is read both ways and must be identical, field by field.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pos_app.domain.payment import PaymentStatus
from pos_app.domain.report_data import ReportWindow, SalesCell
from pos_app.domain.reports import SalesReport
from pos_app.services import reports as reports_module
from pos_app.services.day_close import DayCloseService
from pos_app.store.report_queries import SqlReportQueries
from tests.integration.day_close_world import migrated_copy
from tests.integration.report_fixtures import Shop

FIRST = date(2026, 3, 5)  # Thursday; Sunday 8 March has 23 hours in New York
DAYS = 7
SERVICES = [("svc_cut", "usd", 3500), ("svc_colour", "usd", 9000), ("svc_schnitt", "eur", 3000)]


@dataclass(order=True)
class _Event:
    at: datetime
    order: int
    what: str
    args: tuple[Any, ...]


def _world(tmp_path: Path, seed: int, url: str | None = None) -> tuple[Shop, list[date]]:
    """Write one random week into a fresh shop (``url``: PostgreSQL's, when the run gives
    this test one), in the order the database saw it."""
    rnd = random.Random(seed)
    shop = Shop(tmp_path, url or migrated_copy(tmp_path))
    closer = DayCloseService(shop.deps, shop.reports)
    events: list[_Event] = []
    n = 0

    def add(at: datetime, what: str, *args: Any) -> None:
        nonlocal n
        n += 1
        heapq.heappush(events, _Event(at, n, what, args))

    days = [FIRST + timedelta(days=i) for i in range(DAYS)]
    for day in days:
        if rnd.random() < 0.7:  # most days closed, some early (money later that day too)
            hour = 23 if rnd.random() < 0.8 else 18
            add(shop.local(day.year, day.month, day.day, hour, 0), "close", day)
        for _ in range(rnd.randrange(0, 7)):
            service, currency, price = rnd.choice(SERVICES)
            staff = rnd.choice(["res_priya", "res_sam", None])
            paid = shop.local(day.year, day.month, day.day, rnd.randrange(8, 23), rnd.randrange(60))
            # Mostly recorded at once; now and then hours later, after the day's close.
            late = rnd.random() < 0.25
            recorded = paid + (timedelta(hours=rnd.randrange(1, 40)) if late else timedelta())
            cash = rnd.random() < 0.3
            fee_late = not cash and rnd.random() < 0.2
            amount = price if rnd.random() < 0.8 else price // 2
            refund = None
            if rnd.random() < 0.3:
                back = amount if rnd.random() < 0.5 else amount // 3
                when = recorded + timedelta(hours=rnd.randrange(0, 60), minutes=1)
                refund = (back, when, when + timedelta(hours=rnd.randrange(0, 30)))
            # A card link exists from its creation (open), before the day's close, as in
            # the app: it is paid later, and recorded later still now and then.
            link: list[str] = []
            if not cash:
                add(paid - timedelta(minutes=3), "link", link, service, staff, currency, amount)
            add(
                recorded,
                "pay",
                service,
                staff,
                currency,
                amount,
                paid,
                cash,
                fee_late,
                refund,
                link,
            )
    # The catalogue renames a service mid-week: live reports name it as it is called now.
    add(shop.local(2026, 3, 7, 12), "rename", "svc_colour", "Colour & style")
    heapq.heapify(events)
    while events:
        event = heapq.heappop(events)
        shop.clock.at = event.at
        if event.what == "close":
            (day,) = event.args
            preview = closer.preview(day)
            closer.close(day, {t.currency: "0" for t in preview.currencies})
        elif event.what == "rename":
            with shop.uow(write=True) as w:
                service = w.services.get(event.args[0])
                assert service is not None
                service.name = event.args[1]
                w.commit()
        elif event.what == "link":
            link, service, staff, currency, amount = event.args
            booking = shop.booking(service, resource_id=staff)
            link.append(
                shop.card(
                    booking,
                    amount,
                    None,
                    currency=currency,
                    status=PaymentStatus.OPEN,
                    created_at=event.at,
                )
            )
        elif event.what == "pay":
            service, staff, currency, amount, paid, cash, fee_late, refund, link = event.args
            if cash:
                booking = shop.booking(service, resource_id=staff)
                pid = shop.cash(booking, amount, paid, currency=currency, recorded_at=event.at)
            else:
                fee = None if fee_late else amount * 3 // 100 + 30
                (pid,) = link
                with shop.uow(write=True) as w:
                    payment = w.payments.get(pid)
                    assert payment is not None
                    payment.status = PaymentStatus.SUCCEEDED
                    payment.paid_at = paid
                    payment.recorded_at = event.at
                    payment.fee_amount = fee
                    payment.net_amount = None if fee is None else amount - fee
                    w.commit()
                if fee_late:  # Stripe reports the fee a day later
                    add(event.at + timedelta(days=1), "fee", pid, amount * 3 // 100 + 30)
            if refund is not None:
                back, when, seen = refund
                add(seen, "refund", pid, back, when, currency, cash)
        elif event.what == "fee":
            pid, fee = event.args
            with shop.uow(write=True) as w:
                payment = w.payments.get(pid)
                assert payment is not None
                payment.fee_amount = fee
                payment.net_amount = payment.amount - fee
                w.commit()
        elif event.what == "refund":
            pid, back, when, currency, cash = event.args
            fee = None if cash else 0
            shop.refund(pid, back, when, currency=currency, recorded_at=event.at, fee=fee)
    return shop, days


def _rows(report: SalesReport) -> dict[str, Any]:
    out = report.to_json()
    for code, totals in report.currencies.items():  # fields to_json leaves out or derives
        out["currencies"][code]["_fees_pending_amount"] = totals.fees_pending_amount
    return out


def _walk(seen: list[tuple[SalesReport, SalesReport, str]], shop: Shop, days: list[date]) -> None:
    for i, first in enumerate(days):
        for last in days[i:]:
            old = shop.reports.range(first, last, from_snapshots=False)
            new = shop.reports.range(first, last)
            seen.append((old, new, f"{first}..{last}"))


@pytest.mark.parametrize("seed", range(8))
def test_snapshot_sums_equal_the_live_report(
    tmp_path: Path, seed: int, database_url: str | None
) -> None:
    shop, days = _world(tmp_path, seed, database_url)
    with shop.uow() as r:
        closed = {c.business_date for c in r.day_closes.between(days[0], days[-1])}
    assert closed, "the random week closed no day: the case proves nothing"
    seen: list[tuple[SalesReport, SalesReport, str]] = []
    _walk(seen, shop, days)
    for old, new, label in seen:
        assert _rows(new) == _rows(old), label
        assert new == old, label  # dataclass equality: every field, breakdowns in order


def test_the_sums_really_come_from_snapshots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closed days are not read again: the live query is asked only for the open ones (so
    the equality above is not the live path compared with itself)."""
    shop, days = _world(tmp_path, 3)
    with shop.uow() as r:
        closed = {c.business_date for c in r.day_closes.between(days[0], days[-1])}
    asked: list[tuple[date, date]] = []
    real = SqlReportQueries.sales

    def spy(self: SqlReportQueries, window: ReportWindow) -> list[SalesCell]:
        asked.append((window.first, window.last))
        return real(self, window)

    monkeypatch.setattr(SqlReportQueries, "sales", spy)
    new = shop.reports.range(days[0], days[-1])
    live = {a + timedelta(days=k) for a, b in asked for k in range((b - a).days + 1)}
    assert closed - live, "no closed day came from its snapshot"
    assert asked and len(asked) <= reports_module.MAX_LIVE_RUNS
    asked.clear()
    assert new == shop.reports.range(days[0], days[-1], from_snapshots=False)
    assert asked == [(days[0], days[-1])]
