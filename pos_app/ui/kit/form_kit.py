"""The pieces every form dialog is made of, so each dialog says only what is its own.

- :func:`dialog_layout`, :func:`dialog_title`, :func:`form_layout`, :func:`muted_label`: the
  common look (margins, title font, right-aligned labels, quiet hints).
- :func:`dialog_buttons`: Cancel plus the action button, which Enter presses.
- :class:`BusyState`: controls disabled while a save runs, a sentence saying so, a spinner
  only if it takes longer than :data:`BUSY_DELAY_MS`.
- :class:`FormFeedback`: a service's sentences (``FormErrors``) under the fields they name.
- :func:`loading_page`: a spinner and a sentence while a dialog's data loads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.errors import FormErrors, ValidationError
from pos_app.i18n import _
from pos_app.ui.kit import theme
from pos_app.ui.kit.forms import ErrorLabel
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tasks import user_message

# Work that ends sooner shows no spinner, so a quick save never flashes one.
BUSY_DELAY_MS = 300


# -- look ---------------------------------------------------------------------------------


def dialog_layout(dialog: QWidget) -> QVBoxLayout:
    """The dialog's top-level column, with the margins and spacing every dialog uses."""
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(22, 18, 22, 18)
    layout.setSpacing(12)
    return layout


def dialog_title(widget: QWidget, text: str) -> QLabel:
    """A dialog's large bold title."""
    title = QLabel(text)
    title.setFont(theme.font(widget, scale=1.35, bold=True))
    return title


def form_layout(*, vertical_spacing: int = 10) -> QFormLayout:
    """A form whose labels sit right-aligned beside the first line of their field."""
    form = QFormLayout()
    form.setVerticalSpacing(vertical_spacing)
    form.setHorizontalSpacing(14)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    return form


def muted_label(text: str = "", *, wrap: bool = False) -> QLabel:
    """A quiet line (hints, status), in the palette's placeholder colour."""
    label = QLabel(text)
    label.setWordWrap(wrap)
    theme.set_role(label, muted=True)
    return label


def loading_page(text: str, *, diameter: int = 40) -> tuple[QWidget, QLabel]:
    """A page with a spinner above ``text``, shown while a dialog's data loads; the label is
    returned so a failure can replace the sentence."""
    page = QWidget()
    box = QVBoxLayout(page)
    box.addStretch(1)
    box.addWidget(Spinner(diameter=diameter), 0, Qt.AlignmentFlag.AlignHCenter)
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    box.addWidget(label)
    box.addStretch(2)
    return page, label


# -- buttons ------------------------------------------------------------------------------


def dialog_buttons(
    dialog: QDialog, layout: QBoxLayout, ok_text: str, on_ok: Callable[[], None]
) -> tuple[QDialogButtonBox, QPushButton]:
    """Add Cancel and an ``ok_text`` button to ``layout``; Enter presses the latter.

    ``layout`` must already belong to ``dialog``: Qt ignores "default" on a button that is not
    in a dialog yet, and the box then makes Cancel the default, so Enter would cancel.
    """
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    # Qt's own words for standard buttons come from Qt's catalogs, which the app does not
    # ship: the app's catalog says "Cancel" like every other word.
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    box.accepted.connect(on_ok)
    box.rejected.connect(dialog.reject)
    layout.addWidget(box)
    if box.window() is not dialog:
        raise RuntimeError("dialog_buttons: put the layout in the dialog before the buttons")
    ok.setDefault(True)
    theme.make_primary(ok)
    return box, ok


def cancel_button(box: QDialogButtonBox) -> QPushButton:
    """The box's Cancel button."""
    return box.button(QDialogButtonBox.StandardButton.Cancel)


# -- busy ---------------------------------------------------------------------------------


class BusyState(QObject):
    """A form's state while its save runs in the background.

    ``begin`` disables the controls at once (so nothing is sent twice) and puts a sentence in
    ``label`` (a label, or a button whose own text it replaces); a ``spinner`` appears only
    after :data:`BUSY_DELAY_MS`. ``end`` gives each control back the state it had, the button
    its text, and empties the label.
    """

    def __init__(
        self,
        parent: QObject,
        *controls: QWidget,
        label: QLabel | QAbstractButton | None = None,
        spinner: QWidget | None = None,
        delay_ms: int = BUSY_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self._controls = list(controls)
        self._label = label
        self._spinner = spinner
        self._was: list[tuple[QWidget, bool]] = []
        self._idle_text = ""
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._show_spinner)
        if spinner is not None:
            spinner.hide()

    @property
    def busy(self) -> bool:
        """True between ``begin`` and ``end``."""
        return self._busy

    def add(self, *controls: QWidget) -> None:
        """Disable these too while busy."""
        self._controls.extend(controls)

    def begin(self, text: str | None = None) -> None:
        """Disable the controls and say ``text`` ("Saving…" when not given); the spinner
        follows if it takes a while."""
        if text is None:
            text = _("Saving…")
        if self._busy:
            return
        self._busy = True
        # Whether each control was enabled in its own right (not merely through its parent).
        self._was = [
            (w, not w.testAttribute(Qt.WidgetAttribute.WA_ForceDisabled)) for w in self._controls
        ]
        for widget in self._controls:
            widget.setEnabled(False)
        if self._label is not None:
            if isinstance(self._label, QAbstractButton):
                self._idle_text = self._label.text()
            self._label.setText(text)
        if self._spinner is not None:
            self._timer.start()

    def end(self) -> None:
        """Back to how the form was before ``begin``."""
        if not self._busy:
            return
        self._busy = False
        self._timer.stop()
        for widget, enabled in self._was:
            widget.setEnabled(enabled)
        self._was = []
        if isinstance(self._label, QAbstractButton):
            self._label.setText(self._idle_text)
        elif self._label is not None:
            self._label.setText("")
        if self._spinner is not None:
            self._spinner.hide()

    def _show_spinner(self) -> None:
        if self._busy and self._spinner is not None:
            self._spinner.show()


# -- errors -------------------------------------------------------------------------------


class FieldRow(Protocol):
    """A field with its error sentence underneath (``forms.FieldWithError`` and the like)."""

    field: QWidget
    error: ErrorLabel


def grow_to_fit(dialog: QWidget) -> None:
    """Grow a dialog to show sentences that wrapped onto more lines (never shrinks it).

    Qt does not grow a top-level window for a word-wrapped label that became visible, so a
    two-line error under a field would be clipped without this.
    """
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    needed = layout.sizeHint().height()
    if layout.hasHeightForWidth():
        needed = max(needed, layout.heightForWidth(dialog.width()))
    if needed > dialog.height():
        dialog.resize(dialog.width(), needed)


class FormFeedback:
    """Puts a service's sentences under the fields they name, and the rest on one general
    line; the first field with a sentence (in the rows' order) gets the focus.

    With ``grow`` the window grows, once the sentences are laid out, to show them whole.
    """

    def __init__(
        self,
        rows: Mapping[str, FieldRow],
        general: ErrorLabel,
        *,
        grow: QWidget | None = None,
    ) -> None:
        self.rows = rows
        self.general = general
        self._grow = grow

    def text(self, field: str) -> str:
        """The sentence under ``field`` ('' when none)."""
        label = self.rows[field].error
        return "" if label.isHidden() else label.text()

    def clear(self) -> None:
        """Hide every sentence."""
        for row in self.rows.values():
            row.error.show_error(None)
        self.general.show_error(None)

    def clear_field_of(self, widget: QObject | None) -> None:
        """Hide the sentence under ``widget`` (the field being edited)."""
        for row in self.rows.values():
            if row.field is widget:
                row.error.show_error(None)

    def show(self, errors: Mapping[str, str]) -> str | None:
        """Show ``errors`` (field → sentence); returns the field that got the focus."""
        # A service's N_ sentence (PAST_TIME, LAST_MANAGER) is looked up here, as the command
        # line's form_errors_sentence does; one built with gettext is in the language already.
        errors = {field: _(message) for field, message in errors.items()}
        for field, row in self.rows.items():
            row.error.show_error(errors.get(field))
        unknown = [message for field, message in errors.items() if field not in self.rows]
        self.general.show_error(" ".join(unknown) or None)
        first = next((field for field in self.rows if field in errors), None)
        if first is not None:
            self.rows[first].field.setFocus()
        if errors and self._grow is not None:
            grow = self._grow
            QTimer.singleShot(0, grow, lambda: grow_to_fit(grow))
        return first

    def show_error(self, error: BaseException) -> str | None:
        """Show a failed save: a form's sentences by field, anything else on the general line."""
        if isinstance(error, FormErrors):
            return self.show(error.errors)
        if isinstance(error, ValidationError):
            return self.show({error.field: error.message})
        return self.show({"": user_message(error)})
