"""The "backups" screenshot: Settings ▸ This station with the last backup shown.

Kept apart from ``screenshots`` (which registers it) so that module does not grow further.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.devtools.settings_screenshot import pause, render_settings, wait_for
from pos_app.domain.backups import BackupKind

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.ui.manage.settings_dialog import SettingsDialog

SIZE = (760, 640)


def render_backups(ctx: AppContext, _demo: object, path: Path) -> None:
    """Take the day's backup, open Settings on This station, save the dialog as PNG."""
    ctx.backups.back_up_now(BackupKind.DAILY)  # demo data: set up before any window

    def shown(dialog: SettingsDialog) -> None:
        wait_for(
            lambda: dialog.backups.shown is not None,
            "the last backup was not shown in time",
        )
        pause(0.05)

    render_settings(ctx, path, tab="station", size=SIZE, ready=shown)
