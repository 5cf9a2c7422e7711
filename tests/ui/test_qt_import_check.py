"""PySide6 asks of every module imported after it whether the module uses PySide6; pos-app
answers from the module's names (``qt_app.uses_pyside``) instead of reading its source file,
which cost about a fifth of the start's imports (bench/gui_responsiveness.py's cold start).
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import types

import pytest

import pos_app.domain.money
import pos_app.printing.qt_app
import pos_app.ui.shell.main_window
from pos_app.printing import qt_app


def test_a_module_holding_qt_names_uses_pyside_and_a_pure_one_does_not() -> None:
    assert qt_app.uses_pyside(pos_app.ui.shell.main_window)  # QMainWindow, QTimer…
    assert qt_app.uses_pyside(pos_app.printing.qt_app)
    assert not qt_app.uses_pyside(pos_app.domain.money)
    holds_module = types.ModuleType("holds_module")
    holds_module.qt = importlib.import_module("PySide6.QtCore")  # type: ignore[attr-defined]
    assert qt_app.uses_pyside(holds_module)


def test_an_object_that_refuses_every_attribute_breaks_no_import() -> None:
    class Refuses:
        def __getattribute__(self, name: str) -> object:
            raise RuntimeError(name)

    odd = types.ModuleType("odd")
    odd.thing = Refuses()  # type: ignore[attr-defined]
    assert not qt_app.uses_pyside(odd)


def test_this_pyside6_asks_the_check_that_pos_app_installs() -> None:
    """If a PySide6 upgrade renames its check, this fails: look again at qt_app's reason."""
    feature = sys.modules["shibokensupport.feature"]
    assert "_mod_uses_pyside" in feature.feature_imported.__code__.co_names
    assert feature._mod_uses_pyside is qt_app.uses_pyside


@pytest.mark.parametrize("entry", ["pos_app.ui.shell.gui", "pos_app.printing.qt_app"])
def test_importing_after_qt_reads_no_source_file(entry: str) -> None:
    """In a fresh interpreter: importing the app's modules after PySide6 reads none of their
    source files (inspect.getsource is what PySide6's own check calls)."""
    code = (
        "import inspect, json, sys\n"
        f"import {entry}\n"
        "read = []\n"
        "real = inspect.getsource\n"
        "inspect.getsource = lambda obj: read.append(getattr(obj, '__name__', '?')) or real(obj)\n"
        "import pos_app.ui.day.day_controller, pos_app.app\n"
        "print(json.dumps(read))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
