"""The main window: starting state, mode badge, today's table, detail panel, Stripe status."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.config import load_config
from pos_app.domain.errors import GatewayUnavailable
from pos_app.ui.booking_table import Column
from pos_app.ui.gui import AppStarter
from pos_app.ui.main_window import EMPTY_TEXT, MainWindow, Page
from pos_app.ui.tasks import GENERIC_ERROR, TaskRunner
from tests.ui.conftest import make_booking


def test_window_exists_before_the_app(qtbot: QtBot, runner: TaskRunner) -> None:
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.show()
    assert w.pages.currentIndex() == Page.STARTING
    assert w.badge.text() == "Starting…"
    assert not w.new_action.isEnabled() and not w.charge_action.isEnabled()


def test_shows_sandbox_badge_and_empty_state(qtbot: QtBot, window: MainWindow) -> None:
    assert window.pages.currentIndex() == Page.READY
    assert window.badge.text() == "SANDBOX — no real money"
    assert window.badge.isVisible()
    assert "Sandbox" in window.windowTitle() or "SANDBOX" in window.windowTitle()
    qtbot.waitUntil(lambda: window.table_stack.currentIndex() == 1)
    assert window.empty_label.text() == EMPTY_TEXT
    qtbot.waitUntil(lambda: window.stripe_status_text() == "Stripe: connected")


def test_table_lists_today_and_detail_follows_selection(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    first = make_booking(ui_app, "Grace Hopper", minutes=30)
    second = make_booking(ui_app, "Ada Lovelace", minutes=90)
    window.refresh()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    assert window.table_stack.currentIndex() == 0
    model = window.model
    assert [model.index(r, Column.CUSTOMER).data() for r in range(2)] == [
        "Grace Hopper",
        "Ada Lovelace",
    ]
    assert model.index(0, Column.STATUS).data() == "Not paid"
    assert not window.charge_action.isEnabled()  # nothing selected yet

    assert window.select_booking(second.id)
    qtbot.waitUntil(lambda: window.detail.booking_id() == second.id)
    text = window.detail.text()
    assert "Ada Lovelace" in text and "ada@example.com" in text and "$35.00" in text
    assert window.charge_action.isEnabled()
    assert not window.refund_action.isEnabled()
    # The periodic reload keeps the selection.
    window.reload()
    qtbot.wait(300)
    assert window.selected_booking_id() == second.id
    assert first.id != second.id


def test_sync_failure_shows_retrying_not_a_dialog(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.stripe_status_text() == "Stripe: connected")

    def offline(*, full: bool = False) -> None:
        raise GatewayUnavailable("Cannot reach Stripe right now.")

    monkeypatch.setattr(ui_app.sync, "sync_once", offline)
    window.sync_now()
    qtbot.waitUntil(lambda: window.stripe_status_text() == "Stripe: retrying…", timeout=5000)
    assert window.pages.currentIndex() == Page.READY
    monkeypatch.undo()
    qtbot.waitUntil(lambda: window.stripe_status_text() == "Stripe: connected", timeout=5000)


def test_startup_failure_is_a_sentence_with_retry(
    qtbot: QtBot, runner: TaskRunner, ui_env: dict[str, str], tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # A database path that cannot exist: the app fails to open.
    (tmp_path / "file").write_text("not a directory")
    bad = load_config({**ui_env, "POS_DATABASE_URL": f"sqlite:///{tmp_path}/file/x/pos.db"})
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.show()
    starter = AppStarter(bad, runner, w, sandbox="none")
    starter.start()
    qtbot.waitUntil(lambda: w.pages.currentIndex() == Page.FAILED, timeout=10000)
    message = w.failure_label.text()
    assert message.startswith("The app could not start.")
    assert GENERIC_ERROR in message and "Traceback" not in message
    assert w.retry_button.isVisible()


def test_starter_attaches_window(qtbot: QtBot, runner: TaskRunner, ui_env: dict[str, str]) -> None:
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.show()
    starter = AppStarter(load_config(ui_env), runner, w, sandbox="none")
    starter.start()
    qtbot.waitUntil(lambda: w.context() is not None, timeout=10000)
    assert w.badge.text() == "SANDBOX — no real money"
    starter.quit()
    assert starter.ctx is None
