"""Marks painted by hand take the theme's colours, so they read well on either palette."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pos_app.ui.kit import theme
from pos_app.ui.payments.paid_mark import PaidMark


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    theme.apply_theme(qapp, dark=False)


@pytest.mark.parametrize("dark", [False, True])
def test_the_paid_mark_uses_the_themes_green(qtbot: QtBot, app: QApplication, dark: bool) -> None:
    theme.apply_theme(app, dark=dark)
    mark = PaidMark()
    qtbot.addWidget(mark)
    mark.resize(300, 300)
    image = mark.grab().toImage()
    side = int(300 * 0.62)
    disc = image.pixelColor(150, 150 - int(side * 0.3))  # inside the disc, clear of the check
    assert disc.name() == (theme.SUCCESS_DARK if dark else theme.SUCCESS).name()
