"""The window's sync with Stripe: the station's poller ticked off the GUI thread, the next
tick scheduled when one ends, and the status bar's connection line kept current.

The poller (``pos_app.sync.poller``, Qt-free) decides each tick whether this station reads
Stripe's events feed for the business (the leader) or waits to take over (standby), and at
what pace; this loop only runs its ticks on the TaskRunner and shows what they did.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from pos_app.domain.poll_pace import PollRole
from pos_app.i18n import N_
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.shell.sync_status import ConnectionTracker, Link, StatusLine

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.services.payment_sync import SyncReport
    from pos_app.sync.poller import Poller, Tick

#: The status bar of a standby station (the stations table will name the leader).
STANDBY_LINE = StatusLine(
    Link.UNKNOWN,
    N_("Another station reads Stripe's updates"),
    N_("This station takes over within seconds if that one stops."),
)
#: A standby station that cannot reach the database (so cannot take over either).
DATABASE_LINE = StatusLine(
    Link.RETRYING,
    N_("Database: not answering, retrying…"),
    N_("The database server does not answer; this station waits for it."),
)
#: Before the first tick, or when a tick itself failed (the runner's error): retry this soon.
RETRY_SECONDS = 2.0


class SyncLoop(QObject):
    """Ticks the station's poller off the GUI thread, again and again, and reports each pass."""

    def __init__(
        self,
        parent: QObject,
        runner: TaskRunner,
        *,
        on_synced: Callable[[SyncReport], None],
        on_failed: Callable[[], None],
        show_line: Callable[[StatusLine], None],
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._ctx: AppContext | None = None
        self._poller: Poller | None = None
        self._on_synced = on_synced
        self._on_failed = on_failed
        self._show_line = show_line
        self._tracker: ConnectionTracker | None = None
        # Until the first tick after start has ended, money actions wait (see MainWindow).
        self.first_pending = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)

    @property
    def role(self) -> PollRole | None:
        """Leader (reads Stripe's feed for the business) or standby; None before the first tick."""
        return self._poller.role if self._poller is not None else None

    def attach(self, ctx: AppContext) -> None:
        """Start keeping ``ctx`` in step with Stripe (call :meth:`sync_now` for the first tick)."""
        self._ctx = ctx
        self._poller = ctx.poller()  # no database work: the lock is tried on the first tick
        self._tracker = ConnectionTracker(ctx.config.timezone)
        self._show_line(self._tracker.line)

    def stop(self) -> None:
        """No more ticks (at quit; closing the app context lets the leader lock go)."""
        self._timer.stop()
        self._ctx = None
        self._poller = None

    def sync_now(self) -> None:
        """A pass now if this station leads (else a leader check); skipped while one runs."""
        self._run(force=True)

    def _tick(self) -> None:
        self._run(force=False)

    def _run(self, *, force: bool) -> None:
        poller = self._poller
        if poller is None:
            return
        self._runner.run(
            lambda: poller.tick(force=force),
            on_success=self._ticked,
            on_failure=self._failed,
            key="sync",
            owner=self,
            quiet=True,
        )

    def _ticked(self, tick: Tick) -> None:
        was_pending, self.first_pending = self.first_pending, False
        self._schedule(tick.delay)
        if tick.role is PollRole.STANDBY:
            self._show_line(STANDBY_LINE if tick.error is None else DATABASE_LINE)
            if tick.role_changed or was_pending:
                # Nothing to read from Stripe here: the actions are offered, the day reloaded.
                self._on_failed()
            return
        if self._tracker is None:
            return
        if tick.error is not None:
            self._show_line(self._tracker.failed(tick.error, datetime.now(UTC), tick.delay))
            self._on_failed()
        elif tick.report is not None:
            self._show_line(self._tracker.succeeded(tick.report.errors))
            self._on_synced(tick.report)
        elif tick.role_changed:
            self._show_line(self._tracker.line)

    def _failed(self, error: BaseException) -> None:
        # A tick never raises an Exception; this is a bug's (logged by the runner). Offline
        # at start: offer the actions anyway; each one re-reads Stripe itself.
        self.first_pending = False
        self._schedule(RETRY_SECONDS)
        if self._tracker is not None:
            self._show_line(self._tracker.failed(error, datetime.now(UTC), RETRY_SECONDS))
        self._on_failed()

    def _schedule(self, seconds: float) -> None:
        if self._ctx is not None:
            self._timer.start(round(seconds * 1000))
