"""The list's status chips say the status with its glyph and word, never colour alone."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QStyleOptionViewItem, QTableView
from pytestqt.qtbot import QtBot

from pos_app.domain.booking import BookingStatus
from pos_app.ui.kit.tables import STATUS_ROLE, StatusChipDelegate, chip_text


class RecordingPainter(QPainter):
    """A painter that remembers the texts drawn with it."""

    def __init__(self, device: QImage) -> None:
        super().__init__(device)
        self.texts: list[str] = []

    def drawText(self, *args: Any) -> None:
        self.texts.append(next(a for a in args if isinstance(a, str)))
        super().drawText(*args)


def test_a_chip_reads_glyph_and_words() -> None:
    assert chip_text(BookingStatus.PAID, "Paid") == "✓ Paid"
    assert chip_text(BookingStatus.DEPOSIT_PAID, "Deposit paid") == "◔ Deposit paid"


def test_the_list_paints_the_glyph_before_the_word(qtbot: QtBot) -> None:
    model = QStandardItemModel(1, 1)
    item = QStandardItem("Partially refunded")
    item.setData(BookingStatus.PARTIALLY_REFUNDED.value, STATUS_ROLE)
    model.setItem(0, 0, item)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = StatusChipDelegate(view)
    image = QImage(400, 44, QImage.Format.Format_ARGB32)
    painter = RecordingPainter(image)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 400, 44)
    option.widget = view
    delegate.paint(painter, option, model.index(0, 0))
    painter.end()
    assert painter.texts == ["↩ Partially refunded"]
    assert model.index(0, 0).data() == "Partially refunded"
