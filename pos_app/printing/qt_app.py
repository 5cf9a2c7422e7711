"""The Qt application object the printing code needs, made for pos-app when there is none.

Fonts, text layout and PDF writers need a ``QApplication``. The GUI (``ui.shell.gui``) builds
its own on top of this one (theme, garbage-collector guard); the CLI only needs
:func:`offscreen_application` to write a PDF without a display.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from pos_app.config import APP_NAME


def ensure_application(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, or a new one named for pos-app with fractional HiDPI scaling."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Pass fractional scale factors through (125 %, 150 %) instead of rounding them, so text
    # is the size the user chose; must be set before the application object exists.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_NAME)
    return app


def offscreen_application() -> QApplication:
    """The running QApplication, or a new one that needs no display (for the CLI)."""
    if QApplication.instance() is None:
        # A terminal or a cron job may have no display; a PDF does not need one.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return ensure_application()
