"""The desk's lock (DeskAccess) runs on any Shell, not only the main window: it asks the
shell to cover and uncover the day, and never reaches into the window's widgets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.people import Role
from pos_app.services.people import UserForm
from pos_app.ui.kit.shell import MenuName
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.people.desk_access import DeskAccess
from pos_app.ui.people.sign_in import SignInPage

STAFF_PIN = "1357"


class FakeShell(QWidget):
    """Only the Shell members DeskAccess uses, recording what it is asked."""

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__()
        self._runner = runner
        self.calls: list[str] = []
        self.notices: list[str] = []
        self.menus = {name: QMenu(name, self) for name in ("booking", "view", "manage", "account")}
        self.corner: QWidget | None = None
        self.charge: QWidget | None = None

    @property
    def runner(self) -> TaskRunner:
        return self._runner

    def dialog_parent(self) -> QWidget:
        return self

    def show_notice(self, message: str, tone: str = "danger") -> None:
        self.notices.append(message)

    def reload(self) -> None:
        self.calls.append("reload")

    def menu(self, name: MenuName) -> QMenu:
        return self.menus[name]

    def add_shortcut(self, action: QAction) -> None:
        self.addAction(action)

    def show_lock_page(self, page: QWidget) -> None:
        self.calls.append("lock page")

    def show_ready_page(self) -> None:
        self.calls.append("ready page")

    def set_corner_widget(self, widget: QWidget) -> None:
        widget.setParent(self)
        self.corner = widget

    def open_charge_dialog(self) -> QWidget | None:
        return self.charge


@pytest.fixture
def desk(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext
) -> Iterator[tuple[FakeShell, DeskAccess]]:
    shell = FakeShell(runner)
    qtbot.addWidget(shell)
    page = SignInPage(runner)
    qtbot.addWidget(page)
    access = DeskAccess(shell, page)  # type: ignore[arg-type]  # a fake, not the full Shell
    yield shell, access
    access.detach()


def test_locking_and_signing_in_go_through_the_shell(
    qtbot: QtBot, desk: tuple[FakeShell, DeskAccess], ui_app: AppContext
) -> None:
    shell, access = desk
    sam = ui_app.people.create_user(UserForm("Sam Lee", Role.STAFF, STAFF_PIN, STAFF_PIN))
    access.attach(ui_app)  # the manager is signed in: the day shows
    assert shell.calls == ["ready page"] and not access.locked
    assert shell.corner is access.user_button
    assert access.user_button.text().endswith("· Manager")
    assert [a.text() for a in shell.menus["account"].actions()] == ["Switch user…", "Lock"]
    assert [a.text() for a in shell.menus["manage"].actions()] == [
        "Staff and rooms…",
        "Audit log…",
    ]
    access.switch_user()
    assert shell.calls[-1] == "lock page" and access.locked
    qtbot.waitUntil(lambda: sam.id in access.page.tiles)
    access.page.select_user(sam.id)
    access.page.press(STAFF_PIN)
    access.page.submit()
    qtbot.waitUntil(lambda: not access.locked)
    assert shell.calls[-2:] == ["ready page", "reload"]
    assert access.user_button.text() == "Sam Lee · Staff"
    # Staff are told, through the shell, that the staff editor is for managers.
    assert access.open_staff_editor() is None
    assert shell.notices == ["Only a manager can change staff and rooms."]


def test_an_open_charge_screen_keeps_the_desk_awake(
    qtbot: QtBot, desk: tuple[FakeShell, DeskAccess], ui_app: AppContext
) -> None:
    shell, access = desk
    with ui_app.deps.uow(write=True) as uow:
        uow.events.set_setting("station.lock_minutes", "12")
        uow.commit()
    access.attach(ui_app)
    qtbot.waitUntil(lambda: access.idle.minutes == 12)  # the station's setting was read
    charge = QWidget()
    qtbot.addWidget(charge)
    charge.show()
    shell.charge = charge
    access.idle.set_minutes(0.2 / 60)  # 0.2 s
    qtbot.wait(600)
    assert not access.locked, "a charge screen on show keeps the station awake"
    charge.hide()
    qtbot.waitUntil(lambda: access.locked, timeout=3000)
    assert shell.calls[-1] == "lock page"
