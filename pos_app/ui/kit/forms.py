"""Form helpers: a field with its error sentence right underneath it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class ErrorLabel(QLabel):
    """A red sentence that explains what is wrong; hidden while empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("fieldError")
        self.hide()

    def show_error(self, message: str | None) -> None:
        """Show ``message`` (None or '' hides the label)."""
        self.setText(message or "")
        # Red via the stylesheet's QLabel#fieldError rule (the danger text token).
        self.setVisible(bool(message))


class FieldWithError(QWidget):
    """A form field with an :class:`ErrorLabel` directly below it."""

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.error = ErrorLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(field)
        layout.addWidget(self.error)
        self.setFocusProxy(field)


def form_label(text: str, field: QWidget) -> QLabel:
    """A right-aligned form label (with ``&`` mnemonic) lined up with the field's first line,
    not centred on the field plus its error sentence."""
    label = QLabel(text)
    label.setBuddy(field)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    top = max(0, (field.sizeHint().height() - label.sizeHint().height()) // 2)
    label.setContentsMargins(0, top, 0, 0)
    return label
