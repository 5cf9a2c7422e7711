"""Screenshots of the Settings dialog: open it on a tab as a manager, let the caller wait for
what the picture must show, save it as PNG. Shared by the connection and backups screens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pos_app.devtools.capture import pause as pause
from pos_app.devtools.capture import save, wait_until
from pos_app.domain.people import Actor, Role
from pos_app.ui.kit.tasks import TaskRunner

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.ui.manage.settings_dialog import SettingsDialog

WAIT_SECONDS = 30.0


def settings_for(ctx: AppContext, runner: TaskRunner, *args: Any, **kw: Any) -> SettingsDialog:
    """Settings as the window builds it: given ``ctx``'s settings, backups, doctor and
    stations, the running mode and the business's time zone (``args``/``kw``: parent, tab,
    restart…)."""
    from pos_app.ui.manage.settings_dialog import SettingsDialog

    return SettingsDialog(
        ctx.settings,
        ctx.backups,
        ctx.doctor,
        runner,
        *args,
        mode=ctx.mode,
        timezone=ctx.config.timezone,
        stations=ctx.stations,
        **kw,
    )


def render_settings(
    ctx: AppContext,
    path: Path,
    *,
    tab: str,
    size: tuple[int, int],
    ready: Callable[[SettingsDialog], None],
) -> None:
    """Open Settings on ``tab``, run ``ready(dialog)`` until the screen is what to show,
    then save the dialog as PNG; the desk's actor is put back afterwards."""
    previous = ctx.deps.desk.actor
    ctx.deps.desk.sign_in(Actor("usr_demo", "Demo manager", Role.MANAGER))
    runner = TaskRunner()
    dialog = settings_for(ctx, runner, tab=tab, restart=lambda: None)
    try:
        dialog.resize(*size)
        dialog.show()
        wait_for(dialog.is_loaded, "the settings did not load in time")
        ready(dialog)
        save(dialog, path)
    finally:
        runner.shutdown()
        dialog.done(0)
        dialog.deleteLater()
        ctx.deps.desk.sign_in(previous)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Spin the event loop until ``condition()`` holds; TimeoutError(``what``) after a while."""
    try:
        wait_until(condition, WAIT_SECONDS)
    except TimeoutError:
        raise TimeoutError(what) from None
