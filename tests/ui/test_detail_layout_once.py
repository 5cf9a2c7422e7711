"""Showing a booking lays the detail panel out once, as its scroll area sizes it (issue 12).

The panel used to size its body itself (its sizeHint's height), which the scroll area undid
on the next event-loop pass: two layouts and two repaints of the panel for every booking
selected, on the GUI thread. The body is now sized by the scroll area's own rule at once.
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
