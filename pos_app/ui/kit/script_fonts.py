"""Fonts the app ships for scripts a desk's system may not have (Bangla on most Linux and
older Windows installs), so a shipped language never draws as empty boxes."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from pos_app.resources import FONTS

_WS = QFontDatabase.WritingSystem

#: Per language: the writing system it needs, and the bundled files that draw it
#: (Noto Sans Bengali, SIL Open Font License 1.1: resources/fonts/OFL.txt).
BUNDLED: dict[str, tuple[_WS, tuple[str, ...]]] = {
    "bn": (_WS.Bengali, ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf")),
}

_added: set[str] = set()


def ensure_script_fonts(language: str) -> list[str]:
    """Register the bundled fonts ``language`` needs when the system has none for its script;
    the families added (none when the system draws it, or already done). Needs a QGuiApplication.

    Qt falls back to a registered family for characters the UI font lacks, so the app font
    itself stays the system's."""
    wanted = BUNDLED.get(language)
    if wanted is None or language in _added:
        return []
    _added.add(language)
    system, files = wanted
    if QFontDatabase.families(system):
        return []
    families: list[str] = []
    for name in files:
        font_id = QFontDatabase.addApplicationFont(str(FONTS / name))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return sorted(set(families))
