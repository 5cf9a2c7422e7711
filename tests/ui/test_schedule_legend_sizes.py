"""The schedule's legend measures its chips once per font, not on every height asked: a
switch to the schedule asks for its height at some ten widths (issue 12)."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics
from pytest import MonkeyPatch
from pytestqt.qtbot import QtBot

from pos_app.ui.day import schedule_legend
from pos_app.ui.day.schedule_legend import ScheduleLegend


def test_the_chips_are_measured_once_per_font(qtbot: QtBot, monkeypatch: MonkeyPatch) -> None:
    legend = ScheduleLegend()
    qtbot.addWidget(legend)
    made: list[QFont] = []

    class Counted(QFontMetrics):
        def __init__(self, font: QFont) -> None:
            made.append(font)
            super().__init__(font)

    monkeypatch.setattr(schedule_legend, "QFontMetrics", Counted)
    heights = [legend.heightForWidth(width) for width in (900, 600, 300, 120, 900)]
    assert len(made) == 1
    assert heights[0] <= heights[1] <= heights[2] <= heights[3] and heights[4] == heights[0]
    # Each chip as wide as its text measures, wrapping where the width ends.
    metrics = QFontMetrics(legend.font())
    rects = legend.chip_rects(300)
    for rect, text in zip(rects, legend.texts(), strict=True):
        assert rect.width() == metrics.horizontalAdvance(text) + 2 * schedule_legend.PAD_X
        assert rect.right() <= 300 or rect.left() == 0
    # Another font: measured again, and the chips grow with it.
    bigger = QFont(legend.font())
    bigger.setPointSizeF(bigger.pointSizeF() * 2)
    legend.setFont(bigger)
    assert legend.heightForWidth(900) > heights[0]
    assert len(made) == 2
