"""Help ▸ About pos-app: the version, the mode and the data folder, for a support call.

The data folder's path can be selected and copied: it is where the log, the backups and (on
SQLite) the database are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from pos_app.i18n import N_, _
from pos_app.ui.kit import form_kit, theme
from pos_app.version import app_version

TAGLINE = N_("Bookings and payments at the front desk, through Stripe.")
#: Shown for the mode and the folder while the app is still opening its database.
NOT_OPEN_YET = N_("not known yet: the app is still starting")
ICON_PX = 64


@dataclass(frozen=True)
class AboutFacts:
    """What the About dialog says: None where the app has not opened yet."""

    version: str
    mode: str | None
    data_dir: Path | None


def about_facts(mode: str | None, data_dir: Path | None) -> AboutFacts:
    """This installation's facts; the version comes from the package metadata."""
    return AboutFacts(app_version(), mode, data_dir)


def mode_text(mode: str | None) -> str:
    """'SANDBOX — no real money', 'LIVE — real cards are charged'… as the badge says it."""
    if mode is None:
        return _(NOT_OPEN_YET)
    badge = theme.MODE_BADGES.get(mode)
    return _(badge.text) if badge is not None else mode


class AboutDialog(QDialog):
    """The app's icon and name, its version, mode and data folder, and Close."""

    def __init__(self, facts: AboutFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About pos-app"))
        layout = form_kit.dialog_layout(self)
        head = QHBoxLayout()
        head.setSpacing(14)
        icon = QLabel()
        icon.setPixmap(QApplication.windowIcon().pixmap(ICON_PX, ICON_PX))
        icon.setFixedSize(ICON_PX, ICON_PX)
        head.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        names = QVBoxLayout()
        names.setSpacing(4)
        names.addWidget(form_kit.dialog_title(self, "pos-app"))
        names.addWidget(form_kit.muted_label(_(TAGLINE), wrap=True))
        head.addLayout(names, 1)
        layout.addLayout(head)

        form = form_kit.form_layout()
        self.version_label = self._value(facts.version)
        self.mode_label = self._value(mode_text(facts.mode))
        folder = str(facts.data_dir) if facts.data_dir is not None else _(NOT_OPEN_YET)
        self.data_dir_label = self._value(folder)
        self.data_dir_label.setWordWrap(True)
        form.addRow(_("Version:"), self.version_label)
        form.addRow(_("Mode:"), self.mode_label)
        form.addRow(_("Data folder:"), self.data_dir_label)
        layout.addLayout(form)

        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.close_button = box.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setDefault(True)
        self.setMinimumWidth(520)

    @staticmethod
    def _value(text: str) -> QLabel:
        # Selectable: support asks for the version or the folder, the desk copies it.
        label = QLabel(text)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label
