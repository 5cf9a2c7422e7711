"""A closed day's payment-link counts are frozen once settled (a later day closed, none of
its links open), and reports read them: at a later day's close, else by the sync pass's
freezer once the last link ended. Frozen or live, the conversion figure is the same."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from pos_app.domain.payment import PaymentStatus
from pos_app.domain.report_data import ReportWindow
from pos_app.services.day_close import DayCloseService
from pos_app.services.link_counts import LinkCountFreezer
from pos_app.store.schema import day_link_counts, payments
from tests.integration.report_fixtures import MANAGER, Shop

DAY = date(2026, 6, 10)


def _links(shop: Shop, day: date, statuses: list[PaymentStatus]) -> list[str]:
    """Card links created on ``day`` (local noon, a minute apart), paid when succeeded."""
    ids = []
    for n, status in enumerate(statuses):
        at = shop.local(day.year, day.month, day.day, 12, n)
        paid = at + timedelta(minutes=1) if status is PaymentStatus.SUCCEEDED else None
        b = shop.booking("svc_cut")
        ids.append(shop.card(b, 3500, paid, fee=132, status=status, created_at=at))
    return ids


def _frozen(shop: Shop) -> dict[date, str]:
    with shop.engine.connect() as c:
        rows = c.execute(select(day_link_counts.c.business_date, day_link_counts.c.counts))
        return {d if isinstance(d, date) else date.fromisoformat(d): j for d, j in rows}


def _close(shop: Shop, day: date) -> None:
    DayCloseService(shop.deps, shop.reports).close(day, {"usd": "0"}, actor=MANAGER)


def _set_status(shop: Shop, payment_id: str, status: PaymentStatus) -> None:
    with shop.engine.begin() as c:
        c.execute(update(payments).where(payments.c.id == payment_id).values(status=status))


@pytest.fixture
def shop(tmp_path: Path, database_url: str | None) -> Shop:
    return Shop(tmp_path, database_url)


def test_a_settled_day_is_frozen_at_a_later_day_s_close(shop: Shop) -> None:
    S = PaymentStatus
    _links(shop, DAY, [S.SUCCEEDED, S.SUCCEEDED, S.EXPIRED, S.FAILED])
    _close(shop, DAY)
    assert _frozen(shop) == {}  # a sale after an early close could still make a link
    assert LinkCountFreezer(shop.deps).freeze() == 0
    _links(shop, DAY + timedelta(days=1), [S.SUCCEEDED])
    _close(shop, DAY + timedelta(days=1))
    assert _frozen(shop) == {DAY: '{"expired":1,"failed":1,"succeeded":2}'}
    report = shop.reports.daily(DAY)
    assert (report.conversion.started, report.conversion.paid) == (4, 2)
    assert report == shop.reports.range(DAY, DAY, from_snapshots=False)


def test_a_day_closed_with_a_link_open_is_counted_live_until_the_freezer_sees_it_settled(
    shop: Shop,
) -> None:
    S = PaymentStatus
    _, still_open = _links(shop, DAY, [S.SUCCEEDED, S.OPEN])
    _links(shop, DAY + timedelta(days=1), [S.SUCCEEDED])  # an open day next to it
    _close(shop, DAY)
    shop.close(DAY + timedelta(days=5), shop.local(2026, 6, 15, 23))  # a later close
    freezer = LinkCountFreezer(shop.deps)
    assert _frozen(shop) == {} and freezer.freeze() == 0  # one link still open
    assert shop.reports.daily(DAY).conversion.open == 1
    _set_status(shop, still_open, S.EXPIRED)  # its hold ended after the close
    assert shop.reports.daily(DAY).conversion.expired == 1  # live until frozen
    assert freezer.freeze() == 1 and freezer.freeze() == 0
    assert _frozen(shop) == {DAY: '{"expired":1,"succeeded":1}'}
    both = shop.reports.range(DAY, DAY + timedelta(days=1))
    assert (both.conversion.started, both.conversion.paid, both.conversion.open) == (3, 2, 0)
    assert both == shop.reports.range(DAY, DAY + timedelta(days=1), from_snapshots=False)
    # Frozen means read from the frozen row: a link written later into the day (a station
    # whose clock is behind) shows only in the live count.
    _links(shop, DAY, [S.EXPIRED])
    assert shop.reports.daily(DAY).conversion.started == 2
    assert shop.reports.range(DAY, DAY, from_snapshots=False).conversion.started == 3


def test_counts_frozen_in_another_time_zone_are_not_used(shop: Shop) -> None:
    S = PaymentStatus
    _links(shop, DAY, [S.SUCCEEDED, S.EXPIRED])
    _links(shop, DAY + timedelta(days=1), [S.SUCCEEDED])
    _close(shop, DAY)
    _close(shop, DAY + timedelta(days=1))
    assert DAY in _frozen(shop)
    _links(shop, DAY, [S.FAILED])  # not in the frozen row: shows where the day is counted live
    new_york = ReportWindow(DAY, DAY, shop.tz)
    tokyo = ReportWindow(DAY, DAY + timedelta(days=1), ZoneInfo("Asia/Tokyo"))
    with shop.uow() as r:
        assert r.reports.conversion(new_york) == {"succeeded": 1, "expired": 1}
        assert r.reports.conversion(tokyo) == r.reports.conversion(tokyo, frozen=False)
        assert sum(r.reports.conversion(tokyo).values()) == 3  # not 2 frozen + 3 live


def test_the_sync_pass_freezes_at_most_every_so_often(shop: Shop) -> None:
    S = PaymentStatus
    clock = [0.0]
    freezer = LinkCountFreezer(shop.deps, every=60, monotonic=lambda: clock[0], batch=2)
    for i in range(6):
        day = DAY + timedelta(days=i)
        _links(shop, day, [S.SUCCEEDED])
        shop.close(day, shop.local(day.year, day.month, day.day, 23))  # no freeze at close
    assert freezer.freeze_if_due() == 5  # in batches of two; the last closed day waits
    _links(shop, DAY + timedelta(days=6), [S.EXPIRED])
    shop.close(DAY + timedelta(days=6), shop.local(2026, 6, 16, 23))
    clock[0] = 59.0
    assert freezer.freeze_if_due() is None
    clock[0] = 60.0
    assert freezer.freeze_if_due() == 1
    assert len(_frozen(shop)) == 6 and DAY + timedelta(days=6) not in _frozen(shop)
