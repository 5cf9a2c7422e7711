"""The window's sync with Stripe: one pass at a time, the next one scheduled when it ends at
the backoff's pace, and the status bar's connection line kept current."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from pos_app.services.backoff import Backoff
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.shell.sync_status import ConnectionTracker, StatusLine

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.services.payment_sync import SyncReport


class SyncLoop(QObject):
    """Runs ``sync_once`` off the GUI thread, again and again, and reports each pass."""

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
        self._on_synced = on_synced
        self._on_failed = on_failed
        self._show_line = show_line
        self._backoff = Backoff()
        self._tracker: ConnectionTracker | None = None
        # Until the first pass after start has ended, money actions wait (see MainWindow).
        self.first_pending = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sync_now)

    def attach(self, ctx: AppContext) -> None:
        """Start keeping ``ctx`` in step with Stripe (call :meth:`sync_now` for the first pass)."""
        self._ctx = ctx
        self._backoff = Backoff(interval=ctx.config.poll_seconds)
        self._tracker = ConnectionTracker(ctx.config.timezone)
        self._show_line(self._tracker.line)

    def stop(self) -> None:
        """No more passes (at quit)."""
        self._timer.stop()
        self._ctx = None

    def sync_now(self) -> None:
        """One sync pass now (skipped while one is still running)."""
        ctx = self._ctx
        if ctx is None:
            return
        sync = ctx.sync
        full = self.first_pending  # the first pass after start re-reads everything unsettled
        self._runner.run(
            lambda: sync.sync_once(full=full),
            on_success=self._succeeded,
            on_failure=self._failed,
            key="sync",
            owner=self,
            quiet=True,
        )

    def _succeeded(self, report: SyncReport) -> None:
        self.first_pending = False
        self._schedule(self._backoff.succeeded())
        if self._tracker is not None:
            self._show_line(self._tracker.succeeded(report.errors))
        self._on_synced(report)

    def _failed(self, error: BaseException) -> None:
        # Offline at start: offer the actions anyway; each one re-reads Stripe itself.
        self.first_pending = False
        delay = self._backoff.failed()
        self._schedule(delay)
        if self._tracker is not None:
            self._show_line(self._tracker.failed(error, datetime.now(UTC), retry_in=delay))
        self._on_failed()

    def _schedule(self, seconds: float) -> None:
        if self._ctx is not None:
            self._timer.start(round(seconds * 1000))
