"""The "New booking" form: who, what, when and for how much.

Validation lives in ``BookingService.create``; this form only shows the sentences it returns
under the fields they belong to, so the CLI and the GUI always agree on what is valid.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QDateTime, QModelIndex, Qt, QTime, QTimer, QTimeZone, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QLineEdit,
    QWidget,
)

from pos_app.domain.booking import Booking, Service
from pos_app.domain.errors import SlotTakenError
from pos_app.domain.people import Customer, Resource
from pos_app.services.bookings import BookingRequest
from pos_app.ui.day.move_dialog import fill_resource_combo
from pos_app.ui.kit.form_kit import (
    BusyState,
    FormFeedback,
    cancel_button,
    dialog_buttons,
    dialog_layout,
    dialog_title,
    form_layout,
    muted_label,
)
from pos_app.ui.kit.forms import ErrorLabel, FieldWithError, form_label
from pos_app.ui.kit.tasks import TaskRunner, user_message

if TYPE_CHECKING:
    from pos_app.app import AppContext

SEARCH_DELAY_MS = 150  # wait for a pause in typing before searching
CUSTOMER_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2


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

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        starts_at: datetime | None = None,
        resource_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._tz = ctx.config.timezone
        self._services: list[Service] = []
        self._preset_resource = resource_id
        self.created: Booking | None = None
        self.customer_id: str | None = None  # set when a suggestion was chosen
        self._linked_name = ""
        self._search_generation = 0
        self.setWindowTitle("New booking")
        self.setModal(True)
        self.setMinimumWidth(600)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Type a name, email or phone to find a customer")
        # Suggestions come from the database in the background; the completer only shows
        # them (unfiltered) and fills the form when one is chosen.
        self.suggestions = QStandardItemModel(self)
        self.completer = QCompleter(self.suggestions, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(NAME_ROLE)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(8)
        popup = self.completer.popup()
        if popup is not None:
            popup.setObjectName("customerSuggestions")
            popup.setStyleSheet(
                "QListView#customerSuggestions { border: 1px solid palette(mid); }"
                "QListView#customerSuggestions::item { padding: 5px 8px; }"
            )
        self.name_edit.setCompleter(self.completer)
        self.completer.activated[QModelIndex].connect(self._on_suggestion)  # type: ignore[index]
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search_customers)
        self.customer_hint = muted_label()
        self.customer_hint.hide()
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText("Optional — for the receipt")
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("Optional")
        self.service_combo = QComboBox()
        self.service_combo.addItem("Loading services…")
        self.service_combo.setEnabled(False)
        self.staff_combo = QComboBox()
        self.staff_combo.addItem("Anyone", None)
        self.staff_combo.setEnabled(False)
        self.starts_edit = QDateTimeEdit()
        self.starts_edit.setTimeZone(QTimeZone(QTimeZone.Initialization.UTC))
        self.starts_edit.setCalendarPopup(True)
        self.starts_edit.setDisplayFormat("ddd d MMM yyyy   HH:mm")
        now_local = datetime.now(self._tz)
        first = next_quarter_hour(now_local)
        if starts_at is not None and starts_at > now_local:
            first = starts_at.astimezone(self._tz)
        self.starts_edit.setDateTime(aware_to_wall_clock(first))
        self.starts_edit.setMinimumDate(QDate(now_local.year, now_local.month, now_local.day))
        self.price_edit = QLineEdit()
        self.price_edit.setPlaceholderText("e.g. 35.00")
        self.price_edit.setAlignment(Qt.AlignmentFlag.AlignRight)

        self._rows: dict[str, FieldWithError] = {
            "customer_name": FieldWithError(self.name_edit),
            "customer_email": FieldWithError(self.email_edit),
            "customer_phone": FieldWithError(self.phone_edit),
            "service_id": FieldWithError(self.service_combo),
            "resource_id": FieldWithError(self.staff_combo),
            "starts_at": FieldWithError(self.starts_edit),
            "price": FieldWithError(self.price_edit),
        }
        form = form_layout()
        labels = {
            "customer_name": "Customer &name",
            "customer_email": "&Email",
            "customer_phone": "&Phone",
            "service_id": "Ser&vice",
            "resource_id": "&With",
            "starts_at": "&Date and time",
            "price": "P&rice",
        }
        for field, row in self._rows.items():
            form.addRow(form_label(labels[field], row.field), row)
            if field == "customer_name":
                form.addRow("", self.customer_hint)

        self.general_error = ErrorLabel()
        self.status_label = muted_label()
        self._feedback = FormFeedback(self._rows, self.general_error, grow=self)

        layout = dialog_layout(self)
        layout.addWidget(dialog_title(self, "New booking"))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.status_label)
        self.buttons, self.save_button = dialog_buttons(self, layout, "Save", self.save)
        self.save_button.setEnabled(False)  # until the services have loaded
        self._busy = BusyState(
            self, self.save_button, cancel_button(self.buttons), label=self.status_label
        )

        self.service_combo.currentIndexChanged.connect(self._on_service_changed)
        for edit in (self.name_edit, self.email_edit, self.phone_edit, self.price_edit):
            edit.textEdited.connect(self._clear_error_of_sender)
        self.name_edit.textEdited.connect(self._on_name_edited)
        self.staff_combo.currentIndexChanged.connect(self._clear_slot_error)
        self.starts_edit.dateTimeChanged.connect(self._clear_slot_error)
        self.setTabOrder(self.name_edit, self.email_edit)
        self.setTabOrder(self.email_edit, self.phone_edit)
        self.setTabOrder(self.phone_edit, self.service_combo)
        self.setTabOrder(self.service_combo, self.staff_combo)
        self.setTabOrder(self.staff_combo, self.starts_edit)
        self.setTabOrder(self.starts_edit, self.price_edit)
        self.name_edit.setFocus()
        self._load_services()

    # -- public -------------------------------------------------------------------------

    def error_text(self, field: str) -> str:
        """The sentence shown under ``field`` ('' when none), for tests and accessibility."""
        return self._feedback.text(field)

    def select_service(self, service_id: str) -> None:
        """Choose the service with ``service_id`` in the combo."""
        index = self.service_combo.findData(service_id)
        if index >= 0:
            self.service_combo.setCurrentIndex(index)

    def save(self) -> None:
        """Send the form to ``BookingService.create`` in the background."""
        self._feedback.clear()
        service_id = self.service_combo.currentData()
        resource_id = self.staff_combo.currentData()
        request = BookingRequest(
            customer_name=self.name_edit.text(),
            service_id=service_id if isinstance(service_id, str) else "",
            starts_at=wall_clock_to_aware(self.starts_edit.dateTime(), self._tz),
            price_text=self.price_edit.text(),
            customer_email=self.email_edit.text(),
            customer_phone=self.phone_edit.text(),
            resource_id=resource_id if isinstance(resource_id, str) else None,
            customer_id=self.customer_id,
        )
        self._busy.begin()
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

        def load() -> tuple[list[Service], list[Resource]]:
            return catalog.list_services(), catalog.list_resources()

        self._runner.run(
            load,
            on_success=self._on_services,
            on_failure=lambda err: self.general_error.show_error(user_message(err)),
            owner=self,
        )

    def _on_services(self, loaded: tuple[list[Service], list[Resource]]) -> None:
        services, resources = loaded
        self.staff_combo.blockSignals(True)
        fill_resource_combo(self.staff_combo, resources, self._preset_resource)
        self.staff_combo.blockSignals(False)
        self.staff_combo.setEnabled(True)
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

    def _on_saved(self, booking: Booking) -> None:
        self._busy.end()
        self.created = booking
        self.booking_created.emit(booking)
        self.accept()

    def _on_save_failed(self, error: BaseException) -> None:
        self._busy.end()
        if isinstance(error, SlotTakenError):
            # The time (or the person) is what has to change: say so under the time.
            self._feedback.show({"starts_at": error.message})
        else:
            self._feedback.show_error(error)

    def _clear_error_of_sender(self) -> None:
        self._feedback.clear_field_of(self.sender())

    # -- customer suggestions -----------------------------------------------------------

    def select_resource(self, resource_id: str | None) -> None:
        """Choose the staff member or room (None: Anyone)."""
        index = self.staff_combo.findData(resource_id) if resource_id else 0
        if index >= 0:
            self.staff_combo.setCurrentIndex(index)

    def suggestion_names(self) -> list[str]:
        """The customers currently suggested, for tests."""
        return [
            str(self.suggestions.item(i).data(NAME_ROLE))
            for i in range(self.suggestions.rowCount())
        ]

    def choose_suggestion(self, row: int) -> None:
        """Choose suggestion ``row`` as if clicked in the list."""
        self._on_suggestion(self.suggestions.index(row, 0))

    def _on_name_edited(self, text: str) -> None:
        if self.customer_id is not None and text != self._linked_name:
            self._unlink()
        if text.strip():
            self._search_timer.start()
        else:
            self._search_timer.stop()
            self.suggestions.clear()

    def _search_customers(self) -> None:
        text = self.name_edit.text().strip()
        if not text or self.customer_id is not None:
            return
        # Only the newest answer counts: typing on makes older searches stale.
        self._search_generation += 1
        generation = self._search_generation
        customers = self._ctx.customers
        self._runner.run(
            lambda: customers.search(text, limit=8),
            on_success=lambda found: self._on_found(generation, found),
            on_failure=lambda _err: None,  # suggestions are a convenience; typing goes on
            owner=self,
            quiet=True,
        )

    def _on_found(self, generation: int, found: list[Customer]) -> None:
        if generation != self._search_generation or self.customer_id is not None:
            return
        self.suggestions.clear()
        for customer in found:
            contact = " · ".join(c for c in (customer.email, customer.phone) if c)
            item = QStandardItem(f"{customer.name}  —  {contact}" if contact else customer.name)
            item.setData(customer.id, CUSTOMER_ROLE)
            item.setData(customer.name, NAME_ROLE)
            item.setData(customer, Qt.ItemDataRole.UserRole + 3)
            item.setEditable(False)
            self.suggestions.appendRow(item)
        if found and self.name_edit.hasFocus():
            self.completer.complete()
        elif not found:
            self._hide_popup()

    def _on_suggestion(self, index: QModelIndex) -> None:
        customer = index.data(Qt.ItemDataRole.UserRole + 3)
        if not isinstance(customer, Customer):
            return
        self.customer_id = customer.id
        self._linked_name = customer.name
        self.name_edit.setText(customer.name)
        self.email_edit.setText(customer.email or "")
        self.phone_edit.setText(customer.phone or "")
        for field in ("customer_name", "customer_email", "customer_phone"):
            self._rows[field].error.show_error(None)
        self.customer_hint.setText("Returning customer: this booking joins their history.")
        self.customer_hint.show()
        self._hide_popup()

    def _hide_popup(self) -> None:
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()

    def _unlink(self) -> None:
        self.customer_id = None
        self._linked_name = ""
        self.customer_hint.hide()

    def _clear_slot_error(self) -> None:
        self._rows["starts_at"].error.show_error(None)
        self._rows["resource_id"].error.show_error(None)
