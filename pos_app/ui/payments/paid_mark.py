"""The big green check mark the charge screen and the customer display show once paid."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QWidget

from pos_app.ui.kit import theme


class PaidMark(QWidget):
    """A large green disc with a check mark: readable from across the desk."""

    def sizeHint(self) -> QSize:
        return QSize(360, 360)

    def paintEvent(self, event: QPaintEvent) -> None:
        side = int(min(self.width(), self.height()) * 0.62)
        x = (self.width() - side) // 2
        y = (self.height() - side) // 2
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            # The theme's green (lighter in dark mode) with the check in the page's own
            # colour, so the mark stays clear on either palette.
            painter.setBrush(theme.semantic("success", self))
            painter.drawEllipse(x, y, side, side)
            pen = painter.pen()
            pen.setStyle(Qt.PenStyle.SolidLine)
            pen.setColor(self.palette().color(QPalette.ColorRole.Base))
            pen.setWidthF(side / 11)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            s = side / 100
            painter.drawPolyline(
                [
                    QPointF(x + 28 * s, y + 52 * s),
                    QPointF(x + 44 * s, y + 68 * s),
                    QPointF(x + 73 * s, y + 36 * s),
                ]
            )
        finally:
            painter.end()
