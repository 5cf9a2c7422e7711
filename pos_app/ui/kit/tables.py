"""The app's tables: one look (from the app-wide stylesheet), whole-row selection, status chips.

A table opts into the shared look with ``style_table(view)`` (sets ``role="data"``; the rules
live in ``theme.py``'s stylesheet). Any feature may import this; it imports no feature.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from pos_app.domain.booking import BookingStatus
from pos_app.domain.booking_display import status_glyph
from pos_app.ui.kit import theme

# A model puts a BookingStatus value here for StatusChipDelegate to paint the chip.
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
# Rows are tapped as a whole: at least this tall, so a row is a 44 px touch target.
ROW_HEIGHT = 44

ModelIndex = QModelIndex | QPersistentModelIndex


def style_table(view: QAbstractItemView, *, rows: int = ROW_HEIGHT) -> None:
    """Give ``view`` the app's table look (``role="data"`` in the stylesheet) and touch-sized
    rows of at least ``rows`` px."""
    view.setProperty("role", "data")
    vheader = getattr(view, "verticalHeader", None)
    if vheader is not None:
        header = vheader()
        header.setMinimumSectionSize(rows)
        header.setDefaultSectionSize(max(rows, header.defaultSectionSize()))
    view.style().unpolish(view)
    view.style().polish(view)


class RowDelegate(QStyledItemDelegate):
    """Rows are selected whole: no focus frame around the one current cell."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        super().initStyleOption(option, index)
        option.state &= ~QStyle.StateFlag.State_HasFocus


def chip_text(status: BookingStatus, words: str) -> str:
    """What a status chip says: the status's glyph, then its words ("✓ Paid")."""
    return f"{status_glyph(status)} {words}"


class StatusChipDelegate(RowDelegate):
    """Paints a status column (value in ``STATUS_ROLE``) as a rounded chip carrying the
    status words: the word says it, the colour only helps."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        value = index.data(STATUS_ROLE)
        if value not in BookingStatus._value2member_map_:
            super().paint(painter, option, index)
            return
        status = BookingStatus(value)
        # Draw the row background/selection as usual, then the chip without the plain text.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if isinstance(widget, QWidget) else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        chip = theme.status_chip(status, theme.is_dark())
        shown = index.data(Qt.ItemDataRole.DisplayRole)
        text = chip_text(status, shown if isinstance(shown, str) and shown else status.label)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        f = QFont(opt.font)
        f.setBold(True)
        painter.setFont(f)
        metrics = painter.fontMetrics()
        pad_x, pad_y = 10, 3
        width = metrics.horizontalAdvance(text) + 2 * pad_x
        height = metrics.height() + 2 * pad_y
        rect: QRect = option.rect
        chip_rect = QRect(
            rect.left() + 11,
            rect.top() + (rect.height() - height) // 2,
            min(width, rect.width() - 16),
            height,
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(chip.bg))
        painter.drawRoundedRect(chip_rect, height / 2, height / 2)
        painter.setPen(QColor(chip.fg))
        # Elide rather than cut a word in half when the column is narrow.
        shown_text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, chip_rect.width() - 8)
        painter.drawText(chip_rect, Qt.AlignmentFlag.AlignCenter, shown_text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        base = super().sizeHint(option, index)
        f = QFont(option.font)
        f.setBold(True)
        width = QFontMetrics(f).horizontalAdvance(str(index.data())) + 40
        return QSize(width, max(base.height(), ROW_HEIGHT))
