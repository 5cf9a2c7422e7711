"""The main window's day: which day is shown, list or schedule, whose bookings, and the
booking actions that change the schedule (move, cancel, no-show).

A controller of the day feature: it knows the main window only as a
:class:`~pos_app.ui.kit.shell.Shell` (``window.days``); the shell forwards its reload,
selection and action updates, and opens other features' windows (customers, services).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QItemSelection, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from pos_app.domain import locale_format as lf
from pos_app.domain.booking import Booking
from pos_app.domain.eligibility import Eligibility, can_cancel, can_move
from pos_app.i18n import _
from pos_app.services.bookings import BookingDetail, BookingService, CancelOutcome, DaySheet
from pos_app.ui.day.day_bar import DayBar
from pos_app.ui.day.day_list import DayList
from pos_app.ui.day.day_load_state import (
    DayRequest,
    LoadedDay,
    count_line,
    load_and_prepare,
    prepare_day,
)
from pos_app.ui.day.day_menus import add_day_menus, day_action, one_of
from pos_app.ui.day.day_view import DayView
from pos_app.ui.day.detail_panel import DetailPanel
from pos_app.ui.day.detail_presenter import HINT, ActionKey
from pos_app.ui.day.move_dialog import MoveDialog, ask_cancel, ask_no_show
from pos_app.ui.day.schedule_render import RenderedBlocks, renderer
from pos_app.ui.kit.shell import Shell
from pos_app.ui.kit.tasks import user_message

if TYPE_CHECKING:
    from pos_app.app import AppContext

log = logging.getLogger(__name__)

LIST, SCHEDULE = "list", "schedule"
#: A select asks for its booking's detail this much later: past the list's repaint (issue 12).
DETAIL_AFTER_MS = 1


class DayController(QObject):
    """Owns the day bar, the list and the schedule, the selected booking's detail panel, and
    the day's actions for one main window."""

    selection_moved = Signal()  # another booking (or none) is selected: actions follow

    def __init__(self, shell: Shell) -> None:
        super().__init__(shell.dialog_parent())
        self._w = shell
        self.day: date | None = None
        self.follow_today = True  # the shown day moves on at midnight until someone navigates
        self.resource_filter: str | None = None
        self.sheet: DaySheet | None = None
        self.reload_pending = False
        self._signature: tuple[object, ...] | None = None  # of the day shown (see loaded)
        self._cells: tuple[list[Booking], list[tuple[str, ...]], object] | None = None
        self._mode = LIST
        self.move_dialog: MoveDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self._load_timer = QTimer(self, singleShot=True, interval=10)  # see go_to_day
        self._load_timer.timeout.connect(shell.reload)
        self._detail_soon = QTimer(self, singleShot=True, interval=DETAIL_AFTER_MS)
        self._detail_soon.timeout.connect(self.request_detail)

        self.bar = DayBar()
        self.list = DayList(lambda: shell.new_booking())
        self.table = self.list.table
        self.model = self.list.model
        self.detail = DetailPanel(UTC)
        self.view = DayView(UTC)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.view)
        self.area = QWidget()
        box = QVBoxLayout(self.area)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.bar)
        box.addWidget(self.stack, 1)

        self._build_actions()
        self._build_menus()
        self._connect()

    # -- construction -------------------------------------------------------------------

    def _action(self, text: str, tip: str, keys: list[str], slot: Callable[[], object]) -> QAction:
        return day_action(self, self._w, text, tip, keys, slot)

    def _build_actions(self) -> None:
        a = self._action
        self.move_action = a(
            _("Move…"), _("Move the selected booking to another time or person"), ["Ctrl+M"],
            self.move_selected,
        )  # fmt: skip
        self.cancel_action = a(
            _("Cancel booking"), _("Cancel the selected booking and free its time"),
            ["Ctrl+Delete"], self.cancel_selected,
        )  # fmt: skip
        self.no_show_action = a(
            _("Mark no-show"), _("The customer did not come: free the time"), ["Ctrl+Shift+N"],
            self.no_show_selected,
        )  # fmt: skip
        self.book_again_action = a(
            _("Book again…"), _("A new booking with this one's service, staff member and customer"),
            ["Ctrl+Shift+B"], self.book_again_selected,
        )  # fmt: skip
        self.list_action = a(_("List"), _("The day as a list"), ["Ctrl+1"], self.show_list)
        self.schedule_action = a(
            _("Schedule"), _("The day by staff member and room"), ["Ctrl+2"], self.show_schedule
        )
        one_of(self, self.list_action, self.schedule_action)
        self.previous_action = a(
            _("Previous day"), _("Show the day before"), ["Alt+Left"], self.previous_day
        )
        self.next_action = a(_("Next day"), _("Show the day after"), ["Alt+Right"], self.next_day)
        self.today_action = a(_("Today"), _("Back to today"), ["Ctrl+T"], self.go_to_today)
        self.date_action = a(
            _("Go to date…"), _("Pick a day in the calendar"), ["Ctrl+G"], self.focus_date
        )

    def _build_menus(self) -> None:
        add_day_menus(
            self._w.menu("booking"),
            self._w.menu("view"),
            [self.move_action, self.cancel_action, self.no_show_action, self.book_again_action],
            [
                self.list_action,
                self.schedule_action,
                None,
                self.previous_action,
                self.next_action,
                self.today_action,
                self.date_action,
                None,
            ],
        )

    def set_row_actions(self, actions: list[QAction]) -> None:
        """A row's right-click menu, in the list and the schedule: the shell's ``actions``
        (charge, deposit, cash, refund…) then Move, Cancel and No-show."""
        mine = [self.move_action, self.cancel_action, self.no_show_action, self.book_again_action]
        self.table.addActions([*actions, *mine])
        self.view.set_menu_actions([*actions, *mine])

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
        self.view.booking_dropped.connect(self._on_dropped)
        self.view.render_wanted.connect(self._render_schedule)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda _index: self._w.charge_selected())

    # -- lifecycle ----------------------------------------------------------------------

    def attach(self, ctx: AppContext) -> None:
        """The app is ready: show today and enable the day's actions."""
        self.set_timezone(ctx.config.timezone)
        today = self.today()
        self.day = today
        self.bar.set_day(today, today)
        acts = (self.list_action, self.schedule_action, self.previous_action, self.next_action)
        for act in (*acts, self.today_action, self.date_action):
            act.setEnabled(True)

    def close_windows(self) -> None:
        """Close the windows this controller opened (at quit)."""
        for window in (self.move_dialog, self.confirm_box):
            if window is not None and shiboken6.isValid(window):
                window.close()

    # -- loading ------------------------------------------------------------------------

    def load_work(self, bookings: BookingService) -> Callable[[], LoadedDay]:
        """What the window's reload runs in the background: the shown day's sheet, with the
        list's texts and the schedule's layout worked out there too (see day_load_state)."""
        wanted = None if self.follow_today else self.day
        # The schedule's blocks are drawn with the day only when it is shown: behind the list
        # they were ~60 % of the load's CPU; hidden, it asks for them after the list's repaint.
        render = renderer(self.view.paint_setup()) if self._mode == SCHEDULE else None
        return load_and_prepare(
            lambda: bookings.day_sheet(wanted or bookings.today()),
            self._request(),
            shown=self._signature,
            render=render,
            items=self.list.items_maker(self.sheet.day if self.sheet is not None else None),
        )

    def _request(self) -> DayRequest:
        ctx = self._w.context()
        tz = ctx.config.timezone if ctx is not None else self.model.timezone()
        return DayRequest(tz, self.resource_filter)

    def loaded(self, day: LoadedDay | DaySheet) -> list[Booking] | None:
        """Show a loaded day; returns the table's rows, or None when the day is stale (the
        desk moved to another day meanwhile, and that day's load is on its way)."""
        w = self._w
        sheet = day.sheet if isinstance(day, LoadedDay) else day
        if not self.follow_today and sheet.day != self.day:
            QTimer.singleShot(0, self, w.reload)
            return None
        if self.reload_pending:
            self.reload_pending = False
            QTimer.singleShot(0, self, w.reload)
        request = self._request()
        self.view.set_timezone(request.tz)
        if not isinstance(day, LoadedDay) or not day.usable(request, self._signature):
            day = prepare_day(sheet, request)  # another zone or filter, or rows left out meanwhile
        today = self.today()
        self.bar.set_day(sheet.day, today)
        if day.signature == self._signature and self.sheet is not None:
            # The periodic reload brought what is shown already: the list and the grid stay.
            return self.model.rows()
        self._signature = day.signature
        self.sheet = sheet
        self.day = sheet.day
        self.bar.set_resources([r for r in sheet.resources if r.active])
        self.view.set_day(
            sheet.day,
            sheet.bookings,
            sheet.resources,
            only=self.resource_filter,
            layout=day.layout,
            key=day.signature,
            rendered=day.rendered if isinstance(day.rendered, RenderedBlocks) else None,
        )
        self.model.set_resource_names({r.id: r.name for r in sheet.resources})
        self._cells = (day.rows, day.cells, day.items)
        self.list.set_empty_text(sheet.day == today)
        return day.rows

    def _render_schedule(self) -> None:
        """Draw the schedule's blocks again in the background (the canvas was resized or the
        palette changed); the view paints them itself meanwhile."""
        view, layout = self.view, self.view.day_layout()
        self._w.runner.run(
            view.render_job(),
            on_success=lambda rendered: view.take_rendered(rendered, layout),
            key="render",
            owner=self,
            quiet=True,
        )

    def count_text(self, count: int) -> str:
        """'3 bookings today', '1 booking on Tue 24 Nov', with the staff member if filtered."""
        return count_line(count, self.day, self.today(), self.resource_filter, self.sheet)

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
            self.table.setFocus()

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
        self._w.set_day(day)
        # Loaded 10 ms on, past the new date's repaint: its Python made it wait for the GIL.
        self._load_timer.start()

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

    def set_timezone(self, tz: tzinfo) -> None:
        """Show times in the business's time zone (at start and when Settings change it)."""
        self.model.set_timezone(tz)
        self.detail.set_timezone(tz)
        self.view.set_timezone(tz)

    def show_rows(self, rows: list[Booking], keep: str | None) -> None:
        """Put a loaded day's ``rows`` in the list, keeping ``keep`` selected if it is there."""
        cells, self._cells = self._cells, None
        if cells is not None and cells[0] is rows and self.model.timezone() == self._request().tz:
            items = cells[2] if isinstance(cells[2], list) else None
            self.model.set_rows(rows, cells[1], items)  # made in the background (loaded)
        else:
            self.model.set_rows(rows)
        if keep is not None:
            self.select(keep)
        self.list.show_rows(len(rows))

    def selected_booking(self) -> Booking | None:
        """The selected booking as last loaded, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.booking_at(rows[0].row()) if rows else None

    def select(self, booking_id: str) -> bool:
        """Select the row of ``booking_id``; False if it is not in the shown day's list."""
        row = self.model.row_of(booking_id)
        if row < 0:
            return False
        selected = self.selected_booking()
        if selected is None or selected.id != booking_id:
            self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        # The list's selection moved: the schedule, the detail panel and the actions follow.
        self.view.select(self._w.selected_booking_id())
        self.selection_moved.emit()
        if self.selected_booking() is None:
            self._detail_soon.stop()
            self.request_detail()  # the hint, at once
        else:
            # After the list's repaint of the selection (a scroll: ~5 ms), which the load's
            # Python on the worker then does not fight for the GIL; selects in a row ask once.
            self._detail_soon.start()

    def request_detail(self) -> None:
        """Load the selected booking's detail (payments, refunds) for the panel."""
        self._detail_soon.stop()  # asked now: a select's later ask would be a second load
        ctx = self._w.context()
        booking = self.selected_booking()
        if ctx is None or booking is None:
            self.detail.show_hint(_(HINT))
            return
        bookings, booking_id = ctx.bookings, booking.id
        self._w.runner.run(
            lambda: bookings.detail(booking_id),
            on_success=self._on_detail,
            on_failure=lambda err: self.detail.show_hint(str(err)),
            key="detail",
            owner=self,
            quiet=True,
        )

    def _on_detail(self, detail: BookingDetail) -> None:
        if detail.booking.id != self._w.selected_booking_id():
            # The selection moved while this was loading: fetch the one now selected.
            self.request_detail()
            return
        shown = detail.booking.id
        self.detail.show_detail_soon(detail, lambda: shown == self._w.selected_booking_id())

    def _on_view_selected(self, booking_id: str) -> None:
        if booking_id:
            self._w.select_booking(booking_id)
        else:
            self.table.clearSelection()

    def _on_view_activated(self, booking_id: str) -> None:
        self._w.select_booking(booking_id)
        self._w.charge_selected()  # opens only when the booking can be charged

    def _on_slot_activated(self, resource_id: object, starts_at: object) -> None:
        if not isinstance(starts_at, datetime):
            return
        ctx = self._w.context()
        if ctx is None:
            return
        if starts_at < datetime.now(starts_at.tzinfo):
            self._w.show_notice(_("That time has passed. Tap a time from now on."))
            return
        rid = resource_id if isinstance(resource_id, str) else None
        self._w.new_booking(starts_at=starts_at, resource_id=rid)

    def _on_dropped(self, booking_id: str, resource_id: object, starts_at: object) -> None:
        """A booking was dragged on the schedule: move it as Move… does, off the GUI thread;
        a clash comes back as the service's sentence in the notice bar."""
        ctx = self._w.context()
        if ctx is None or not isinstance(starts_at, datetime):
            return
        rid = resource_id if isinstance(resource_id, str) else None
        bookings = ctx.bookings
        self._w.runner.run(
            lambda: bookings.move(booking_id, starts_at, rid),
            on_success=self._on_moved,
            on_failure=self._on_action_failed,
            owner=self,
        )

    def booking_actions(self) -> dict[ActionKey, QAction]:
        """The booking actions this controller owns, by their key."""
        return {
            ActionKey.MOVE: self.move_action,
            ActionKey.CANCEL: self.cancel_action,
            ActionKey.NO_SHOW: self.no_show_action,
        }

    def update_actions(self, rules: dict[ActionKey, Eligibility]) -> None:
        """Enable Move, Cancel and No-show as the domain's rules allow (a disabled one's
        tooltip says why)."""
        for key, act in self.booking_actions().items():
            rule = rules[key]
            tip = str(act.data()) if rule.allowed else _(rule.reason)
            if act.isEnabled() != rule.allowed:  # each change repaints menus and buttons
                act.setEnabled(rule.allowed)
            if act.toolTip() != tip:
                act.setToolTip(tip)
        # Any booking, past or cancelled too, can be booked again.
        self.book_again_action.setEnabled(self._w.selected_booking() is not None)

    # -- booking actions ----------------------------------------------------------------

    def book_again_selected(self) -> object:
        """Booking ▸ Book again… (Ctrl+Shift+B): a new booking like the selected one."""
        booking = self._w.selected_booking()
        if booking is None:
            return None
        return self._w.new_booking(again=booking)

    def move_selected(self) -> MoveDialog | None:
        """Booking ▸ Move… (Ctrl+M): pick a new time and person."""
        ctx, booking = self._w.context(), self._w.selected_booking()
        if ctx is None or booking is None or not can_move(booking):
            return None
        dialog = MoveDialog(ctx, self._w.runner, booking, self._w.dialog_parent())
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
            _("Moved {customer} to {day}, {time}.").format(
                customer=booking.customer_name,
                day=lf.date_text(local, "short_day_no_year"),
                time=lf.clock(local),
            ),
            tone="success",
        )
        self._w.select_after_reload(booking.id)
        if local.date() != self.day:
            self.go_to_day(local.date())
        else:
            self._w.reload()

    def cancel_selected(self) -> QMessageBox | None:
        """Booking ▸ Cancel booking (Ctrl+Delete), after a confirmation."""
        ctx, booking = self._w.context(), self._w.selected_booking()
        if ctx is None or booking is None or not can_cancel(booking):
            return None
        bookings = ctx.bookings
        booking_id = booking.id

        def run() -> None:
            self._w.runner.run(
                lambda: bookings.cancel(booking_id),
                on_success=self._on_cancelled,
                on_failure=self._on_action_failed,
                owner=self,
            )

        self.confirm_box = ask_cancel(self._w.dialog_parent(), booking, ctx.config.timezone, run)
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
            self._w.runner.run(
                lambda: bookings.no_show(booking_id),
                on_success=self._on_no_show,
                on_failure=self._on_action_failed,
                owner=self,
            )

        self.confirm_box = ask_no_show(self._w.dialog_parent(), booking, ctx.config.timezone, run)
        return self.confirm_box

    def _on_no_show(self, booking: Booking) -> None:
        self._w.show_notice(
            _("{customer} is marked as a no-show.").format(customer=booking.customer_name),
            tone="success",
        )
        self._w.reload()

    def _on_action_failed(self, error: BaseException) -> None:
        self._w.show_notice(user_message(error))
        self._w.reload()

    # -- other windows ------------------------------------------------------------------

    def show_booking(self, booking: Booking) -> None:
        """Show ``booking`` on its day and select it (e.g. from the customers window)."""
        ctx = self._w.context()
        if ctx is None:
            return
        self._w.select_after_reload(booking.id)
        day = booking.starts_at.astimezone(ctx.config.timezone).date()
        if self.resource_filter is not None:
            self.set_staff_filter(None)
        if day != self.day:
            self.go_to_day(day)
        else:
            self._w.reload()
        self._w.dialog_parent().activateWindow()
