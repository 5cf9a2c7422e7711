"""The mode banner: a full-width strip under the top bar saying whether money is real.

LIVE is red ("LIVE — real cards are charged"), TEST amber, SANDBOX a calm blue tint. It paints
itself (no style sheet), reading the scheme at paint time, so it is right in light and dark
and stays crisp at any scale factor.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from pos_app.i18n import _
from pos_app.ui.kit import theme

PAD_V = 6
PAD_H = 18


class ModeBanner(QWidget):
    """SANDBOX / TEST MODE / LIVE across the window; hidden until a mode is set."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modeBanner")
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._mode: str | None = None
        self._text = ""
        self.hide()

    def mode(self) -> str | None:
        """The mode shown, or None while hidden."""
        return self._mode

    def text(self) -> str:
        """The sentence shown ('' while hidden)."""
        return self._text

    def set_mode(self, mode: str | None, note: str = "") -> None:
        """Show ``mode`` ('sandbox', 'test', 'live'), with ``note`` after it; None hides."""
        self._mode = mode if mode in theme.MODE_BADGES else None
        if self._mode is None:
            self._text = ""
            self.hide()
            return
        badge = theme.MODE_BADGES[self._mode]
        banner = _(badge.banner)
        self._text = _("{banner}. {note}").format(banner=banner, note=note) if note else banner
        self.setFont(theme.font(self, scale=1.1 if self._mode == "live" else 1.0, bold=True))
        self.setToolTip(_(badge.tooltip))
        self.setAccessibleName(_("Mode: {mode}").format(mode=self._text))
        self.updateGeometry()
        self.show()
        self.update()

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        width = metrics.horizontalAdvance(self._text) + 2 * PAD_H
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.heightForWidth(self.width() or 1000))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        """Tall enough for the sentence wrapped at ``width`` (a long note takes two lines)."""
        metrics = QFontMetrics(self.font())
        box = metrics.boundingRect(
            QRect(0, 0, max(1, width - 2 * PAD_H), 10_000),
            int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
            self._text,
        )
        return (
            max(box.height(), metrics.lineSpacing())
            + 2 * PAD_V
            + (2 if self._mode == "live" else 0)
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._mode is None:
            return
        chip = theme.banner_colors(self._mode, theme.is_dark(self))
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor(chip.bg))
            if self._mode == "live":
                # A darker edge under the red: the band reads as a warning, not decoration.
                painter.fillRect(
                    QRect(0, self.height() - 2, self.width(), 2), QColor(theme.LIVE_EDGE)
                )
            painter.setPen(QPen(QColor(chip.fg)))
            painter.setFont(self.font())
            area = self.rect().adjusted(PAD_H, 0, -PAD_H, 0)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(area, int(flags), self._text)
        finally:
            painter.end()
