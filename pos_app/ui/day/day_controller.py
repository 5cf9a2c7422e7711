"""The main window's day: which day is shown, list or schedule, whose bookings, and the
booking actions that change the schedule (move, cancel, no-show), plus the customers and
services windows.

Kept out of ``main_window.py`` so the window stays a thin shell: the window creates one
``DayController`` (``window.days``) and forwards its reload, selection and action updates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QHeaderView, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from pos_app.domain.booking import Booking
from pos_app.services.bookings import BookingService, CancelOutcome, DaySheet
from pos_app.ui.day.booking_table import Column
from pos_app.ui.day.day_view import DayBar, DayView
from pos_app.ui.day.move_dialog import MoveDialog, ask_cancel, ask_no_show
from pos_app.ui.kit.tasks import user_message
from pos_app.ui.manage.catalog_editor import CatalogEditor
from pos_app.ui.manage.customers_view import CustomersView

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

LIST, SCHEDULE = "list", "schedule"
OTHER_DAY_EMPTY = "No bookings on this day — press New booking"


class DayController(QObject):
    """Owns the day bar, the schedule and the day's actions for one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._w = window
        self.day: date | None = None
        self.follow_today = True  # the shown day moves on at midnight until someone navigates
        self.resource_filter: str | None = None
        self.sheet: DaySheet | None = None
        self.reload_pending = False
        self._mode = LIST
        self.move_dialog: MoveDialog | None = None
        self.customers_window: CustomersView | None = None
        self.catalog_window: CatalogEditor | None = None
        self.confirm_box: QMessageBox | None = None

        self.bar = DayBar()
        self.view = DayView(UTC)
        self.stack = QStackedWidget()
        self.stack.addWidget(window.table_stack)
        self.stack.addWidget(self.view)
        self.area = QWidget()
        box = QVBoxLayout(self.area)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.bar)
        box.addWidget(self.stack, 1)

        header = window.table.horizontalHeader()
        header.setSectionResizeMode(Column.STAFF, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(Column.STAFF, 140)

        self._build_actions()
        self._build_menus()
        self._connect()

    # -- construction -------------------------------------------------------------------

    def _action(
        self,
        text: str,
        tip: str,
        keys: list[str],
        slot: Callable[[], object],
        *,
        enabled: bool = False,
    ) -> QAction:
        act = QAction(text, self._w)
        act.setToolTip(tip)
        act.setShortcuts([QKeySequence(k) for k in keys])
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(lambda _checked=False: slot())
        act.setEnabled(enabled)
        self._w.addAction(act)
        return act

    def _build_actions(self) -> None:
        a = self._action
        self.move_action = a(
            "Move…", "Move the selected booking to another time or person", ["Ctrl+M"],
            self.move_selected,
        )  # fmt: skip
        self.cancel_action = a(
            "Cancel booking", "Cancel the selected booking and free its time", ["Ctrl+Delete"],
            self.cancel_selected,
        )  # fmt: skip
        self.no_show_action = a(
            "Mark no-show", "The customer did not come: free the time", ["Ctrl+Shift+N"],
            self.no_show_selected,
        )  # fmt: skip
        self.list_action = a("List", "The day as a list", ["Ctrl+1"], self.show_list)
        self.schedule_action = a(
            "Schedule", "The day by staff member and room", ["Ctrl+2"], self.show_schedule
        )
        group = QActionGroup(self)
        group.setExclusive(True)
        for act in (self.list_action, self.schedule_action):
            act.setCheckable(True)
            group.addAction(act)
        self.list_action.setChecked(True)
        self.previous_action = a(
            "Previous day", "Show the day before", ["Alt+Left"], self.previous_day
        )
        self.next_action = a("Next day", "Show the day after", ["Alt+Right"], self.next_day)
        self.today_action = a("Today", "Back to today", ["Ctrl+T"], self.go_to_today)
        self.date_action = a(
            "Go to date…", "Pick a day in the calendar", ["Ctrl+G"], self.focus_date
        )
        self.customers_action = a(
            "Customers…", "Find a customer, their details and bookings", ["Ctrl+Shift+F"],
            self.open_customers,
        )  # fmt: skip
        self.catalog_action = a(
            "Services…", "The services you sell: names, lengths, prices (managers)", [],
            self.open_catalog,
        )  # fmt: skip

    def _build_menus(self) -> None:
        w = self._w
        w.booking_menu.addSeparator()
        for booking_act in (self.move_action, self.cancel_action, self.no_show_action):
            w.booking_menu.addAction(booking_act)
        # List, Schedule and the day's navigation go first in View, above what others put there.
        first = w.view_menu.actions()[0] if w.view_menu.actions() else None
        entries: list[QAction | None] = [
            self.list_action,
            self.schedule_action,
            None,
            self.previous_action,
            self.next_action,
            self.today_action,
            self.date_action,
            None,
        ]
        for entry in entries:
            if entry is None and first is not None:
                w.view_menu.insertSeparator(first)
            elif entry is None:
                w.view_menu.addSeparator()
            elif first is not None:
                w.view_menu.insertAction(first, entry)
            else:
                w.view_menu.addAction(entry)
        actions = w.manage_menu.actions()
        anchor = actions[0] if actions else None
        for act in (self.customers_action, self.catalog_action):
            if anchor is not None:
                w.manage_menu.insertAction(anchor, act)
            else:
                w.manage_menu.addAction(act)
        # Right-click a row for the schedule actions too.
        w.table.addActions([self.move_action, self.cancel_action, self.no_show_action])

    def _connect(self) -> None:
        bar = self.bar
        bar.previous_requested.connect(self.previous_day)
        bar.next_requested.connect(self.next_day)
        bar.today_requested.connect(self.go_to_today)
        bar.day_requested.connect(self.go_to_day)
        bar.filter_changed.connect(self.set_staff_filter)
        bar.mode_requested.connect(self.set_mode)
        self.view.booking_selected.connect(self._on_view_selected)
        self.view.booking_activated.connect(self._on_view_activated)
        self.view.slot_activated.connect(self._on_slot_activated)
        w = self._w
        self.view.set_menu_actions(
            [
                w.charge_action,
                w.deposit_action,
                w.cash_action,
                w.refund_action,
                self.move_action,
                self.cancel_action,
                self.no_show_action,
            ]
        )
        w.detail.customer_requested.connect(self.open_customers)

    # -- lifecycle ----------------------------------------------------------------------

    def attach(self, ctx: AppContext) -> None:
        """The app is ready: show today and enable the day's actions."""
        self.view.set_timezone(ctx.config.timezone)
        today = self.today()
        self.day = today
        self.bar.set_day(today, today)
        for act in (
            self.list_action,
            self.schedule_action,
            self.previous_action,
            self.next_action,
            self.today_action,
            self.date_action,
            self.customers_action,
            self.catalog_action,
        ):
            act.setEnabled(True)

    def close_windows(self) -> None:
        """Close the windows this controller opened (at quit)."""
        for window in (
            self.move_dialog,
            self.customers_window,
            self.catalog_window,
            self.confirm_box,
        ):
            if window is not None and shiboken6.isValid(window):
                window.close()

    # -- loading ------------------------------------------------------------------------

    def load_work(self, bookings: BookingService) -> Callable[[], DaySheet]:
        """What the window's reload runs in the background: the shown day's sheet."""
        wanted = None if self.follow_today else self.day

        def work() -> DaySheet:
            return bookings.day_sheet(wanted or bookings.today())

        return work

    def loaded(self, sheet: DaySheet) -> list[Booking] | None:
        """Show a loaded day; returns the table's rows, or None when the day is stale (the
        desk moved to another day meanwhile, and that day's load is on its way)."""
        w = self._w
        if not self.follow_today and sheet.day != self.day:
            QTimer.singleShot(0, w, w.reload)
            return None
        if self.reload_pending:
            self.reload_pending = False
            QTimer.singleShot(0, w, w.reload)
        ctx = w.context()
        if ctx is not None:
            self.view.set_timezone(ctx.config.timezone)
        self.sheet = sheet
        self.day = sheet.day
        today = self.today()
        self.bar.set_day(sheet.day, today)
        self.bar.set_resources([r for r in sheet.resources if r.active])
        rows = [
            b
            for b in sheet.bookings
            if self.resource_filter is None or b.resource_id == self.resource_filter
        ]
        self.view.set_day(sheet.day, sheet.bookings, sheet.resources, only=self.resource_filter)
        w.model.set_resource_names({r.id: r.name for r in sheet.resources})
        from pos_app.ui.shell.main_window import EMPTY_TEXT  # the window imports this module

        w.empty_label.setText(EMPTY_TEXT if sheet.day == today else OTHER_DAY_EMPTY)
        return rows

    def count_text(self, count: int) -> str:
        """'3 bookings today', '1 booking on Tue 24 Nov', with the staff member if filtered."""
        noun = f"{count} booking{'s' if count != 1 else ''}"
        day = self.day
        when = "today" if day is None or day == self.today() else f"on {day:%a} {day.day} {day:%b}"
        who = ""
        if self.resource_filter is not None and self.sheet is not None:
            names = [r.name for r in self.sheet.resources if r.id == self.resource_filter]
            who = f" for {names[0]}" if names else ""
        return f"{noun} {when}{who}"

    def default_start(self) -> datetime | None:
        """Where a new booking starts by default: 09:00 on a future day that is shown, else
        None (the form picks the next quarter hour)."""
        ctx = self._w.context()
        if ctx is None or self.day is None or self.day <= self.today():
            return None
        return datetime.combine(self.day, time(9), tzinfo=ctx.config.timezone)

    def today(self) -> date:
        """Today in the business's time zone (from the clock, no database)."""
        ctx = self._w.context()
        tz = ctx.config.timezone if ctx is not None else None
        return datetime.now(tz).date()

    # -- views and days -----------------------------------------------------------------

    def current_day(self) -> date | None:
        """The day shown (None before the app is attached)."""
        return self.day

    def mode(self) -> str:
        """'list' or 'schedule'."""
        return self._mode

    def set_mode(self, mode: str) -> None:
        """Show the list (``'list'``) or the schedule (``'schedule'``)."""
        self._mode = SCHEDULE if mode == SCHEDULE else LIST
        self.stack.setCurrentIndex(1 if self._mode == SCHEDULE else 0)
        self.bar.set_mode(self._mode)
        (self.schedule_action if self._mode == SCHEDULE else self.list_action).setChecked(True)
        if self._mode == SCHEDULE:
            self.view.select(self._w.selected_booking_id())
            self.view.setFocus()
        else:
            self._w.table.setFocus()

    def show_list(self) -> None:
        """View ▸ List (Ctrl+1)."""
        self.set_mode(LIST)

    def show_schedule(self) -> None:
        """View ▸ Schedule (Ctrl+2)."""
        self.set_mode(SCHEDULE)

    def go_to_day(self, day: date) -> None:
        """Show ``day`` (reloads in the background)."""
        if self._w.context() is None:
            return
        self.follow_today = day == self.today()
        if day == self.day and self.sheet is not None and self.sheet.day == day:
            return
        self.day = day
        self.bar.set_day(day, self.today())
        self._w._set_day(day)
        self._w.reload()

    def previous_day(self) -> None:
        """View ▸ Previous day (Alt+Left)."""
        if self.day is not None:
            self.go_to_day(self.day - timedelta(days=1))

    def next_day(self) -> None:
        """View ▸ Next day (Alt+Right)."""
        if self.day is not None:
            self.go_to_day(self.day + timedelta(days=1))

    def go_to_today(self) -> None:
        """View ▸ Today (Ctrl+T)."""
        self.go_to_day(self.today())

    def focus_date(self) -> None:
        """View ▸ Go to date… (Ctrl+G): focus the date picker."""
        self.bar.date_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.bar.date_edit.setSelectedSection(self.bar.date_edit.sectionAt(0))

    def set_staff_filter(self, resource_id: str | None) -> None:
        """Show one staff member's (or room's) bookings; None shows everyone's."""
        if resource_id == self.resource_filter:
            return
        self.resource_filter = resource_id
        if self.bar.resource_filter() != resource_id:
            self.bar.set_resource_filter(resource_id)
        sheet = self.sheet
        if sheet is not None:
            self._w.reload()

    # -- selection ----------------------------------------------------------------------

    def selection_changed(self) -> None:
        """The list's selection moved: the schedule follows."""
        self.view.select(self._w.selected_booking_id())

    def _on_view_selected(self, booking_id: str) -> None:
        if booking_id:
            self._w.select_booking(booking_id)
        else:
            self._w.table.clearSelection()

    def _on_view_activated(self, booking_id: str) -> None:
        self._w.select_booking(booking_id)
        if self._w.charge_action.isEnabled():
            self._w.charge_action.trigger()

    def _on_slot_activated(self, resource_id: object, starts_at: object) -> None:
        if not isinstance(starts_at, datetime):
            return
        ctx = self._w.context()
        if ctx is None:
            return
        if starts_at < datetime.now(starts_at.tzinfo):
            self._w.show_notice("That time has passed. Double-click a time from now on.")
            return
        rid = resource_id if isinstance(resource_id, str) else None
        self._w.new_booking(starts_at=starts_at, resource_id=rid)

    def update_actions(self, booking: Booking | None, ready: bool) -> None:
        """Enable Move, Cancel and No-show for what the selected booking allows."""
        live = booking is not None and not booking.cancelled and not booking.no_show
        self.move_action.setEnabled(self._w.context() is not None and live)
        self.cancel_action.setEnabled(ready and booking is not None and not booking.cancelled)
        started = booking is not None and booking.starts_at <= datetime.now(
            booking.starts_at.tzinfo
        )
        self.no_show_action.setEnabled(ready and live and started)

    # -- booking actions ----------------------------------------------------------------

    def move_selected(self) -> MoveDialog | None:
        """Booking ▸ Move… (Ctrl+M): pick a new time and person."""
        ctx, booking = self._w.context(), self._w.selected_booking()
        if ctx is None or booking is None or booking.cancelled or booking.no_show:
            return None
        dialog = MoveDialog(ctx, self._w._runner, booking, self._w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.moved.connect(self._on_moved)
        self.move_dialog = dialog
        dialog.open()
        return dialog

    def _on_moved(self, booking: Booking) -> None:
        ctx = self._w.context()
        if ctx is None:
            return
        local = booking.starts_at.astimezone(ctx.config.timezone)
        self._w.show_notice(
            f"Moved {booking.customer_name} to {local:%a} {local.day} {local:%b}, {local:%H:%M}.",
            tone="success",
        )
        self._w._select_after_reload = booking.id
        if local.date() != self.day:
            self.go_to_day(local.date())
        else:
            self._w.reload()

    def cancel_selected(self) -> QMessageBox | None:
        """Booking ▸ Cancel booking (Ctrl+Delete), after a confirmation."""
        ctx, booking = self._w.context(), self._w.selected_booking()
        if ctx is None or booking is None or booking.cancelled:
            return None
        bookings = ctx.bookings
        booking_id = booking.id

        def run() -> None:
            self._w._runner.run(
                lambda: bookings.cancel(booking_id),
                on_success=self._on_cancelled,
                on_failure=self._on_action_failed,
                owner=self,
            )

        self.confirm_box = ask_cancel(self._w, booking, ctx.config.timezone, run)
        return self.confirm_box

    def _on_cancelled(self, outcome: CancelOutcome) -> None:
        self._w.show_notice(outcome.message, tone="warning" if outcome.kept.amount else "success")
        self._w.reload()

    def no_show_selected(self) -> QMessageBox | None:
        """Booking ▸ Mark no-show (Ctrl+Shift+N), after a confirmation."""
        ctx, booking = self._w.context(), self._w.selected_booking()
        if ctx is None or booking is None:
            return None
        bookings = ctx.bookings
        booking_id = booking.id

        def run() -> None:
            self._w._runner.run(
                lambda: bookings.no_show(booking_id),
                on_success=self._on_no_show,
                on_failure=self._on_action_failed,
                owner=self,
            )

        self.confirm_box = ask_no_show(self._w, booking, ctx.config.timezone, run)
        return self.confirm_box

    def _on_no_show(self, booking: Booking) -> None:
        self._w.show_notice(f"{booking.customer_name} is marked as a no-show.", tone="success")
        self._w.reload()

    def _on_action_failed(self, error: BaseException) -> None:
        self._w.show_notice(user_message(error))
        self._w.reload()

    # -- other windows ------------------------------------------------------------------

    def open_customers(self, customer_id: str | None = None) -> CustomersView | None:
        """Manage ▸ Customers… (Ctrl+Shift+F); with an id, opens on that customer."""
        ctx = self._w.context()
        if ctx is None:
            return None
        current = self.customers_window
        if current is not None and shiboken6.isValid(current) and customer_id is None:
            current.raise_()
            current.activateWindow()
            return current
        if current is not None and shiboken6.isValid(current):
            current.close()
        window = CustomersView(ctx, self._w._runner, self._w, customer_id=customer_id or None)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window.booking_requested.connect(self._show_booking)
        self.customers_window = window
        window.show()
        return window

    def _show_booking(self, booking: Booking) -> None:
        ctx = self._w.context()
        if ctx is None:
            return
        self._w._select_after_reload = booking.id
        day = booking.starts_at.astimezone(ctx.config.timezone).date()
        if self.resource_filter is not None:
            self.set_staff_filter(None)
        if day != self.day:
            self.go_to_day(day)
        else:
            self._w.reload()
        self._w.activateWindow()

    def open_catalog(self) -> CatalogEditor | None:
        """Manage ▸ Services… (anyone may look; managers save)."""
        ctx = self._w.context()
        if ctx is None:
            return None
        dialog = CatalogEditor(ctx, self._w._runner, self._w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.finished.connect(lambda _r: self._w.reload())
        self.catalog_window = dialog
        dialog.open()
        return dialog
