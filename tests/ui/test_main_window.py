"""The main window: starting state, mode badge, today's table, detail panel, Stripe status."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.config import load_config
from pos_app.domain.errors import GatewayUnavailable
from pos_app.ui.day.booking_table import Column
from pos_app.ui.day.day_list import EMPTY_TEXT
from pos_app.ui.kit.tasks import GENERIC_ERROR, TaskRunner
from pos_app.ui.shell.gui import AppStarter
from pos_app.ui.shell.main_window import MainWindow, Page
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
    qtbot.waitUntil(window.charge_action.isEnabled)  # once the startup reconciliation is done
    assert not window.refund_action.isEnabled()
    # The periodic reload repaints a changed row and keeps the selection.
    ui_app.cash.record(first.id)
    with qtbot.waitSignal(window.model.dataChanged, timeout=5000):
        window.reload()
    assert model.index(0, Column.STATUS).data() == "Paid"
    assert window.selected_booking_id() == second.id

    # Nothing changed: the reload leaves the table alone (no repaint, no reset).
    touched: list[str] = []
    model.dataChanged.connect(lambda *_: touched.append("changed"))
    model.modelReset.connect(lambda: touched.append("reset"))
    view_layouts = window.days.view.day_layout()
    loads = window.day_loads
    window.reload()
    qtbot.waitUntil(lambda: window.day_loads > loads)
    assert touched == []
    assert window.days.view.day_layout() is view_layouts
    assert window.selected_booking_id() == second.id


def test_sync_failure_shows_retrying_not_a_dialog(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    qtbot.waitUntil(lambda: window.stripe_status_text() == "Stripe: connected")

    def offline(*, full: bool = False) -> None:
        raise GatewayUnavailable("Cannot reach Stripe right now.")

    monkeypatch.setattr(ui_app.sync, "sync_once", offline)
    window.sync_now()
    qtbot.waitUntil(
        lambda: window.stripe_status_text().startswith("Stripe: retrying in "), timeout=5000
    )
    seconds = int(window.stripe_status_text().split()[-2])
    assert 1 <= seconds <= 3  # the first retry comes soon, jittered around 2 s
    assert window.pages.currentIndex() == Page.READY
    monkeypatch.undo()
    qtbot.waitUntil(lambda: window.stripe_status_text() == "Stripe: connected", timeout=5000)


def test_startup_failure_is_a_sentence_with_retry(
    qtbot: QtBot, runner: TaskRunner, ui_env: dict[str, str], tmp_path: Path
) -> None:
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


def test_run_gui_shows_window_attaches_and_quits(ui_env: dict[str, str]) -> None:
    # In a child process: run_gui owns the event loop, and quitting it would leave this
    # process's shared QApplication unable to run later tests.
    script = textwrap.dedent(
        """
        import gc
        import sys
        from PySide6.QtCore import QTimer
        from pos_app.config import load_config
        from pos_app.ui.shell.gui import ensure_application, run_gui
        from pos_app.ui.shell.main_window import MainWindow

        from PySide6.QtCore import QEvent, QObject
        from pos_app.ui.kit import gc_guard
        from pos_app.ui.shell import gui

        app = ensure_application()
        painted = []
        class Paints(QObject):
            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint and isinstance(obj, MainWindow):
                    painted.append(obj)
                return False
        paints = Paints()
        app.installEventFilter(paints)
        opening = gui.AppStarter.start
        def start(starter):
            print("PAINTED BEFORE THE APP OPENS", bool(painted), flush=True)
            opening(starter)
            print("COLLECTOR HELD WHILE OPENING", gc_guard.install(app).held, flush=True)
        gui.AppStarter.start = start
        def check():
            ready = [w for w in app.topLevelWidgets()
                     if isinstance(w, MainWindow) and w.isVisible() and w.context()]
            if ready:
                print("BADGE", ready[0].badge.text(), flush=True)
                print("FROZEN", gc.get_freeze_count() > 0, flush=True)
                print("COLLECTOR RELEASED", not gc_guard.install(app).held, flush=True)
                app.quit()
            else:
                QTimer.singleShot(20, check)
        QTimer.singleShot(0, check)
        QTimer.singleShot(20000, app.quit)  # never hang the suite
        sys.exit(run_gui(load_config()))
        """
    )
    env = {**os.environ, **ui_env, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "BADGE SANDBOX — no real money" in done.stdout
    # What was loaded to start is left out of the collector's full passes (GUI-thread stalls).
    assert "FROZEN True" in done.stdout
    # Nor walked by the collector while the app opens (a GUI-thread pass over all of it).
    assert "COLLECTOR HELD WHILE OPENING True" in done.stdout
    assert "COLLECTOR RELEASED True" in done.stdout
    # The worker's imports start once the first frame is on screen, not during its paint.
    assert "PAINTED BEFORE THE APP OPENS True" in done.stdout


def test_after_first_paint_waits_for_the_frame_then_runs_once(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    window = MainWindow(runner, paint_first=True)
    qtbot.addWidget(window)
    painted: list[bool] = []
    window.installEventFilter(watcher := _PaintWatcher(painted))
    calls: list[bool] = []
    window.after_first_paint(lambda: calls.append(bool(painted)), latest_ms=5000)
    assert calls == []  # nothing runs before the event loop paints
    window.show()
    qtbot.waitUntil(lambda: calls != [], timeout=3000)
    assert calls == [True]
    later: list[str] = []
    window.after_first_paint(lambda: later.append("at once"))  # painted already
    qtbot.waitUntil(lambda: later == ["at once"], timeout=1000)
    qtbot.wait(300)
    assert calls == [True] and later == ["at once"]  # the fallback timers add nothing
    window.removeEventFilter(watcher)


def test_after_first_paint_does_not_wait_forever_for_a_window_never_shown(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    window = MainWindow(runner, paint_first=True)
    qtbot.addWidget(window)  # never shown: minimised, or on a screen that is off
    calls: list[str] = []
    window.after_first_paint(lambda: calls.append("started"), latest_ms=50)
    qtbot.waitUntil(lambda: calls == ["started"], timeout=2000)


class _PaintWatcher(QObject):
    """Notes the window's paint events."""

    def __init__(self, painted: list[bool]) -> None:
        super().__init__()
        self._painted = painted

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._painted.append(True)
        return False


def test_money_actions_wait_for_the_startup_reconciliation(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking = make_booking(ui_app, "Grace Hopper", minutes=30)
    release = threading.Event()
    real_sync = ui_app.sync.sync_once

    def slow_first_pass(*, full: bool = False) -> object:
        release.wait(10)
        return real_sync(full=full)

    monkeypatch.setattr(ui_app.sync, "sync_once", slow_first_pass)
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.show()
    w.attach(ui_app)
    qtbot.waitUntil(lambda: w.model.rowCount() == 1)
    w.select_booking(booking.id)
    assert w.selected_booking_id() == booking.id
    assert not w.charge_action.isEnabled()  # reconciliation still running
    release.set()
    qtbot.waitUntil(w.charge_action.isEnabled, timeout=5000)
    w.detach()
