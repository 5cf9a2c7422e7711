"""A refunded line is counted back in ``by_product`` and ``tax_by_rate`` on the refund's day
(docs/orders.md 4.5), on SQLite and PostgreSQL (``POS_TEST_DB``): the sale's day keeps its
figures, the refund's day has the line's part with a minus sign, and a range over both nets
out, read live and from the Z reports' snapshots alike.

Worked by hand: 2 × Shampoo at $12.00, 8.875 % tax added. Net 2400; tax 2400 × 8.875 % = 213
(half-up); line amount 2613. One of the two back (``line_share``, half-up): amount
(2 × 2613 × 1 + 2) // 4 = 1307, tax (2 × 213 + 2) // 4 = 107, base 1307 − 107 = 1200,
discount 0. The range: quantity 1, amount 2613 − 1307 = 1306, tax 106, base 1200.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pos_app import cli
from pos_app.app import AppContext
from pos_app.services.day_close import DayCloseService
from pos_app.services.refunds import RefundService
from pos_app.services.reports import ReportService
from tests.conftest import TEST_MANAGER
from tests.payments import pay


class ShiftedClock:
    """Now, a day later: the refund and its day's close happen "tomorrow"."""

    def __init__(self, shift: timedelta) -> None:
        self._shift = shift

    def now(self) -> datetime:
        return datetime.now(UTC) + self._shift


@pytest.fixture
def run(
    app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Any:
    """The command line in this process; its one JSON object."""
    for key, value in app_env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("pos_app.cli.setup_logging", lambda *_a, **_k: None)

    def go(*args: str) -> dict[str, Any]:
        code = cli.main([*args, "--json"])
        out = capsys.readouterr()
        assert code == 0, out.err
        data = json.loads(out.out)
        assert isinstance(data, dict)
        return data

    return go


def _sold_and_paid(app: AppContext, run: Any) -> str:
    run("product", "add", "Shampoo", "--price", "12.00", "--stock", "5", "--tax-rate", "8.875")
    sold = run("sell", "--item", "Shampoo x2")
    assert sold["total"] == 2613
    pay(run("charge", sold["id"])["url"])
    app.sync.sync_once(full=True)
    assert run("status", sold["id"])["status"] == "paid"
    return str(sold["id"])


def _usd(app: AppContext, first: Any, last: Any, **kw: Any) -> dict[str, Any]:
    report = app.reports.range(first, last, **kw).to_json()
    usd = report["currencies"]["usd"]
    assert isinstance(usd, dict)
    return usd


def _lines(usd: dict[str, Any]) -> tuple[Any, Any, int, int]:
    rows = [{k: v for k, v in r.items() if k != "key"} for r in usd["by_product"]]
    return rows, usd["tax_by_rate"], usd["tax"], usd["discounts"]


def test_one_of_two_refunded_the_next_day_counts_back_there_and_the_range_nets_out(
    app: AppContext, run: Any
) -> None:
    order_id = _sold_and_paid(app, run)
    day = datetime.now(app.deps.policy.timezone).date()
    nxt = day + timedelta(days=1)
    tomorrow = dataclasses.replace(app.deps, clock=ShiftedClock(timedelta(days=1)))
    tomorrow.desk.sign_in(TEST_MANAGER)
    back = RefundService(tomorrow, managers=app.people).refund(order_id, items=["Shampoo x1"])
    assert back.amount.amount == 1307
    app.sync.sync_once(full=True)

    sold = _lines(_usd(app, day, day))
    assert sold == (
        [{"kind": "product", "name": "Shampoo", "quantity": 2, "amount": 2613,
          "discount": 0, "tax": 213}],
        {"8.875": {"tax": 213, "base": 2400}},
        213,
        0,
    )  # fmt: skip
    refunded = _usd(app, nxt, nxt)
    assert refunded["refunds"] == 1307 and refunded["orders"] == 0
    assert _lines(refunded) == (
        [{"kind": "product", "name": "Shampoo", "quantity": -1, "amount": -1307,
          "discount": 0, "tax": -107}],
        {"8.875": {"tax": -107, "base": -1200}},
        -107,
        0,
    )  # fmt: skip
    both = _lines(_usd(app, day, nxt))
    assert both == (
        [{"kind": "product", "name": "Shampoo", "quantity": 1, "amount": 1306,
          "discount": 0, "tax": 106}],
        {"8.875": {"tax": 106, "base": 1200}},
        106,
        0,
    )  # fmt: skip

    # Both days closed: their Z reports froze these figures, and the range summed from the
    # snapshots is the range read live.
    for d, deps in ((day, app.deps), (nxt, tomorrow)):
        closing = DayCloseService(deps, ReportService(deps), business_currency=lambda: "usd")
        closing.close(d, {"usd": "0.00"}, actor=TEST_MANAGER)
    assert _lines(_usd(app, nxt, nxt)) == _lines(refunded)
    assert _lines(_usd(app, day, nxt)) == both
    assert _usd(app, day, nxt) == _usd(app, day, nxt, from_snapshots=False)


def test_a_refund_of_everything_counts_every_line_back(app: AppContext, run: Any) -> None:
    """No items named, all the money back: every line is given back on the refund's day."""
    order_id = _sold_and_paid(app, run)
    day = datetime.now(app.deps.policy.timezone).date()
    assert run("refund", order_id)["refund"]["amount"] == 2613
    app.sync.sync_once(full=True)
    usd = _usd(app, day, day)
    assert (usd["orders"], usd["refunds"]) == (1, 2613)
    # Sold and given back in full the same day: no row left (the money is in the refunds).
    assert _lines(usd) == ([], {}, 0, 0)


def test_a_refund_of_part_of_the_money_leaves_the_lines_as_sold(app: AppContext, run: Any) -> None:
    """An amount names no line: the lines' tables stay as sold (the money is a refund)."""
    order_id = _sold_and_paid(app, run)
    day = datetime.now(app.deps.policy.timezone).date()
    assert run("refund", order_id, "--amount", "26.12")["refund"]["amount"] == 2612
    app.sync.sync_once(full=True)
    usd = _usd(app, day, day)
    assert usd["refunds"] == 2612 and _lines(usd)[1] == {"8.875": {"tax": 213, "base": 2400}}
