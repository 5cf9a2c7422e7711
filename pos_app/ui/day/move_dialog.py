"""Move a booking to another time or person; confirm cancelling it or marking a no-show.

The conflict sentence (who holds the slot) comes from ``BookingService.move`` and is shown
right under the time, so the desk can pick another time or person without losing the form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QMessageBox,
    QWidget,
)

from pos_app.domain import locale_format as lf
from pos_app.domain.booking import Booking
from pos_app.domain.booking_display import NOT_REFUNDED
from pos_app.domain.errors import SlotTakenError
from pos_app.domain.people import Resource
from pos_app.i18n import N_, _
from pos_app.ui.day.desk_ports import MoveDesk
from pos_app.ui.kit.date_fields import DateEdit, TimeEdit
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

ANYONE = N_("Anyone")


def fill_resource_combo(
    combo: QComboBox, resources: Sequence[Resource], current: str | None
) -> None:
    """'Anyone' then each staff member and room; selects ``current``."""
    combo.clear()
    combo.addItem(_(ANYONE), None)
    for resource in resources:
        label = (
            resource.name
            if resource.kind.value == "staff"
            else _("{name} (room)").format(name=resource.name)
        )
        combo.addItem(label, resource.id)
    index = combo.findData(current) if current else 0
    combo.setCurrentIndex(max(0, index))


class MoveDialog(QDialog):
    """Pick a new date, time and staff member for a booking; Move saves it in the background."""

    moved = Signal(object)  # Booking

    def __init__(
        self,
        ctx: MoveDesk,
        runner: TaskRunner,
        booking: Booking,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._tz: tzinfo = ctx.config.timezone
        self.booking = booking
        self.result_booking: Booking | None = None
        self.setWindowTitle(_("Move booking"))
        self.setModal(True)
        self.setMinimumWidth(560)

        start = booking.starts_at.astimezone(self._tz)
        end = booking.ends_at.astimezone(self._tz)
        title = dialog_title(self, _("Move {name}").format(name=booking.customer_name))
        title.setWordWrap(True)
        summary = muted_label(
            _("{service} · now {day}, {start}–{end}. The price and service stay the same.").format(
                service=booking.service_name,
                day=lf.date_text(start, "weekday_day_month"),
                start=lf.clock(start),
                end=lf.clock(end),
            ),
            wrap=True,
        )

        self.date_edit = DateEdit(QDate(start.year, start.month, start.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        today = datetime.now(self._tz).date()
        self.date_edit.setMinimumDate(QDate(today.year, today.month, today.day))
        self.time_edit = TimeEdit(QTime(start.hour, start.minute))
        self.time_edit.setDisplayFormat("HH:mm")
        self.staff_combo = QComboBox()
        self.staff_combo.addItem(_("Loading…"), None)
        self.staff_combo.setEnabled(False)
        self._rows = {
            "date": FieldWithError(self.date_edit),
            "starts_at": FieldWithError(self.time_edit),
            "resource_id": FieldWithError(self.staff_combo),
        }
        form = form_layout()
        form.addRow(form_label(_("&Date"), self.date_edit), self._rows["date"])
        form.addRow(form_label(_("&Time"), self.time_edit), self._rows["starts_at"])
        form.addRow(form_label(_("&Staff"), self.staff_combo), self._rows["resource_id"])

        self.general_error = ErrorLabel()
        self.status_label = muted_label()
        self._feedback = FormFeedback(self._rows, self.general_error, grow=self)

        layout = dialog_layout(self)
        layout.addWidget(title)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.status_label)
        self.buttons, self.move_button = dialog_buttons(self, layout, _("Move"), self.save)
        self.move_button.setEnabled(False)  # until the staff list is in
        self._busy = BusyState(
            self, self.move_button, cancel_button(self.buttons), label=self.status_label
        )
        for signal in (
            self.date_edit.dateChanged,
            self.time_edit.timeChanged,
            self.staff_combo.currentIndexChanged,
        ):
            signal.connect(self._clear_errors)
        self.setTabOrder(self.date_edit, self.time_edit)
        self.setTabOrder(self.time_edit, self.staff_combo)
        self.time_edit.setFocus()

        catalog = ctx.catalog
        runner.run(
            catalog.list_resources,
            on_success=self._on_resources,
            on_failure=lambda err: self.general_error.show_error(user_message(err)),
            owner=self,
        )

    def error_text(self, field: str) -> str:
        """The sentence under ``field`` ('starts_at', 'resource_id', 'date'), '' if none."""
        return self._feedback.text(field)

    def set_target(self, when: datetime, resource_id: str | None) -> None:
        """Fill the form with a new time and staff member (as a person would)."""
        local = when.astimezone(self._tz)
        self.date_edit.setDate(QDate(local.year, local.month, local.day))
        self.time_edit.setTime(QTime(local.hour, local.minute))
        index = self.staff_combo.findData(resource_id) if resource_id else 0
        self.staff_combo.setCurrentIndex(max(0, index))

    def target(self) -> tuple[datetime, str | None]:
        """The chosen start (in the business's zone) and resource id."""
        d, t = self.date_edit.date(), self.time_edit.time()
        when = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=self._tz)
        rid = self.staff_combo.currentData()
        return when, rid if isinstance(rid, str) else None

    def save(self) -> None:
        """Ask the service to move the booking, in the background."""
        self._clear_errors()
        when, resource_id = self.target()
        bookings = self._ctx.bookings
        booking_id = self.booking.id
        self._busy.begin(_("Moving…"))
        self._runner.run(
            lambda: bookings.move(booking_id, when, resource_id),
            on_success=self._on_moved,
            on_failure=self._on_failed,
            owner=self,
        )

    # -- internals ----------------------------------------------------------------------

    def _on_resources(self, resources: list[Resource]) -> None:
        self.staff_combo.blockSignals(True)
        fill_resource_combo(self.staff_combo, resources, self.booking.resource_id)
        self.staff_combo.blockSignals(False)
        self.staff_combo.setEnabled(True)
        self.move_button.setEnabled(True)

    def _on_moved(self, booking: Booking) -> None:
        self._busy.end()
        self.result_booking = booking
        self.moved.emit(booking)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self._busy.end()
        if isinstance(error, SlotTakenError):
            # The time (or the person) is what has to change: say so under the time.
            self._feedback.show({"starts_at": error.message})
        else:
            self._feedback.show_error(error)

    def _clear_errors(self) -> None:
        self._feedback.clear()


def ask_cancel(
    parent: QWidget, booking: Booking, tz: tzinfo, on_yes: Callable[[], None]
) -> QMessageBox:
    """Ask (without blocking) before cancelling; says plainly that paid money is not
    refunded. ``on_yes`` runs if the desk confirms."""
    start = booking.starts_at.astimezone(tz)
    info = _("The time becomes free for someone else. An open payment link is closed.")
    net = booking.net_paid
    if net.amount > 0:
        info += "\n\n" + _("{amount} was paid. {not_refunded}").format(
            amount=net, not_refunded=_(NOT_REFUNDED)
        )
    return _ask(
        parent,
        title=_("Cancel booking"),
        text=_("Cancel {customer}'s {service} on {day} at {time}?").format(
            customer=booking.customer_name,
            service=booking.service_name,
            day=lf.date_text(start, "weekday_day_month"),
            time=lf.clock(start),
        ),
        info=info,
        yes=_("Cancel booking"),
        no=_("Keep booking"),
        destructive=True,
        on_yes=on_yes,
    )


def ask_no_show(
    parent: QWidget, booking: Booking, tz: tzinfo, on_yes: Callable[[], None]
) -> QMessageBox:
    """Ask (without blocking) before marking a no-show."""
    start = booking.starts_at.astimezone(tz)
    return _ask(
        parent,
        title=_("Mark no-show"),
        text=_("Mark {customer} as a no-show for {service} at {time}?").format(
            customer=booking.customer_name, service=booking.service_name, time=lf.clock(start)
        ),
        info=_("The time becomes free again. An open payment link is closed."),
        yes=_("Mark no-show"),
        no=_("Not now"),
        destructive=False,
        on_yes=on_yes,
    )


def _ask(
    parent: QWidget,
    *,
    title: str,
    text: str,
    info: str,
    yes: str,
    no: str,
    destructive: bool,
    on_yes: Callable[[], None],
) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(info)
    yes_button = box.addButton(
        yes,
        QMessageBox.ButtonRole.DestructiveRole
        if destructive
        else QMessageBox.ButtonRole.AcceptRole,
    )
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    # A destructive question defaults to the safe answer: Enter keeps the booking.
    box.setDefaultButton(no_button if destructive else yes_button)
    box.setEscapeButton(no_button)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

    def done(_result: int) -> None:
        if box.clickedButton() is yes_button:
            on_yes()

    box.finished.connect(done)
    box.open()
    return box
