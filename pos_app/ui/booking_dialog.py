"""The "New booking" form: who, what, when and for how much.

Validation lives in ``BookingService.create``; this form only shows the sentences it returns
under the fields they belong to, so the CLI and the GUI always agree on what is valid.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.booking import Booking, Service
from pos_app.domain.errors import FormErrors
from pos_app.services.bookings import BookingRequest
from pos_app.ui import theme
from pos_app.ui.forms import ErrorLabel, FieldWithError, form_label
from pos_app.ui.tasks import TaskRunner, user_message

if TYPE_CHECKING:
    from pos_app.app import AppContext

FIELDS = ("customer_name", "customer_email", "customer_phone", "service_id", "starts_at", "price")


def next_quarter_hour(now: datetime) -> datetime:
    """The first quarter hour strictly after ``now`` (10:07 → 10:15, 10:15 → 10:30)."""
    base = now.replace(second=0, microsecond=0)
    return base + timedelta(minutes=15 - base.minute % 15)


def wall_clock_to_aware(value: QDateTime, tz: tzinfo) -> datetime:
    """Read the wall-clock date and time shown in the editor as a time in ``tz``."""
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=tz)


def aware_to_wall_clock(value: datetime) -> QDateTime:
    """A QDateTime showing ``value``'s own wall-clock fields (pinned to UTC so the machine's
    time zone, and its DST gaps, never shift what the editor shows)."""
    return QDateTime(
        QDate(value.year, value.month, value.day),
        QTime(value.hour, value.minute),
        QTimeZone(QTimeZone.Initialization.UTC),
    )


class BookingDialog(QDialog):
    """Create a booking; stays open with sentences under the fields until it is valid."""

    booking_created = Signal(object)  # Booking

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._tz = ctx.config.timezone
        self._services: list[Service] = []
        self.created: Booking | None = None
        self.setWindowTitle("New booking")
        self.setModal(True)
        self.setMinimumWidth(600)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("First and last name")
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText("Optional — for the receipt")
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("Optional")
        self.service_combo = QComboBox()
        self.service_combo.addItem("Loading services…")
        self.service_combo.setEnabled(False)
        self.starts_edit = QDateTimeEdit()
        self.starts_edit.setTimeZone(QTimeZone(QTimeZone.Initialization.UTC))
        self.starts_edit.setCalendarPopup(True)
        self.starts_edit.setDisplayFormat("ddd d MMM yyyy   HH:mm")
        now_local = datetime.now(self._tz)
        self.starts_edit.setDateTime(aware_to_wall_clock(next_quarter_hour(now_local)))
        self.starts_edit.setMinimumDate(QDate(now_local.year, now_local.month, now_local.day))
        self.price_edit = QLineEdit()
        self.price_edit.setPlaceholderText("e.g. 35.00")
        self.price_edit.setAlignment(Qt.AlignmentFlag.AlignRight)

        self._rows: dict[str, FieldWithError] = {
            "customer_name": FieldWithError(self.name_edit),
            "customer_email": FieldWithError(self.email_edit),
            "customer_phone": FieldWithError(self.phone_edit),
            "service_id": FieldWithError(self.service_combo),
            "starts_at": FieldWithError(self.starts_edit),
            "price": FieldWithError(self.price_edit),
        }
        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.setHorizontalSpacing(14)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        labels = {
            "customer_name": "Customer &name",
            "customer_email": "&Email",
            "customer_phone": "&Phone",
            "service_id": "Ser&vice",
            "starts_at": "&Date and time",
            "price": "P&rice",
        }
        for field, row in self._rows.items():
            form.addRow(form_label(labels[field], row.field), row)

        self.general_error = ErrorLabel()
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: palette(placeholder-text);")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)  # until the services have loaded
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        title = QLabel("New booking")
        title.setFont(theme.font(self, scale=1.35, bold=True))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)

        self.service_combo.currentIndexChanged.connect(self._on_service_changed)
        for edit in (self.name_edit, self.email_edit, self.phone_edit, self.price_edit):
            edit.textEdited.connect(self._clear_error_of_sender)
        self.setTabOrder(self.name_edit, self.email_edit)
        self.setTabOrder(self.email_edit, self.phone_edit)
        self.setTabOrder(self.phone_edit, self.service_combo)
        self.setTabOrder(self.service_combo, self.starts_edit)
        self.setTabOrder(self.starts_edit, self.price_edit)
        self.name_edit.setFocus()
        self._load_services()

    # -- public -------------------------------------------------------------------------

    def error_text(self, field: str) -> str:
        """The sentence shown under ``field`` ('' when none), for tests and accessibility."""
        return self._rows[field].error.text()

    def select_service(self, service_id: str) -> None:
        """Choose the service with ``service_id`` in the combo."""
        index = self.service_combo.findData(service_id)
        if index >= 0:
            self.service_combo.setCurrentIndex(index)

    def save(self) -> None:
        """Send the form to ``BookingService.create`` in the background."""
        self._show_errors({})
        service_id = self.service_combo.currentData()
        request = BookingRequest(
            customer_name=self.name_edit.text(),
            service_id=service_id if isinstance(service_id, str) else "",
            starts_at=wall_clock_to_aware(self.starts_edit.dateTime(), self._tz),
            price_text=self.price_edit.text(),
            customer_email=self.email_edit.text(),
            customer_phone=self.phone_edit.text(),
        )
        self._set_saving(True)
        bookings = self._ctx.bookings
        self._runner.run(
            lambda: bookings.create(request),
            on_success=self._on_saved,
            on_failure=self._on_save_failed,
            owner=self,
        )

    # -- loading ------------------------------------------------------------------------

    def _load_services(self) -> None:
        catalog = self._ctx.catalog
        self._runner.run(
            catalog.list_services,
            on_success=self._on_services,
            on_failure=lambda err: self.general_error.show_error(user_message(err)),
            owner=self,
        )

    def _on_services(self, services: list[Service]) -> None:
        self._services = services
        self.service_combo.blockSignals(True)
        self.service_combo.clear()
        for service in services:
            label = (
                f"{service.name}  ·  {service.duration_minutes} min  ·  {service.price.format()}"
            )
            self.service_combo.addItem(label, service.id)
        self.service_combo.blockSignals(False)
        self.service_combo.setEnabled(bool(services))
        if services:
            self.service_combo.setCurrentIndex(0)
            self._on_service_changed(0)
        else:
            self.service_combo.addItem("No services yet")
        self.save_button.setEnabled(bool(services))

    def _on_service_changed(self, index: int) -> None:
        if 0 <= index < len(self._services):
            self.price_edit.setText(self._services[index].price.plain())
            self._rows["price"].error.show_error(None)

    # -- saving -------------------------------------------------------------------------

    def _set_saving(self, saving: bool) -> None:
        self.save_button.setEnabled(not saving)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not saving)
        self.status_label.setText("Saving…" if saving else "")

    def _on_saved(self, booking: Booking) -> None:
        self._set_saving(False)
        self.created = booking
        self.booking_created.emit(booking)
        self.accept()

    def _on_save_failed(self, error: BaseException) -> None:
        self._set_saving(False)
        if isinstance(error, FormErrors):
            self._show_errors(error.errors)
        else:
            self.general_error.show_error(user_message(error))

    def _show_errors(self, errors: dict[str, str]) -> None:
        for field, row in self._rows.items():
            row.error.show_error(errors.get(field))
        unknown = [msg for field, msg in errors.items() if field not in self._rows]
        self.general_error.show_error(" ".join(unknown) or None)
        for field in FIELDS:
            if field in errors:
                self._rows[field].field.setFocus()
                break

    def _clear_error_of_sender(self) -> None:
        sender = self.sender()
        for row in self._rows.values():
            if row.field is sender:
                row.error.show_error(None)
