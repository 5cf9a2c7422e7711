"""The detail panel's share of a selection's GUI-thread work (issue 12).

Showing a booking lays the panel out once, as its scroll area sizes it: the panel used to
size its body itself (its sizeHint's height), which the scroll area undid on the next
event-loop pass, two layouts and two repaints of the panel for every booking selected. And a
loaded detail is shown a turn after it lands (``show_detail_soon``), so the list's repaint
for the selection and the panel's are two shorter passes, not one long one; a detail no
longer wanted by then (the selection moved) is not shown at all.
"""

from __future__ import annotations

from datetime import UTC

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pos_app.domain.booking import BookingStatus
from pos_app.services.bookings import BookingDetail
from pos_app.ui.day.detail_panel import DetailPanel
from tests.ui.test_detail_actions import _booking


class _Resizes(QObject):
    """Counts the resizes of one widget."""

    def __init__(self, watched: QWidget) -> None:
        super().__init__()
        self.count = 0
        watched.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.count += 1
        return False


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def test_a_booking_is_laid_out_once_where_it_stays(qtbot: QtBot) -> None:
    panel = DetailPanel(UTC)
    qtbot.addWidget(panel)
    panel.resize(380, 420)  # shorter than the body: the scroll bar shows, as at a desk
    panel.show()
    panel.set_ready(attached=True, ready=True)
    panel.show_detail(BookingDetail(_booking(), [], []))
    _settle()
    body = panel.widget()
    resizes = _Resizes(body)
    other = _booking(BookingStatus.PAID, id="bk_2", customer_name="Bo Lee")
    panel.show_detail(BookingDetail(other, [], []))
    right_after = body.geometry()
    _settle()
    assert body.geometry() == right_after  # in place at once: no second layout a pass later
    assert resizes.count <= 1
    assert "Bo Lee" in panel.text()


def _panel_showing_one(qtbot: QtBot) -> DetailPanel:
    panel = DetailPanel(UTC)
    qtbot.addWidget(panel)
    panel.resize(380, 600)
    panel.show()
    panel.set_ready(attached=True, ready=True)
    panel.show_detail(BookingDetail(_booking(), [], []))
    return panel


def test_a_loaded_detail_is_shown_a_turn_later(qtbot: QtBot) -> None:
    panel = _panel_showing_one(qtbot)
    other = _booking(BookingStatus.PAID, id="bk_2", customer_name="Bo Lee")
    panel.show_detail_soon(BookingDetail(other, [], []), lambda: True)
    assert panel.booking_id() == "bk_1"  # not in the pass it landed in
    qtbot.waitUntil(lambda: panel.booking_id() == "bk_2", timeout=2000)
    assert "Bo Lee" in panel.text()


def test_a_detail_no_longer_wanted_is_not_shown(qtbot: QtBot) -> None:
    panel = _panel_showing_one(qtbot)
    other = _booking(BookingStatus.PAID, id="bk_2", customer_name="Bo Lee")
    panel.show_detail_soon(BookingDetail(other, [], []), lambda: False)
    _settle()
    qtbot.wait(20)
    _settle()
    assert panel.booking_id() == "bk_1" and "Bo Lee" not in panel.text()
