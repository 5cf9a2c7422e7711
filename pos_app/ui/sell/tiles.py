"""The Sell screen's tiles: one list view in icon mode, each tile drawn once into a pixmap.

Drawn by the stylesheet, every visible tile (a rounded, bordered box) was laid out and
painted again on each search keystroke: 10–15 ms a frame with 20 tiles on screen. A tile's
picture depends only on its text, size, state and the scheme, so it is kept and reused.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPaintDevice, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from pos_app.ui.kit import theme

TILE = QSize(184, 120)  # the grid cell: the tile and its margin
TILE_BOX = QSize(172, 108)
_CACHE_SIZE = 1024


class TileDelegate(QStyledItemDelegate):
    """Paints each item as a touch tile: name (bold), price, stock, centred in a box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tiles: dict[tuple[str, str, bool, bool, bool, float], QPixmap] = {}

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return TILE_BOX

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str):
            return
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hover = bool(state & QStyle.StateFlag.State_MouseOver)
        device = painter.device()
        ratio = float(device.devicePixelRatioF()) if isinstance(device, QPaintDevice) else 1.0
        tile = self._tile(text, option.font, selected, hover, ratio)
        rect: QRect = option.rect
        x = rect.left() + (rect.width() - TILE_BOX.width()) // 2
        y = rect.top() + (rect.height() - TILE_BOX.height()) // 2
        painter.drawPixmap(x, y, tile)

    def _tile(self, text: str, font: QFont, selected: bool, hover: bool, ratio: float) -> QPixmap:
        dark = theme.is_dark()
        key = (text, font.key(), selected, hover, dark, ratio)
        found = self._tiles.get(key)
        if found is not None:
            return found
        if len(self._tiles) >= _CACHE_SIZE:
            self._tiles.clear()
        t = theme.tokens(dark)
        width, height = TILE_BOX.width(), TILE_BOX.height()
        pixmap = QPixmap(round(width * ratio), round(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        # Opaque, on the list's own ground colour: drawn as a plain copy, no blending (a
        # transparent one took a quarter of a millisecond a tile to blend).
        pixmap.fill(QColor(t.window))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        fill = QColor(t.primary if selected else t.surface)
        edge = QColor(t.primary if selected or hover else t.border)
        painter.setPen(QPen(edge, 2 if hover and not selected else 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(QRect(1, 1, width - 2, height - 2), 8, 8)
        painter.setPen(QColor(t.on_fill if selected else t.text))
        name, *rest = text.split("\n")
        bold = QFont(font)
        bold.setBold(True)
        room = width - 16
        lines = [(bold, QFontMetrics(bold).elidedText(name, Qt.TextElideMode.ElideRight, room))]
        plain = QFontMetrics(font)
        lines += [
            (font, plain.elidedText(line, Qt.TextElideMode.ElideRight, room)) for line in rest
        ]
        line_height = plain.height() + 2
        top = (height - line_height * len(lines)) // 2
        for i, (face, words) in enumerate(lines):
            painter.setFont(face)
            box = QRect(8, top + i * line_height, room, line_height)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, words)
        painter.end()
        self._tiles[key] = pixmap
        return pixmap
