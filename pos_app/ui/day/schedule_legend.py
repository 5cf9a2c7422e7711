"""The schedule's legend: every status as its glyph and word on its chip colours.

Painted (like the schedule) and wrapped onto as many rows as the width needs, so it never
clips; its words say what each colour means, so colour is never needed to read it.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from pos_app.i18n import _
from pos_app.ui.day.schedule_state import StatusMark, legend
from pos_app.ui.kit import theme

GAP_X, GAP_Y, PAD_X, PAD_Y = 8, 6, 8, 3


class ScheduleLegend(QWidget):
    """One chip per status ("✓ Paid", "◔ Deposit paid", "↩ Partially refunded" …)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleLegend")
        self.setAccessibleName(_("Status legend"))
        self.marks: list[StatusMark] = legend()
        self.setAccessibleDescription(", ".join(f"{m.glyph} {m.word}" for m in self.marks))
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._sizes: tuple[str, list[int], int] | None = None  # font key, chip widths, height

    def texts(self) -> list[str]:
        """The chips' texts, in order (for tests and accessibility)."""
        return [f"{m.glyph} {m.word}" for m in self.marks]

    def _chip_sizes(self) -> tuple[list[int], int]:
        """Each chip's width and their height, measured once per font: a switch to the
        schedule asks the height for a width some ten times (its layout), and measuring the
        eleven texts each time was about half a millisecond of that pass."""
        font = self.font()
        key = font.key()
        if self._sizes is None or self._sizes[0] != key:
            fm = QFontMetrics(font)
            widths = [fm.horizontalAdvance(text) + 2 * PAD_X for text in self.texts()]
            self._sizes = (key, widths, fm.height() + 2 * PAD_Y)
        return self._sizes[1], self._sizes[2]

    def chip_rects(self, width: int) -> list[QRectF]:
        """Where each chip goes at ``width``: left to right, wrapping onto new rows."""
        widths, h = self._chip_sizes()
        x, y = 0.0, 0.0
        out: list[QRectF] = []
        for w in widths:
            if x > 0 and x + w > width:
                x, y = 0.0, y + h + GAP_Y
            out.append(QRectF(x, y, w, h))
            x += w + GAP_X
        return out

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        rects = self.chip_rects(max(1, width))
        return int(max(r.bottom() for r in rects)) + 1 if rects else 0

    def sizeHint(self) -> QSize:
        width = max(200, self.width())
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(120, self.heightForWidth(120))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.height() != self.heightForWidth(self.width()):
            self.setFixedHeight(self.heightForWidth(self.width()))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            dark = theme.is_dark(self)
            for mark, rect, text in zip(
                self.marks, self.chip_rects(self.width()), self.texts(), strict=True
            ):
                chip = theme.status_chip(mark.status, dark)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(chip.bg))
                p.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
                p.setPen(QColor(chip.fg))
                p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        finally:
            p.end()
