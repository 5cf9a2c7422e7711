"""Settings ▸ Stations: this station's name (its own Save), and every station sharing the
database with its version, whether it is online, and which one reads Stripe's updates.

The list is read through the task runner when the page is built, when it is shown again and
every 10 s while it is on screen; renaming runs there too. The words and the layout come
from ``stations_presenter`` (no Qt); this widget paints them.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.errors import FormErrors
from pos_app.domain.stations import HEARTBEAT_SECONDS, NAME_FIELD, NAME_MAX, StationList
from pos_app.i18n import N_, _
from pos_app.ui.kit import theme
from pos_app.ui.kit.tables import (
    ROW_HEIGHT,
    Column,
    RowsModel,
    rows_table,
    size_columns,
    table_or_empty,
)
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.manage.settings_rows import FieldRow, hint_label, section_label
from pos_app.ui.manage.stations_presenter import (
    EMPTY,
    NAME_HINT,
    StationLine,
    StationsState,
    stations_state,
)

LIST_KEY = "settings-stations-list"
RENAME_KEY = "settings-stations-rename"
SAVED = N_("✓ Saved. The other stations show the new name within seconds.")
UNAVAILABLE = N_("The stations are listed once the app has started.")


class StationsBrowsing(Protocol):
    """What the Stations page asks of the station service."""

    def listing(self) -> StationList:
        """Every station, as this station sees the list."""
        ...

    def rename(self, name: str) -> str:
        """Give this station ``name``; the name as saved (FormErrors when refused)."""
        ...


def _status_tone(line: StationLine) -> object:
    return theme.semantic("success") if line.online else None


COLUMNS: tuple[Column[StationLine], ...] = (
    Column(N_("Name"), lambda s: s.name),
    Column(N_("Version"), lambda s: s.version),
    Column(N_("Status"), lambda s: s.status, roles={Qt.ItemDataRole.ForegroundRole: _status_tone}),
    Column(N_("Stripe updates"), lambda s: s.stripe),
)


class NameEdit(QLineEdit):
    """The station name field: Enter saves the name (not the whole Settings dialog)."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class StationsPage(QWidget):
    """This station's name and the table of stations. ``loaded(StationsState)`` after each
    read of the list."""

    loaded = Signal(object)

    def __init__(
        self,
        stations: StationsBrowsing | None,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._stations = stations
        self._runner = runner
        self._state: StationsState | None = None
        self._name_touched = False
        self._read_again = False  # asked while a read was out: read once more after it

        self.name_edit = NameEdit()
        self.name_edit.setMaxLength(NAME_MAX)
        self.name_edit.setPlaceholderText(_("Front desk 2"))
        self.name_edit.setAccessibleName(_("Station name"))
        self.save_button = QPushButton(_("Sa&ve name"))
        self.save_button.setToolTip(
            _("Save this station's name (the other settings are not saved)")
        )
        self.name_row = FieldRow(self.name_edit, self.save_button, hint=_(NAME_HINT))
        self.saved_label = QLabel("")
        self.saved_label.setWordWrap(True)
        theme.set_role(self.saved_label, tone="success")
        self.saved_label.hide()

        self.refresh_button = QPushButton(_("Re&fresh"))
        self.refresh_button.setToolTip(_("Read the list of stations again"))
        self.note = hint_label("")
        self.model: RowsModel[StationLine] = RowsModel(COLUMNS, self)
        self.table = rows_table(self.model, "stationsTable", select=False)
        self.table.setAccessibleName(_("Stations"))
        size_columns(self.table, stretch=0, fit=(1, 2, 3))
        # Three stations and the header without scrolling: a small business's whole list.
        self.table.setMinimumHeight(4 * ROW_HEIGHT + 8)
        self.table_stack, self.empty_label = table_or_empty(self.table, _("Reading the stations…"))
        self.table_stack.setCurrentIndex(1)
        self.count_label = hint_label("")

        heading = QHBoxLayout()
        heading.setContentsMargins(0, 0, 0, 0)
        heading.addWidget(section_label(_("All stations")), 1)
        heading.addWidget(self.refresh_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 16, 8, 8)
        box.setSpacing(8)
        box.addWidget(section_label(_("This station's name")))
        box.addWidget(self.name_row)
        box.addWidget(self.saved_label)
        box.addSpacing(8)
        box.addLayout(heading)
        box.addWidget(self.note)
        box.addWidget(self.table_stack, 1)
        box.addWidget(self.count_label)

        self._timer = QTimer(self)
        self._timer.setInterval(round(HEARTBEAT_SECONDS * 1000))
        self._timer.timeout.connect(self.refresh)
        self.name_edit.textEdited.connect(self._on_name_edited)
        self.name_edit.submitted.connect(self.save_name)
        self.save_button.clicked.connect(self.save_name)
        self.refresh_button.clicked.connect(self.refresh)
        if stations is None:
            for widget in (self.name_edit, self.save_button, self.refresh_button):
                widget.setEnabled(False)
            self.empty_label.setText(_(UNAVAILABLE))
            return
        self.refresh()

    # -- public ------------------------------------------------------------------------

    @property
    def state(self) -> StationsState | None:
        """What the page shows (None before the first read)."""
        return self._state

    def rows_text(self) -> list[tuple[str, ...]]:
        """The table as shown, row by row."""
        return self.model.texts()

    def name_error(self) -> str:
        """The sentence under the name field ('' when none)."""
        error = self.name_row.error
        return error.text() if not error.isHidden() else ""

    def is_busy(self) -> bool:
        """True while a read or a rename is out."""
        return self._runner.is_running(LIST_KEY) or self._runner.is_running(RENAME_KEY)

    def refresh(self) -> None:
        """Read the list again, in the background."""
        stations = self._stations
        if stations is None:
            return
        started = self._runner.run(
            stations.listing,
            on_success=self._show,
            on_failure=self._on_list_failed,
            key=LIST_KEY,
            owner=self,
            quiet=True,
        )
        # The read out may have begun before what was asked for (a rename, Refresh).
        self._read_again = not started

    def save_name(self) -> None:
        """Save the name field as this station's name, in the background."""
        stations = self._stations
        if stations is None:
            return
        name = self.name_edit.text()
        started = self._runner.run(
            lambda: stations.rename(name),
            on_success=self._on_renamed,
            on_failure=self._on_rename_failed,
            key=RENAME_KEY,
            owner=self,
        )
        if started:
            self.name_row.error.show_error(None)
            self.saved_label.hide()
            self.save_button.setEnabled(False)

    # -- results -----------------------------------------------------------------------

    def _show(self, listing: StationList) -> None:
        stale = self._read_again  # began before a rename or Refresh: a newer read follows
        self._after_read()
        if stale:
            return  # showing it would put the old name back in the field for a moment
        state = stations_state(listing)
        self._state = state
        if not self._name_touched:
            self.name_edit.setText(state.this_name)
        self.note.setText(state.note)
        self.model.set_rows(state.lines)
        self.empty_label.setText(_(EMPTY))
        self.table_stack.setCurrentIndex(0 if state.lines else 1)
        self.count_label.setText(state.count)
        self.loaded.emit(state)

    def _on_list_failed(self, error: BaseException) -> None:
        self._after_read()
        self.empty_label.setText(user_message(error))
        self.table_stack.setCurrentIndex(1)

    def _after_read(self) -> None:
        if self._read_again:
            self.refresh()  # the runner freed the key before calling back

    def _on_renamed(self, name: str) -> None:
        self.save_button.setEnabled(True)
        self._name_touched = False
        self.name_edit.setText(name)
        self.saved_label.setText(_(SAVED))
        self.saved_label.show()
        self.refresh()

    def _on_rename_failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, FormErrors) and NAME_FIELD in error.errors:
            self.name_row.error.show_error(error.errors[NAME_FIELD])
        else:
            self.name_row.error.show_error(user_message(error))
        self.name_edit.setFocus()

    def _on_name_edited(self) -> None:
        # A name being typed is not overwritten by the next read of the list.
        self._name_touched = True
        self.saved_label.hide()

    # -- while shown, the list stays current ---------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stations is not None:
            if self._state is not None:
                self.refresh()
            self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)
