"""Live updates across desks in the window (issue 13 item 5): a booking made at one station
appears in another station's day view with no reload asked for, on one SQLite file and on
one PostgreSQL. The second window's sync loop is stopped, so only the change feed can bring
it (the sync's reload after each pass would otherwise hide a broken feed)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.services.bookings import BookingRequest
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.shell.main_window import MainWindow
from tests.ui.conftest import in_thread, make_booking
from tests.ui.stations import WAIT_MS, fed_window, two_stations


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stations(
    request: pytest.FixtureRequest, ui_env: dict[str, str], tmp_path: Path
) -> Iterator[tuple[AppContext, AppContext]]:
    """Stations A and B on one SQLite file, then on one PostgreSQL."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    with two_stations(ui_env, tmp_path, url) as pair:
        yield pair


@pytest.fixture
def window_b(
    qtbot: QtBot, runner: TaskRunner, stations: tuple[AppContext, AppContext]
) -> Iterator[MainWindow]:
    """Station B's window, its day read, fed by the change feed only."""
    w = fed_window(qtbot, runner, stations[1], day_loaded=True)
    yield w
    w.detach()


def test_a_booking_made_at_another_station_appears_without_a_reload(
    qtbot: QtBot, window_b: MainWindow, stations: tuple[AppContext, AppContext]
) -> None:
    station_a = stations[0]
    made: list[str] = []
    in_thread(lambda: made.append(make_booking(station_a, "Grace Hopper").id)).join(WAIT_MS)
    assert made
    qtbot.waitUntil(lambda: window_b.model.row_of(made[0]) >= 0, timeout=WAIT_MS)
    assert window_b.live.handled >= 1
    # And a cash payment taken there shows as paid here.
    in_thread(lambda: station_a.cash.record(made[0])).join(WAIT_MS)
    qtbot.waitUntil(
        lambda: window_b.model.booking_at(window_b.model.row_of(made[0])).paid_amount > 0,
        timeout=WAIT_MS,
    )


def test_the_open_dashboard_follows_a_payment_at_another_station(
    qtbot: QtBot, window_b: MainWindow, stations: tuple[AppContext, AppContext]
) -> None:
    station_a = stations[0]
    booking = make_booking(station_a, "Grace Hopper")
    dashboard = window_b.open_dashboard()
    assert dashboard is not None
    qtbot.waitUntil(lambda: dashboard.loads >= 1, timeout=WAIT_MS)
    loads = dashboard.loads
    in_thread(lambda: station_a.cash.record(booking.id)).join(WAIT_MS)
    qtbot.waitUntil(lambda: dashboard.loads > loads, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dashboard.report is not None and bool(dashboard.report.currencies))


@pytest.mark.postgres
def test_a_booking_on_another_day_does_not_reload_the_day_shown(
    qtbot: QtBot, runner: TaskRunner, ui_env: dict[str, str], tmp_path: Path, postgres_url: str
) -> None:
    with two_stations(ui_env, tmp_path, postgres_url) as (station_a, station_b):
        w = fed_window(qtbot, runner, station_b, day_loaded=True)
        try:
            # "Connected" (reload everything) handled, and the reload it asked for landed.
            qtbot.waitUntil(
                lambda: (
                    w.live.handled >= 1
                    and not runner.is_running("reload")
                    and not w.days.reload_pending
                ),
                timeout=WAIT_MS,
            )
            handled, loads = w.live.handled, w.day_loads
            next_week = datetime.now(station_a.config.timezone) + timedelta(days=7)
            station_a.bookings.create(
                BookingRequest("Alan Turing", "svc_haircut", next_week.replace(second=0))
            )
            qtbot.waitUntil(lambda: w.live.handled > handled, timeout=WAIT_MS)
            assert w.live.last is not None and not w.live.last.day
            assert w.day_loads == loads
        finally:
            w.detach()
