"""The strip above the bookings: which day, whose bookings, and list or schedule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from pos_app.domain.people import Resource
from pos_app.i18n import _
from pos_app.ui.kit import theme
from pos_app.ui.kit.date_fields import DateEdit


class DayBar(QWidget):
    """Which day, whose bookings, and list or schedule: the strip above the bookings.

    Signals:
        day_requested(object): a date was picked in the calendar.
        previous_requested / next_requested / today_requested: the arrow and Today buttons.
        filter_changed(object): the staff filter's resource id (None: everyone).
        mode_requested(str): "list" or "schedule".
    """

    day_requested = Signal(object)
    previous_requested = Signal()
    next_requested = Signal()
    today_requested = Signal()
    filter_changed = Signal(object)
    mode_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prev_button = QPushButton("‹")
        self.prev_button.setToolTip(_("Previous day (Alt+Left)"))
        self.prev_button.setAccessibleName(_("Previous day"))
        self.next_button = QPushButton("›")
        self.next_button.setToolTip(_("Next day (Alt+Right)"))
        self.next_button.setAccessibleName(_("Next day"))
        for button in (self.prev_button, self.next_button):
            button.setFont(theme.font(self, scale=1.3, bold=True))
            button.setMinimumSize(44, 44)
        self.date_edit = DateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.setToolTip(_("Go to a date (Ctrl+G)"))
        self.date_edit.setAccessibleName(_("Date"))
        self.date_edit.setMinimumWidth(136)
        self.today_button = QPushButton(_("Today"))
        self.today_button.setToolTip(_("Back to today (Ctrl+T)"))
        self.staff_label = QLabel(_("&Staff"))
        self.staff_combo = QComboBox()
        self.staff_combo.setMinimumWidth(130)
        self.staff_combo.setToolTip(_("Whose bookings to show"))
        self.staff_combo.setAccessibleName(_("Staff"))
        self.staff_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.staff_combo.addItem(_("Everyone"), None)
        self.staff_label.setBuddy(self.staff_combo)
        self.list_button = QPushButton(_("List"))
        self.list_button.setToolTip(_("The day as a list (Ctrl+1)"))
        self.schedule_button = QPushButton(_("Schedule"))
        self.schedule_button.setToolTip(_("The day by staff and room (Ctrl+2)"))
        self._modes = QButtonGroup(self)
        self._modes.setExclusive(True)
        bold = theme.font(self, bold=True)
        for button in (self.list_button, self.schedule_button):
            button.setCheckable(True)
            # Wide enough for the bold (checked) text plus the padding.
            button.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(button.text()) + 28)
            self._modes.addButton(button)
        self.list_button.setChecked(True)
        # The two halves of one segmented control (theme.py's "Day" section draws them).
        self.list_button.setProperty("segment", "left")
        self.schedule_button.setProperty("segment", "right")

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 8)
        row.setSpacing(6)
        row.addWidget(self.prev_button)
        row.addWidget(self.date_edit)
        row.addWidget(self.next_button)
        row.addWidget(self.today_button)
        row.addStretch(1)
        row.addWidget(self.staff_label)
        row.addWidget(self.staff_combo)
        row.addSpacing(12)
        segment = QHBoxLayout()
        segment.setSpacing(0)
        segment.addWidget(self.list_button)
        segment.addWidget(self.schedule_button)
        row.addLayout(segment)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        self.prev_button.clicked.connect(self.previous_requested)
        self.next_button.clicked.connect(self.next_requested)
        self.today_button.clicked.connect(self.today_requested)
        self.date_edit.dateChanged.connect(self._on_date)
        self.staff_combo.currentIndexChanged.connect(self._on_staff)
        self.list_button.clicked.connect(lambda: self.mode_requested.emit("list"))
        self.schedule_button.clicked.connect(lambda: self.mode_requested.emit("schedule"))
        self._quiet = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # At the window's minimum width the combo ("Everyone", "Priya") speaks for itself.
        self.staff_label.setVisible(event.size().width() >= 700)

    def set_day(self, day: date, today: date) -> None:
        """Show ``day`` in the picker (without asking for it again); Today is off on today."""
        wanted = QDate(day.year, day.month, day.day)
        # Each load of the shown day lands here: setting the same date again repaints the
        # picker (and the bar under it) in the load's pass.
        if self.date_edit.date() == wanted:
            self.today_button.setEnabled(day != today)
            return
        self._quiet = True
        try:
            self.date_edit.setDate(wanted)
        finally:
            self._quiet = False
        self.today_button.setEnabled(day != today)

    def set_mode(self, mode: str) -> None:
        """Check the List or Schedule button."""
        (self.schedule_button if mode == "schedule" else self.list_button).setChecked(True)

    def set_resources(self, resources: Sequence[Resource]) -> None:
        """Fill the staff filter: Everyone, then each resource; keeps the choice if it stays."""
        current = self.staff_combo.currentData()
        wanted = [(None, _("Everyone"))] + [(r.id, r.name) for r in resources]
        have = [
            (self.staff_combo.itemData(i), self.staff_combo.itemText(i))
            for i in range(self.staff_combo.count())
        ]
        if wanted == have:
            return
        self.staff_combo.blockSignals(True)
        self.staff_combo.clear()
        for rid, name in wanted:
            self.staff_combo.addItem(name, rid)
        index = self.staff_combo.findData(current) if current is not None else 0
        self.staff_combo.setCurrentIndex(max(0, index))
        self.staff_combo.blockSignals(False)
        if current is not None and index < 0:
            self.filter_changed.emit(None)

    def resource_filter(self) -> str | None:
        """The chosen resource id, or None for everyone."""
        value = self.staff_combo.currentData()
        return value if isinstance(value, str) else None

    def set_resource_filter(self, resource_id: str | None) -> None:
        """Choose a resource (None: everyone) as if picked in the combo."""
        index = self.staff_combo.findData(resource_id) if resource_id else 0
        self.staff_combo.setCurrentIndex(max(0, index))

    def _on_date(self, value: QDate) -> None:
        if not self._quiet:
            self.day_requested.emit(date(value.year(), value.month(), value.day()))

    def _on_staff(self, _index: int) -> None:
        self.filter_changed.emit(self.resource_filter())
