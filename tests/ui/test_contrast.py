"""Readable: every text role has contrast ≥ 4.5:1 (3:1 for large text, as WCAG) in light and
dark, and body text is at least 13 px.

The colour pairs are computed, not eyeballed: the theme's tokens pair by pair, and on every
rendered screen the widget's palette foreground (which the stylesheet's ``color`` sets)
against the background it is painted on (see ``screen_walk.contrast_findings``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from pos_app.domain.booking import BookingStatus
from pos_app.ui.kit import palette, theme
from tests.ui import screen_walk


@pytest.mark.parametrize("screen", screen_walk.screens())
def test_every_text_has_enough_contrast_in_light_and_dark(screen: str) -> None:
    found = screen_walk.walk_screen(screen).report("contrast")
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("screen", screen_walk.screens())
def test_body_text_is_at_least_13_px(screen: str) -> None:
    found = screen_walk.walk_screen(screen).report("font")
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("tokens", [palette.LIGHT, palette.DARK], ids=["light", "dark"])
def test_every_text_token_reads_on_every_surface(tokens: palette.Tokens) -> None:
    surfaces = {
        "window": tokens.window,
        "surface": tokens.surface,
        "surface_alt": tokens.surface_alt,
        "button": tokens.button,
    }
    texts = {
        "text": tokens.text,
        "muted": tokens.muted,
        "success": tokens.success_text,
        "warning": tokens.warning_text,
        "danger": tokens.danger_text,
        "accent": tokens.accent_text,
    }
    low = [
        f"{t} on {s}: {palette.contrast(fg, bg):.2f}"
        for t, fg in texts.items()
        for s, bg in surfaces.items()
        if palette.contrast(fg, bg) < 4.5
    ]
    fills = [
        f"on_fill on {name}: {palette.contrast(tokens.on_fill, fill):.2f}"
        for name, fill in (("primary", tokens.primary), ("danger", tokens.danger))
        if palette.contrast(tokens.on_fill, fill) < 4.5
    ]
    notices = [
        f"notice {tone}: {palette.contrast(fg, bg):.2f}"
        for tone, (fg, bg) in tokens.notices.items()
        if palette.contrast(fg, bg) < 4.5
    ]
    assert low + fills + notices == []


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_status_chip_and_mode_badge_reads(dark: bool) -> None:
    chips = [
        f"{s.value}: {palette.contrast(c.fg, c.bg):.2f}"
        for s in BookingStatus
        if palette.contrast((c := palette.status_chip(s, dark)).fg, c.bg) < 4.5
    ]
    badges = [
        f"{mode}: {palette.contrast(b.fg, b.bg):.2f}"
        for mode, b in palette.MODE_BADGES.items()
        if palette.contrast(b.fg, b.bg) < 4.5
    ]
    assert chips + badges == []


def test_contrast_is_wcags_ratio() -> None:
    assert palette.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert palette.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert palette.contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    sheet, font, pal = qapp.styleSheet(), qapp.font(), qapp.palette()
    theme.apply_theme(qapp, dark=False)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    qapp.setPalette(pal)


def _window(qtbot: QtBot, *children: QWidget) -> QWidget:
    root = QWidget()
    qtbot.addWidget(root)
    box = QVBoxLayout(root)
    for child in children:
        box.addWidget(child)
    root.resize(400, 200)
    root.show()
    return root


def test_grey_on_white_and_small_text_are_reported(qtbot: QtBot, themed: QApplication) -> None:
    grey = QLabel("Quiet hint")
    grey.setObjectName("oldHint")
    grey.setStyleSheet("color: #8b9098; background: #ffffff;")  # the old muted text, 2.9:1
    small = QLabel("Tiny caption")
    f = QFont(small.font())
    f.setPixelSize(11)
    small.setFont(f)
    root = _window(qtbot, grey, small)
    contrast = [str(x) for x in screen_walk.contrast_findings(root)]
    assert contrast == [
        "QLabel#oldHint 'Quiet hint' [?]: text #8b9098 on #ffffff is 3.21:1, needs ≥ 4.5"
    ]
    fonts = [str(x) for x in screen_walk.font_findings(root)]
    assert fonts == ["QLabel 'Tiny caption' [?]: text is 11 px, body text needs ≥ 13 px"]


def test_the_roles_pass_in_both_schemes(qtbot: QtBot, themed: QApplication) -> None:
    muted = QLabel("Muted")
    theme.set_role(muted, muted=True)
    notice = QLabel("Saved")
    theme.set_role(notice, "notice", tone="success")
    chip = QLabel("Partially refunded")
    theme.set_role(chip, "chip", status=BookingStatus.PARTIALLY_REFUNDED.value)
    danger = QLabel("Card declined")
    theme.set_role(danger, tone="danger")
    root = _window(qtbot, muted, notice, chip, danger)
    for dark in (False, True):
        theme.apply_theme(themed, dark=dark)
        qtbot.wait(1)
        assert screen_walk.contrast_findings(root) == [], dark
    theme.apply_theme(themed, dark=False)
