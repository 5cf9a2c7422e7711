"""The audit table sorts and paints its Detail column from words said once in the background
(issue 15, session 19; rule 2): the model never turns a stored detail into words itself, so a
sort by Detail of 1000 rows compares strings on the GUI thread and formats nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction, AuditEntry, Detail
from pos_app.domain.money import Money
from pos_app.i18n import N_
from pos_app.services.audit import AuditPage
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.people import audit_rows as presenter
from pos_app.ui.people.audit_view import AuditDialog, AuditTableModel, Col
from tests.ui.conftest import make_booking

TIP = Qt.ItemDataRole.ToolTipRole


def _entry(amount: int) -> AuditEntry:
    detail = Detail(N_("Payment link for {amount}"), {"amount": Money(amount, "usd")})
    template, params = detail.stored()
    return AuditEntry(
        at=datetime(2026, 12, 6, 10, tzinfo=UTC),
        actor_id=None,
        actor_name="Alex Morgan",
        action=AuditAction.CHECKOUT_CREATED,
        detail=detail.english(),
        detail_template=template,
        detail_params=params,
    )


@pytest.fixture
def counted_calls(monkeypatch: pytest.MonkeyPatch) -> list[AuditEntry]:
    """Every call of the Detail → words function, wherever the audit screen makes it."""
    calls: list[AuditEntry] = []
    real = presenter.detail_words

    def counting(entry: AuditEntry) -> str:
        calls.append(entry)
        return real(entry)

    monkeypatch.setattr(presenter, "detail_words", counting)
    return calls


def test_sorting_and_painting_by_detail_says_no_detail_again(
    qtbot: QtBot, counted_calls: list[AuditEntry]
) -> None:
    page = AuditPage([_entry(amount) for amount in (300, 100, 200)])
    rows = presenter.audit_rows(page)  # what the background task does, once per entry
    assert len(counted_calls) == 3
    model = AuditTableModel(UTC)
    model.set_rows(rows.rows)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(Col.DETAIL, order)
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                model.index(row, column).data()
                model.index(row, column).data(TIP)
    assert len(counted_calls) == 3  # sorting, painting and tooltips said nothing again
    texts = [model.index(r, Col.DETAIL).data() for r in range(model.rowCount())]
    assert texts == ["Payment link for $3.00", "Payment link for $2.00", "Payment link for $1.00"]
    assert model.index(0, Col.DETAIL).data(TIP) == "Payment link for $3.00"


def test_the_dialog_says_the_details_in_its_loading_task(
    qtbot: QtBot, runner: TaskRunner, ui_app: AppContext, counted_calls: list[AuditEntry]
) -> None:
    booking = make_booking(ui_app, "Grace Hopper")
    ui_app.cash.record(booking.id)
    dialog = AuditDialog(ui_app.audit, ui_app.people, ui_app.config.timezone, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loads >= 1 and dialog.model.rowCount() == 1)
    assert len(counted_calls) == 1  # said once, when the page loaded
    dialog.model.sort(Col.DETAIL, Qt.SortOrder.DescendingOrder)
    assert dialog.model.index(0, Col.DETAIL).data() == "Cash for Haircut, Grace Hopper"
    assert len(counted_calls) == 1
