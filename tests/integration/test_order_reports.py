"""Orders in the sales report (issue 14, docs/orders.md 4.5): tips, discounts, tax, sales by
product, tax by rate, tips by staff and promo codes of `report … --json`, from orders worked
out by hand (arithmetic in the comments), on SQLite and PostgreSQL (``POS_TEST_DB``).

The command line runs in-process (``pos_app.cli.main`` + capsys): the suite is near its
time limit. Walk-in orders become payable with W14's change; until then a test order is
handed to a booking (``_owned_by_booking``), whose money paths are the ones that pay orders.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from pos_app.app import AppContext
from pos_app.cli import main
from pos_app.domain.report_data import ReportWindow
from pos_app.services.bookings import BookingRequest
from pos_app.store.order_report_queries import SqlOrderReportQueries
from pos_app.store.schema import bookings, order_lines, orders
from tests.payments import pay

Cli = Callable[..., dict[str, Any]]

# Order A: 2 × Shampoo $12.00 at 8.875 %, Conditioner $20.00 at 5 %, Haircut $35.00 at 0 %;
# promo SAVE5 ($5.00 off the order); tip $3.00. Subtotal 2400 + 2000 + 3500 = 7900.
# The 500 off is shared in proportion (largest remainder): 500 × 2400/7900 = 151.90,
# 500 × 2000/7900 = 126.58, 500 × 3500/7900 = 221.52 → 151 + 126 + 221 = 498, the two
# largest remainders (.90, .58) get 1 more: 152, 127, 221. Nets 2248, 1873, 3279.
# Tax per line, half-up: 2248 × 8.875 % = 199.51 → 200; 1873 × 5 % = 93.65 → 94; 0.
# Total 7900 − 500 + 294 + 300 = 7994; line amounts 2448, 1967, 3279.
# Order B: 1 × Shampoo, 10 % off (120), net 1080, tax 95.85 → 96, tip 15 % of 1080 = 162.
# Total 1200 − 120 + 96 + 162 = 1338; line amount 1176.
A_TOTAL, B_TOTAL = 7994, 1338


@pytest.fixture
def cli(
    app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Cli:
    """Run the command line in this process; its one JSON object."""
    for key, value in app_env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("pos_app.cli.setup_logging", lambda *_a, **_k: None)

    def run(*args: str) -> dict[str, Any]:
        code = main([*args, "--json"])
        out = capsys.readouterr()
        assert code == 0, out.err
        data = json.loads(out.out)
        assert isinstance(data, dict)
        return data

    return run


def _shop(cli: Cli) -> None:
    cli("product", "add", "Shampoo", "--price", "12.00", "--stock", "9", "--tax-rate", "8.875")
    cli("product", "add", "Conditioner", "--price", "20.00", "--stock", "9", "--tax-rate", "5")
    cli("promo", "add", "SAVE5", "--amount", "5.00")


def _owned_by_booking(app: AppContext, order_id: str, resource_id: str) -> str:
    """A booking of ``resource_id`` that owns the walk-in order (its own order dropped), its
    price the order's total: paying the booking pays the order."""
    with app.deps.uow() as uow:  # one hour after the last booking: never the same slot
        taken = uow.session.execute(select(bookings.c.id)).all()  # type: ignore[attr-defined]
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1, hours=len(taken))
    booking = app.bookings.create(
        BookingRequest("Ada", "svc_haircut", starts, resource_id=resource_id)
    )
    with app.deps.uow(write=True) as uow:
        s = uow.session  # type: ignore[attr-defined]
        own = s.execute(select(orders.c.id).where(orders.c.booking_id == booking.id)).scalar_one()
        s.execute(delete(order_lines).where(order_lines.c.order_id == own))
        s.execute(delete(orders).where(orders.c.id == own))
        total = s.execute(select(orders.c.total).where(orders.c.id == order_id)).scalar_one()
        s.execute(update(orders).where(orders.c.id == order_id).values(booking_id=booking.id))
        s.execute(update(bookings).where(bookings.c.id == booking.id).values(price_amount=total))
        uow.commit()
    return booking.id


def _sell_and_pay(app: AppContext, cli: Cli) -> tuple[str, str]:
    a = cli("sell", "--item", "Shampoo x2", "--item", "Conditioner", "--item", "Haircut",
            "--promo", "save5", "--tip", "3.00")  # fmt: skip
    assert (a["discount"], a["tax"], a["tip"], a["total"]) == (500, 294, 300, A_TOTAL)
    assert [x["amount"] for x in a["lines"]] == [2448, 1967, 3279]
    b = cli("sell", "--item", "Shampoo", "--discount", "10%", "--tip", "15%")
    assert (b["discount"], b["tax"], b["tip"], b["total"]) == (120, 96, 162, B_TOTAL)
    first = _owned_by_booking(app, a["id"], "res_priya")
    second = _owned_by_booking(app, b["id"], "res_sam")
    pay(cli("charge", first)["url"])  # A by card (refundable at Stripe), B in cash
    assert cli("status", first)["status"] == "paid"
    assert cli("pay-cash", second)["status"] == "paid"
    return first, second


def _today(app: AppContext) -> date:
    return datetime.now(app.deps.policy.timezone).date()


def _shampoo_id(cli: Cli) -> str:
    return next(p["id"] for p in cli("product", "list")["products"] if p["name"] == "Shampoo")


ORDER_KEYS = {"orders", "tips", "discounts", "tax", "by_product", "tax_by_rate",
              "tips_by_staff", "promo_codes"}  # fmt: skip


def test_report_json_holds_the_orders_figures_and_a_refund_counts_on_its_own(
    app: AppContext, cli: Cli
) -> None:
    _shop(cli)
    first, _ = _sell_and_pay(app, cli)
    today = _today(app).isoformat()
    usd = cli("report", "daily", "--date", today)["currencies"]["usd"]
    assert set(usd) >= ORDER_KEYS
    assert (usd["gross"], usd["count"]) == (A_TOTAL + B_TOTAL, 2)  # the old keys, unchanged
    assert (usd["orders"], usd["tips"], usd["discounts"], usd["tax"]) == (2, 462, 620, 390)
    shampoo = _shampoo_id(cli)
    assert usd["by_product"] == [
        # 2448 + 1176; discounts 152 + 120; tax 200 + 96
        {"key": shampoo, "kind": "product", "name": "Shampoo", "quantity": 3,
         "amount": 3624, "discount": 272, "tax": 296},
        {"key": "svc_haircut", "kind": "service", "name": "Haircut", "quantity": 1,
         "amount": 3279, "discount": 221, "tax": 0},
        {"key": usd["by_product"][2]["key"], "kind": "product", "name": "Conditioner",
         "quantity": 1, "amount": 1967, "discount": 127, "tax": 94},
    ]  # fmt: skip
    # Base: the lines after discounts, tax left out (3624 − 296; 1967 − 94; 3279).
    assert usd["tax_by_rate"] == {
        "8.875": {"tax": 296, "base": 3328},
        "5": {"tax": 94, "base": 1873},
        "0": {"tax": 0, "base": 3279},
    }
    assert usd["tips_by_staff"] == {"Priya": 300, "Sam": 162}
    assert usd["promo_codes"] == {"SAVE5": {"uses": 1, "discount": 500}}

    # The Conditioner line (1967) goes back: money out on its own day; the order's figures
    # stay as sold (a refund is not a sale undone in the lines' tables).
    assert cli("refund", first, "--amount", "19.67")["refund"]["amount"] == 1967
    after = cli("report", "range", "--from", today, "--to", today)["currencies"]["usd"]
    assert (after["refunds"], after["net"]) == (1967, A_TOTAL + B_TOTAL - 1967)
    assert {k: after[k] for k in ORDER_KEYS} == {k: usd[k] for k in ORDER_KEYS}


def test_a_closed_day_keeps_its_figures_and_an_order_paid_after_the_close_lands_later(
    app: AppContext, cli: Cli
) -> None:
    _shop(cli)
    first, _ = _sell_and_pay(app, cli)
    day = _today(app)
    closed = cli("close-day", "--date", day.isoformat(), "--cash-counted", "93.32")
    frozen = json.loads(json.dumps(closed))  # whatever the close printed, the report is below
    assert frozen
    before = cli("report", "daily", "--date", day.isoformat())["currencies"]["usd"]
    assert (before["tips"], before["tax"]) == (462, 390)

    # Paid after the close: dated today by the clock, but today was closed before the
    # database numbered it, so it counts on the next day, and the closed day never changes.
    late = cli("sell", "--item", "Shampoo", "--tip", "1.00")  # 1200 + 107 tax + 100 tip
    assert late["total"] == 1407
    booking = _owned_by_booking(app, late["id"], "res_priya")
    cli("pay-cash", booking)
    cli("refund", first, "--amount", "19.67")
    again = cli("report", "daily", "--date", day.isoformat())["currencies"]["usd"]
    assert again == before
    nxt = (day + timedelta(days=1)).isoformat()
    moved = cli("report", "daily", "--date", nxt)["currencies"]["usd"]
    assert (moved["orders"], moved["tips"], moved["tax"]) == (1, 100, 107)
    assert moved["tips_by_staff"] == {"Priya": 100}
    assert moved["refunds"] == 1967  # the refund after the close lands there too
    # A range over both days adds the frozen day and the live one.
    both = cli("report", "range", "--from", day.isoformat(), "--to", nxt)["currencies"]["usd"]
    assert (both["orders"], both["tips"], both["tax"]) == (3, 562, 497)
    assert both["tips_by_staff"] == {"Priya": 400, "Sam": 162}
    # Every row read again (no snapshot): the same figures, the late order on the next day.
    live = app.reports.range(day, day + timedelta(days=1), from_snapshots=False)
    assert live.to_json()["currencies"]["usd"] == both
    closed_live = app.reports.range(day, day, from_snapshots=False).currencies["usd"]
    assert closed_live.order_figures.orders == 2 and closed_live.order_figures.tips == 462


def test_a_z_report_frozen_before_order_figures_reads_as_none(app: AppContext, cli: Cli) -> None:
    """A snapshot without the new keys (closed before this version) sums as zero orders."""
    from pos_app.domain.report_sums import sum_reports

    old = {"date": "2026-01-05", "timezone": "UTC", "currencies": {"usd": {
        "gross": 3500, "refunds": 0, "fees": 0, "count": 1, "refund_count": 0,
        "by_service": [], "by_staff": [], "by_method": [], "by_hour": []}}}  # fmt: skip
    summed = sum_reports([old], start=date(2026, 1, 5), end=date(2026, 1, 5), timezone="UTC")
    usd = summed.to_json()["currencies"]["usd"]
    assert (usd["gross"], usd["orders"], usd["tips"], usd["tax_by_rate"]) == (3500, 0, 0, {})


def test_csv_rows_name_their_order_and_the_completing_payment_carries_its_figures(
    app: AppContext, cli: Cli, tmp_path: Path
) -> None:
    _shop(cli)
    first, _ = _sell_and_pay(app, cli)
    cli("refund", first, "--amount", "19.67")
    day = _today(app).isoformat()
    out = tmp_path / "sales.csv"
    cli("export", "csv", "--from", day, "--to", day, str(out))
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[-5:] == ["order_id", "order_discount", "order_tax", "order_tip",
                                  "promo_code"]  # fmt: skip
    cells = sorted(
        (r["type"], r["amount"], r["order_discount"], r["order_tax"], r["order_tip"],
         r["promo_code"]) for r in rows
    )  # fmt: skip
    assert cells == [
        ("payment", str(B_TOTAL), "120", "96", "162", ""),
        ("payment", str(A_TOTAL), "500", "294", "300", "SAVE5"),
        ("refund", "-1967", "", "", "", ""),  # money back, not a sale undone
    ]
    ids = {r["type"] + r["amount"]: r["order_id"] for r in rows}
    assert ids["refund-1967"] == ids[f"payment{A_TOTAL}"] != ids[f"payment{B_TOTAL}"]
    assert all(i.startswith("ord_") for i in ids.values())
    # Ties out with the report: the tips, discounts and tax of the same day.
    usd = cli("report", "daily", "--date", day)["currencies"]["usd"]
    for column, key in (("order_tip", "tips"), ("order_discount", "discounts"),
                        ("order_tax", "tax")):  # fmt: skip
        assert sum(int(r[column] or 0) for r in rows) == usd[key]


def test_the_receipt_lists_the_lines_discount_tax_by_rate_tip_and_total(
    app: AppContext, cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    _shop(cli)
    first, _ = _sell_and_pay(app, cli)
    with app.deps.uow(write=True) as uow:
        uow.events.set_setting("business.tax_id", "EIN 12-3456789")
        uow.commit()
    capsys.readouterr()
    assert main(["receipt", first]) == 0
    text = capsys.readouterr().out
    rows = [" ".join(line.split()) for line in text.splitlines()]
    block = rows[rows.index("2 × Shampoo $24.00") : rows.index("Total $79.94") + 1]
    assert block == [
        "2 × Shampoo $24.00",
        "Conditioner $20.00",
        "Haircut $35.00",
        "Subtotal $79.00",
        "Discount (SAVE5) −$5.00",
        "Tax 8.875% $2.00",  # 200 + 94 = the order's 294, by rate
        "Tax 5% $0.94",
        "Tip $3.00",
        "Total $79.94",
    ]
    assert "Tax ID EIN 12-3456789" in rows
    assert "Paid $79.94" in rows


def test_a_closed_days_order_figures_are_its_z_reports_and_equal_the_live_ones(
    app: AppContext, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closed days are summed from their frozen Z reports (issue 13 item 9): the report of a
    closed day runs no order query, and its order figures are the ones it had live."""
    _shop(cli)
    _sell_and_pay(app, cli)
    day = _today(app)
    live = app.reports.daily(day).to_json()["currencies"]["usd"]
    assert (live["orders"], live["tips"], live["tax"]) == (2, 462, 390)
    cli("close-day", "--date", day.isoformat(), "--cash-counted", "93.32")

    def not_again(self: SqlOrderReportQueries, window: ReportWindow) -> None:
        raise AssertionError(f"the orders of {window.first} were read again")

    monkeypatch.setattr(SqlOrderReportQueries, "figures", not_again)
    frozen = app.reports.daily(day).to_json()["currencies"]["usd"]
    assert {k: frozen[k] for k in ORDER_KEYS} == {k: live[k] for k in ORDER_KEYS}
