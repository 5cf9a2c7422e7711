"""Free-slot chips: each staff member's next free times for the chosen service; tapping one
fills the form's staff member and time."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from pos_app.i18n import N_, _
from pos_app.ui.day.booking_presenter import SlotChip, StaffSlots
from pos_app.ui.kit.form_kit import muted_label

LOADING = N_("Finding free times…")
NOBODY = N_("No staff yet: add staff in Manage ▸ Staff to see free times.")


class SlotChips(QWidget):
    """A row per staff member: the name, then a chip per free time ("10:30").

    Signals:
        chosen(object): a chip was tapped (its :class:`SlotChip`).
    """

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slotChips")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(6)
        self._grid.setVerticalSpacing(6)
        self._shown: tuple[tuple[StaffSlots, ...], bool] | None = None
        self.buttons: list[QPushButton] = []

    def show_state(self, slots: Sequence[StaffSlots], *, loading: bool) -> None:
        """Show ``slots`` (or that they are loading); unchanged state leaves the widgets."""
        wanted = (tuple(slots), loading)
        if wanted == self._shown:
            return
        self._shown = wanted
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons = []
        if loading or not slots:
            self._grid.addWidget(muted_label(_(LOADING) if loading else _(NOBODY), wrap=True), 0, 0)
            return
        for row, staff in enumerate(slots):
            name = QLabel(staff.name)
            name.setObjectName("slotStaff")
            self._grid.addWidget(name, row, 0)
            if not staff.chips:
                self._grid.addWidget(muted_label(staff.note), row, 1, 1, -1)
                continue
            for col, chip in enumerate(staff.chips, start=1):
                button = QPushButton(chip.label)
                button.setProperty("role", "chip")
                button.setObjectName("slotChip")
                button.setToolTip(
                    _("Book {name} at {time}").format(name=staff.name, time=chip.label)
                )
                button.setAccessibleName(
                    _("{name} at {time}").format(name=staff.name, time=chip.label)
                )
                button.setMinimumSize(64, 44)
                button.clicked.connect(lambda _c=False, c=chip: self._choose(c))
                self._grid.addWidget(button, row, col)
                self.buttons.append(button)
        self._grid.setColumnStretch(len(max(slots, key=lambda s: len(s.chips)).chips) + 1, 1)

    def chip_texts(self) -> list[tuple[str, list[str]]]:
        """(staff name, chip labels) per row, for tests."""
        if self._shown is None:
            return []
        return [(s.name, [c.label for c in s.chips]) for s in self._shown[0]]

    def _choose(self, chip: SlotChip) -> None:
        self.chosen.emit(chip)
