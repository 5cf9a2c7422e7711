"""A schedule laid out ahead behind a list page, as the main window keeps it (shared set-up)."""

from __future__ import annotations

from datetime import UTC

from PySide6.QtWidgets import QLabel, QStackedWidget
from pytestqt.qtbot import QtBot

from pos_app.ui.day.day_view import DayView
from pos_app.ui.kit.page_ahead import lay_out_ahead


def schedule_behind_a_list(qtbot: QtBot) -> tuple[QStackedWidget, DayView]:
    """A 900×600 stack on screen showing a list page, and behind it a schedule (UTC) already
    laid out ahead at the stack's size, never shown."""
    stack = QStackedWidget()
    qtbot.addWidget(stack)
    stack.addWidget(QLabel("the list"))
    view = DayView(UTC)
    stack.addWidget(view)
    stack.resize(900, 600)
    ahead = lay_out_ahead(stack, view, delay_ms=0)
    stack.show()
    qtbot.waitUntil(lambda: ahead.done)
    return stack, view
