"""The Sell screen's tiles: one list view in icon mode over :class:`TilesModel`, each tile
drawn once into a pixmap.

Drawn by the stylesheet, every visible tile (a rounded, bordered box) was laid out and
painted again on each search keystroke: 10–15 ms a frame with 20 tiles on screen. A tile's
picture depends only on its text, size, state and the scheme, so it is kept and reused; its
box (the rounded, bordered rectangle) depends only on the state and scheme, so a new tile
copies it and draws just its words.

The model tells the view only what changed: a search that shows the same tiles changes
nothing, and a reload after a sale elsewhere (the same tiles, one stock figure different)
repaints that one tile. A reset (the view lays out all 500 again) is left for a search
that shows other tiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPaintDevice, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from pos_app.ui.kit import theme
from pos_app.ui.sell.sell_presenter import Sellable

TILE = QSize(184, 120)  # the grid cell: the tile and its margin
TILE_BOX = QSize(172, 108)
_CACHE_SIZE = 1024
#: New tiles drawn in one pass on screen (see TileDelegate).
NEW_TILES_PER_PASS = 10
#: Rows changed in place up to this many are repainted one by one; more, as one range.
_CHANGED_ONE_BY_ONE = 16
_DISPLAY = Qt.ItemDataRole.DisplayRole


class TilesModel(QAbstractListModel):
    """The tiles shown (a search's result), each row a :class:`Sellable` read as its text."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Sellable] = []
        # A tile's words, made once per tile as it is (its stock in them): a paint reads them
        # for every visible tile, and formatting the price each time cost a paint ~1 ms.
        self._texts: dict[Sellable, str] = {}

    def set_rows(self, rows: Sequence[Sellable]) -> None:
        """Show ``rows``; the view hears only what changed (see the module's docstring)."""
        new = list(rows)
        old = self._rows
        if len(new) != len(old) or any(a.id != b.id for a, b in zip(old, new, strict=True)):
            self.beginResetModel()
            self._rows = new
            self.endResetModel()
            return
        changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        self._rows = new
        if not changed:
            return
        if len(changed) > _CHANGED_ONE_BY_ONE:
            self.dataChanged.emit(self.index(changed[0]), self.index(changed[-1]), [_DISPLAY])
            return
        for row in changed:
            self.dataChanged.emit(self.index(row), self.index(row), [_DISPLAY])

    def rows(self) -> list[Sellable]:
        """The tiles shown, in order."""
        return list(self._rows)

    def row_at(self, row: int) -> Sellable:
        """The tile shown at position ``row``."""
        return self._rows[row]

    def remember_texts(self, texts: dict[Sellable, str]) -> None:
        """Tiles' words made ahead (on the worker that read the tiles), so a search showing
        tiles never shown before does not format their prices on the GUI thread."""
        if len(self._texts) + len(texts) > _CACHE_SIZE:
            self._texts.clear()
        self._texts.update(list(texts.items())[:_CACHE_SIZE])

    def text(self, tile: Sellable) -> str:
        """The tile's words: name, price, and a product's stock."""
        found = self._texts.get(tile)
        if found is None:
            if len(self._texts) >= _CACHE_SIZE:
                self._texts.clear()
            found = self._texts[tile] = tile.tile_text
        return found

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """How many tiles are shown (a list: no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        """A tile's words for the display role; nothing else."""
        if role != _DISPLAY or not index.isValid():
            return None
        return self.text(self._rows[index.row()])


_TileKey = tuple[str, str, bool, bool, bool, float]  # text, font, selected, hover, dark, ratio
_TILES: dict[_TileKey, QPixmap] = {}
_BOXES: dict[tuple[bool, bool, bool, float], QPixmap] = {}
_FONTS: dict[str, tuple[QFont, QFontMetrics, QFontMetrics]] = {}


class TileDelegate(QStyledItemDelegate):
    """Paints each item as a touch tile: name (bold), price, stock, centred in a box.

    A tile never drawn before costs about 0.3 ms (its words shaped and drawn); a search that
    brings two dozen of them on screen held one pass for 9-11 ms. So one pass of the event
    loop draws at most ``NEW_TILES_PER_PASS`` new ones: the others show their empty box for
    that pass and get their words in the next (a picture taken with ``grab`` in the same
    pass shows them empty too; drawn once, a tile is kept).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Shared by every Sell screen of the process: one opened again (F2 after closing it)
        # copies the tiles drawn before instead of drawing them anew for its first paint.
        self._tiles = _TILES
        self._boxes = _BOXES
        self._fonts = _FONTS
        self._drawn = 0  # new tiles drawn in this pass of the event loop
        self._next_pass: QWidget | None = None  # the viewport to paint again next pass
        self._asked: QWidget | None = None  # asked to paint again, not painted yet
        self._counting = False

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
        rect: QRect = option.rect
        x = rect.left() + (rect.width() - TILE_BOX.width()) // 2
        y = rect.top() + (rect.height() - TILE_BOX.height()) // 2
        dark = theme.is_dark()
        key = (text, option.font.key(), selected, hover, dark, ratio)
        widget = option.widget
        viewport = widget.viewport() if isinstance(widget, QListView) else None
        if self._asked is not None and self._asked is viewport:
            self._asked = None  # the pass asked for has come
        tile = self._tiles.get(key)
        if tile is None:
            if self._drawn >= NEW_TILES_PER_PASS and viewport is not None:
                painter.drawPixmap(x, y, self._box(selected, hover, dark, ratio))
                self._again_next_pass(viewport)
                return
            self._drawn += 1
            self._again_next_pass(None)
            tile = self._tile(key, option.font)
        painter.drawPixmap(x, y, tile)

    def new_tiles_waiting(self) -> bool:
        """Whether tiles on screen still wait for their words (until a later pass paints them)."""
        # Between the pass that asks for a repaint and the paint itself they still wait.
        return self._next_pass is not None or self._asked is not None

    def _again_next_pass(self, viewport: QWidget | None) -> None:
        # The count starts again in the next pass, which paints what waited (if anything).
        if viewport is not None:
            self._next_pass = viewport
        if not self._counting:
            self._counting = True
            QTimer.singleShot(0, self, self._pass_over)

    def _pass_over(self) -> None:
        self._drawn, self._counting = 0, False
        viewport, self._next_pass = self._next_pass, None
        if viewport is not None and shiboken6.isValid(viewport):
            self._asked = viewport
            viewport.update()

    def _tile(self, key: _TileKey, font: QFont) -> QPixmap:
        text, _font, selected, hover, dark, ratio = key
        if len(self._tiles) >= _CACHE_SIZE:
            self._tiles.clear()
        t = theme.tokens(dark)
        pixmap = QPixmap(self._box(selected, hover, dark, ratio))  # drawn on, it is copied
        painter = QPainter(pixmap)
        painter.setPen(QColor(t.on_fill if selected else t.text))
        name, *rest = text.split("\n")
        bold, bold_metrics, plain = self._faces(font)
        room = TILE_BOX.width() - 16
        lines = [(bold, bold_metrics.elidedText(name, Qt.TextElideMode.ElideRight, room))]
        lines += [
            (font, plain.elidedText(line, Qt.TextElideMode.ElideRight, room)) for line in rest
        ]
        line_height = plain.height() + 2
        top = (TILE_BOX.height() - line_height * len(lines)) // 2
        for i, (face, words) in enumerate(lines):
            painter.setFont(face)
            box = QRect(8, top + i * line_height, room, line_height)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, words)
        painter.end()
        self._tiles[key] = pixmap
        return pixmap

    def _box(self, selected: bool, hover: bool, dark: bool, ratio: float) -> QPixmap:
        """The tile's rounded, bordered box without words: one per state and scheme."""
        key = (selected, hover, dark, ratio)
        found = self._boxes.get(key)
        if found is not None:
            return found
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
        painter.end()
        self._boxes[key] = pixmap
        return pixmap

    def _faces(self, font: QFont) -> tuple[QFont, QFontMetrics, QFontMetrics]:
        """The name's bold face and both faces' metrics, made once per font."""
        key = font.key()
        found = self._fonts.get(key)
        if found is None:
            bold = QFont(font)
            bold.setBold(True)
            found = self._fonts[key] = (bold, QFontMetrics(bold), QFontMetrics(font))
        return found
