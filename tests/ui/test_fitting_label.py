"""A big figure shrinks to fit its room instead of being cut (the dashboard's tiles in Bangla
read "1,350.00 US$", wider than "$1,350.00")."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetricsF
from pytestqt.qtbot import QtBot

from pos_app.ui.kit.fitting_label import FLOOR, FittingLabel

TEXT = "1,350.00 US$"


def _label(qtbot: QtBot, width: int) -> FittingLabel:
    label = FittingLabel(TEXT)
    big = QFont(label.font())
    big.setPointSizeF(big.pointSizeF() * 1.55)
    big.setBold(True)
    label.setFont(big)
    qtbot.addWidget(label)
    label.setFixedWidth(width)
    label.show()
    return label


def _needs(label: FittingLabel) -> float:
    return QFontMetricsF(label.font()).horizontalAdvance(label.text())


def test_a_label_with_room_keeps_its_designed_size(qtbot: QtBot) -> None:
    label = _label(qtbot, 600)
    assert label.font().pointSizeF() == label._base.pointSizeF()
    assert _needs(label) <= label.contentsRect().width()


def test_a_narrow_label_shrinks_its_font_until_the_text_fits(qtbot: QtBot) -> None:
    designed = QFontMetricsF(_label(qtbot, 600).font()).horizontalAdvance(TEXT)
    label = _label(qtbot, int(designed * 0.85))
    assert label.font().pointSizeF() < label._base.pointSizeF()
    assert _needs(label) <= label.contentsRect().width()
    assert label.text() == TEXT  # never elided


def test_it_never_goes_below_the_floor(qtbot: QtBot) -> None:
    label = _label(qtbot, 20)
    assert label.font().pointSizeF() >= label._base.pointSizeF() * FLOOR * 0.98 - 0.01


def test_the_layout_may_give_it_less_than_its_designed_width(qtbot: QtBot) -> None:
    label = _label(qtbot, 600)
    assert label.minimumSizeHint().width() < label.sizeHint().width()


@pytest.mark.parametrize("dark", [False, True])
def test_it_fits_under_either_theme(qtbot: QtBot, dark: bool) -> None:
    from PySide6.QtWidgets import QApplication

    from pos_app.ui.kit import theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        # Made under the scheme: the style sheet polishes it when shown, after its font is set.
        theme.apply_theme(app, dark=dark)
        designed = QFontMetricsF(_label(qtbot, 600).font()).horizontalAdvance(TEXT)
        label = _label(qtbot, int(designed * 0.85))
        qtbot.wait(10)
        assert _needs(label) <= label.contentsRect().width()
        theme.apply_theme(app, dark=not dark)  # and the other scheme, once it is shown
        qtbot.wait(10)
        assert _needs(label) <= label.contentsRect().width()
    finally:
        theme.apply_theme(app)
