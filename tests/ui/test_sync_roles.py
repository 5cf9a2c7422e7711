"""The window's sync loop on a standby station (issue 13 item 2): no pass over Stripe, the
status bar says another station reads Stripe's updates, money actions are offered; when
the station takes over it says so and its first pass is a full one."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.poll_pace import PollRole
from pos_app.services.payment_sync import SyncReport
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.shell.main_window import MainWindow
from tests.ui.conftest import make_booking


class SwitchLock:
    """A leader lock the test hands over."""

    def __init__(self) -> None:
        self.leading = False
        self.released = 0

    def try_lead(self) -> bool:
        return self.leading

    def release(self) -> None:
        self.released += 1


def test_a_standby_reads_nothing_from_stripe_and_takes_over_with_a_full_pass(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking = make_booking(ui_app, "Grace Hopper", minutes=30)
    lock = SwitchLock()
    ui_app.leader_lock = lock  # the poller the window makes uses it
    passes: list[bool] = []
    real_sync = ui_app.sync.sync_once

    def counted(*, full: bool = False) -> SyncReport:
        passes.append(full)
        return real_sync(full=full)

    monkeypatch.setattr(ui_app.sync, "sync_once", counted)
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.show()
    w.attach(ui_app)
    qtbot.waitUntil(lambda: w.stripe_status_text() == "Another station reads Stripe's updates")
    assert w.sync.role == PollRole.STANDBY
    qtbot.waitUntil(lambda: w.model.rowCount() == 1)
    w.select_booking(booking.id)
    qtbot.waitUntil(w.charge_action.isEnabled, timeout=5000)  # the leader keeps it in step
    w.sync_now()  # Refresh on a standby: still no pass
    qtbot.waitUntil(lambda: not runner.is_running("sync"))
    assert passes == []

    lock.leading = True
    w.sync_now()
    qtbot.waitUntil(lambda: w.stripe_status_text() == "Stripe: connected", timeout=10000)
    assert w.sync.role == PollRole.LEADER  # type: ignore[comparison-overlap]
    assert passes[0] is True  # taking over: everything unsettled is re-read
    w.detach()
    ui_app.close()
    assert lock.released == 1
