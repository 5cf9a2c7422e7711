"""Render the app icon's PNG sizes from its SVG with QtSvg (run after editing the SVG).

``python -m pos_app.devtools.app_icons`` rewrites ``pos_app/resources/icons/pos-app-N.png``;
the PNGs are committed, so the app never renders SVG at start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from pos_app.resources import APP_ICON_SVG, ICON_SIZES, app_icon_png


def render_png(svg: Path, size: int, out: Path) -> Path:
    """Draw ``svg`` into a transparent ``size`` × ``size`` PNG at ``out``."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not an SVG QtSvg can draw.")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(out)):
        raise OSError(f"Could not write {out}.")
    return out


def render_all() -> list[Path]:
    """Every size of ICON_SIZES, next to the SVG."""
    return [render_png(APP_ICON_SVG, size, app_icon_png(size)) for size in ICON_SIZES]


def main() -> int:
    """Render the PNGs and print their paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for path in render_all():
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
