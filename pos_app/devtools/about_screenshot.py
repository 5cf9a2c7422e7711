"""The "about" screenshot: Help ▸ About pos-app on the demo day (version, mode, data folder).

Kept apart from ``screenshots`` (which registers it) so that module does not grow further.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.devtools.capture import opened, pause, save

if TYPE_CHECKING:
    from pos_app.app import AppContext


def render_about(ctx: AppContext, _demo: object, path: Path) -> None:
    """Open the About dialog as the Help menu does and save it as PNG."""
    from pos_app.ui.shell.about import AboutDialog, about_facts

    facts = about_facts(ctx.mode, ctx.config.data_dir)
    with opened(lambda _runner: AboutDialog(facts)) as dialog:
        pause(0.05)  # laid out and painted before the picture
        save(dialog, path)
