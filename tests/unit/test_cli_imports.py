"""The command line loads no Qt and no ui (issue 12): only `pos-app gui` and `pos-app screenshot`
reach into the desktop app, each through one import inside its function (``cli/desktop.py``).
PDFs are drawn by ``pos_app.printing``, never by ui. import-linter checks the same graph in
pyproject.toml; this test also tells a lazy import from a module-level one."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import pos_app.cli
from pos_app import cli

pytestmark = pytest.mark.source_tree  # mutation runs leave it out: see tests/conftest.py

CLI = Path(pos_app.cli.__file__).resolve().parent
DESKTOP_APP = ("pos_app.ui", "pos_app.devtools", "PySide6", "shiboken6")
# The only ways in, as (module of the CLI, module it imports inside a function).
LAZY_LAUNCHERS = {
    ("desktop", "pos_app.ui.shell.gui"),
    ("desktop", "pos_app.devtools.screenshots"),
}


def _names(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [node.module or ""] if node.level == 0 else []


def _reaches_desktop_app(name: str) -> bool:
    return any(name == top or name.startswith(top + ".") for top in DESKTOP_APP)


def imports_of(source: str) -> tuple[list[str], list[str]]:
    """(imports run when the module loads, imports inside a function) of a module's source.
    Imports under ``if TYPE_CHECKING:`` count as module level: they name what the module
    depends on, and a cycle or a layer rule does not care when it is loaded."""
    module_level: list[str] = []
    lazy: list[str] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                (lazy if in_function else module_level).extend(_names(child))
            inside = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            visit(child, inside)

    visit(ast.parse(source), False)
    return module_level, lazy


def offending_imports(folder: Path) -> list[str]:
    """Every import of Qt, ui or devtools by the modules in ``folder`` but the lazy launchers."""
    found: list[str] = []
    for path in sorted(folder.glob("*.py")):
        module_level, lazy = imports_of(path.read_text(encoding="utf-8"))
        found += [
            f"{path.stem}: {n} (module level)" for n in module_level if _reaches_desktop_app(n)
        ]
        found += [
            f"{path.stem}: {n} (in a function)"
            for n in lazy
            if _reaches_desktop_app(n) and (path.stem, n) not in LAZY_LAUNCHERS
        ]
    return found


def test_the_cli_reaches_the_desktop_app_only_through_its_two_lazy_launchers() -> None:
    assert offending_imports(CLI) == []
    # The launchers are still there, lazily: the test above looked at the right files.
    _, lazy = imports_of((CLI / "desktop.py").read_text(encoding="utf-8"))
    assert {name for _, name in LAZY_LAUNCHERS} <= set(lazy)


def test_the_check_tells_lazy_launchers_from_other_imports(tmp_path: Path) -> None:
    (tmp_path / "desktop.py").write_text(
        "def gui():\n    from pos_app.ui.shell.gui import run_gui\n", encoding="utf-8"
    )
    (tmp_path / "receipts.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pos_app.ui.kit.theme import Palette\n"
        "def pdf():\n    from pos_app.ui.reports.receipt_view import write_pdf_offscreen\n"
        "    from pos_app.printing.receipt import write_pdf_offscreen\n",
        encoding="utf-8",
    )
    (tmp_path / "servers.py").write_text("import PySide6.QtCore\n", encoding="utf-8")
    assert offending_imports(tmp_path) == [
        "receipts: pos_app.ui.kit.theme (module level)",
        "receipts: pos_app.ui.reports.receipt_view (in a function)",
        "servers: PySide6.QtCore (module level)",
    ]


def _loaded_after_importing_the_cli() -> list[str]:
    # Every command's module, as running each command would import it.
    probe = (
        "import sys, pos_app.cli as cli\n"
        "for target in (*cli.HANDLERS.values(), *cli.OWN_HANDLERS.values()):\n"
        "    cli.handler(target)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.split()


def test_importing_the_cli_loads_no_qt_and_no_ui() -> None:
    # What a script's `pos-app status` pays for: the command modules load, the desktop app not.
    loaded = _loaded_after_importing_the_cli()
    assert "pos_app.cli.payments" in loaded
    assert [m for m in loaded if _reaches_desktop_app(m) or m.startswith("pos_app.printing")] == []


def test_pos_app_reaches_the_window_before_sqlalchemy_loads(tmp_path: Path) -> None:
    # `pos-app` parses its command line and reads its settings on the main thread before the
    # window can paint; SQLAlchemy (about half a second) loads later, on the worker.
    probe = (
        "import sys, pos_app.cli\n"
        "from pos_app.cli import desktop\n"
        "def gui(config):\n"
        "    print(' '.join(sorted(sys.modules)))\n"
        "    return 0\n"
        "desktop.gui = gui\n"
        "sys.exit(pos_app.cli.main([]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POS_", "STRIPE_"))}
    env |= {"POS_DATA_DIR": str(tmp_path / "data"), "POS_TIMEZONE": "UTC"}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    loaded = result.stdout.split()
    assert "pos_app.config" in loaded
    assert [m for m in loaded if m.split(".")[0] in ("sqlalchemy", "alembic", "stripe")] == []
    # Nor the other commands' modules and the services they use (about 0.1 s before the
    # first paint): each command imports its own module when it runs.
    assert [m for m in loaded if m.startswith("pos_app.services")] == []
    commands = {t.split(":")[0] for t in (*cli.HANDLERS.values(), *cli.OWN_HANDLERS.values())}
    # The grammar (parser.py, which names their flags) and cli_actor load only for a command
    # with words (session 20), and babel (``locale_format``) with the first date or amount.
    assert sorted(m for m in commands - {"desktop"} if f"pos_app.cli.{m}" in loaded) == []
    assert [m for m in ("pos_app.cli.parser", "babel") if m in loaded] == []


def test_version_prints_the_package_version_without_loading_qt_or_the_database(
    tmp_path: Path,
) -> None:
    # `pos-app --version` answers from the package metadata alone, before any setting is read
    # or the data folder made: no Qt, no SQLAlchemy; exit 0.
    from importlib.metadata import version

    probe = (
        "import sys, pos_app.cli\n"
        "try:\n"
        "    pos_app.cli.main(['--version'])\n"
        "except SystemExit as done:\n"
        "    print('exit', done.code)\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POS_", "STRIPE_"))}
    env |= {"POS_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.stdout.splitlines() == [f"pos-app {version('pos-app')}", "exit 0"]
    loaded = result.stderr.split()
    assert "pos_app.version" in loaded  # the answer came from version.py
    heavy = ("sqlalchemy", "alembic", "stripe", "PySide6", "shiboken6")
    assert [m for m in loaded if m.split(".")[0] in heavy] == []
    assert not (tmp_path / "data").exists()
