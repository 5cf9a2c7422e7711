"""The list's status chips say the status with its glyph and word, never colour alone."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QPaintDevice, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem, QTableView
from pytestqt.qtbot import QtBot

from pos_app.domain.booking import BookingStatus
from pos_app.ui.kit import tables, theme
from pos_app.ui.kit.tables import STATUS_ROLE, StatusChipDelegate, chip_text

DRAWN: list[str] = []


class RecordingPainter(QPainter):
    """A painter that remembers the texts drawn with it (the chips' pixmaps use it too)."""

    def __init__(self, device: QPaintDevice) -> None:
        super().__init__(device)

    def drawText(self, *args: Any) -> None:
        DRAWN.append(next(a for a in args if isinstance(a, str)))
        super().drawText(*args)


@pytest.fixture(autouse=True)
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    DRAWN.clear()
    monkeypatch.setattr(tables, "QPainter", RecordingPainter)
    return DRAWN


def _paint_chip(
    view: QTableView, delegate: StatusChipDelegate, model: QStandardItemModel
) -> QImage:
    image = QImage(400, 44, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = RecordingPainter(image)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 400, 44)
    option.widget = view
    delegate.paint(painter, option, model.index(0, 0))
    painter.end()
    return image


def test_a_chip_reads_glyph_and_words() -> None:
    assert chip_text(BookingStatus.PAID, "Paid") == "✓ Paid"
    assert chip_text(BookingStatus.DEPOSIT_PAID, "Deposit paid") == "◔ Deposit paid"


def _status_table(
    qtbot: QtBot, status: BookingStatus, words: str
) -> tuple[QTableView, QStandardItemModel]:
    model = QStandardItemModel(1, 1)
    item = QStandardItem(words)
    item.setData(status.value, STATUS_ROLE)
    model.setItem(0, 0, item)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    return view, model


def test_the_list_paints_the_glyph_before_the_word(qtbot: QtBot, recorded: list[str]) -> None:
    view, model = _status_table(qtbot, BookingStatus.PARTIALLY_REFUNDED, "Partially refunded")
    _paint_chip(view, StatusChipDelegate(view), model)
    assert recorded == ["↩ Partially refunded"]
    assert model.index(0, 0).data() == "Partially refunded"


def test_a_chip_is_drawn_once_and_again_for_another_status_or_scheme(
    qtbot: QtBot, recorded: list[str]
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply_theme(app, dark=False)  # the app's fonts, before the first chip
    # Every repaint of the list (scroll, selection, day switch) reuses the drawn chip…
    view, model = _status_table(qtbot, BookingStatus.PAID, "Paid")
    delegate = StatusChipDelegate(view)
    for _ in range(3):
        _paint_chip(view, delegate, model)
    assert recorded == ["✓ Paid"]
    # …but a changed status, or the switch to the dark scheme, draws it anew.
    model.item(0, 0).setData(BookingStatus.REFUNDED.value, STATUS_ROLE)
    model.item(0, 0).setText("Refunded")
    _paint_chip(view, delegate, model)
    light = _paint_chip(view, delegate, model)
    theme.apply_theme(app, dark=True)
    try:
        dark = _paint_chip(view, delegate, model)
    finally:
        theme.apply_theme(app, dark=False)
    assert recorded == ["✓ Paid", "↺ Refunded", "↺ Refunded"]
    # In each scheme's own colours (a pixel inside the chip, left of its text).
    refunded = BookingStatus.REFUNDED
    assert light.pixelColor(15, 22).name() == theme.status_chip(refunded, False).bg.lower()
    assert dark.pixelColor(15, 22).name() == theme.status_chip(refunded, True).bg.lower()


def test_the_current_cell_has_no_focus_frame(qtbot: QtBot) -> None:
    # Rows are chosen whole: moving the current cell along the selected row changes nothing
    # on screen (the stylesheet's `outline: 0`; a frame round one cell would show here).
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply_theme(app, dark=False)
    model = QStandardItemModel(3, 3)
    for row in range(3):
        for column in range(3):
            model.setItem(row, column, QStandardItem(f"cell {row}.{column}"))
    view = tables.rows_table(model, "focusProbe")
    qtbot.addWidget(view)
    view.resize(500, 200)
    view.show()
    qtbot.waitExposed(view)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    view.setCurrentIndex(model.index(1, 0))
    first = view.viewport().grab().toImage()
    view.selectionModel().setCurrentIndex(
        model.index(1, 1), view.selectionModel().SelectionFlag.NoUpdate
    )
    second = view.viewport().grab().toImage()
    assert view.currentIndex().column() == 1 and view.hasFocus()
    assert first == second
