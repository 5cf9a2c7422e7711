"""The settings dialog's building blocks: a field row (field, hint, error sentence), quiet
hint lines, section headings, scrolling pages and the time-zone list."""

from __future__ import annotations

import zoneinfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_app.i18n import _
from pos_app.ui.kit import theme
from pos_app.ui.kit.forms import ErrorLabel, form_label


def time_zones() -> list[str]:
    """IANA zone names people pick from (no legacy aliases); read in the background."""
    names = zoneinfo.available_timezones()
    skip = ("posix/", "right/", "SystemV/", "US/", "Etc/")
    picked = {n for n in names if "/" in n and not n.startswith(skip)}
    return sorted(picked | {"UTC"})


def hint_label(text: str = "") -> QLabel:
    """A quiet, wrapping line of explanation (the stylesheet's muted text)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("hint")
    theme.set_role(label, muted=True)
    return label


def section_label(text: str) -> QLabel:
    """A heading inside a tab ("Mode", "Webhook receiver")."""
    label = QLabel(text)
    label.setFont(theme.font(label, scale=1.05, bold=True))
    theme.set_role(label, "heading")
    return label


def scrolled(page: QWidget) -> QScrollArea:
    """``page`` in a frameless scroll area: it scrolls only on a small screen or at a large
    text size, and never clips a field."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(page)
    return area


def page_form(page: QWidget) -> QFormLayout:
    """The form filling a tab's ``page``: labels right-aligned at the top of their rows."""
    form = QFormLayout(page)
    form.setContentsMargins(8, 16, 8, 8)
    form.setVerticalSpacing(12)
    form.setHorizontalSpacing(16)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


class FieldRow(QWidget):
    """A field (with optional buttons beside it), a quiet hint and an error sentence below."""

    def __init__(self, field: QWidget, *extras: QWidget, hint: str = "") -> None:
        super().__init__()
        self.field = field
        self.hint = hint_label(hint)
        self.hint.setVisible(bool(hint))
        self.error = ErrorLabel(self)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(8)
        # A field with a maximum width (a spin box) stays at the left, not centred.
        fixed = field.maximumWidth() < 10_000
        line.addWidget(field, 0 if fixed else 1)
        if fixed:
            line.addStretch(1)
        for extra in extras:
            line.addWidget(extra, 0, Qt.AlignmentFlag.AlignTop)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(3)
        box.addLayout(line)
        box.addWidget(self.hint)
        box.addWidget(self.error)
        self.setFocusProxy(field)

    def set_hint(self, text: str) -> None:
        """Replace the quiet line under the field ('' hides it)."""
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def lock(self, variable: str) -> None:
        """The environment fixed this setting: read-only, and say so."""
        self.field.setEnabled(False)
        self.set_hint(_("Set by {variable} in the environment.").format(variable=variable))


def add_row(form: QFormLayout, text: str, row: FieldRow) -> QLabel:
    """Add ``row`` to ``form`` under the label ``text`` (its mnemonic focuses the field)."""
    label = form_label(text, row.field)
    form.addRow(label, row)
    return label
