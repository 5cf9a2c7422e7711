"""Settings ▸ This station ▸ Backups: the last backup (when, which file) and "Back up now".

Reading the folder and copying the database run through the task runner; the panel only
shows what comes back. The automatic backups (one a day, one before every upgrade) land in
the same folder, which keeps the newest 14.
"""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_app.domain.backups import KEEP_BACKUPS
from pos_app.i18n import N_, _
from pos_app.services.backup import BackupInfo, local_time, size_text
from pos_app.ui.kit import theme
from pos_app.ui.kit.form_kit import muted_label
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.manage.ports import BackupTaking

READ_KEY = "settings-backup-last"
RUN_KEY = "settings-backup-now"
NONE_YET = N_("No backup yet: the first is taken when the app starts.")


class BackupPanel(QWidget):
    """The last backup and a "Back up now" button."""

    def __init__(
        self,
        backups: BackupTaking,
        timezone: tzinfo,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._backups = backups
        self._tz = timezone
        self._runner = runner
        service = backups
        self.shown: BackupInfo | None = None  # the backup the line names, once read
        self.last_label = QLabel(_("Looking for backups…"))
        self.last_label.setWordWrap(True)
        self.last_label.setTextFormat(Qt.TextFormat.PlainText)
        self.last_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = muted_label(
            _(
                "Kept in {folder}: one a day and one before every upgrade; the newest "
                "{keep} stay. Copy them to another disk now and then."
            ).format(folder=service.folder, keep=KEEP_BACKUPS),
            wrap=True,
        )
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton(_("Back &up now"))
        self.button.setToolTip(_("Copy the database into the backups folder now"))
        self.spinner = Spinner(diameter=18)
        self.spinner.hide()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.spinner)
        row.addWidget(self.status, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        box.addWidget(self.last_label)
        box.addLayout(row)
        box.addWidget(self.hint)
        self.button.clicked.connect(self.back_up)
        if not service.available:
            self.last_label.setText(_(service.unavailable))
            self.button.setEnabled(False)
            self.hint.hide()
            return
        self.refresh()

    # -- public ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the newest backup in the background and show it."""
        self._runner.run(
            self._backups.last,
            on_success=self._show_last,
            on_failure=self._on_failed,
            key=READ_KEY,
            owner=self,
            quiet=True,
        )

    def back_up(self) -> None:
        """Take a backup now, in the background; the line above shows it when done."""
        started = self._runner.run(
            self._backups.back_up_now,
            on_success=self._on_done,
            on_failure=self._on_failed,
            key=RUN_KEY,
            owner=self,
        )
        if not started:
            return
        self.button.setEnabled(False)
        self.spinner.show()
        self._say(_("Backing up…"), None)

    def is_running(self) -> bool:
        """True while a backup or a read is out."""
        return self._runner.is_running(RUN_KEY) or self._runner.is_running(READ_KEY)

    def last_text(self) -> str:
        """The line naming the last backup."""
        return self.last_label.text()

    def status_text(self) -> str:
        """The sentence beside the button ('' before any run)."""
        return self.status.text()

    # -- results -----------------------------------------------------------------------

    def _show_last(self, info: BackupInfo | None) -> None:
        self.shown = info
        if info is None:
            self.last_label.setText(_(NONE_YET))
            return
        when = local_time(info.taken_at, self._tz)
        self.last_label.setText(
            _("Last backup: {when}, {file} ({size})").format(
                when=when, file=info.path.name, size=size_text(info.size)
            )
        )

    def _on_done(self, info: BackupInfo) -> None:
        self._end()
        self._show_last(info)
        self._say(_("Backed up."), "success")

    def _on_failed(self, error: BaseException) -> None:
        self._end()
        self._say(user_message(error), "danger")

    def _end(self) -> None:
        self.button.setEnabled(True)
        self.spinner.hide()

    def _say(self, text: str, tone: str | None) -> None:
        self.status.setText(text)
        # The stylesheet colours the tone in light and dark alike; no tone reads muted.
        theme.set_role(self.status, tone=tone, muted=tone is None)
