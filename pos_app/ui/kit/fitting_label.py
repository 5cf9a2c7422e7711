"""A label for a big figure that keeps its whole text: when the room is narrower than the text
at the designed size (a long currency format, "1.350,00 US$"), the font shrinks instead of the
text being cut. Money is never elided."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

#: The smallest the font goes, as a share of the designed size (still larger than body text
#: for the dashboard's 1.55× figures).
FLOOR = 0.7


class FittingLabel(QLabel):
    """A one-line QLabel whose font shrinks (down to FLOOR of its set size) to fit its width."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._base = QFont(self.font())

    def setFont(self, font: QFont | str | Sequence[str]) -> None:
        """Set the designed font; what is drawn may be smaller, to fit."""
        self._base = QFont(font) if isinstance(font, QFont) else QFont(self.font())
        if not isinstance(font, QFont):
            self._base.setFamilies([font] if isinstance(font, str) else list(font))
        self._refit()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._refit()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        margins = self.contentsMargins()
        smallest = self._scaled(FLOOR)
        width = math.ceil(QFontMetricsF(smallest).horizontalAdvance(self.text()))
        return QSize(width + margins.left() + margins.right(), hint.height())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        width = math.ceil(QFontMetricsF(self._base).horizontalAdvance(self.text()))
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), hint.height())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # A new style sheet (light ↔ dark) polishes the label again and gives it back the
        # font it resolves, the designed size: fit it again.
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._refit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def _scaled(self, share: float) -> QFont:
        font = QFont(self._base)
        if self._base.pointSizeF() > 0:
            font.setPointSizeF(self._base.pointSizeF() * share)
        elif self._base.pixelSize() > 0:
            font.setPixelSize(max(1, math.floor(self._base.pixelSize() * share)))
        return font

    def _refit(self) -> None:
        room = self.contentsRect().width()
        text = self.text()
        needed = QFontMetricsF(self._base).horizontalAdvance(text)
        font = self._base
        if needed > room > 0:
            # Glyph advances do not scale exactly with the size (hinting, whole pixels): step
            # down from the ratio until the text fits, or the floor is reached.
            share = max(FLOOR, room / needed)
            font = self._scaled(share)
            while share > FLOOR and QFontMetricsF(font).horizontalAdvance(text) > room:
                share = max(FLOOR, share - 0.02)
                font = self._scaled(share)
        if font != super().font():
            super().setFont(font)
