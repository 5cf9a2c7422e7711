"""Money made now counts on the business's *local* today, in zones far from UTC.

At UTC+14 (Kiritimati) the local date is tomorrow's UTC date from 10:00 UTC on; at UTC−11
(Pago Pago) it is yesterday's until 11:00 UTC. So at any hour at least one of the two runs
has a local "today" that is not UTC's, and a day taken from the wrong clock (or a day's
bounds drawn in UTC) puts today's money on another day. Each test runs in UTC and both.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pos_app.app import AppContext
from tests.integration.conftest import ZONES
from tests.integration.helpers import book
from tests.payments import pay

pytestmark = pytest.mark.parametrize(
    "business_zone", ZONES, indirect=True, ids=lambda z: z.rsplit("/", 1)[-1].lower()
)


def _local_today(app: AppContext) -> date:
    return datetime.now(UTC).astimezone(app.config.timezone).date()


def _paid_now(app: AppContext) -> tuple[str, datetime]:
    """A booking paid 35.00 by card just now: (booking id, when Stripe charged it)."""
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    app.checkout.refresh(view.payment_id)
    [payment] = app.bookings.detail(booking.id).payments
    assert payment.paid_at is not None
    return booking.id, payment.paid_at


def test_today_is_the_business_s_local_date(app: AppContext, business_zone: str) -> None:
    assert str(app.config.timezone) == business_zone
    assert app.bookings.today() == _local_today(app)
    booking = book(app)
    local_day = booking.starts_at.astimezone(app.config.timezone).date()
    assert booking.id in [b.id for b in app.bookings.list_day(local_day)]
    others = app.bookings.list_day(local_day - timedelta(days=1)) + app.bookings.list_day(
        local_day + timedelta(days=1)
    )
    assert booking.id not in [b.id for b in others]


def test_a_card_payment_counts_on_its_local_day_in_the_report(app: AppContext) -> None:
    _, paid_at = _paid_now(app)
    day = paid_at.astimezone(app.config.timezone).date()
    usd = app.reports.daily(day).currencies["usd"]
    assert (usd.gross, usd.count) == (3500, 1)
    for other in (day - timedelta(days=1), day + timedelta(days=1)):
        assert "usd" not in app.reports.daily(other).currencies or (
            app.reports.daily(other).currencies["usd"].count == 0
        )


def test_reconciling_exactly_the_local_day_matches_the_payment(app: AppContext) -> None:
    _, paid_at = _paid_now(app)
    day = paid_at.astimezone(app.config.timezone).date()
    result = app.reconciliation.compare(day, day)
    assert (result.local_payments, result.matched_payments) == (1, 1)
    assert list(result.mismatches) == []
    before = app.reconciliation.compare(day - timedelta(days=1), day - timedelta(days=1))
    assert (before.local_payments, before.matched_payments) == (0, 0)
    assert list(before.mismatches) == []


def test_cash_taken_now_is_in_the_local_day_s_export(app: AppContext, tmp_path: Path) -> None:
    booking = book(app)
    app.cash.record(booking.id)
    day = _local_today(app)
    out = tmp_path / "day.csv"
    app.csv_export.export(day, day, out)
    with out.open(encoding="utf-8-sig", newline="") as f:
        [row] = list(csv.DictReader(f))
    assert (row["business_date"], row["method"], row["amount"]) == (day.isoformat(), "cash", "3500")
    assert row["timezone"] == str(app.config.timezone)
    local = datetime.strptime(row["utc_time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert local.astimezone(app.config.timezone).strftime("%H:%M:%S") == row["local_time"]
