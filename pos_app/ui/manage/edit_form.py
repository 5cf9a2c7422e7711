"""The form the catalogue and the customers windows edit a record with: labelled fields, each
with its sentence underneath, a sentence for the whole form, a status line and a primary save
button that is disabled while the save runs in the background."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from pos_app.ui.kit import theme
from pos_app.ui.kit.form_kit import BusyState, FormFeedback, form_layout, muted_label
from pos_app.ui.kit.forms import ErrorLabel, FieldWithError, form_label


class EditForm:
    """``fields`` are (name, label with its ``&`` key, widget), in order; ``name`` is what
    the service's ``FormErrors`` call the field."""

    def __init__(
        self,
        owner: QWidget,
        fields: Sequence[tuple[str, str, QWidget]],
        save_button: QPushButton,
    ) -> None:
        self.rows = {name: FieldWithError(widget) for name, _label, widget in fields}
        self.labels: dict[str, QLabel] = {}
        self.layout = form_layout(vertical_spacing=8)
        for name, text, widget in fields:
            self.labels[name] = form_label(text, widget)
            self.layout.addRow(self.labels[name], self.rows[name])
        self.general_error = ErrorLabel()
        self.feedback = FormFeedback(self.rows, self.general_error)
        self.status_label = muted_label()
        self.save_button = save_button
        theme.make_primary(save_button)
        self.busy = BusyState(owner, save_button, label=self.status_label)

    def error_text(self, field: str) -> str:
        """The sentence under a field ('' when none); 'general' for the one above the buttons."""
        if field == "general":
            return self.general_error.text()
        return self.feedback.text(field)

    def button_row(self, *before_save: QWidget) -> QHBoxLayout:
        """The status line, then ``before_save`` (e.g. Close), then the save button."""
        row = QHBoxLayout()
        row.addWidget(self.status_label, 1)
        for widget in before_save:
            row.addWidget(widget)
        row.addWidget(self.save_button)
        return row
