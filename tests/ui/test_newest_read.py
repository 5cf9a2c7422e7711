"""A split line shown from the part-paid list's read is not overwritten by an older read of
its own still on its way (``SplitPanel.show_detail`` supersedes it: TaskRunner ``latest=``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from pos_app.domain.payment import PaymentMethod, PaymentStatus
from pos_app.services.orders import OrderMoneyDetail
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.sell.split_view import SplitPanel
from tests.unit.test_split_presenter import CASH_500, _detail, _paid

PAID_IN_FULL = _paid(PaymentMethod.CASH, 1307, PaymentStatus.SUCCEEDED)


class HeldReads:
    """Split services whose money read waits until released, then answers ``answer``."""

    def __init__(self, answer: OrderMoneyDetail) -> None:
        self.answer = answer
        self.release = threading.Event()

    def order_money(self, order_id: str) -> OrderMoneyDetail:
        self.release.wait(10)
        return self.answer

    def record_cash(self, booking_id: str, amount_text: str | None = None) -> object:
        raise AssertionError("not pressed here")


@pytest.fixture
def one_worker(qtbot: QtBot) -> Iterator[TaskRunner]:
    """One worker: tasks run in the order run, so a later task's answer lands after."""
    runner = TaskRunner(max_workers=1)
    yield runner
    runner.shutdown(timeout=1)


def test_an_older_read_landing_after_the_list_showed_the_line_is_dropped(
    qtbot: QtBot, one_worker: TaskRunner
) -> None:
    services = HeldReads(_detail(CASH_500))  # the older read: $5.00 of $13.07 paid
    panel = SplitPanel(services, one_worker)  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.follow("ord_x")  # its read waits
    panel.show_detail(_detail(PAID_IN_FULL))  # the list's newer read: paid in full
    paid = "Sale 12 paid: $13.07 in cash."
    assert panel.text() == paid
    services.release.set()
    landed: list[object] = []
    one_worker.run(lambda: None, on_success=landed.append)  # answers after the older read
    qtbot.waitUntil(lambda: bool(landed))
    assert panel.text() == paid


def test_a_newer_read_of_the_line_is_shown(qtbot: QtBot, one_worker: TaskRunner) -> None:
    services = HeldReads(_detail(PAID_IN_FULL))
    services.release.set()
    panel = SplitPanel(services, one_worker)  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.show_detail(_detail(CASH_500))
    panel.follow("ord_x")  # asked after what was shown: it counts
    qtbot.waitUntil(lambda: panel.text() == "Sale 12 paid: $13.07 in cash.")
