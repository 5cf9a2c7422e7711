"""A push button as wide as the widest text it will show ("Add service", "Save changes",
"Saving…"): changing its text never clips it nor moves its neighbours.

A plain ``setMinimumWidth`` does not hold: the app-wide stylesheet's ``min-width`` replaces it
whenever the button is polished, so the width comes from the size hints instead.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QPushButton, QWidget


class WidestTextButton(QPushButton):
    """A push button as wide as the widest of the texts it will show, so changing its text
    ("Add service" → "Save changes") never clips it nor moves its neighbours."""

    def __init__(self, texts: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(texts[0], parent)
        self._texts = texts

    def _extra_width(self) -> int:
        # The stylesheet draws the text in the button's font (bold for the primary role).
        metrics = self.fontMetrics()
        widest = max(metrics.horizontalAdvance(text) for text in self._texts)
        return max(0, widest - metrics.horizontalAdvance(self.text()))

    def sizeHint(self) -> QSize:
        """The size for the current text, widened to fit the widest."""
        hint = super().sizeHint()
        return QSize(hint.width() + self._extra_width(), hint.height())

    def minimumSizeHint(self) -> QSize:
        """Never narrower than the widest text needs."""
        hint = super().minimumSizeHint()
        return QSize(max(hint.width(), self.sizeHint().width()), hint.height())
