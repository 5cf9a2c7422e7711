"""The sign-in page is ready for input before the app is open (issue 12: ready ≤ 0.6 s): its
tiles come from a read of the SQLite file (app_early.py), a tile tapped and a PIN typed then
are answered once the app is open; a database the early read does not answer for (to
migrate, newer, a database server) keeps the start as it was: "Starting…" until the open."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.people import Role
from pos_app.services.people import UserForm
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.people.first_run import FirstRunDialog
from pos_app.ui.people.sign_in_presenter import checking_prompt
from pos_app.ui.shell.gui import AppStarter
from pos_app.ui.shell.main_window import MainWindow, Page

MANAGER_PIN = "2580"
STAFF_PIN = "1357"
LONG = 20_000  # ms: opening the app on a loaded machine


class HeldOpen:
    """The starter's open, held until ``release()``: what the page does meanwhile is what a
    person sees while the app opens."""

    def __init__(self, starter: AppStarter) -> None:
        self.started = threading.Event()
        self._go = threading.Event()
        opening: Callable[[], AppContext] = starter._open_app

        def held() -> AppContext:
            self.started.set()
            self._go.wait(60)
            return opening()

        starter._open_app = held  # type: ignore[method-assign]

    def release(self) -> None:
        """Let the open go on."""
        self._go.set()


@pytest.fixture
def window(qtbot: QtBot, runner: TaskRunner) -> Iterator[MainWindow]:
    """The window as the app's start makes it (``paint_first``), shown."""
    w = MainWindow(runner, paint_first=True)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    yield w
    w.detach()


@pytest.fixture
def start(runner: TaskRunner, window: MainWindow) -> Iterator[Callable[[dict[str, str]], HeldOpen]]:
    """Start the app for ``window`` with its open held; quit it after the test."""
    starters: list[tuple[AppStarter, HeldOpen]] = []

    def starting(env: dict[str, str]) -> HeldOpen:
        starter = AppStarter(load_config(env), runner, window, sandbox="none")
        held = HeldOpen(starter)
        starters.append((starter, held))
        starter.start()
        return held

    yield starting
    for starter, held in starters:
        held.release()
        starter.quit()


def _team(env: dict[str, str]) -> dict[str, str]:
    """Alex Morgan (manager) and Sam Lee (staff) exist in the database; their ids by name."""
    ctx = open_app(load_config(env), sandbox="none")
    try:
        alex = ctx.people.create_first_manager("Alex Morgan", MANAGER_PIN, MANAGER_PIN)
        sam = ctx.people.create_user(UserForm("Sam Lee", Role.STAFF, STAFF_PIN, STAFF_PIN))
    finally:
        ctx.close()
    assert alex.id is not None
    return {"Alex Morgan": alex.id, "Sam Lee": sam.id}


@pytest.mark.sqlite_only
def test_a_tile_tapped_before_the_open_signs_in_once_it_is_open(
    qtbot: QtBot, window: MainWindow, ui_env: dict[str, str], start: Callable[..., HeldOpen]
) -> None:
    ids = _team(ui_env)
    held = start(ui_env)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == Page.LOCKED, timeout=LONG)
    page = window.sign_in_page
    assert window.context() is None  # the app is not open: the tiles are the early read's
    assert page.isVisible() and sorted(page.tiles) == sorted(ids.values())
    qtbot.mouseClick(page.tiles[ids["Sam Lee"]], Qt.MouseButton.LeftButton)
    assert page.selected_user_id() == ids["Sam Lee"]
    page.press(STAFF_PIN)
    qtbot.mouseClick(page.ok_button, Qt.MouseButton.LeftButton)
    assert page.who_label.text() == checking_prompt("Sam Lee")  # asked; the answer waits
    qtbot.waitUntil(held.started.is_set, timeout=LONG)  # the open began after the page
    assert window.context() is None and window.pages.currentWidget() is page
    held.release()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == Page.READY, timeout=LONG)
    ctx = window.context()
    assert ctx is not None and ctx.deps.desk.actor.id == ids["Sam Lee"]
    assert window.access.lock_action.isEnabled() and window.menuBar().isEnabled()
    qtbot.waitUntil(lambda: window.day_loads >= 1, timeout=LONG)  # the day follows


@pytest.mark.sqlite_only
def test_a_wrong_pin_before_the_open_is_refused_once_it_is_open(
    qtbot: QtBot, window: MainWindow, ui_env: dict[str, str], start: Callable[..., HeldOpen]
) -> None:
    ids = _team(ui_env)
    held = start(ui_env)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == Page.LOCKED, timeout=LONG)
    page = window.sign_in_page
    assert page.select_user(ids["Alex Morgan"])
    page.press("9999")
    page.submit()
    qtbot.waitUntil(held.started.is_set, timeout=LONG)
    held.release()
    qtbot.waitUntil(lambda: page.error_text() != "", timeout=LONG)
    assert "PIN" in page.error_text()
    qtbot.waitUntil(lambda: window.context() is not None, timeout=LONG)
    # Attached, the page is kept as it was (the person still chosen), and now answers itself.
    assert window.pages.currentWidget() is page and page.selected_user_id() == ids["Alex Morgan"]
    page.press(MANAGER_PIN)
    page.submit()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == Page.READY, timeout=LONG)


@pytest.mark.sqlite_only
def test_the_first_manager_can_be_created_before_the_open(
    qtbot: QtBot, window: MainWindow, ui_env: dict[str, str], start: Callable[..., HeldOpen]
) -> None:
    held = start(ui_env)  # the test's database has no account yet
    qtbot.waitUntil(lambda: window.pages.currentIndex() == Page.LOCKED, timeout=LONG)
    qtbot.waitUntil(lambda: window.access.first_run_dialog is not None)
    dialog = window.access.first_run_dialog
    assert isinstance(dialog, FirstRunDialog) and dialog.isVisible()
    assert window.context() is None and window.pages.currentIndex() == Page.LOCKED
    dialog.name_edit.setText("Alex Morgan")
    dialog.pin_edit.setText(MANAGER_PIN)
    dialog.pin_again_edit.setText(MANAGER_PIN)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(held.started.is_set, timeout=LONG)
    with qtbot.waitSignal(dialog.created, timeout=LONG):
        held.release()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == Page.READY, timeout=LONG)
    ctx = window.context()
    assert ctx is not None and ctx.deps.desk.actor.name == "Alex Morgan"


def _older(env: dict[str, str]) -> None:
    from pos_app.store.database import make_engine
    from tests.migrate_to import downgrade_to

    engine = make_engine(load_config(env).database_url)
    try:
        downgrade_to(engine, "0025")  # as the previous pos-app left it: the open migrates it
    finally:
        engine.dispose()


def _newer(env: dict[str, str]) -> None:
    path = Path(env["POS_DATA_DIR"]) / "pos.sqlite3"
    with sqlite3.connect(path) as conn:  # written by a newer pos-app: the open refuses it
        conn.execute("UPDATE alembic_version SET version_num = '9999'")


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("case", "then"),
    [("older", Page.LOCKED), ("newer", Page.FAILED), ("server", Page.FAILED)],
)
def test_a_database_the_early_read_leaves_alone_waits_for_the_open(
    qtbot: QtBot,
    window: MainWindow,
    ui_env: dict[str, str],
    start: Callable[..., HeldOpen],
    case: str,
    then: Page,
) -> None:
    _team(ui_env)
    env = dict(ui_env)
    if case == "older":
        _older(env)
    elif case == "newer":
        _newer(env)
    else:  # PostgreSQL: the sign-in page waits for the full open (nothing listens here)
        env["POS_DATABASE_URL"] = "postgresql+psycopg://pos@127.0.0.1:9/pos?connect_timeout=2"
    held = start(env)
    qtbot.waitUntil(held.started.is_set, timeout=LONG)  # the early read has answered
    assert window.pages.currentIndex() == Page.STARTING
    assert window.context() is None
    held.release()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == then, timeout=LONG)
    if then == Page.LOCKED:  # migrated, then the page as before: the tiles once attached
        assert window.context() is not None
        qtbot.waitUntil(lambda: len(window.sign_in_page.tiles) == 2, timeout=LONG)


@pytest.mark.sqlite_only
def test_shortcuts_made_while_locked_do_nothing(
    qtbot: QtBot, window: MainWindow, ui_env: dict[str, str], start: Callable[..., HeldOpen]
) -> None:
    _team(ui_env)
    start(ui_env).release()
    qtbot.waitUntil(lambda: window.context() is not None, timeout=LONG)
    # The customer display's action (F8) is made with the day, after the lock page came up.
    qtbot.waitUntil(window.day_built, timeout=LONG)
    qtbot.wait(20)  # a turn of the event loop, as a person's key would take
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.access.locked
    qtbot.keyClick(window, Qt.Key.Key_F8)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    assert not window.customer_display.isVisible() and window.booking_dialog is None


@pytest.mark.sqlite_only
def test_a_pin_check_waiting_for_the_open_returns_when_the_app_quits(
    qtbot: QtBot, runner: TaskRunner, window: MainWindow, ui_env: dict[str, str]
) -> None:
    ids = _team(ui_env)
    starter = AppStarter(load_config(ui_env), runner, window, sandbox="none")
    held = HeldOpen(starter)
    starter.start()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == Page.LOCKED, timeout=LONG)
    people = window.access._early  # what the page asks while the app opens
    assert people is not None
    answers: list[BaseException] = []

    def check() -> None:
        try:
            people.authenticate(ids["Sam Lee"], STAFF_PIN)
        except RuntimeError as error:
            answers.append(error)

    waiting = threading.Thread(target=check, daemon=True)
    waiting.start()  # as the runner's worker does: it waits for the open
    starter.quit()  # closed before the open ended
    waiting.join(10)
    held.release()
    assert not waiting.is_alive() and len(answers) == 1
