"""Settings ▸ Connection ▸ "Check connection": the same lines as `pos-app doctor`.

The checks run in the background through the task runner (they call Stripe and write the
database); this widget only shows a spinner, then one line per check, ✓ or ✗ and a sentence,
in the colour of its outcome (the mark says it too, for anyone who cannot tell the colours).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_app.i18n import N_, _
from pos_app.services.doctor import Check, DoctorReport
from pos_app.ui.kit import theme
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.manage.ports import ConnectionDoctor

TASK_KEY = "settings-check-connection"
HINT = N_(
    "Checks the settings this app runs with, as pos-app doctor does: the key and each "
    "permission, a test session opened and closed at once (never in live mode), the events "
    "feed, the clock, webhooks and the database. Save first to check changed settings."
)
TONES = {"✓": "success", "✗": "danger", "–": None, "!": "warning"}


class ConnectionCheck(QWidget):
    """A "Check connection" button and, once run, one line per check.

    ``finished(DoctorReport)`` when a run's lines are shown.
    """

    finished = Signal(object)

    def __init__(
        self, doctor: ConnectionDoctor, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._doctor = doctor
        self._runner = runner
        self._report: DoctorReport | None = None
        self.button = QPushButton(_("Check conn&ection"))
        self.button.setToolTip(_("Run every check of the path to Stripe (nothing is charged)"))
        self.spinner = Spinner(diameter=18)
        self.spinner.hide()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.hint = QLabel(_(HINT))
        self.hint.setWordWrap(True)
        theme.set_role(self.hint, muted=True)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.button)
        top.addWidget(self.spinner)
        top.addWidget(self.status, 1)
        self.results = QVBoxLayout()
        self.results.setContentsMargins(0, 4, 0, 0)
        self.results.setSpacing(4)
        box = QVBoxLayout(self)
        # A Settings tab of its own: the lines need room the Payments form does not have.
        box.setContentsMargins(8, 16, 8, 8)
        box.setSpacing(6)
        box.addWidget(self.hint)
        box.addLayout(top)
        box.addLayout(self.results)
        box.addStretch(1)
        self._labels: list[QLabel] = []
        self.button.clicked.connect(self.check)

    # -- public ------------------------------------------------------------------------

    def check(self) -> None:
        """Run every check in the background; the lines replace the previous ones."""
        doctor = self._doctor
        started = self._runner.run(
            doctor.run,
            on_success=self._on_done,
            on_failure=self._on_failed,
            key=TASK_KEY,
            owner=self,
        )
        if not started:
            return  # a run is still out: its answer will come
        self.button.setEnabled(False)
        self.spinner.show()
        self.status.setText(_("Checking the connection…"))
        self._clear()

    def is_running(self) -> bool:
        """True while a run is out."""
        return self._runner.is_running(TASK_KEY)

    def lines(self) -> list[str]:
        """The lines shown, as `pos-app doctor` prints them."""
        return [label.text() for label in self._labels]

    def summary(self) -> str:
        """The sentence beside the button ('' before any run)."""
        return self.status.text()

    def report(self) -> DoctorReport | None:
        """The last run's report."""
        return self._report

    # -- results -----------------------------------------------------------------------

    def _clear(self) -> None:
        for label in self._labels:
            self.results.removeWidget(label)
            label.deleteLater()
        self._labels = []

    def _on_done(self, report: DoctorReport) -> None:
        self._report = report
        self._end()
        for check in report.checks:
            self._add_line(check)
        failed = sum(1 for c in report.checks if not c.ok)
        # "1 of 1 checks failed." as before: the English does not change with the count.
        if failed:
            self.status.setText(
                _("{failed} of {total} checks failed.").format(
                    failed=failed, total=len(report.checks)
                )
            )
        else:
            self.status.setText(_("All {total} checks passed.").format(total=len(report.checks)))
        self._tone(self.status, "danger" if failed else "success")
        self._reveal()
        self.finished.emit(report)

    def _on_failed(self, error: BaseException) -> None:
        self._end()
        self.status.setText(user_message(error))
        self._tone(self.status, "danger")

    def _end(self) -> None:
        self.button.setEnabled(True)
        self.spinner.hide()

    def _add_line(self, check: Check) -> None:
        label = QLabel(check.line)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if not check.ok:
            accessible = _("{check}: failed")
        elif check.warning:
            accessible = _("{check}: passed with a warning")
        else:
            accessible = _("{check}: passed")
        label.setAccessibleName(accessible.format(check=check.name))
        self._tone(label, TONES[check.mark])
        self.results.addWidget(label)
        self._labels.append(label)

    def _tone(self, label: QLabel, tone: str | None) -> None:
        # The stylesheet colours the tone in light and dark alike; no tone reads muted.
        theme.set_role(label, tone=tone, muted=tone is None)

    def _reveal(self) -> None:
        """Scroll the page (the Connection tab scrolls) so the button and the lines under it
        are in view; after the new lines are laid out, hence the zero timer."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea):
            area = parent
            QTimer.singleShot(0, self, lambda: self._scroll_to_button(area))

    def _scroll_to_button(self, area: QScrollArea) -> None:
        content = area.widget()
        if content is None:
            return
        # The page grows only when its pending layout requests run: run them now.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        top = self.button.mapTo(content, QPoint(0, 0)).y()
        bar = area.verticalScrollBar()
        bar.setValue(min(max(top - 12, 0), bar.maximum()))
