"""Walk-in sales paid in part are listed on every station's Sell screen, from the database:
one sold and part-paid at station A shows at station B (opened before or after), follows
what A does to it with no reload asked for (live updates, ``Topic.ORDER``), and B can take
the rest itself. The second window's sync loop is stopped, so only the change feed can bring
a change (as in test_live_updates)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.orders import Order, OrderStatus
from pos_app.services.orders import SaleItem, SaleRequest
from pos_app.services.products import ProductForm
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.sell.sell_view import SellDialog
from pos_app.ui.shell.main_window import MainWindow
from tests.ui.conftest import in_thread
from tests.ui.stations import WAIT_MS, fed_window, two_stations


@pytest.fixture
def stations(ui_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[AppContext, AppContext]]:
    """Stations A and B on one SQLite database, Shampoo ($12.00, 8.875 % tax) on the shelf."""
    with two_stations(ui_env, tmp_path, f"sqlite:///{tmp_path / 'shared.sqlite3'}") as pair:
        pair[0].products.save_product(
            ProductForm(
                id=None, name="Shampoo", price_text="12.00", currency="usd", stock=9,
                sku="SHA-250", tax_rate_text="8.875",
            )
        )  # fmt: skip
        yield pair


def _sell_screen(
    qtbot: QtBot, runner: TaskRunner, station: AppContext
) -> tuple[MainWindow, SellDialog]:
    """A station's window, fed by the change feed only, and its Sell screen open."""
    window = fed_window(qtbot, runner, station)
    sell = window.open_sell()
    assert sell is not None
    return window, sell


def _part_paid_at(station: AppContext, cash: str) -> Order:
    """A sale of one Shampoo ($13.07 with tax) at ``station``, ``cash`` of it paid in cash."""
    done: list[Order] = []

    def sell() -> None:
        order = station.orders.create_walk_in(SaleRequest([SaleItem("SHA-250")]))
        station.cash.record(order.id, cash)
        done.append(order)

    in_thread(sell).join(WAIT_MS)
    assert done
    return done[0]


def test_a_sale_part_paid_at_one_station_is_listed_and_followed_at_another(
    qtbot: QtBot, stations: tuple[AppContext, AppContext], runner: TaskRunner
) -> None:
    station_a, station_b = stations
    first = _part_paid_at(station_a, "5.00")
    # Station B's Sell screen opens after the sale: it lists it, read from the database.
    window, sell = _sell_screen(qtbot, runner, station_b)
    listed = sell.part_paid
    qtbot.waitUntil(lambda: listed.order_ids() == [first.id], timeout=WAIT_MS)
    line = listed.line(first.id)
    assert line is not None and listed.isVisible()
    assert line.text() == (
        f"Sale {first.number} is partly paid: $5.00 of $13.07, $8.07 still to pay."
    )
    assert line.charge_button.isEnabled() and line.cash_button.isEnabled()

    # Another sale part-paid at A while B's screen is open: listed with no reload asked for.
    second = _part_paid_at(station_a, "3.00")
    qtbot.waitUntil(lambda: listed.order_ids() == [first.id, second.id], timeout=WAIT_MS)

    # A takes the rest of the first in cash: it leaves B's list.
    in_thread(lambda: station_a.cash.record(first.id)).join(WAIT_MS)
    qtbot.waitUntil(lambda: listed.order_ids() == [second.id], timeout=WAIT_MS)

    # B takes the rest of the second itself, with its line's "Cash for the rest".
    line = listed.line(second.id)
    assert line is not None
    qtbot.waitUntil(line.cash_button.isEnabled, timeout=WAIT_MS)
    line.cash_button.click()
    qtbot.waitUntil(lambda: listed.order_ids() == [], timeout=WAIT_MS)
    assert listed.isHidden()
    assert station_a.orders.get(second.id).status is OrderStatus.PAID
    window.detach()


def test_the_screens_own_split_is_not_listed_twice(
    qtbot: QtBot, stations: tuple[AppContext, AppContext], runner: TaskRunner
) -> None:
    station_b = stations[1]
    window, sell_b = _sell_screen(qtbot, runner, station_b)
    own = _part_paid_at(station_b, "5.00")
    # What SellDialog.split_recorded does once its split is saved: its own line follows it.
    sell_b.split_panel.follow(own.id)
    sell_b.part_paid.skip_id = own.id
    sell_b.reload_orders()
    qtbot.waitUntil(lambda: sell_b.split_panel.state is not None, timeout=WAIT_MS)
    other = _part_paid_at(stations[0], "4.00")
    qtbot.waitUntil(lambda: sell_b.part_paid.order_ids() == [other.id], timeout=WAIT_MS)
    assert sell_b.split_panel.order_id == own.id
    # Another station takes the rest of this screen's own split: its line says so.
    in_thread(lambda: stations[0].cash.record(own.id)).join(WAIT_MS)
    paid = f"Sale {own.number} paid: $13.07 in cash."
    qtbot.waitUntil(lambda: sell_b.split_panel.text() == paid, timeout=WAIT_MS)
    window.detach()
