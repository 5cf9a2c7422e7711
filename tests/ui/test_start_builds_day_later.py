"""At the app's start (``paint_first``) the sign-in page comes first and the day, the customer
display and the notifier are built once it is shown (issue 12's "ready for input"); they must
still arrive, and a desk signed in at start gets its day at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.shell.main_window import MainWindow, Page
from tests.conftest import TEST_MANAGER
from tests.ui.conftest import make_booking


@pytest.fixture
def starting(qtbot: QtBot, runner: TaskRunner) -> Iterator[MainWindow]:
    """The window as the app's start makes it, built as far as it goes after the first paint."""
    w = MainWindow(runner, paint_first=True)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitUntil(lambda: w.pages.count() == 4)  # finish_building ran after the paint
    yield w
    w.detach()


def test_the_sign_in_page_comes_first_and_the_day_follows(
    qtbot: QtBot, starting: MainWindow, ui_app: AppContext
) -> None:
    assert not starting.day_built()  # nothing of the day before the app is attached
    ui_app.deps.desk.sign_out()
    starting.attach(ui_app)
    assert starting.pages.currentIndex() == Page.LOCKED
    assert starting.pages.currentWidget() is starting.sign_in_page
    # Built once the sign-in page is shown (its tiles, or a second at most), not never.
    qtbot.waitUntil(starting.day_built, timeout=5000)
    assert starting.pages.currentWidget() is starting.sign_in_page  # still the first screen
    assert starting.pages.widget(Page.READY).isAncestorOf(starting.table)
    assert starting.pages.indexOf(starting.sign_in_page) == Page.LOCKED
    view = starting.view_menu.actions()
    assert starting.customer_display_action in view and starting.sound_action in view
    qtbot.waitUntil(lambda: starting.day_loads >= 1, timeout=5000)


def test_the_customer_display_opens_when_asked_after_the_start(
    qtbot: QtBot, starting: MainWindow, ui_app: AppContext
) -> None:
    ui_app.deps.desk.sign_out()
    starting.attach(ui_app)
    qtbot.waitUntil(starting.day_built, timeout=5000)
    starting.customer_display_action.trigger()  # View ▸ Customer display (F8)
    qtbot.waitUntil(starting.customer_display.isVisible, timeout=2000)
    starting.customer_display_action.trigger()
    qtbot.waitUntil(lambda: not starting.customer_display.isVisible(), timeout=2000)


def test_signing_in_shows_the_day(qtbot: QtBot, starting: MainWindow, ui_app: AppContext) -> None:
    make_booking(ui_app, "Grace Hopper")
    ui_app.deps.desk.sign_out()
    starting.attach(ui_app)
    ui_app.deps.desk.sign_in(TEST_MANAGER)
    starting.show_ready_page()  # what signing in on the page ends with (DeskAccess)
    assert starting.day_built() and starting.pages.currentIndex() == Page.READY
    qtbot.waitUntil(lambda: starting.model.rowCount() == 1, timeout=5000)


def test_a_desk_signed_in_at_start_gets_its_day_at_once(
    qtbot: QtBot, starting: MainWindow, ui_app: AppContext
) -> None:
    make_booking(ui_app, "Ada Lovelace")
    starting.attach(ui_app)  # ui_app's desk is signed in
    assert starting.day_built()
    assert starting.pages.currentIndex() == Page.READY
    qtbot.waitUntil(lambda: starting.model.rowCount() == 1, timeout=5000)
    assert starting.customer_display_action in starting.view_menu.actions()


def test_the_day_is_built_a_step_at_a_time_after_the_tiles(
    qtbot: QtBot, starting: MainWindow, ui_app: AppContext
) -> None:
    ui_app.deps.desk.sign_out()
    starting.attach(ui_app)
    at_tiles: list[bool] = []
    # Connected after the window's own slots: each runs right after it, in the same emission
    # (the tiles shown, or the first-run screen asked for on a database without staff).
    page = starting.sign_in_page
    for shown in (page.loaded, page.first_run_needed):
        shown.connect(lambda: at_tiles.append(starting.day_built()))
    qtbot.waitUntil(lambda: at_tiles != [], timeout=5000)
    assert at_tiles == [False]  # not built in one go while the tiles are being shown
    qtbot.waitUntil(starting.day_built, timeout=5000)
    qtbot.waitUntil(lambda: starting.day_loads >= 1, timeout=5000)
