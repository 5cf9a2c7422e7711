"""The lock page, first run, Ctrl+L / Ctrl+U, and the idle lock, on a real main window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.people import SYSTEM_ACTOR, Actor, Role
from pos_app.services.people import UserForm
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.people.first_run import FirstRunDialog
from pos_app.ui.people.sign_in_presenter import initials
from pos_app.ui.shell import main_window
from pos_app.ui.shell.main_window import MainWindow, Page
from tests.payments import pay
from tests.ui.conftest import make_booking

MANAGER_PIN = "2580"
STAFF_PIN = "1357"


@pytest.fixture
def team(ui_app: AppContext) -> Iterator[tuple[str, str]]:
    """Alex Morgan (manager) and Sam Lee (staff) exist; nobody is signed in."""
    alex = ui_app.people.create_first_manager("Alex Morgan", MANAGER_PIN, MANAGER_PIN)
    sam = ui_app.people.create_user(UserForm("Sam Lee", Role.STAFF, STAFF_PIN, STAFF_PIN))
    ui_app.deps.desk.sign_out()
    assert alex.id is not None
    yield alex.id, sam.id


@pytest.fixture
def locked(qtbot: QtBot, runner: TaskRunner, ui_app: AppContext, team: tuple[str, str]):  # type: ignore[no-untyped-def]
    """A main window attached while nobody is signed in: it opens on the lock page."""
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    w.attach(ui_app)
    qtbot.waitUntil(lambda: len(w.sign_in_page.tiles) == 2)
    yield w
    w.detach()


def test_the_sign_in_page_comes_first_and_the_day_loads_after_its_tiles(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext, team: tuple[str, str]
) -> None:
    """Opened locked, the accounts load alone; the day, the first sync pass and the rest start
    once the tiles are shown (they loaded in parallel before, slowing the first screen)."""
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.show()
    started: list[str] = []
    w.after_start(lambda: started.append("after start"))
    w.attach(ui_app)
    assert w.pages.currentIndex() == Page.LOCKED
    assert runner.is_running("sign-in-load")
    assert not runner.is_running("reload") and w.sync.first_pending and started == []
    assert w.day_loads == 0
    qtbot.waitUntil(lambda: len(w.sign_in_page.tiles) == 2)
    assert started == ["after start"]  # started with the tiles, not a second later
    qtbot.waitUntil(lambda: w.day_loads == 1)  # behind the lock page, ready for the sign-in
    w.after_start(lambda: started.append("later"))
    assert started == ["after start", "later"]  # once started, at once
    w.sign_in_page.loaded.emit()  # a later load of the tiles starts nothing again
    assert started == ["after start", "later"]
    w.detach()


def test_a_window_closed_before_the_tiles_starts_nothing(
    qtbot: QtBot,
    runner: TaskRunner,
    ui_app: AppContext,
    team: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(main_window, "START_AFTER_MS", 10)
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.attach(ui_app)
    w.detach()
    qtbot.waitUntil(lambda: not runner.is_running("sign-in-load"))
    qtbot.wait(100)  # past the fallback too
    assert not runner.is_running("reload") and w.day_loads == 0
    assert w.live._feed is None


def test_the_day_still_loads_when_the_accounts_cannot_be_read(
    qtbot: QtBot,
    runner: TaskRunner,
    ui_app: AppContext,
    team: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse() -> list[object]:
        raise OSError("disk unplugged")

    monkeypatch.setattr(main_window, "START_AFTER_MS", 10)
    monkeypatch.setattr(ui_app.people, "list_users", refuse)
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.attach(ui_app)
    qtbot.waitUntil(lambda: w.day_loads == 1)
    assert not w.sign_in_page.tiles
    w.detach()


def test_opens_locked_and_signs_in_with_the_pad(
    qtbot: QtBot, locked: MainWindow, ui_app: AppContext, team: tuple[str, str]
) -> None:
    page = locked.sign_in_page
    assert locked.pages.currentIndex() == Page.LOCKED and locked.access.locked
    assert not locked.menuBar().isEnabled()
    assert [t.member.name for t in page.tiles.values()] == ["Alex Morgan", "Sam Lee"]
    assert page.tiles[team[1]].role_label.text() == "Staff"
    qtbot.mouseClick(page.tiles[team[1]], Qt.MouseButton.LeftButton)
    assert page.selected_user_id() == team[1]
    assert page.who_label.text() == "PIN for Sam Lee"
    page.press(STAFF_PIN[:3])
    qtbot.keyClick(page.pin_edit, Qt.Key.Key_7)  # the keyboard works too
    assert page.pin_edit.text() == STAFF_PIN
    assert page.pin_edit.echoMode() == page.pin_edit.EchoMode.Password
    qtbot.keyClick(page.pin_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: locked.pages.currentIndex() == Page.READY)
    assert ui_app.deps.desk.actor == Actor(team[1], "Sam Lee", Role.STAFF)
    assert locked.access.user_button.text() == "Sam Lee · Staff"
    assert locked.menuBar().isEnabled() and locked.access.idle.armed


def test_a_wrong_pin_is_a_sentence_and_five_lock_the_account(
    qtbot: QtBot, locked: MainWindow, ui_app: AppContext, team: tuple[str, str]
) -> None:
    page = locked.sign_in_page
    page.select_user(team[1])
    for attempt in range(5):
        page.press("9999")
        page.submit()
        if attempt < 4:
            qtbot.waitUntil(lambda: page.error_text() == "That PIN is not right.")
            assert page.pin_edit.text() == "" and page.pin_edit.isEnabled()
            page.error.show_error(None)
    qtbot.waitUntil(lambda: page.error_text().startswith("Too many wrong PINs: try again in "))
    assert page.error_text() in (
        "Too many wrong PINs: try again in 30 seconds.",
        "Too many wrong PINs: try again in 29 seconds.",
    )
    assert not page.pin_edit.isEnabled() and not page.ok_button.isEnabled()
    assert locked.pages.currentIndex() == Page.LOCKED
    assert ui_app.deps.desk.actor == SYSTEM_ACTOR


def test_type_ahead_picks_a_person_and_escape_goes_back(
    qtbot: QtBot, locked: MainWindow, team: tuple[str, str]
) -> None:
    page = locked.sign_in_page
    page.tiles[team[0]].setFocus()
    qtbot.keyClicks(page.tiles[team[0]], "sa")
    assert page.selected_user_id() == team[1]
    qtbot.keyClick(page.pin_edit, Qt.Key.Key_Escape)
    assert page.selected_user_id() is None and not page.pin_edit.isEnabled()
    qtbot.keyClicks(page.tiles[team[0]], "m")  # Morgan: the start of any word counts
    assert page.selected_user_id() == team[0]


def test_shortcuts_do_nothing_while_locked(
    qtbot: QtBot, locked: MainWindow, ui_app: AppContext
) -> None:
    locked.activateWindow()
    qtbot.waitUntil(locked.isActiveWindow)
    qtbot.keyClick(locked, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(
        locked,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.wait(50)
    assert locked.booking_dialog is None and locked.access.audit_dialog is None


def test_lock_and_switch_user_from_the_keyboard(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext, team: tuple[str, str]
) -> None:
    ui_app.deps.desk.sign_in(Actor(team[0], "Alex Morgan", Role.MANAGER))
    window.access.attach(ui_app)
    assert window.access.user_button.text() == "Alex Morgan · Manager"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentIndex() == Page.LOCKED
    assert ui_app.deps.desk.actor == SYSTEM_ACTOR
    # Ctrl+L comes back to the same person: only the PIN to type.
    qtbot.waitUntil(lambda: window.sign_in_page.selected_user_id() == team[0])
    window.sign_in_page.press(MANAGER_PIN)
    window.sign_in_page.submit()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == Page.READY)
    with qtbot.waitSignal(window.sign_in_page.loaded, timeout=5000):
        qtbot.keyClick(window.table, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentIndex() == Page.LOCKED
    assert window.sign_in_page.selected_user_id() is None  # switch user: nobody preselected


def test_first_run_asks_for_the_manager_account(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> None:
    ui_app.deps.desk.sign_out()
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.show()
    w.attach(ui_app)
    qtbot.waitUntil(lambda: w.access.first_run_dialog is not None)
    dialog = w.access.first_run_dialog
    assert isinstance(dialog, FirstRunDialog) and dialog.isVisible()
    assert w.pages.currentIndex() == Page.LOCKED
    dialog.name_edit.setText("Alex Morgan")
    dialog.pin_edit.setText(MANAGER_PIN)
    dialog.pin_again_edit.setText("2581")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.field_error("pin_again") != "")
    assert dialog.field_error("pin_again") == "The two PINs are not the same. Type the PIN again."
    assert dialog.isVisible()
    dialog.pin_again_edit.setText(MANAGER_PIN)
    with qtbot.waitSignal(dialog.created, timeout=5000):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.pages.currentIndex() == Page.READY)
    assert ui_app.deps.desk.actor.name == "Alex Morgan" and ui_app.deps.desk.actor.is_manager
    w.detach()


def test_idle_locks_the_station_but_not_during_a_payment(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext, team: tuple[str, str]
) -> None:
    ui_app.deps.desk.sign_in(Actor(team[1], "Sam Lee", Role.STAFF))
    window.access.attach(ui_app)
    booking = make_booking(ui_app, "Grace Hopper")
    window.refresh()
    qtbot.waitUntil(lambda: window.select_booking(booking.id))
    qtbot.waitUntil(lambda: window.charge_action.isEnabled())
    charge = window.charge_selected()
    assert charge is not None
    qtbot.waitUntil(lambda: charge.qr.url() is not None, timeout=10000)
    window.access.idle.set_minutes(0.3 / 60)  # 0.3 s
    qtbot.wait(900)
    assert window.pages.currentIndex() == Page.READY, "a charge screen keeps the desk awake"
    # The customer pays; once the charge screen closes, the station locks when idle.
    url = charge.qr.url()
    assert url is not None
    pay(url)
    charge.done(0)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == Page.LOCKED, timeout=3000)
    assert ui_app.deps.desk.actor == SYSTEM_ACTOR
    qtbot.waitUntil(lambda: window.sign_in_page.selected_user_id() == team[1])
    # Locking cancelled nothing: the payment went through.
    qtbot.waitUntil(
        lambda: ui_app.bookings.detail(booking.id).booking.paid_amount == 3500, timeout=8000
    )


def test_locking_closes_what_the_person_left_open(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    dialog = window.new_booking()
    assert dialog is not None and dialog.isVisible()
    window.access.lock()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.pages.currentIndex() == Page.LOCKED
    assert not [d for d in window.findChildren(QDialog) if d.isVisible()]


def test_initials_for_tiles() -> None:
    assert initials("Alex Morgan") == "AM"
    assert initials("Sam") == "S"
    assert initials("Mary Ann de la Cruz") == "MC"
    assert initials("  ") == "?"


def test_input_keeps_the_station_awake_and_zero_never_locks(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLineEdit

    from pos_app.ui.people.idle_lock import IdleLock

    lock = IdleLock(minutes=0.4 / 60)  # 0.4 s
    fired: list[int] = []
    lock.idle.connect(lambda: fired.append(1))
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    lock.arm()
    for _ in range(8):  # typing for 0.8 s: twice the limit, never idle that long
        qtbot.keyClick(edit, Qt.Key.Key_A)
        qtbot.wait(100)
    assert not fired
    qtbot.waitUntil(lambda: bool(fired), timeout=3000)
    assert not lock.armed  # fires once, until armed again at the next sign-in
    lock.set_minutes(0)
    lock.arm()
    qtbot.wait(700)
    assert fired == [1]


def test_the_lock_setting_is_read_at_sign_in(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    from pos_app.services.people import parse_lock_minutes

    assert [parse_lock_minutes(v) for v in (None, "", "0", "15", "x", "-3")] == [5, 5, 0, 15, 5, 5]
    with ui_app.deps.uow(write=True) as uow:
        uow.events.set_setting("station.lock_minutes", "12")
        uow.commit()
    window.access.read_lock_minutes()
    qtbot.waitUntil(lambda: window.access.idle.minutes == 12)
