"""Settings ▸ Stations and the status bar's "Stripe updates: …" (issue 13 item 6)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStatusBar, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.poll_pace import PollRole
from pos_app.domain.stations import StationList
from pos_app.services.stations import StationService
from pos_app.store.schema import stations
from pos_app.store.stations_repo import SqlStationStore, db_now
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.manage.settings_dialog import SettingsDialog
from pos_app.ui.manage.stations_page import SAVED
from pos_app.ui.manage.stations_presenter import LOCAL_NOTE, SHARED_NOTE
from pos_app.ui.shell.main_window import MainWindow
from pos_app.ui.shell.stations_status import REGISTER_KEY, StationsStatus
from tests.conftest import TEST_MANAGER
from tests.ui.conftest import ServiceGuard
from tests.unit.test_stations_rules import row

#: A bound on a hang, never a measure of speed.
WAIT_MS = 20_000


class StationsGuard(ServiceGuard):
    """The UI fixtures' guard, over the station service: never called on the GUI thread."""

    SERVICES = ("stations",)


@pytest.fixture
def guarded(ui_app: AppContext) -> Iterator[AppContext]:
    guard = StationsGuard(ui_app)
    yield ui_app
    assert guard.violations == [], f"station calls on the GUI thread: {guard.violations}"


def stations_of(ctx: AppContext) -> StationService:
    assert ctx.stations is not None  # open_app wires it
    return ctx.stations


def open_stations(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    # The window registered this station when it attached (in the background).
    qtbot.waitUntil(lambda: not window.runner.is_running(REGISTER_KEY), timeout=WAIT_MS)
    dialog = window.open_settings("stations")
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.is_loaded() and dialog.stations.state is not None,
                    timeout=WAIT_MS)  # fmt: skip
    return dialog


def add_peer(ctx: AppContext, name: str, *, minutes_ago: int) -> None:
    """Another station on the same database, last seen ``minutes_ago`` by its clock."""
    engine = ctx.deps.uow.engine  # type: ignore[attr-defined]
    store = SqlStationStore(engine)
    store.register("st_peer", name, "0.0.9")
    with engine.begin() as conn:
        now = conn.execute(select(db_now(engine))).scalar_one()
        conn.execute(
            stations.update()
            .where(stations.c.id == "st_peer")
            .values(last_seen=now - timedelta(minutes=minutes_ago, seconds=5))
        )


def test_the_stations_tab_lists_this_station_and_another(
    qtbot: QtBot, window: MainWindow, guarded: AppContext
) -> None:
    dialog = open_stations(qtbot, window)
    assert dialog.current_tab() == "stations"
    page = dialog.stations
    assert page.isVisible()
    station_id = stations_of(guarded).station_id
    state = page.state
    assert state is not None
    assert [line.id for line in state.lines] == [station_id]
    (name, version, status, stripe) = page.rows_text()[0]
    assert name == f"{page.name_edit.text()} (this station)"
    assert status == "● Online" and version
    if stations_of(guarded).shared:  # PostgreSQL: the only station leads, and says so
        qtbot.waitUntil(lambda: page.rows_text()[0][3] != "", timeout=WAIT_MS)
        assert page.rows_text()[0][3] == "★ Reads Stripe's updates"
        assert page.note.text() == SHARED_NOTE
    else:  # SQLite: every process reads Stripe's updates itself; nobody is marked
        assert stripe == "" and page.note.text() == LOCAL_NOTE
    assert page.count_label.text() == "1 station, 1 online"

    add_peer(guarded, "Back office", minutes_ago=5)
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.rows_text()) == 2, timeout=WAIT_MS)
    assert page.rows_text()[1] == ("Back office", "0.0.9", "○ Last seen 5 min ago", "")
    assert page.count_label.text() == "2 stations, 1 online"
    dialog.reject()


def test_renaming_this_station_saves_only_the_name(
    qtbot: QtBot, window: MainWindow, guarded: AppContext
) -> None:
    dialog = open_stations(qtbot, window)
    page = dialog.stations
    page.name_edit.clear()
    qtbot.keyClicks(page.name_edit, "  Front desk 1 ")
    qtbot.keyClick(page.name_edit, Qt.Key.Key_Return)  # Enter saves the name, not Settings
    qtbot.waitUntil(lambda: page.saved_label.isVisible(), timeout=WAIT_MS)
    assert page.saved_label.text() == SAVED
    assert dialog.isVisible()
    assert page.name_edit.text() == "Front desk 1"
    qtbot.waitUntil(
        lambda: page.rows_text()[0][0] == "Front desk 1 (this station)", timeout=WAIT_MS
    )
    this = stations_of(guarded).listing().this()
    assert this is not None and this.name == "Front desk 1"
    dialog.reject()


def test_a_bad_name_is_explained_under_the_field_and_nothing_changes(
    qtbot: QtBot, window: MainWindow, guarded: AppContext
) -> None:
    dialog = open_stations(qtbot, window)
    page = dialog.stations
    before = page.name_edit.text()
    page.name_edit.setText("   ")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.name_error() != "", timeout=WAIT_MS)
    assert page.name_error() == "Enter a name for this station, such as Front desk 2."
    assert not page.saved_label.isVisible()
    this = stations_of(guarded).listing().this()
    assert this is not None and this.name == before
    assert page.name_edit.maxLength() == 60  # longer cannot even be typed
    dialog.reject()


def test_a_lone_station_names_itself_on_postgresql_and_nothing_on_sqlite(
    qtbot: QtBot, window: MainWindow, guarded: AppContext
) -> None:
    qtbot.waitUntil(lambda: not window.runner.is_running(REGISTER_KEY), timeout=WAIT_MS)
    assert stations_of(guarded).listing().this() is not None  # registered at attach
    status = window.stations_status
    if stations_of(guarded).shared:
        qtbot.waitUntil(lambda: status.text() == "Stripe updates: this station", timeout=WAIT_MS)
        assert status.label.isVisible() and status.is_beating()
    else:
        assert status.text() == ""
        assert not status.label.isVisible()
        assert not status.is_beating()  # one write at start, no beat timer


# -- the status bar on a shared database (a fake service: no PostgreSQL window needed) ------


class SharedStations:
    """A station service on a shared database where "Front desk 2" leads, then this one."""

    # No beat falls due during the test: a beat seen after the role changed is the one the
    # change itself asked for.
    heartbeat_seconds = 3600.0

    def __init__(self) -> None:
        self.beats: list[bool] = []
        self.gui = threading.main_thread()
        self.calls_on_gui = 0

    def _note(self) -> None:
        if threading.current_thread() is self.gui:
            self.calls_on_gui += 1

    def register(self) -> None:
        self._note()

    def heartbeat(self, leader: bool) -> None:
        self._note()
        self.beats.append(leader)

    def listing(self) -> StationList:
        self._note()
        # Desk 2's flag is still there (its last beat was half a second ago): the table alone
        # would name it; this station's own poller knows better.
        this_leads = bool(self.beats and self.beats[-1])
        rows = (
            replace(row("me", "Front desk 1"), leader=this_leads),
            row("b", "Front desk 2", ago=0.5, leader=True),
        )
        return StationList(rows, "me", True)


def test_the_status_bar_names_the_leader_and_follows_this_stations_role(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    bar = QStatusBar(holder)
    role = [PollRole.STANDBY]
    status = StationsStatus(holder, runner, bar, role=lambda: role[0])
    holder.show()
    fake = SharedStations()
    status.attach(fake)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: status.text() == "Stripe updates: Front desk 2", timeout=WAIT_MS)
    assert status.label.isVisible() and status.label.text().startswith("★ ")
    assert fake.beats == [False]
    role[0] = PollRole.LEADER  # this station's poller took the lock
    qtbot.waitUntil(lambda: status.text() == "Stripe updates: this station", timeout=WAIT_MS)
    assert fake.beats[-1] is True  # and it told the others at once, not at the next beat
    assert status.is_beating()
    status.stop()
    assert not status.is_beating()
    assert fake.calls_on_gui == 0


# -- two stations on one PostgreSQL, with real pollers ------------------------------------


@pytest.mark.postgres
def test_on_postgresql_the_status_bar_names_the_leader_and_then_this_station(
    qtbot: QtBot, runner: TaskRunner, ui_env: dict[str, str], tmp_path: Path, postgres_url: str
) -> None:
    opened: list[AppContext] = []
    for name in ("a", "b"):
        env = {**ui_env, "POS_DATA_DIR": str(tmp_path / name), "POS_DATABASE_URL": postgres_url}
        ctx = open_app(load_config(env), sandbox="none")
        ctx.deps.desk.sign_in(TEST_MANAGER)
        opened.append(ctx)
    a, b = opened
    guard = StationsGuard(b)
    # Station A takes the leader lock first and says so in the table.
    poller_a = a.poller()
    assert poller_a.tick().role is PollRole.LEADER
    stations_of(a).register()
    stations_of(a).rename("Front desk 2")
    stations_of(a).heartbeat(True)
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.show()
    w.attach(b)
    try:
        qtbot.waitUntil(
            lambda: w.stations_status.text() == "Stripe updates: Front desk 2", timeout=WAIT_MS
        )
        assert w.sync.role is PollRole.STANDBY and w.stations_status.is_beating()
        dialog = open_stations(qtbot, w)
        marked = {r[0]: r[3] for r in dialog.stations.rows_text()}
        assert marked["Front desk 2"] == "★ Reads Stripe's updates"
        dialog.reject()
        # A quits: B's poller takes the lock, and B's status bar and row follow at once.
        poller_a.stop()
        qtbot.waitUntil(
            lambda: w.stations_status.text() == "Stripe updates: this station",
            timeout=WAIT_MS,
        )
        qtbot.waitUntil(
            lambda: (stations_of(a).leader() or row("none")).id == stations_of(b).station_id,
            timeout=WAIT_MS,
        )
    finally:
        w.detach()
        for ctx in opened:
            ctx.close()
    assert guard.violations == [], f"station calls on the GUI thread: {guard.violations}"
