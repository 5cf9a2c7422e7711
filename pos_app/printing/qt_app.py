"""The Qt application object the printing code needs, made for pos-app when there is none.

Fonts, text layout and PDF writers need a ``QApplication``. The GUI (``ui.shell.gui``) builds
its own on top of this one (theme, garbage-collector guard); the CLI only needs
:func:`offscreen_application` to write a PDF without a display.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from pos_app.config import APP_NAME

_QT_PACKAGES = ("PySide6", "shiboken6")


def uses_pyside(module: ModuleType) -> bool:
    """Whether ``module``'s globals hold a PySide6 module, class or object.

    PySide6 asks this of every module imported after it (to know which modules its
    ``from __feature__ import snake_case`` switch must watch). Its own answer reads the
    module's whole source file to look for the word "PySide6": about a fifth of the app's
    import time, on the GUI thread before the first paint and on the worker that opens the
    database. pos-app selects no feature, so the answer changes nothing here; this one asks
    the module's names instead of its source.
    """
    try:
        values = list(vars(module).values())
    except TypeError:  # an object without a __dict__ standing in sys.modules
        return False
    for value in values:
        try:
            origin = value.__name__ if isinstance(value, ModuleType) else value.__module__
        except Exception:  # any object can sit in a module: none may break an import
            continue
        if isinstance(origin, str) and origin.startswith(_QT_PACKAGES):
            return True
    return False


def _ask_names_not_sources() -> None:
    """Install :func:`uses_pyside` as PySide6's per-import check, where this PySide6 has one
    (``shibokensupport.feature._mod_uses_pyside``); any other version is left as it is."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]


_ask_names_not_sources()


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
