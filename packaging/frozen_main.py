"""The standalone app's entry point (PyInstaller freezes this file as `pos-app`).

The app starts helper processes the way Python runs a module (``sys.executable -m
pos_app.sandbox …`` for the sandbox, ``-m pos_app`` to restart after Settings). A frozen
executable is not Python, so it understands that one form itself: ``pos-app -m MODULE ARGS``
runs the bundled module as ``python -m`` would. Anything else is the `pos-app` command.
"""

from __future__ import annotations

import multiprocessing
import runpy
import sys


def main() -> None:
    """Run ``-m MODULE`` like Python, else the `pos-app` command line."""
    multiprocessing.freeze_support()
    if len(sys.argv) >= 3 and sys.argv[1] == "-m":
        module = sys.argv[2]
        sys.argv = [sys.argv[0], *sys.argv[3:]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return
    from pos_app.cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
