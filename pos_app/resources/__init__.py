"""Files the app reads at run time (chimes, the app icon, fonts), shipped inside the package so an
installed wheel carries them (tests/integration/test_wheel.py checks it)."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent
SOUNDS = RESOURCES / "sounds"
ICONS = RESOURCES / "icons"
#: Fonts for scripts a system may lack (resources/fonts/OFL.txt: their licence).
FONTS = RESOURCES / "fonts"
#: The app icon, drawn by hand; the PNGs are rendered from it (``pos_app.devtools.app_icons``).
APP_ICON_SVG = ICONS / "pos-app.svg"
#: The PNG sizes a window manager, a task bar or a desktop entry picks from.
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon_png(size: int) -> Path:
    """The app icon rendered at ``size`` × ``size`` pixels (one of ICON_SIZES)."""
    return ICONS / f"pos-app-{size}.png"
