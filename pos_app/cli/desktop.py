"""`pos-app gui` and `pos-app screenshot`: the command line's only ways into the Qt app.

Both import ``pos_app.ui`` / ``pos_app.devtools`` inside the function, so no other command loads
Qt (tests/unit/test_cli_imports.py holds the CLI to that).
"""

from __future__ import annotations

import argparse

from pos_app.cli.input import UsageError
from pos_app.config import Config
from pos_app.i18n import gettext


def screenshot(args: argparse.Namespace) -> int:
    """Render a screen offscreen to a PNG, or list the screens."""
    from pos_app.devtools.screenshots import SCREENS, render, render_all, screen_list

    if args.list:
        for name, title in screen_list():
            print(f"{name:<16} {title}")
        return 0
    if args.all:
        if args.screen or args.path is None:
            raise UsageError(gettext("screenshot --all needs a folder PATH and no --screen"))
        for path in render_all(args.path, language=args.language, theme=args.theme):
            print(str(path))
        return 0
    if not args.screen or args.path is None:
        raise UsageError(gettext("screenshot needs --screen NAME and a PATH (or --list)"))
    if args.screen not in SCREENS:
        raise UsageError(
            gettext("unknown screen {name}; choose from {names}").format(
                name=repr(args.screen), names=", ".join(SCREENS)
            )
        )
    render(args.screen, args.path, language=args.language, theme=args.theme)
    print(str(args.path))
    return 0


def gui(config: Config) -> int:
    """Open the desktop app (lazy import: the other commands never load Qt)."""
    from pos_app.ui.shell.gui import run_gui

    return run_gui(config)
