"""Walk-in orders are payable through the one money model (issue 14, docs/orders.md 2.3-2.4):
`charge`, `pay-cash`, `refund` and `status` take a walk-in's ``ord_…`` id; a card payment
reaches Paid through the events processor and takes the stock once; card and cash split one
order; a promo code's last use goes to one station only; two stations selling the last item
for cash sell it once; `void` cancels an unpaid sale and gives its promo use back. Figures
worked out by hand in the comments. The command line runs in this process (``cli.main``)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from pos_app import cli
from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.errors import InvalidStateError
from pos_app.domain.payment import PaymentMethod
from tests.conftest import TEST_MANAGER
from tests.payments import pay

SHAMPOO = ["product", "add", "Shampoo", "--price", "12.00", "--tax-rate", "8.875"]


@pytest.fixture
def env(app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The app's environment, set in this process for ``cli.main``."""
    for key, value in app_env.items():
        monkeypatch.setenv(key, value)
    return app_env


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code = cli.main([*args, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = cli.main(list(args))
    out = capsys.readouterr()
    assert (code, out.out) == (1, ""), out
    return out.err.strip()


def _stock(capsys: pytest.CaptureFixture[str], name: str) -> int:
    found = [p for p in _json(capsys, "product", "list")["products"] if p["name"] == name]
    return int(found[0]["stock"])


def _uses(env: dict[str, str], code: str) -> int:
    ctx = open_app(load_config(env), sandbox="none")
    try:
        return next(p.uses for p in ctx.promo_codes.list_codes() if p.code == code)
    finally:
        ctx.close()


def _station(env: dict[str, str]) -> AppContext:
    ctx = open_app(load_config(env), sandbox="none")
    ctx.deps.desk.sign_in(TEST_MANAGER)
    return ctx


def test_walk_in_paid_by_card_reaches_paid_through_the_events_and_takes_stock_once(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _json(capsys, *SHAMPOO, "--stock", "5")
    # 2 × 1200 = 2400; tax 2400 × 8.875 % = 213 (half-up); total 2613.
    sold = _json(capsys, "sell", "--item", "Shampoo x2", "--customer", "Ada")
    assert (sold["total"], sold["status"]) == (2613, "open")
    charge = _json(capsys, "charge", sold["id"])
    assert (charge["amount"], charge["booking_id"]) == (2613, None)
    assert _stock(capsys, "Shampoo") == 5  # nothing taken before it is paid
    pay(charge["url"])
    ctx = _station(env)
    try:
        ctx.sync.sync_once(full=True)  # the events processor records it
        ctx.sync.sync_once(full=True)  # a second pass changes nothing
    finally:
        ctx.close()
    status = _json(capsys, "status", sold["id"])
    assert (status["status"], status["paid"], status["balance_due"]) == ("paid", 2613, 0)
    assert [(p["method"], p["status"], p["amount"]) for p in status["payments"]] == [
        ("card", "succeeded", 2613)
    ]
    assert _stock(capsys, "Shampoo") == 3  # taken once: 5 − 2
    today = datetime.now(UTC).date().isoformat()
    report = _json(capsys, "report", "daily", "--date", today)
    usd = report["currencies"]["usd"]
    assert (usd["gross"], usd["count"]) == (2613, 1)  # the walk-in's money is counted
    assert cli.main(["export", "csv", "--from", today, "--to", today, "-"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if "Walk-in sale" in line]
    assert len(rows) == 1 and "Ada" in rows[0] and "26.13" in rows[0]

    # Part of it back: 10.00 of the card payment; the order is partly refunded.
    back = _json(capsys, "refund", sold["id"], "--amount", "10.00")
    assert back["refund"]["amount"] == 1000 and back["status"] == "partially_refunded"
    assert _stock(capsys, "Shampoo") == 3  # a money refund puts nothing back


def test_one_order_paid_part_in_cash_and_the_rest_by_card(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _json(capsys, "product", "add", "Gel", "--price", "3.33", "--stock", "10")
    sold = _json(capsys, "sell", "--item", "Gel x3")  # 3 × 333 = 999, untaxed
    cash = _json(capsys, "pay-cash", sold["id"], "--amount", "4.00")
    assert (cash["payment"]["amount"], cash["paid"], cash["balance_due"]) == (400, 400, 599)
    assert cash["status"] == "open" and _stock(capsys, "Gel") == 10  # not paid in full yet
    charge = _json(capsys, "charge", sold["id"])
    assert charge["amount"] == 599  # the balance: 999 − 400
    pay(charge["url"])
    status = _json(capsys, "status", sold["id"])  # status re-reads the open link
    assert (status["status"], status["paid"], status["balance_due"]) == ("paid", 999, 0)
    assert sorted((p["method"], p["amount"]) for p in status["payments"]) == [
        ("card", 599),
        ("cash", 400),
    ]
    assert _stock(capsys, "Gel") == 7
    refused = _refused(capsys, "pay-cash", sold["id"])
    assert refused == "This order is already paid in full."


def test_the_last_promo_use_goes_to_one_of_two_stations(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _json(capsys, "promo", "add", "LAST", "--percent", "10", "--max-uses", "1")
    # Both sales are saved with the code: its use is counted when money is first asked for.
    orders = [_json(capsys, "sell", "--item", "Haircut", "--promo", "LAST")["id"] for _ in "ab"]
    stations = [_station(env), _station(env)]  # two engines, as two stations
    start = threading.Barrier(2)
    outcomes: list[Any] = [None, None]

    def charge(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = stations[i].checkout.start(orders[i])
        except InvalidStateError as err:
            outcomes[i] = err

    threads = [threading.Thread(target=charge, args=(i,)) for i in (0, 1)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        for s in stations:
            s.close()
    refused = [o for o in outcomes if isinstance(o, InvalidStateError)]
    linked = [o for o in outcomes if not isinstance(o, InvalidStateError)]
    assert len(refused) == 1 and len(linked) == 1, outcomes
    assert refused[0].message == "Promo code LAST has been used up: its only use is taken."
    assert linked[0].url  # 3500 − 10 % = 3150
    assert linked[0].amount.amount == 3150
    assert _uses(env, "LAST") == 1
    # The refused sale is voided: no money moved, and it took no use to give back.
    loser = orders[outcomes.index(refused[0])]
    voided = _json(capsys, "void", loser)
    assert (voided["status"], voided["paid"]) == ("void", 0)
    assert _uses(env, "LAST") == 1
    assert _refused(capsys, "charge", loser) == "This order is void, so it cannot be charged."


def test_void_gives_the_promo_use_back_once(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _json(capsys, "promo", "add", "ONCE", "--amount", "5.00", "--max-uses", "1")
    sold = _json(capsys, "sell", "--item", "Haircut", "--promo", "ONCE")
    assert sold["total"] == 3000  # 3500 − 500
    ctx = _station(env)
    try:
        view = ctx.checkout.start(sold["id"])  # takes the use
        ctx.checkout.cancel(view.payment_id)
    finally:
        ctx.close()
    assert _uses(env, "ONCE") == 1
    voided = _json(capsys, "void", sold["id"])
    assert voided["status"] == "void"
    assert _uses(env, "ONCE") == 0  # given back
    again = _refused(capsys, "void", sold["id"])
    assert again == "This order is not open any more, so it cannot be voided."
    assert _uses(env, "ONCE") == 0  # once only


def test_two_stations_selling_the_last_one_for_cash_sell_it_once(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both stations have claimed their order (each saw 1 on the shelf) before either
    records its cash: the second to record is refused, never the last one sold twice."""
    _json(capsys, *SHAMPOO, "--stock", "1")
    orders = [_json(capsys, "sell", "--item", "Shampoo")["id"] for _ in "ab"]  # 1200 + 107
    stations = [_station(env), _station(env)]
    both_claimed = threading.Barrier(2, timeout=30)
    for station in stations:
        closing = station.cash._checkout.close_open_links

        def after_both_claims(payable_id: str, *, detail: str, close: Any = closing) -> Any:
            both_claimed.wait()
            return close(payable_id, detail=detail)

        monkeypatch.setattr(station.cash._checkout, "close_open_links", after_both_claims)
    start = threading.Barrier(2)
    outcomes: list[Any] = [None, None]

    def take_cash(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = stations[i].cash.record(orders[i])
        except InvalidStateError as err:
            outcomes[i] = err

    threads = [threading.Thread(target=take_cash, args=(i,)) for i in (0, 1)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        for s in stations:
            s.close()
    refused = [o for o in outcomes if isinstance(o, InvalidStateError)]
    paid = [o for o in outcomes if not isinstance(o, InvalidStateError)]
    assert len(refused) == 1 and len(paid) == 1, outcomes
    assert refused[0].message == "Shampoo is out of stock."
    assert paid[0].method is PaymentMethod.CASH and paid[0].amount == 1307
    assert _stock(capsys, "Shampoo") == 0  # sold once, never oversold
    loser = orders[outcomes.index(refused[0])]
    assert _json(capsys, "status", loser)["paid"] == 0


def test_refunding_one_line_puts_it_back_on_the_shelf_once(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _json(capsys, *SHAMPOO, "--stock", "5")
    _json(capsys, "product", "add", "Gel", "--price", "3.33", "--stock", "10")
    # Shampoo: 2 × 1200 + tax 213 = 2613; Gel: 333 untaxed; total 2946.
    sold = _json(capsys, "sell", "--item", "Shampoo x2", "--item", "Gel")
    assert sold["total"] == 2946
    before_paid = _refused(capsys, "refund", sold["id"], "--item", "Gel")
    assert before_paid == "This order has no card payment to refund."
    pay(_json(capsys, "charge", sold["id"])["url"])
    assert _json(capsys, "status", sold["id"])["status"] == "paid"
    assert (_stock(capsys, "Shampoo"), _stock(capsys, "Gel")) == (3, 9)
    # One of the two: half of 2613, rounded half-up = 1307; back on the shelf.
    one = _json(capsys, "refund", sold["id"], "--item", "shampoo x1", "--restock")
    assert one["refund"]["amount"] == 1307 and one["status"] == "partially_refunded"
    assert (_stock(capsys, "Shampoo"), _stock(capsys, "Gel")) == (4, 9)
    # The other one, not restocked (damaged): 2613 − 1307 = 1306; the line adds up exactly.
    other = _json(capsys, "refund", sold["id"], "--item", "Shampoo")
    assert other["refund"]["amount"] == 1306 and other["refunded"] == 2613
    assert _stock(capsys, "Shampoo") == 4  # put back once, for the first refund only
    ctx = _station(env)
    try:
        ctx.sync.sync_once(full=True)  # the refunds' events recompute again: still once
    finally:
        ctx.close()
    assert _stock(capsys, "Shampoo") == 4
    again = _refused(capsys, "refund", sold["id"], "--item", "Shampoo")
    assert again == "Every Shampoo on this order has been refunded already."
    both = _refused(capsys, "refund", sold["id"], "--restock")
    assert both == "Name the items to put back on the shelf."


def test_a_walk_in_receipt_shows_the_order_and_its_money(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sold = _json(capsys, "sell", "--item", "Haircut", "--customer", "Ada")
    _json(capsys, "pay-cash", sold["id"], "--amount", "15.00")
    assert cli.main(["receipt", sold["id"]]) == 0
    text = capsys.readouterr().out
    number = _json(capsys, "status", sold["id"])["number"]
    assert f"Order {number}" in text and "Ada" in text
    data = _json(capsys, "receipt", sold["id"])["receipt"]
    # 3500 due, 1500 in cash: 2000 still to pay.
    assert (data["booking_id"], data["paid"], data["balance_due"]) == (sold["id"], 1500, 2000)
