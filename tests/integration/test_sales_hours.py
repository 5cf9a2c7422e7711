"""The per-hour sums the database keeps for reports (``sales_hours``, migration 0022) always
equal the same sums made again from the rows, whatever changes them: a payment recorded,
its fee learned later, a refund, a refund that failed after it succeeded, a booking moved to
another service or staff member, a row deleted, a transaction rolled back. And a report of
open days read from them equals one read from every row."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update

from pos_app.domain.payment import PaymentStatus, RefundStatus
from pos_app.store.schema import bookings, payments, refunds, sales_hours
from tests.integration.report_fixtures import Shop

DAY = date(2026, 6, 10)
TRIGGERS = {"payments", "refunds", "bookings"}


@pytest.fixture
def shop(tmp_path: Path, database_url: str | None) -> Shop:
    return Shop(tmp_path, database_url)


def _hour(at: Any) -> datetime:
    at = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    return at.replace(minute=0, second=0, microsecond=0, tzinfo=None)


def _recount(shop: Shop) -> Counter[tuple[Any, ...]]:
    """The sums made again from the rows, in Python (not the migration's SQL)."""
    out: Counter[tuple[Any, ...]] = Counter()
    with shop.engine.connect() as c:
        booked = {r.id: r for r in c.execute(select(bookings))}
        paid = {r.id: r for r in c.execute(select(payments))}
        rows: list[tuple[str, Any, Any]] = [
            ("payment", p, p.paid_at)
            for p in paid.values()
            if p.status == PaymentStatus.SUCCEEDED and p.paid_at is not None
        ]
        for p in paid.values():  # card payment links, by the hour each was created
            if p.method == "card":
                out[(_hour(p.created_at), "link", p.currency, "", "", "", p.status.value, 0)] += 1
        for r in c.execute(select(refunds)):
            if r.status == RefundStatus.SUCCEEDED or (
                r.status == RefundStatus.FAILED and r.record_seq is not None
            ):
                rows.append(("refund", r, r.created_at))
            if r.status == RefundStatus.FAILED and r.reversed_seq is not None:
                rows.append(("reversal", r, r.created_at))
    for kind, row, dated in rows:
        b = booked[row.booking_id]
        method = row.method if kind == "payment" else paid[row.payment_id].method
        key = (
            _hour(dated),
            kind,
            row.currency,
            b.service_id,
            b.service_name,
            b.resource_id or "",
            getattr(method, "value", method),
        )
        unfeed = kind == "payment" and row.fee_amount is None
        for i, value in enumerate(
            (1, row.amount, row.fee_amount or 0, int(unfeed), row.amount if unfeed else 0)
        ):
            out[(*key, i)] += value
    return +out  # zero sums dropped


def _kept(shop: Shop) -> Counter[tuple[Any, ...]]:
    out: Counter[tuple[Any, ...]] = Counter()
    h = sales_hours.c
    with shop.engine.connect() as c:
        for r in c.execute(select(sales_hours)):
            key = (_hour(r.hour), r.kind, r.currency, r.service_id, r.service_name)
            key += (r.resource_id, r.method)
            for i, col in enumerate((h.n, h.amount, h.fee, h.unfeed_n, h.unfeed_amount)):
                out[(*key, i)] += r._mapping[col]
    return +out


def _check(shop: Shop) -> None:
    assert _kept(shop) == _recount(shop)


def _write(shop: Shop, *statements: Any) -> None:
    with shop.engine.begin() as c:
        for statement in statements:
            c.execute(statement)


def test_the_database_keeps_each_hour_s_sums_as_rows_change(shop: Shop) -> None:
    b1 = shop.booking("svc_cut", resource_id="res_priya")
    b2 = shop.booking("svc_schnitt")
    card = shop.card(b1, 3500, shop.local(2026, 6, 10, 9, 15))  # its fee not known yet
    shop.cash(b1, 1000, shop.local(2026, 6, 10, 9, 40))
    shop.card(b2, 3000, shop.local(2026, 6, 10, 17, 59), currency="eur", fee=117)
    at = shop.local(2026, 6, 10, 8)
    link = shop.card(b2, 3000, None, currency="eur", status=PaymentStatus.OPEN, created_at=at)
    _check(shop)
    _write(shop, update(payments).where(payments.c.id == link).values(status="expired"))
    _check(shop)
    counted = [v for k, v in _kept(shop).items() if k[1] == "payment" and k[-1] == 0]
    assert sum(counted) == 3  # n: three payments counted
    _write(shop, update(payments).where(payments.c.id == card).values(fee_amount=132))
    _check(shop)
    ok = shop.refund(card, 1500, shop.local(2026, 6, 11, 10), fee=-20)
    _check(shop)
    # The refund fails after it succeeded: still counted once, and its reversal too.
    _write(
        shop,
        update(refunds)
        .where(refunds.c.id == ok)
        .values(status=RefundStatus.FAILED, record_seq=7, reversed_seq=8),
    )
    _check(shop)
    assert {k[1] for k in _kept(shop)} == {"payment", "refund", "reversal", "link"}
    # The booking moves to another service and staff member: its money moves with it.
    _write(
        shop,
        update(bookings)
        .where(bookings.c.id == b1)
        .values(service_id="svc_colour", service_name="Colour", resource_id="res_sam"),
    )
    _check(shop)
    _write(shop, update(bookings).where(bookings.c.id == b1).values(resource_id=None))
    _check(shop)
    _write(shop, update(payments).where(payments.c.id == card).values(paid_at=None))
    _check(shop)
    _write(shop, delete(refunds), delete(payments).where(payments.c.method == "cash"))
    _check(shop)


def test_a_rolled_back_write_leaves_the_sums_as_they_were(shop: Shop) -> None:
    b = shop.booking("svc_cut")
    shop.card(b, 3500, shop.local(2026, 6, 10, 9), fee=132)
    before = _kept(shop)
    with shop.engine.connect() as c, c.begin() as t:
        c.execute(update(payments).values(amount=9999))
        c.execute(update(bookings).values(resource_id="res_sam"))
        t.rollback()
    assert _kept(shop) == before == _recount(shop)


def test_an_open_week_reads_the_same_figures_from_the_hours_as_from_the_rows(shop: Shop) -> None:
    when = [shop.local(2026, 6, d, h, m) for d in (8, 9, 10) for h, m in ((9, 5), (13, 30))]
    for n, at in enumerate(when):
        b = shop.booking(("svc_cut", "svc_colour", "svc_schnitt")[n % 3], resource_id="res_sam")
        currency = "eur" if n % 3 == 2 else "usd"
        p = shop.card(b, 1000 + n, at, fee=None if n == 4 else 50 + n, currency=currency)
        if n % 2:
            shop.refund(p, 500, at + timedelta(hours=1), fee=-5, currency=currency)
        shop.cash(b, 200 + n, at + timedelta(minutes=20), currency=currency)
    shop.close(date(2026, 6, 7), shop.local(2026, 6, 7, 23))  # before the open week
    first, last = date(2026, 6, 8), date(2026, 6, 10)
    hours = shop.reports.range(first, last)
    # A range reaching a closed day reads every row of its open days (no hours).
    rows = shop.reports.range(first - timedelta(days=1), last, from_snapshots=False)
    assert hours.currencies == rows.currencies
    assert hours.currencies["usd"].fees_pending == 1
    # What the hours hold is what is read: an hour changed behind the triggers' back shows.
    _write(shop, update(sales_hours).values(amount=sales_hours.c.amount + 1))
    assert shop.reports.range(first, last).currencies != hours.currencies


def test_the_triggers_exist_after_every_migration(shop: Shop) -> None:
    """A later migration that copies one of these tables (SQLite's batch mode) drops its
    triggers: it must create them again."""
    with shop.engine.connect() as c:
        if shop.engine.dialect.name == "postgresql":
            found = c.execute(
                text(
                    "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c "
                    "ON c.oid = t.tgrelid WHERE t.tgname LIKE 'sales_hours%'"
                )
            ).scalars()
        else:
            found = c.execute(
                text(
                    "SELECT DISTINCT tbl_name FROM sqlite_master "
                    "WHERE type = 'trigger' AND name LIKE 'sales_hours%'"
                )
            ).scalars()
        assert set(found) == TRIGGERS


def test_a_dst_day_s_hours_are_its_local_hours(shop: Shop) -> None:
    """2026-11-01, New York falls back: both 01:xx hours land in "01", as from the rows."""
    b = shop.booking("svc_cut")
    first = shop.local(2026, 11, 1, 1, 30)
    second = shop.local(2026, 11, 1, 1, 30, fold=1)
    assert second - first == timedelta(hours=1)
    for at in (first, second, shop.local(2026, 11, 1, 23, 59)):
        shop.card(b, 1000, at, fee=30)
    day = date(2026, 11, 1)
    report = shop.reports.daily(day).currencies["usd"]
    shop.close(date(2026, 10, 31), datetime(2026, 11, 1, 3, tzinfo=UTC))
    rows = shop.reports.range(day - timedelta(days=1), day, from_snapshots=False)
    assert report == rows.currencies["usd"]
    assert {r.key: r.count for r in report.by_hour if r.count} == {"01": 2, "23": 1}
