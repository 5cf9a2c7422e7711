"""Touch first: every tappable target on every screen is at least 44 × 44 px.

Walks each screen `pos-app screenshot --list` names, as rendered (see ``screen_walk``); the
rules and exemptions are in ``screen_walk.touch_findings``'s docstring. A failure lists each
widget with its size and the module that owns it.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit, QPushButton, QTableWidget, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from pos_app.ui.kit import theme
from tests.ui import screen_walk


@pytest.mark.parametrize("screen", screen_walk.screens())
def test_every_target_is_touch_sized(screen: str) -> None:
    walk = screen_walk.walk_screen(screen)
    found = walk.report("touch")
    assert found == [], "\n".join(found)


def _window(qtbot: QtBot, *children: QWidget) -> QWidget:
    root = QWidget()
    qtbot.addWidget(root)
    box = QVBoxLayout(root)
    for child in children:
        box.addWidget(child)
    root.resize(400, 300)
    root.show()
    return root


def test_a_20_px_button_is_reported_by_name(qtbot: QtBot, qapp: object) -> None:
    small = QPushButton("OK")
    small.setObjectName("tinyButton")
    small.setFixedSize(20, 20)
    root = _window(qtbot, small)
    found = [str(f) for f in screen_walk.touch_findings(root)]
    assert found == ["QPushButton#tinyButton 'OK' [?]: button is 20×20 px, needs ≥ 44×44"]


def test_a_short_input_and_short_table_rows_are_reported(qtbot: QtBot) -> None:
    edit = QLineEdit("x")
    edit.setFixedHeight(24)
    table = QTableWidget(2, 2)
    table.verticalHeader().setDefaultSectionSize(30)
    table.verticalHeader().setMinimumSectionSize(20)
    root = _window(qtbot, edit, table)
    problems = [f.problem for f in screen_walk.touch_findings(root)]
    assert problems[0].startswith("input is ") and problems[0].endswith(
        "×24 px, needs ≥ 44 px tall"
    )
    assert len(problems) == 2
    assert problems[1].startswith("table rows are ") and problems[1].endswith("need ≥ 44")


def test_the_app_stylesheet_makes_plain_buttons_and_inputs_touch_sized(
    qtbot: QtBot, qapp: object
) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    sheet, font = app.styleSheet(), app.font()
    theme.apply_theme(app, dark=False)
    try:
        root = _window(qtbot, QPushButton("Go"), QLineEdit("text"))
        assert screen_walk.touch_findings(root) == []
    finally:
        app.setStyleSheet(sheet)
        app.setFont(font)


def test_a_short_menu_bar_is_reported(qtbot: QtBot, qapp: object) -> None:
    from PySide6.QtWidgets import QMainWindow, QMenu

    window = QMainWindow()
    qtbot.addWidget(window)
    bar = window.menuBar()
    bar.setStyleSheet("QMenuBar::item { padding: 2px 6px; }")  # the old 24 px menus
    bar.addMenu(QMenu("&Booking", bar))
    window.resize(400, 300)
    window.show()
    problems = [f.problem for f in screen_walk.touch_findings(window)]
    assert len(problems) == 1 and problems[0].startswith("menu 'Booking' is "), problems
