"""The detail panel's widgets are made ahead, hidden, so the first booking tapped shows
without building (and styling) thirty widgets at that moment."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.ui.shell.main_window import MainWindow
from tests.ui.conftest import make_booking


def test_the_first_booking_shown_makes_no_widget(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    booking = make_booking(ui_app, "Grace Hopper", minutes=30)
    panel = window.detail
    window.reload()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    made_ahead = panel.widget_count()
    assert panel.state() is None  # nothing shown yet
    assert window.select_booking(booking.id)
    qtbot.waitUntil(lambda: panel.booking_id() == booking.id)
    assert panel.widget_count() == made_ahead
    assert "Grace Hopper" in panel.text()
    # What shows is what the booking says: no spare (prebuilt) line or button left showing.
    state = panel.state()
    assert state is not None
    shown = [b for b in panel.findChildren(QPushButton) if not b.isHidden()]
    assert len(shown) == 1 + len(state.actions)
    assert all(b.text() for b in shown)
