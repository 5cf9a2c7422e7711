"""What the cash, deposit and refund dialogs share: one amount of money, a line saying what
will happen, and an action button that says the amount.

A subclass names its service call (:meth:`AmountDialog._request`), what to keep and announce
when it succeeds (:meth:`AmountDialog._finish`) and what the preview says
(:meth:`AmountDialog._update_preview`); typing, busy state, sentences and focus are here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QWidget

from pos_app.domain.errors import ValidationError
from pos_app.domain.money import Money
from pos_app.ui.kit import theme
from pos_app.ui.kit.form_kit import (
    BusyState,
    cancel_button,
    dialog_buttons,
    dialog_layout,
    dialog_title,
    form_layout,
)
from pos_app.ui.kit.forms import ErrorLabel, FieldWithError, form_label
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.payments.amount_presenter import amount_on_button


class AmountDialog(QDialog):
    """Title, a summary line, the amount (with its sentence), a preview, an error line and
    Cancel plus the action button."""

    def __init__(
        self,
        runner: TaskRunner,
        parent: QWidget | None,
        *,
        title: str,
        summary: str,
        field_label: str,
        field: str,
        action: str,
        busy_text: str,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._field = field  # the name the service gives the amount in its sentences
        self._action = action
        self._busy_text = busy_text
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(560)

        self.summary_label = QLabel(summary)
        self.summary_label.setWordWrap(True)
        self.summary_label.setFont(theme.font(self, scale=1.1))
        self.amount_edit = QLineEdit()
        self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount_row = FieldWithError(self.amount_edit)
        self.preview_label = QLabel("")
        self.preview_label.setWordWrap(True)
        self.preview_label.setFont(theme.font(self, scale=1.05, bold=True))
        # Room for two lines from the start: a dialog does not grow when a sentence wraps.
        self.preview_label.setMinimumHeight(self.preview_label.fontMetrics().lineSpacing() * 2 + 4)
        self.form = form_layout()
        self.form.addRow(form_label(field_label, self.amount_edit), self.amount_row)
        self.general_error = ErrorLabel()

        layout = dialog_layout(self)
        layout.addWidget(dialog_title(self, title))
        layout.addWidget(self.summary_label)
        layout.addLayout(self.form)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.general_error)
        self.buttons, self.action_button = dialog_buttons(self, layout, action, self.submit)
        self.busy = BusyState(
            self,
            self.action_button,
            cancel_button(self.buttons),
            self.amount_edit,
            label=self.preview_label,
        )
        self.amount_edit.textChanged.connect(self._on_amount_edited)

    # -- public -------------------------------------------------------------------------

    def amount_error(self) -> str:
        """The sentence under the amount field ('' when none)."""
        return self.amount_row.error.text()

    def preview_text(self) -> str:
        """The preview line as shown."""
        return self.preview_label.text()

    def submit(self) -> None:
        """Send the amount to the service in the background."""
        self.amount_row.error.show_error(None)
        self.general_error.show_error(None)
        call = self._request()
        if call is None:
            return
        self.busy.begin(self._busy_text)
        self._runner.run(call, on_success=self._on_done, on_failure=self._on_failed, owner=self)

    # -- for subclasses -----------------------------------------------------------------

    def _request(self) -> Callable[[], Any] | None:
        """The service call to make, or None (having said why) to send nothing."""
        raise NotImplementedError

    def _finish(self, result: Any) -> None:
        """Keep and announce what the service returned; the dialog then closes."""
        raise NotImplementedError

    def _update_preview(self) -> None:
        """Say what the amount typed will do."""
        raise NotImplementedError

    def _say_amount_on_button(self, limit: Money | None) -> None:
        """Put a valid amount (more than zero, at most ``limit``) on the action button: the
        last thing read before money moves."""
        text = amount_on_button(self._action, self.amount_edit.text(), limit, self._field)
        self.action_button.setText(text)
        # The amount is the last thing read before money moves: never clip it. The primary
        # role draws the words bold, with 16 px of padding each side.
        bold = QFont(self.action_button.font())
        bold.setBold(True)
        needed = QFontMetrics(bold).horizontalAdvance(text) + 2 * 16 + 8
        self.action_button.setMinimumWidth(max(self.action_button.minimumWidth(), needed))

    def _show_failure(self, error: BaseException) -> None:
        """A refused amount (or anything else) right under the amount, where the person is
        looking; a sentence about another field on the general line."""
        self._update_preview()
        self.preview_label.setText("")  # the sentence under the amount says it all
        if isinstance(error, ValidationError) and error.field != self._field:
            self.general_error.show_error(error.message)
        else:
            self.amount_row.error.show_error(user_message(error))
        self.amount_edit.setFocus()

    # -- internals ----------------------------------------------------------------------

    def _on_amount_edited(self) -> None:
        self.amount_row.error.show_error(None)
        self._update_preview()

    def _on_done(self, result: Any) -> None:
        self.busy.end()
        self._finish(result)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.busy.end()
        self._show_failure(error)
