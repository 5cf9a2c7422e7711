"""The first-run dialog: create the manager account (name and PIN twice), then sign in."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QWidget

from pos_app.domain.people import Actor
from pos_app.i18n import _
from pos_app.ui.kit.form_kit import (
    BusyState,
    FormFeedback,
    dialog_buttons,
    dialog_layout,
    dialog_title,
    form_layout,
)
from pos_app.ui.kit.forms import ErrorLabel, FieldWithError, form_label
from pos_app.ui.kit.pin import pin_edit
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.people.ports import FirstRunPeople


class FirstRunDialog(QDialog):
    """Create the manager account on a new install (name and PIN twice), then sign in."""

    created = Signal(object)  # Actor

    def __init__(
        self, people: FirstRunPeople, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._people = people
        self._runner = runner
        self.actor: Actor | None = None
        self.setWindowTitle(_("Create the manager account"))
        self.setModal(True)
        self.setMinimumWidth(520)

        title = dialog_title(self, _("Create the manager account"))
        intro = QLabel(
            _(
                "This is the first account. Managers add staff, approve refunds and read the "
                "audit log. Choose a PIN of 4 to 8 digits that others cannot guess."
            )
        )
        intro.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("e.g. Alex Morgan"))
        self.name_edit.setMaxLength(120)
        self.pin_edit = pin_edit(_("4 to 8 digits"))
        self.pin_again_edit = pin_edit(_("The same PIN again"))
        self.rows = {
            "name": FieldWithError(self.name_edit),
            "pin": FieldWithError(self.pin_edit),
            "pin_again": FieldWithError(self.pin_again_edit),
        }
        form = form_layout()
        form.addRow(form_label(_("&Name"), self.name_edit), self.rows["name"])
        form.addRow(form_label(_("&PIN"), self.pin_edit), self.rows["pin"])
        form.addRow(form_label(_("PIN &again"), self.pin_again_edit), self.rows["pin_again"])
        self.general_error = ErrorLabel()
        self._feedback = FormFeedback(self.rows, self.general_error)
        layout = dialog_layout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        self.buttons, self.create_button = dialog_buttons(
            self, layout, _("Create and sign in"), self.submit
        )
        self._busy = BusyState(
            self,
            self.create_button,
            self.name_edit,
            self.pin_edit,
            self.pin_again_edit,
            label=self.create_button,
        )
        self.name_edit.setFocus()

    def field_error(self, field: str) -> str:
        """The sentence under ``field`` ('' when none)."""
        return self._feedback.text(field)

    def submit(self) -> None:
        """Create the account in the background."""
        self._feedback.clear()
        name, pin, again = self.name_edit.text(), self.pin_edit.text(), self.pin_again_edit.text()
        people = self._people
        self._busy.begin(_("Creating…"))
        self._runner.run(
            lambda: people.create_first_manager(name, pin, again),
            on_success=self._on_created,
            on_failure=self._on_failed,
            owner=self,
        )

    def _on_created(self, actor: Actor) -> None:
        self._busy.end()
        self.actor = actor
        self.created.emit(actor)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self._busy.end()
        first = self._feedback.show_error(error)
        edit = self.rows[first].field if first is not None else None
        if isinstance(edit, QLineEdit):
            edit.selectAll()  # typed again from scratch
