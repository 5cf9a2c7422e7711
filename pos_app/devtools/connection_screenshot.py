"""The "connection" screenshot: Settings ▸ Connection after "Check connection" has run.

Kept apart from ``screenshots`` (which registers it) so that module does not grow further;
it needs nothing of it but the demo's app.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.devtools.settings_screenshot import pause, render_settings, wait_for

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.ui.manage.settings_dialog import SettingsDialog

SIZE = (760, 740)


def render_connection(ctx: AppContext, _demo: object, path: Path) -> None:
    """Open Settings on the Connection tab, run the check, save the dialog as PNG."""

    def checked(dialog: SettingsDialog) -> None:
        dialog.connection.check()
        wait_for(
            lambda: dialog.connection.report() is not None,
            "the connection check did not finish in time",
        )
        pause(0.3)  # the scroll to the results settles

    render_settings(ctx, path, tab="connection", size=SIZE, ready=checked)
