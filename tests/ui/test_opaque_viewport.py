"""kit/opaque_viewport: a styled table's viewport (the day's bookings, day_list.py) stays
opaque under the app stylesheet, so a repaint of the window behind it does not repaint the
table (issue 12, bench/qss_repaint.py).

Qt's stylesheet style turns the viewport's fill off at every polish of a scroll area with a
``background`` or ``border`` rule; these tests check it is on again after the first show, a
new app stylesheet (the theme switch) and a role change, and that the fill is the colour the
stylesheet gives the table."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from pos_app.ui.kit import theme
from pos_app.ui.kit.opaque_viewport import keep_viewport_opaque
from pos_app.ui.kit.palette import DARK, LIGHT
from pos_app.ui.kit.tables import RowsModel, rows_table
from tests.ui.test_rows_model import COLUMNS


def _table(qtbot: QtBot) -> QTableView:
    view = rows_table(RowsModel(COLUMNS), "opaqueTable")
    keep_viewport_opaque(view)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_the_viewport_fills_itself_under_the_app_sheet(qapp: QApplication, qtbot: QtBot) -> None:
    qapp.setStyleSheet(theme.stylesheet(False))
    view = _table(qtbot)
    assert view.viewport().autoFillBackground()
    # Its fill is the sheet's table background, so nothing on screen changes.
    fill = view.viewport().palette().color(view.viewport().backgroundRole())
    assert fill.name() == LIGHT.surface


def test_it_stays_opaque_after_the_sheet_changes(qapp: QApplication, qtbot: QtBot) -> None:
    qapp.setStyleSheet(theme.stylesheet(False))
    view = _table(qtbot)
    qapp.setStyleSheet(theme.stylesheet(True))  # the theme switch re-polishes every widget
    assert view.viewport().autoFillBackground()
    fill = view.viewport().palette().color(QPalette.ColorRole.Base)
    assert fill.name() == DARK.surface


def test_it_stays_opaque_after_a_role_change(qapp: QApplication, qtbot: QtBot) -> None:
    qapp.setStyleSheet(theme.stylesheet(False))
    view = _table(qtbot)
    theme.set_role(view, "data", muted=True)  # a re-polish of the table alone
    assert view.viewport().autoFillBackground()


def test_the_days_table_and_the_detail_panel_are_opaque(qapp: QApplication, qtbot: QtBot) -> None:
    from datetime import UTC

    from pos_app.ui.day.day_list import DayList
    from pos_app.ui.day.detail_panel import DetailPanel

    qapp.setStyleSheet(theme.stylesheet(False))
    days, panel = DayList(lambda: None), DetailPanel(UTC)
    for widget in (days, panel):
        qtbot.addWidget(widget)
        widget.show()
        qtbot.waitExposed(widget)
    assert days.table.viewport().autoFillBackground()
    assert panel.viewport().autoFillBackground()
