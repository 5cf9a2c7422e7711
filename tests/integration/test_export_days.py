"""Kept lines of closed days (store/export_days.py, migration 0028): an export that copies
them is byte for byte the row-by-row export, and a change after a close that a line shows
(a fee or Stripe id that arrives late, a refund that fails, a renamed customer, staff member
or user, an order's figures) is in the next export, never the kept text."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from pos_app.domain.payment import RefundStatus
from pos_app.domain.report_data import ReportWindow
from pos_app.services.reports import zone_name
from tests.integration.report_fixtures import Shop
from tests.integration.test_csv_bytes import FIRST, LAST, _reference
from tests.integration.test_csv_bytes import shop as odd_shop  # noqa: F401 (a fixture)

OPEN_FROM = LAST - timedelta(days=4)  # the last five days stay open


@pytest.fixture
def closed(odd_shop: Shop) -> Shop:  # noqa: F811 (the fixture imported above)
    """The odd shop with every day but the last five closed at 23:00 (rows recorded later
    are adjustments), as Shop.close closes (in one transaction: quicker), and its lines kept
    by a first export."""
    with odd_shop.engine.begin() as c:
        recorded = c.exec_driver_sql(
            "SELECT recorded_at, record_seq FROM payments WHERE record_seq IS NOT NULL "
            "UNION ALL SELECT recorded_at, record_seq FROM refunds WHERE record_seq IS NOT NULL"
        ).all()
        times = [(_utc(at), int(seq)) for at, seq in recorded]
        closes = []
        day = FIRST
        while day < OPEN_FROM:
            at = odd_shop.local(day.year, day.month, day.day, 23).astimezone(UTC)
            covered = max((seq for t, seq in times if t <= at), default=0)
            if day != date(2026, 7, 3):  # closed already
                closes.append((day, at.replace(tzinfo=None), covered))
            day += timedelta(days=1)
        c.execute(
            text(
                "INSERT INTO day_closes (business_date, currency, closed_at, closed_by_name, "
                "card_net, cash_expected, cash_counted, report_json, note, covered_seq) "
                "VALUES (:d, 'usd', :at, 'Morgan', 0, 0, 0, '{}', '', :seq)"
            ),
            [{"d": d, "at": at, "seq": seq} for d, at, seq in closes],
        )
    odd_shop.export.write(FIRST, LAST, io.StringIO(newline=""))
    return odd_shop


def _utc(value: object) -> datetime:
    """A time as the driver gives it (SQLite: text), aware UTC."""
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return at.replace(tzinfo=UTC)


def _kept(shop: Shop) -> int:
    with shop.engine.connect() as c:
        return int(c.exec_driver_sql("SELECT count(*) FROM export_days").scalar_one())


def _export(shop: Shop, first: date = FIRST, last: date = LAST) -> tuple[str, int]:
    got = io.StringIO(newline="")
    n = shop.export.write(first, last, got)
    return got.getvalue(), n


def test_kept_days_are_byte_for_byte_the_row_by_row_export(closed: Shop) -> None:
    assert _kept(closed) == (OPEN_FROM - FIRST).days  # every closed day, empty ones too
    expected, n = _reference(closed, FIRST, LAST)
    assert ',"Line\nBreak",' in expected and '"CRLF\r\nboth"' in expected
    assert _export(closed) == (expected, n)
    days = [(date(2026, 3, 8), date(2026, 3, 8)), (date(2026, 7, 3), date(2026, 7, 4)),
            (date(2026, 6, 10), date(2026, 6, 11)), (OPEN_FROM - timedelta(1), LAST)]  # fmt: skip
    for first, last in days:
        assert _export(closed, first, last) == _reference(closed, first, last)


def test_the_kept_text_is_what_the_export_copies(closed: Shop) -> None:
    """Not made again: a kept day's text, changed behind the triggers' back, is what comes
    out (so the test above compared kept text, and kept text is read when fresh)."""
    with closed.engine.begin() as c:
        c.exec_driver_sql(
            "UPDATE export_days SET lines = 'kept,2026-06-10\r\n', payments = 1 "
            "WHERE business_date = '2026-06-10'"
        )
    got, _ = _export(closed, date(2026, 6, 10), date(2026, 6, 10))
    assert got.endswith("\r\nkept,2026-06-10\r\n")


def test_lines_of_another_format_or_zone_are_made_again(closed: Shop) -> None:
    with closed.engine.begin() as c:
        c.exec_driver_sql("UPDATE export_days SET lines = 'old\r\n', format = 'old'")
        c.exec_driver_sql(
            "UPDATE export_days SET lines = 'old\r\n', zone = 'Europe/Paris' "
            "WHERE business_date = '2026-06-10'"
        )
    assert _export(closed) == _reference(closed, FIRST, LAST)
    assert _kept(closed) == (OPEN_FROM - FIRST).days  # kept again, in this format


def test_the_unkept_days_are_the_closed_days_not_kept_here(closed: Shop) -> None:
    """``unkept_export_days`` (one statement): each closed day of the window whose lines are
    not kept in this zone and format, once however many currencies closed it; never an
    open day, never a kept one."""
    window = ReportWindow(FIRST, LAST, closed.tz)
    zone = zone_name(closed.tz)

    def unkept() -> list[date]:
        with closed.uow() as r:
            return r.reports.unkept_export_days(window, zone)

    paris, old, twice = date(2026, 6, 10), date(2026, 5, 2), date(2026, 4, 5)
    with closed.engine.begin() as c:  # the day closed in a second currency too
        c.execute(
            text(
                "INSERT INTO day_closes (business_date, currency, closed_at, closed_by_name, "
                "card_net, cash_expected, cash_counted, report_json, note, covered_seq) "
                "SELECT business_date, 'eur', closed_at, closed_by_name, 0, 0, 0, '{}', '', "
                "covered_seq FROM day_closes WHERE business_date = :d"
            ),
            {"d": twice},
        )
    closed.export.write(FIRST, LAST, io.StringIO(newline=""))  # kept again (the close drops)
    assert unkept() == []
    with closed.engine.begin() as c:
        c.execute(text("UPDATE export_days SET zone = 'Europe/Paris' WHERE business_date = :d"),
                  {"d": paris})  # fmt: skip
        c.execute(text("UPDATE export_days SET format = 'old' WHERE business_date = :d"),
                  {"d": old})  # fmt: skip
        c.execute(text("DELETE FROM export_days WHERE business_date = :d"), {"d": twice})
        c.execute(text("DELETE FROM export_days WHERE business_date >= :d"), {"d": OPEN_FROM})
    assert unkept() == [twice, old, paris]


def _sql(*statements: str) -> Callable[[Shop], None]:
    def change(shop: Shop) -> None:
        with shop.engine.begin() as c:
            for statement in statements:
                c.exec_driver_sql(statement)

    return change


def _refund_fails(shop: Shop) -> None:
    at = shop.local(2026, 11, 1, 10)
    with shop.engine.begin() as c:
        (ref,) = c.exec_driver_sql(
            "SELECT id FROM refunds WHERE status = 'succeeded' AND created_at < '2026-07-01' "
            "ORDER BY id LIMIT 1"
        ).one()
    with shop.uow(write=True) as w:
        refund = w.refunds.get(ref)
        assert refund is not None
        refund.status = RefundStatus.FAILED
        refund.reversed_at = at
        w.commit()


def _late_refund(shop: Shop) -> None:
    """A refund today of a payment of a closed day: a new row on an open day."""
    with shop.engine.begin() as c:
        (pay,) = c.exec_driver_sql(
            "SELECT id FROM payments WHERE method = 'card' AND currency = 'usd' "
            "AND paid_at < '2026-07-01' "
            "ORDER BY id LIMIT 1"
        ).one()
    shop.refund(pay, 1, shop.local(2026, 11, 1, 11), fee=0)


CHANGES: dict[str, Callable[[Shop], None]] = {
    # A fee and balance transaction that arrive after the close (the sync pass).
    "late fee": _sql(
        "UPDATE payments SET fee_amount = 77, net_amount = amount - 77, "
        "stripe_balance_transaction_id = 'txn_late' WHERE fee_amount IS NULL AND method = 'card'"
    ),
    "late charge id": _sql("UPDATE payments SET stripe_charge_id = 'ch_late' WHERE id = '@pay2'"),
    "refund fee": _sql("UPDATE refunds SET fee_amount = 5 WHERE id = '-ref\u202eodd'"),
    "refund fails": _refund_fails,
    "late refund": _late_refund,
    "customer renamed": _sql(
        "UPDATE bookings SET customer_name = 'Renamed' WHERE id = '=bk,\"1\"\n'"
    ),
    "staff renamed": _sql("UPDATE resources SET name = 'New name' WHERE id = 'res_odd'"),
    "user renamed": _sql("UPDATE users SET name = 'New user' WHERE id = 'usr_odd'"),
    "order's tip": _sql(
        "UPDATE orders SET tip = 999, total = total - tip + 999 WHERE id = '+ord2'"
    ),
    "order's promo code": _sql("UPDATE orders SET promo_code = 'LATER' WHERE id = '+ord2'"),
}  # fmt: skip


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_a_change_after_the_close_is_in_the_next_export(closed: Shop) -> None:
    """Each change in turn (the days it touches are kept again by the export after it)."""
    for name, change in CHANGES.items():
        before, _ = _reference(closed, FIRST, LAST)
        assert _export(closed)[0] == before, name  # read from the kept lines
        change(closed)
        expected = _reference(closed, FIRST, LAST)
        # The change shows on a closed day (not only on the open days at the end).
        rows = zip(_rows(before), _rows(expected[0]), strict=False)
        changed = [a for a, b in rows if a != b]
        if name != "late refund":
            assert changed and changed[0][1] < OPEN_FROM.isoformat(), name
        assert _export(closed) == expected, name


def test_a_writer_of_money_in_flight_keeps_nothing_kept_meanwhile(closed: Shop) -> None:
    """PostgreSQL: kept lines are written only when no trigger's writer is in flight (the
    shared lock each takes), so none is written from rows a commit is about to change."""
    if closed.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    with closed.engine.begin() as c:
        c.exec_driver_sql("DELETE FROM export_days")
    window = ReportWindow(FIRST, LAST, closed.tz)
    zone = str(closed.tz)
    writer = closed.engine.connect()
    try:
        writer.begin()
        writer.exec_driver_sql("UPDATE payments SET stripe_charge_id = 'ch_x' WHERE id = '@pay2'")
        with closed.uow(write=True) as w:
            assert w.reports.keep_export_days(window, zone) == 0
        writer.commit()
    finally:
        writer.close()
    with closed.uow(write=True) as w:
        assert w.reports.keep_export_days(window, zone) == (OPEN_FROM - FIRST).days
        w.commit()
    assert _export(closed) == _reference(closed, FIRST, LAST)
