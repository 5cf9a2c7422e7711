"""The automatic daily backup while the desktop app runs.

Checked once when the app has opened and then every hour, through the task runner (a backup
reads the whole database, so never on the GUI thread). The service takes one only when none
was taken on this calendar day, so the hourly check costs a folder listing; an app left
running overnight takes the next day's backup within the hour after midnight.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from pos_app.i18n import _
from pos_app.services.backup import BackupInfo, BackupService
from pos_app.ui.kit.tasks import TaskRunner, user_message

log = logging.getLogger(__name__)

CHECK_EVERY_MS = 60 * 60 * 1000
TASK_KEY = "backup-daily"


class DailyBackups(QObject):
    """Takes the day's backup when due; ``notify(sentence)`` when one fails."""

    def __init__(
        self,
        runner: TaskRunner,
        service: BackupService,
        notify: Callable[[str], None],
        parent: QObject | None = None,
        *,
        interval_ms: int = CHECK_EVERY_MS,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._service = service
        self._notify = notify
        self.last: BackupInfo | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check_now)

    def start(self) -> None:
        """Check now (the backup at start), then every interval."""
        if not self._service.available:
            return  # a database server: backed up with its own tools
        self._timer.start()
        self.check_now()

    def stop(self) -> None:
        """No more checks (at quit)."""
        self._timer.stop()

    def check_now(self) -> None:
        """Take today's backup in the background unless it exists (quiet: no busy bar)."""
        self._runner.run(
            self._service.daily_if_due,
            on_success=self._done,
            on_failure=self._failed,
            key=TASK_KEY,
            owner=self,
            quiet=True,
        )

    def _done(self, info: BackupInfo | None) -> None:
        if info is not None:
            self.last = info

    def _failed(self, error: BaseException) -> None:
        log.warning("backup.daily_failed error=%s", error)
        self._notify(
            _("Today's automatic backup failed. {reason}").format(reason=user_message(error))
        )
