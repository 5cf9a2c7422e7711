"""The "New booking" form: the service first (with when it ends), who is free, then who.

Validation lives in ``BookingService.create``; this form only shows the sentences it returns
under the fields they belong to, so the CLI and the GUI always agree on what is valid. The
service line and the free-slot chips come from the Qt-free ``booking_presenter``; customer
suggestions (with "+ New customer") and the customer's notes from ``customer_picker``.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, tzinfo

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLineEdit,
    QWidget,
)

from pos_app.domain.booking import Booking, Service
from pos_app.domain.errors import FormErrors, SlotTakenError
from pos_app.domain.people import Resource
from pos_app.i18n import _, pgettext
from pos_app.services.bookings import BookingRequest, DaySheet
from pos_app.services.customers import check_notes
from pos_app.ui.day.booking_presenter import SlotChip, form_state
from pos_app.ui.day.customer_picker import CustomerPicker
from pos_app.ui.day.desk_ports import BookingDesk
from pos_app.ui.day.move_dialog import fill_resource_combo
from pos_app.ui.day.slot_chips import SlotChips
from pos_app.ui.kit.date_fields import DateTimeEdit
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
    """Create a booking; stays open with sentences under the fields until it is valid.

    ``again`` pre-fills the service, staff member and customer of an earlier booking
    ("Book again"); the time stays the one given (or the next quarter hour).
    """

    booking_created = Signal(object)  # Booking

    def __init__(
        self,
        desk: BookingDesk,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        starts_at: datetime | None = None,
        resource_id: str | None = None,
        again: Booking | None = None,
    ) -> None:
        super().__init__(parent)
        self._desk = desk
        self._runner = runner
        self._tz = desk.config.timezone
        self._services: list[Service] = []
        self._again = again
        self._preset_resource = again.resource_id if again is not None else resource_id
        self._sheet: tuple[date, list[Booking], list[Resource]] | None = None
        self.created: Booking | None = None
        self.setWindowTitle(pgettext("window title", "New booking"))
        self.setModal(True)
        self.setMinimumWidth(640)

        # -- what and when
        self.service_combo = QComboBox()
        self.service_combo.addItem(_("Loading services…"))
        self.service_combo.setEnabled(False)
        self.service_line = muted_label(wrap=True)
        self.service_line.setObjectName("serviceLine")
        self.staff_combo = QComboBox()
        self.staff_combo.addItem(_("Anyone"), None)
        self.staff_combo.setEnabled(False)
        self.starts_edit = DateTimeEdit()
        self.starts_edit.setTimeZone(QTimeZone(QTimeZone.Initialization.UTC))
        self.starts_edit.setCalendarPopup(True)
        self.starts_edit.setDisplayFormat("ddd d MMM yyyy   HH:mm")
        now_local = datetime.now(self._tz)
        first = next_quarter_hour(now_local)
        if starts_at is not None and starts_at > now_local:
            first = starts_at.astimezone(self._tz)
        self.starts_edit.setDateTime(aware_to_wall_clock(first))
        self.starts_edit.setMinimumDate(QDate(now_local.year, now_local.month, now_local.day))
        self.chips = SlotChips()
        self.chips.chosen.connect(self._on_chip)

        # -- who
        self.picker = CustomerPicker(desk.customers, runner, self)
        self.name_edit = self.picker.name_edit
        self.email_edit = self.picker.email_edit
        self.phone_edit = self.picker.phone_edit
        self.notes_edit = self.picker.notes_edit
        self.customer_hint = self.picker.hint
        self.suggestions = self.picker.suggestions
        self.completer = self.picker.completer
        self.price_edit = QLineEdit()
        self.price_edit.setPlaceholderText(_("e.g. 35.00"))
        self.price_edit.setAlignment(Qt.AlignmentFlag.AlignRight)

        self._rows: dict[str, FieldWithError] = {
            "service_id": FieldWithError(self.service_combo),
            "resource_id": FieldWithError(self.staff_combo),
            "starts_at": FieldWithError(self.starts_edit),
            "customer_name": FieldWithError(self.name_edit),
            "customer_email": FieldWithError(self.email_edit),
            "customer_phone": FieldWithError(self.phone_edit),
            "notes": FieldWithError(self.notes_edit),
            "price": FieldWithError(self.price_edit),
        }
        labels = {
            "service_id": _("Ser&vice"),
            "resource_id": _("&With"),
            "starts_at": _("&Date and time"),
            "customer_name": _("Customer &name"),
            "customer_email": _("&Email"),
            "customer_phone": _("&Phone"),
            "notes": _("N&otes"),
            "price": _("P&rice"),
        }
        form = form_layout()
        for field, row in self._rows.items():
            label = form_label(labels[field], row.field)
            if field == "notes":  # a tall field: the label goes by its first line
                label.setContentsMargins(0, 10, 0, 0)
            form.addRow(label, row)
            if field == "service_id":
                form.addRow("", self.service_line)
            elif field == "starts_at":
                form.addRow("", self.chips)
            elif field == "customer_name":
                form.addRow("", self.customer_hint)

        self.general_error = ErrorLabel()
        self.status_label = muted_label()
        self._feedback = FormFeedback(self._rows, self.general_error, grow=self)

        layout = dialog_layout(self)
        layout.addWidget(dialog_title(self, pgettext("window title", "New booking")))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.status_label)
        self.buttons, self.save_button = dialog_buttons(self, layout, _("Save"), self.save)
        self.save_button.setEnabled(False)  # until the services have loaded
        self._busy = BusyState(
            self, self.save_button, cancel_button(self.buttons), label=self.status_label
        )

        self.service_combo.currentIndexChanged.connect(self._on_service_changed)
        for edit in (self.name_edit, self.email_edit, self.phone_edit, self.price_edit):
            edit.textEdited.connect(self._clear_error_of_sender)
        self.notes_edit.textChanged.connect(lambda: self._rows["notes"].error.show_error(None))
        self.picker.linked.connect(self._on_customer_linked)
        self.staff_combo.currentIndexChanged.connect(self._clear_slot_error)
        self.starts_edit.dateTimeChanged.connect(self._on_time_changed)
        order = [
            self.service_combo,
            self.staff_combo,
            self.starts_edit,
            self.name_edit,
            self.email_edit,
            self.phone_edit,
            self.notes_edit,
            self.price_edit,
        ]
        for before, after in itertools.pairwise(order):
            self.setTabOrder(before, after)
        if again is not None:
            self.picker.link_booking_customer(again)
        self.service_combo.setFocus()
        self._refresh()
        self._load_services()

    # -- public -------------------------------------------------------------------------

    @property
    def customer_id(self) -> str | None:
        """The linked customer's id (a suggestion was chosen, or Book again), else None."""
        return self.picker.customer_id

    def error_text(self, field: str) -> str:
        """The sentence shown under ``field`` ('' when none), for tests and accessibility."""
        return self._feedback.text(field)

    def select_service(self, service_id: str) -> None:
        """Choose the service with ``service_id`` in the combo."""
        index = self.service_combo.findData(service_id)
        if index >= 0:
            self.service_combo.setCurrentIndex(index)

    def select_resource(self, resource_id: str | None) -> None:
        """Choose the staff member or room (None: Anyone)."""
        index = self.staff_combo.findData(resource_id) if resource_id else 0
        if index >= 0:
            self.staff_combo.setCurrentIndex(index)

    def starts_at(self) -> datetime:
        """The chosen start, in the business's time zone."""
        return wall_clock_to_aware(self.starts_edit.dateTime(), self._tz)

    def suggestion_names(self) -> list[str]:
        """The customers currently suggested (without "+ New customer"), for tests."""
        return self.picker.suggestion_names()

    def choose_suggestion(self, row: int) -> None:
        """Choose suggestion ``row`` as if clicked in the list."""
        self.picker.choose(row)

    def save(self) -> None:
        """Send the form to ``BookingService.create`` in the background; changed notes are
        checked first and saved with the customer the booking is linked to."""
        self._feedback.clear()
        service_id = self.service_combo.currentData()
        resource_id = self.staff_combo.currentData()
        request = BookingRequest(
            customer_name=self.name_edit.text(),
            service_id=service_id if isinstance(service_id, str) else "",
            starts_at=self.starts_at(),
            price_text=self.price_edit.text(),
            customer_email=self.email_edit.text(),
            customer_phone=self.phone_edit.text(),
            resource_id=resource_id if isinstance(resource_id, str) else None,
            customer_id=self.picker.customer_id,
        )
        notes = self.picker.changed_notes()
        bookings, customers = self._desk.bookings, self._desk.customers

        def work() -> Booking:
            if notes is not None:
                _clean, problem = check_notes(notes)
                if problem:
                    raise FormErrors({"notes": problem})
            booking = bookings.create(request)
            if notes is not None and booking.customer_id:
                customers.set_notes(booking.customer_id, notes)
            return booking

        self._busy.begin()
        self._runner.run(
            work, on_success=self._on_saved, on_failure=self._on_save_failed, owner=self
        )

    # -- loading ------------------------------------------------------------------------

    def _load_services(self) -> None:
        catalog = self._desk.catalog

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
            label = _("{service}  ·  {minutes} min  ·  {price}").format(
                service=service.name,
                minutes=service.duration_minutes,
                price=service.price.format(),
            )
            self.service_combo.addItem(label, service.id)
        self.service_combo.blockSignals(False)
        self.service_combo.setEnabled(bool(services))
        if services:
            wanted = self._again.service_id if self._again is not None else None
            index = max(0, self.service_combo.findData(wanted)) if wanted else 0
            self.service_combo.setCurrentIndex(index)
            self._on_service_changed(index)
        else:
            self.service_combo.addItem(_("No services yet"))
        self.save_button.setEnabled(bool(services))
        self._load_sheet()

    def _load_sheet(self) -> None:
        """The chosen day's bookings, for the free-slot chips (again when the day changes)."""
        day = self.starts_at().date()
        if self._sheet is not None and self._sheet[0] == day:
            return
        self._sheet = None  # read a day again when it comes back: bookings may have changed
        bookings = self._desk.bookings
        self._runner.run(
            lambda: bookings.day_sheet(day),
            on_success=self._on_sheet,
            on_failure=lambda _err: None,  # the chips are a convenience; the form still works
            owner=self,
            latest=self,  # an answer for another day, still on its way, is stale
            quiet=True,
        )

    def _on_sheet(self, sheet: DaySheet) -> None:
        self._sheet = (sheet.day, sheet.bookings, sheet.resources)
        self._refresh()

    # -- the service line and the chips --------------------------------------------------

    def _service(self) -> Service | None:
        index = self.service_combo.currentIndex()
        return self._services[index] if 0 <= index < len(self._services) else None

    def _refresh(self) -> None:
        starts = self.starts_at()
        sheet = self._sheet if self._sheet is not None and self._sheet[0] == starts.date() else None
        state = form_state(
            self._service(),
            starts,
            (sheet[1], sheet[2]) if sheet is not None else None,
            day=starts.date(),
            tz=self._tz,
            now=datetime.now(self._tz),
        )
        self.service_line.setText(state.service_line)
        self.chips.show_state(state.slots, loading=self._service() is not None and sheet is None)

    def _on_service_changed(self, index: int) -> None:
        if 0 <= index < len(self._services):
            self.price_edit.setText(self._services[index].price.input_text())
            self._rows["price"].error.show_error(None)
        self._refresh()

    def _on_time_changed(self) -> None:
        self._clear_slot_error()
        self._refresh()
        self._load_sheet()

    def _on_chip(self, chip: SlotChip) -> None:
        self.select_resource(chip.resource_id)
        self.starts_edit.setDateTime(aware_to_wall_clock(chip.starts_at))
        if not self.name_edit.text():
            self.name_edit.setFocus()  # the time is chosen: next, who

    def _on_customer_linked(self) -> None:
        for field in ("customer_name", "customer_email", "customer_phone", "notes"):
            self._rows[field].error.show_error(None)

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

    def _clear_slot_error(self) -> None:
        self._rows["starts_at"].error.show_error(None)
        self._rows["resource_id"].error.show_error(None)
