"""Close the day fits its Z report, the opening float and the buttons on a 1366 × 768 laptop
without scrolling, and scrolls the report (never the buttons) only on a smaller screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.reports.day_close import day_close_view
from pos_app.ui.reports.day_close.day_close_view import WINDOW_FRAME, DayCloseDialog
from tests.ui.conftest import make_booking
from tests.ui.test_day_close_ui import open_dialog

LAPTOP = 768 - 40  # a 1366 × 768 screen less its task bar


def _inside(widget: QWidget, dialog: DayCloseDialog) -> bool:
    top_left = widget.mapTo(dialog, QPoint(0, 0))
    return widget.isVisible() and dialog.rect().contains(
        top_left.x(), top_left.y() + widget.height() - 1
    )


@pytest.fixture
def busy_day(ui_app: AppContext) -> AppContext:
    ui_app.cash.record(make_booking(ui_app, "Grace Hopper").id)
    ui_app.checkout.start(make_booking(ui_app, "Alan Turing", minutes=120).id)  # a warning line
    return ui_app


@pytest.mark.parametrize("screen", [LAPTOP, 1080 - 40])
def test_the_report_float_and_buttons_show_without_scrolling(
    qtbot: QtBot,
    runner: TaskRunner,
    busy_day: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    screen: int,
) -> None:
    monkeypatch.setattr(day_close_view, "available_height", lambda _w: screen)
    dialog = open_dialog(qtbot, busy_day, runner)
    panel = dialog.panels["usd"]
    area = dialog.report_area
    qtbot.waitUntil(lambda: area.viewport().height() >= dialog.panels_box.sizeHint().height())
    assert area.verticalScrollBar().maximum() == 0
    assert dialog.height() + WINDOW_FRAME <= LAPTOP  # the same size on a larger screen
    assert dialog.warning_label.isVisible()
    # One currency: the drawer (float, count, difference) stands beside the figures.
    at = panel.float_edit.mapTo(panel, QPoint(0, 0))
    assert at.x() > panel.width() // 2 and at.y() < panel.height() // 2
    for widget in (panel.float_edit, panel.counted_edit, dialog.close_day_button):
        assert _inside(widget, dialog)
    assert (
        area.viewport()
        .rect()
        .contains(
            panel.difference_label.mapTo(
                area.viewport(), panel.difference_label.rect().bottomLeft()
            )
        )
    )


def test_on_a_small_screen_only_the_report_scrolls(
    qtbot: QtBot, runner: TaskRunner, busy_day: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(day_close_view, "available_height", lambda _w: 440)
    dialog = open_dialog(qtbot, busy_day, runner)
    qtbot.waitUntil(lambda: dialog.report_area.verticalScrollBar().maximum() > 0)
    assert dialog.height() + WINDOW_FRAME <= 440
    assert _inside(dialog.close_day_button, dialog) and _inside(dialog.note_edit, dialog)
