"""The schedule's two painted surfaces: the scrolling grid (taps, drags, keys) and the
pinned column header. They hold no state: every question goes to their owner, the DayView,
seen through the narrow :class:`ScheduleOwner` protocol (so this module never imports it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, cast

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QSize, Qt, SignalInstance
from PySide6.QtGui import (
    QContextMenuEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from pos_app.i18n import _
from pos_app.ui.day.schedule_paint import Metrics


class ScheduleOwner(Protocol):
    """What the canvas and header ask of the view that owns them."""

    metrics: Metrics

    @property
    def booking_activated(self) -> SignalInstance:
        """Emitted with a booking's id when it is double-clicked."""
        ...

    def paint_canvas(self, p: QPainter, clip: QRect) -> None:
        """Paint the grid's exposed rectangle."""
        ...

    def paint_header(self, p: QPainter, offset: int, width: int) -> None:
        """Paint the column titles."""
        ...

    def booking_at(self, point: QPoint) -> str | None:
        """The booking under ``point``."""
        ...

    def block_rect(self, booking_id: str | None) -> QRect:
        """Where a booking is drawn."""
        ...

    def select(self, booking_id: str | None, *, emit: bool = False) -> None:
        """Select a booking (None clears)."""
        ...

    def selected_id(self) -> str | None:
        """The selected booking's id."""
        ...

    def show_menu(self, global_pos: QPoint) -> None:
        """The selected booking's actions."""
        ...

    def tooltip_for(self, booking_id: str) -> str:
        """A booking's tooltip."""
        ...

    def tap_slot(self, point: QPoint) -> None:
        """A tap on empty space."""
        ...

    def double_click_slot(self, point: QPoint) -> None:
        """A double-click on empty space."""
        ...

    def start_drag(self, booking_id: str) -> bool:
        """Pick up a booking; False when it cannot move."""
        ...

    def drag_to(self, top_left: QPointF, x: int) -> None:
        """The dragged block moved."""
        ...

    def finish_drag(self) -> None:
        """Drop the dragged block."""
        ...

    def cancel_drag(self) -> None:
        """Put the dragged block back."""
        ...

    def handle_key(self, event: QKeyEvent) -> bool:
        """Arrows, Enter, the menu key."""
        ...


class ScheduleCanvas(QWidget):
    """The painted grid inside the scroll area; the DayView owns its state."""

    def __init__(self, view: ScheduleOwner, parent: QWidget) -> None:
        super().__init__(parent)
        self._view = view
        self._press: QPoint | None = None
        self._press_booking: str | None = None
        self._grab = QPointF()  # where in the block it was picked up
        self.dragging = False
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Schedule"))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            region = event.region()
            if 1 < region.rectCount() <= 4:
                # A selection moved: paint the old and the new place, not all between them.
                for rect in cast("Iterable[QRect]", region):
                    painter.save()
                    painter.setClipRect(rect)
                    self._view.paint_canvas(painter, rect)
                    painter.restore()
            else:
                self._view.paint_canvas(painter, event.rect())
        finally:
            painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        point = event.position().toPoint()
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            hit = self._view.booking_at(point)
            if hit is not None or event.button() == Qt.MouseButton.LeftButton:
                self._view.select(hit, emit=True)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = point
            self._press_booking = self._view.booking_at(point)
            rect = self._view.block_rect(self._press_booking) if self._press_booking else QRect()
            self._grab = QPointF(point - rect.topLeft())
            self.dragging = False
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, booking_id = self._press, self._press_booking
        self._press, self._press_booking = None, None
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            super().mouseReleaseEvent(event)
            return
        if self.dragging:
            self.dragging = False
            self._view.finish_drag()
        elif booking_id is None:
            # A tap on empty space books that slot (from now on; a double-click on a past
            # slot still asks, and is told why not).
            self._view.tap_slot(press)
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position().toPoint()
        hit = self._view.booking_at(point)
        if hit is not None:
            self._view.booking_activated.emit(hit)
        else:
            self._view.double_click_slot(point)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        held = event.buttons() & Qt.MouseButton.LeftButton
        if held and self._press is not None and self._press_booking is not None:
            far = (point - self._press).manhattanLength() >= QApplication.startDragDistance()
            if not self.dragging and far and self._view.start_drag(self._press_booking):
                self.dragging = True
            if self.dragging:
                self._view.drag_to(QPointF(point) - self._grab, point.x())
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
                return
        hit = self._view.booking_at(point)
        shape = Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor
        self.setCursor(shape)
        super().mouseMoveEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        hit = self._view.booking_at(event.pos())
        if hit is None and event.reason() == QContextMenuEvent.Reason.Keyboard:
            hit = self._view.selected_id()
        if hit is None:
            return
        self._view.select(hit, emit=True)
        self._view.show_menu(event.globalPos())

    def event(self, e: QEvent) -> bool:
        if isinstance(e, QHelpEvent) and e.type() == QEvent.Type.ToolTip:
            hit = self._view.booking_at(e.pos())
            if hit is not None:
                QToolTip.showText(e.globalPos(), self._view.tooltip_for(hit), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.dragging:
            self.dragging = False
            self._press = self._press_booking = None
            self._view.cancel_drag()
            return
        if not self._view.handle_key(event):
            super().keyPressEvent(event)


class ScheduleHeader(QWidget):
    """The column titles, pinned above the scrolling grid."""

    def __init__(self, view: ScheduleOwner, parent: QWidget) -> None:
        super().__init__(parent)
        self._view = view
        self.offset = 0

    def sizeHint(self) -> QSize:
        return QSize(400, self._view.metrics.header)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._view.paint_header(painter, self.offset, self.width())
        finally:
            painter.end()
