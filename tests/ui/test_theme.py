"""The app-wide stylesheet: roles instead of inline styles, both schemes, body text size."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QFontInfo, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QTableWidget
from pytestqt.qtbot import QtBot

from pos_app.domain.booking import BookingStatus
from pos_app.ui.kit import palette, tables, theme


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    sheet, font, pal = qapp.styleSheet(), qapp.font(), qapp.palette()
    theme.apply_theme(qapp, dark=False)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    qapp.setPalette(pal)


def _fg(widget: QLabel) -> str:
    return widget.palette().color(QPalette.ColorRole.WindowText).name()


def test_apply_theme_sets_the_schemes_stylesheet(themed: QApplication) -> None:
    assert themed.styleSheet() == theme.stylesheet(dark=False)
    theme.apply_theme(themed, dark=True)
    assert themed.styleSheet() == theme.stylesheet(dark=True)
    assert themed.palette().color(QPalette.ColorRole.Window).name() == palette.DARK.window


def test_body_text_is_at_least_13_px(themed: QApplication, qtbot: QtBot) -> None:
    label = QLabel("Body")
    qtbot.addWidget(label)
    assert QFontInfo(label.font()).pixelSize() >= theme.BODY_PX


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_text_roles_take_the_tokens_colours(themed: QApplication, qtbot: QtBot, dark: bool) -> None:
    theme.apply_theme(themed, dark=dark)
    tokens = palette.DARK if dark else palette.LIGHT
    muted, danger = QLabel("hint"), QLabel("Card declined")
    for w in (muted, danger):
        qtbot.addWidget(w)
        w.show()
    theme.set_role(muted, muted=True)
    theme.set_role(danger, tone="danger")
    assert _fg(muted) == tokens.muted
    assert _fg(danger) == tokens.danger_text
    # A role changed at run time shows at once (set_role re-polishes).
    theme.set_role(danger, tone="success")
    assert _fg(danger) == tokens.success_text


def test_a_status_chip_takes_its_statuss_colours(themed: QApplication, qtbot: QtBot) -> None:
    chip = QLabel("Deposit paid")
    qtbot.addWidget(chip)
    chip.show()
    theme.set_role(chip, "chip", status=BookingStatus.DEPOSIT_PAID.value)
    assert _fg(chip) == palette.status_chip(BookingStatus.DEPOSIT_PAID, dark=False).fg


def test_primary_and_danger_buttons_are_filled_and_touch_sized(
    themed: QApplication, qtbot: QtBot
) -> None:
    save, cancel = QPushButton("Save"), QPushButton("Cancel link")
    theme.make_primary(save)
    theme.make_danger(cancel)
    for button in (save, cancel):
        qtbot.addWidget(button)
        button.show()
        assert button.height() >= theme.TOUCH_PX, button.text()
    image = save.grab().toImage()
    assert image.pixelColor(save.width() // 2, 3).name() == palette.LIGHT.primary
    image = cancel.grab().toImage()
    assert image.pixelColor(cancel.width() // 2, 3).name() == palette.LIGHT.danger


def test_no_kit_module_styles_a_widget_inline() -> None:
    from pathlib import Path

    import pos_app.ui.kit as kit

    offenders = [
        p.name
        for p in Path(kit.__file__).parent.glob("*.py")
        if ".setStyleSheet(" in p.read_text(encoding="utf-8") and p.name != "theme.py"
    ]
    assert offenders == []


def test_style_table_gives_touch_sized_rows(themed: QApplication, qtbot: QtBot) -> None:
    table = QTableWidget(3, 2)
    qtbot.addWidget(table)
    tables.style_table(table)
    table.show()
    assert table.property("role") == "data"
    assert table.rowHeight(0) >= tables.ROW_HEIGHT


def _check_box_edge_lightness(qtbot: QtBot) -> tuple[int, int]:
    from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionButton

    box = QCheckBox("Remember this station")
    qtbot.addWidget(box)
    box.resize(240, 44)
    box.show()
    image = box.grab().toImage()
    option = QStyleOptionButton()
    option.initFrom(box)
    rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    edge = max(
        image.pixelColor(x, y).lightness()
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
    )
    return box.palette().window().color().lightness(), edge


def test_check_boxes_stay_visible_in_the_dark_scheme_after_any_switch(
    themed: QApplication, qtbot: QtBot
) -> None:
    # Fusion draws the box's edge a shade darker than the window: invisible on a dark one.
    # The dark scheme's style lifts it, also after switching from light and back.
    for dark in (True, False, True):
        theme.apply_theme(themed, dark=dark)
        window, edge = _check_box_edge_lightness(qtbot)
        if dark:
            assert edge - window >= 80, (window, edge)
    theme.apply_theme(themed, dark=False)
