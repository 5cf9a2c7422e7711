"""The per-hour order figures the database keeps (``order_hours``, migration 0025) always
equal the same sums made again from the orders, their lines and bookings, whatever changes
them: orders paid by card and in cash, a booking moved to another staff member (its tip
follows), a line refunded, an unpaid sale voided. And the order figures of an open day read
from them equal those read from every order (issue 13 item 9), on SQLite and PostgreSQL
(``POS_TEST_DB``)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select, text, update

from pos_app.app import AppContext
from pos_app.domain.report_data import ReportWindow
from pos_app.store import order_report_queries
from pos_app.store.order_report_queries import SqlOrderReportQueries
from pos_app.store.schema import bookings, order_hours, order_lines, orders
from tests.integration.test_order_reports import Cli, _sell_and_pay, _shop, _today, cli

__all__ = ["cli"]  # the fixture, shared with the order report tests

TRIGGERS = {"orders", "order_lines", "bookings"}


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0, tzinfo=None)


def _recount(app: AppContext) -> Counter[tuple[Any, ...]]:
    """The sums made again from the rows, in Python (not the migration's SQL)."""
    out: Counter[tuple[Any, ...]] = Counter()
    with app.deps.uow() as uow:
        s = uow.session  # type: ignore[attr-defined]
        staff = {r.id: r.resource_id for r in s.execute(select(bookings))}
        counted = {
            o.id: o
            for o in s.execute(select(orders))
            if o.paid_seq is not None and o.paid_at is not None
        }
        lines = [x for x in s.execute(select(order_lines)) if x.order_id in counted]
    for o in counted.values():
        at = (_hour(o.paid_at), o.currency)
        promo = "" if o.promo_code is None else "=" + o.promo_code.upper()
        sums = (1, o.discount, o.tax, o.tip)
        for k, v in zip(("n", "discount", "tax", "tip"), sums, strict=True):
            out[("order", *at, promo, "", 0, "", k)] += v
        if o.tip > 0:
            resource = staff.get(o.booking_id) or ""
            out[("tip", *at, resource, "", 0, o.created_by_name, "n")] += 1
            out[("tip", *at, resource, "", 0, o.created_by_name, "tip")] += o.tip
    for x in lines:
        o = counted[x.order_id]
        key = ("line", _hour(o.paid_at), o.currency, x.product_id or x.service_id,
               str(getattr(x.kind, "value", x.kind)), x.tax_rate_thousandths, x.name)  # fmt: skip
        discount = x.line_discount + x.order_discount
        figures = (1, x.quantity, x.amount, discount, x.tax)
        for k, v in zip(("n", "quantity", "amount", "discount", "tax"), figures, strict=True):
            out[(*key, k)] += v
    return +out  # zeros left out


def _kept(app: AppContext) -> Counter[tuple[Any, ...]]:
    """What ``order_hours`` holds, in the same shape."""
    out: Counter[tuple[Any, ...]] = Counter()
    with app.deps.uow() as uow:
        rows = list(uow.session.execute(select(order_hours)))  # type: ignore[attr-defined]
    for r in rows:
        key = (r.kind, _hour(r.hour), r.currency, r.key, r.detail, r.rate, r.name)
        if r.n == 0:  # an hour whose orders moved away: nothing left in it
            assert (r.quantity, r.amount, r.discount, r.tax, r.tip) == (0, 0, 0, 0, 0)
        for k in ("n", "quantity", "amount", "discount", "tax", "tip"):
            out[(*key, k)] += getattr(r, k)
    return +out


def _write(app: AppContext, statement: Any) -> None:
    with app.deps.uow(write=True) as uow:
        uow.session.execute(statement)  # type: ignore[attr-defined]
        uow.commit()


def _figures(app: AppContext, window: ReportWindow) -> Any:
    with app.deps.uow() as uow:
        return SqlOrderReportQueries(uow.session).figures(window)  # type: ignore[attr-defined]


def test_the_kept_sums_equal_the_orders_as_they_are_paid_moved_refunded_and_voided(
    app: AppContext, cli: Cli
) -> None:
    _shop(cli)
    assert _kept(app) == Counter()
    first, _ = _sell_and_pay(app, cli)  # tipped: Priya's booking by card, Sam's cash
    kept = _kept(app)
    assert kept == _recount(app)
    assert sum(v for k, v in kept.items() if k[0] == "tip" and k[-1] == "tip") == 462
    # The first booking moves to Sam: its 3.00 tip is counted under Sam now.
    _write(app, update(bookings).where(bookings.c.id == first).values(resource_id="res_sam"))
    moved = _kept(app)
    assert moved == _recount(app)
    assert {k[3]: v for k, v in moved.items() if k[0] == "tip" and k[-1] == "tip"} == {
        "res_sam": 462
    }
    # A line refunded: money out, the order's figures as sold (the sums do not change).
    assert cli("refund", first, "--item", "Conditioner")["refund"]["amount"] == 1967
    assert _kept(app) == moved == _recount(app)
    # An unpaid sale never counts, nor once voided; a paid one counts at once.
    unpaid = cli("sell", "--item", "Shampoo", "--promo", "save5")
    assert _kept(app) == moved
    assert cli("void", unpaid["id"])["status"] == "void"
    assert _kept(app) == moved == _recount(app)
    cash = cli("sell", "--item", "Conditioner x2", "--tip", "1.00")
    assert cli("pay-cash", cash["id"])["status"] == "paid"
    assert _kept(app) == _recount(app) != moved


def test_an_open_day_reads_the_same_order_figures_from_the_hours_as_from_the_rows(
    app: AppContext, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _shop(cli)
    first, _ = _sell_and_pay(app, cli)
    cli("refund", first, "--item", "Shampoo x1")
    day = _today(app)
    window = ReportWindow(day, day, app.deps.policy.timezone)
    assert order_report_queries.serves(window)  # the hours serve this window
    hours = _figures(app, window)
    assert hours["usd"].orders == 2 and hours["usd"].tips == 462
    monkeypatch.setattr(order_report_queries, "serves", lambda _w: False)
    assert _figures(app, window) == hours  # every order and line read again
    monkeypatch.undo()
    # What the hours hold is what is read: an hour changed behind the triggers' back shows.
    _write(app, update(order_hours).values(tip=order_hours.c.tip + 1))
    assert _figures(app, window) != hours
    # The window's hours are [start, end): an order in its last hour counts, none in the
    # hour before it or the one after. Named apart from the sales' own rows: run in the
    # day's last hour, those are in it already (a clash of the hour's key, once a day).
    for at in (window.start - timedelta(hours=1), window.end - timedelta(hours=1), window.end):
        _write(app, insert(order_hours).values(
            kind="order", hour=at, currency="usd", key="", detail="", rate=0, name="probe",
            n=1, quantity=0, amount=0, discount=0, tax=0, tip=0))  # fmt: skip
    assert _figures(app, window)["usd"].orders == 3


def test_the_triggers_exist_after_every_migration(app: AppContext) -> None:
    """A later migration that copies one of these tables (SQLite's batch mode) drops its
    triggers: it must create them again."""
    with app.deps.uow() as uow:
        s = uow.session  # type: ignore[attr-defined]
        if s.get_bind().dialect.name == "postgresql":
            query = (
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c "
                "ON c.oid = t.tgrelid WHERE t.tgname LIKE 'order_hours%'"
            )
        else:
            query = (
                "SELECT DISTINCT tbl_name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'order_hours%'"
            )
        assert set(s.execute(text(query)).scalars()) == TRIGGERS


def test_an_order_paid_two_closes_after_its_own_day_lands_after_the_latest(
    app: AppContext, cli: Cli
) -> None:
    """Its own day's close is older than the day before the window: read for it alone."""
    _shop(cli)
    today = _today(app)
    for back in (2, 1):
        cli("close-day", "--date", (today - timedelta(days=back)).isoformat(),
            "--cash-counted", "0.00")  # fmt: skip
    _sell_and_pay(app, cli)  # numbered after both closes
    tz = app.deps.policy.timezone
    noon = datetime.combine(today - timedelta(days=2), datetime.min.time(), tz)
    _write(app, update(orders).values(paid_at=noon + timedelta(hours=12)))
    # Dated two days ago, whose close came before it was paid: it lands on the day after
    # the latest day closed before it was paid (yesterday), today.
    figures = _figures(app, ReportWindow(today, today, tz))
    assert (figures["usd"].orders, figures["usd"].tips) == (2, 462)
