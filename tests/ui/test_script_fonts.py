"""Bangla draws with real glyphs on a machine without a Bengali font (CI has none): the app
registers the Noto Sans Bengali it ships."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontDatabase, QRawFont, QTextLayout
from PySide6.QtWidgets import QApplication

from pos_app.resources import FONTS
from pos_app.ui.kit import script_fonts

BANGLA = "বুকিং পরিশোধিত"


def test_every_bundled_font_is_a_font_for_its_script() -> None:
    for system, names in script_fonts.BUNDLED.values():
        for name in names:
            raw = QRawFont(str(FONTS / name), 14)
            assert raw.isValid(), name
            assert system in raw.supportedWritingSystems(), name
    assert (FONTS / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE") == 1


def test_bangla_is_drawn_after_the_fonts_are_ensured(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(script_fonts, "_added", set())
    script_fonts.ensure_script_fonts("bn")
    assert QFontDatabase.families(QFontDatabase.WritingSystem.Bengali) != []
    # The UI font lacks Bengali (DejaVu Sans here); Qt's fallback draws it with a font that
    # has it, so no run of the laid-out text is drawn in a font without the script.
    layout = QTextLayout(BANGLA, qapp.font())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    runs = layout.glyphRuns()
    assert runs
    assert all(
        QFontDatabase.WritingSystem.Bengali in run.rawFont().supportedWritingSystems()
        for run in runs
    ), [run.rawFont().familyName() for run in runs]


def test_english_and_german_add_no_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(script_fonts, "_added", set())
    assert script_fonts.ensure_script_fonts("en") == []
    assert script_fonts.ensure_script_fonts("de") == []
