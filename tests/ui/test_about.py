"""Help ▸ About pos-app (version, mode, data folder) and the app icon the window carries."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from pos_app.app import AppContext
from pos_app.devtools.app_icons import render_png
from pos_app.resources import APP_ICON_SVG, ICON_SIZES, app_icon_png
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.shell.about import NOT_OPEN_YET, AboutDialog
from pos_app.ui.shell.gui import app_icon
from pos_app.ui.shell.main_window import MainWindow


def test_about_says_the_version_the_mode_and_the_data_folder(
    qtbot: QtBot, window: MainWindow, ui_app: AppContext
) -> None:
    assert window.about_action in window.menus.help.actions()
    window.about_action.trigger()
    dialog = window.about_dialog
    assert isinstance(dialog, AboutDialog)
    qtbot.waitExposed(dialog)
    assert dialog.version_label.text() == version("pos-app")
    assert dialog.mode_label.text() == "SANDBOX — no real money"
    assert dialog.data_dir_label.text() == str(ui_app.config.data_dir)
    dialog.close_button.click()
    assert not dialog.isVisible()


def test_about_opens_while_the_app_is_still_starting(qtbot: QtBot, runner: TaskRunner) -> None:
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.show()
    dialog = w.open_about()
    assert isinstance(dialog, AboutDialog)
    assert dialog.version_label.text() == version("pos-app")
    assert dialog.mode_label.text() == NOT_OPEN_YET
    assert dialog.data_dir_label.text() == NOT_OPEN_YET
    dialog.close()


def test_the_app_icon_has_every_size() -> None:
    icon = app_icon()
    assert sorted(s.width() for s in icon.availableSizes()) == sorted(ICON_SIZES)
    for size in ICON_SIZES:
        assert not icon.pixmap(size, size).isNull()


def test_the_desktop_app_sets_its_window_icon() -> None:
    # A fresh QApplication (the test process already has one): what `pos-app` itself builds.
    probe = (
        "from pos_app.ui.shell.gui import ensure_application\n"
        "app = ensure_application()\n"
        "print(sorted(s.width() for s in app.windowIcon().availableSizes()))\n"
    )
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(sorted(ICON_SIZES))


def test_the_committed_pngs_are_the_svg_rendered(qapp: object, tmp_path: Path) -> None:
    # An edited SVG needs `python -m pos_app.devtools.app_icons` before it is committed.
    for size in ICON_SIZES:
        fresh = QImage(str(render_png(APP_ICON_SVG, size, tmp_path / f"{size}.png")))
        committed = QImage(str(app_icon_png(size)))
        assert committed.size() == fresh.size()
        committed = committed.convertToFormat(fresh.format())
        # Qt releases differ by one level of anti-aliasing on a few edge pixels (6.11.3: 5
        # pixels off by 1); an edited drawing moves whole shapes, far more than that.
        pairs = zip(bytes(committed.constBits()), bytes(fresh.constBits()), strict=True)
        worst = max((abs(a - b) for a, b in pairs), default=0)
        assert worst <= 2, f"{size} px differs (by up to {worst} of 255)"
