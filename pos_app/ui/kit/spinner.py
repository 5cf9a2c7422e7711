"""A small busy indicator: a rotating arc, animated only while visible."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QHideEvent, QPainter, QPaintEvent, QPalette, QPen, QShowEvent
from PySide6.QtWidgets import QWidget

from pos_app.i18n import _


class Spinner(QWidget):
    """An indeterminate progress arc; it stops its timer when hidden to cost nothing."""

    def __init__(self, parent: QWidget | None = None, *, diameter: int = 48) -> None:
        super().__init__(parent)
        self._diameter = diameter
        self._angle = 0
        self._timer = QTimer(self)
        self._timer.setInterval(30)
        self._timer.timeout.connect(self._advance)
        self.setFixedSize(diameter, diameter)
        self.setAccessibleName(_("Working"))

    def sizeHint(self) -> QSize:
        return QSize(self._diameter, self._diameter)

    def showEvent(self, event: QShowEvent) -> None:
        self._timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def _advance(self) -> None:
        self._angle = (self._angle + 12) % 360
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        thickness = max(3.0, self._diameter / 10)
        rect = QRectF(
            thickness, thickness, self.width() - 2 * thickness, self.height() - 2 * thickness
        )
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Midlight), thickness))
            painter.drawEllipse(rect)
            pen = QPen(
                self.palette().color(QPalette.ColorRole.Highlight),
                thickness,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
            )
            painter.setPen(pen)
            painter.drawArc(rect, -self._angle * 16, 100 * 16)
        finally:
            painter.end()
