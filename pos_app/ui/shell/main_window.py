"""The front desk's main window: today's bookings, the selected booking, and the actions.

The window exists before the app does (``MainWindow(runner)`` shows "Starting…"), and
``attach(ctx)`` fills it in once the database and Stripe are ready. Every service call goes
through the task runner; a 2-second sync keeps the table in step with payments made on phones.

The window is the :class:`~pos_app.ui.kit.shell.Shell` the features' controllers see. Its
parts are built in ``pages.py`` (top bar, pages, status bar), ``actions.py`` and ``menus.py``;
the windows it opens for the features are in ``openers.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu, QStackedWidget, QWidget

from pos_app.i18n import _
from pos_app.ui.kit import theme
from pos_app.ui.kit.shell import MenuName, Shell
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.shell import pages
from pos_app.ui.shell.actions import apply_rules, build_actions
from pos_app.ui.shell.day_build import DayBuild
from pos_app.ui.shell.live_updates import LiveUpdates
from pos_app.ui.shell.menus import build_menus, finish_menus
from pos_app.ui.shell.mode_banner import ModeBanner
from pos_app.ui.shell.openers import DialogOpeners
from pos_app.ui.shell.pages import APP_TITLE, Page
from pos_app.ui.shell.stations_status import StationsStatus
from pos_app.ui.shell.sync_loop import SyncLoop

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel, QTableView

    from pos_app.app import AppContext
    from pos_app.domain.booking import Booking
    from pos_app.services.payment_sync import SyncReport
    from pos_app.services.settings import SaveResult
    from pos_app.ui.day.booking_table import BookingTableModel
    from pos_app.ui.day.day_list import DayList
    from pos_app.ui.day.day_load_state import LoadedDay
    from pos_app.ui.day.detail_panel import DetailPanel
    from pos_app.ui.payments.overpaid_banner import OverpaidBanner
    from pos_app.ui.people.ports import EarlySignInPeople

NOTICE_MS = 10_000
# When the sign-in page is the first screen, the day and the sync start once its tiles are
# shown, or after this long if they are not (the accounts could not be read).
START_AFTER_MS = 1_000
__all__ = ["APP_TITLE", "MainWindow", "Page", "as_shell"]


class MainWindow(DialogOpeners, QMainWindow):
    """Today's bookings with a detail panel, a top bar of actions and a status bar."""

    if TYPE_CHECKING:  # the day's parts, set by DayBuild (day_build.py) once built
        table: QTableView
        model: BookingTableModel
        table_stack: DayList
        empty_label: QLabel
        detail: DetailPanel
        overpaid: OverpaidBanner
        sound_action: QAction

    def __init__(
        self, runner: TaskRunner, parent: QWidget | None = None, *, paint_first: bool = False
    ) -> None:
        """With ``paint_first`` (the app's start), only what the "Starting…" frame shows is
        built here; the sign-in page and the features' controllers follow once the event
        loop runs (``finish_building``), after the first paint, and the day, the customer
        display and the notifier once the first screen is shown (``day_build.py``)."""
        super().__init__(parent)
        self._runner = runner
        self._ctx: AppContext | None = None
        self._pending_select: str | None = None
        self._day: date | None = None
        self.day_loads = 0  # days loaded and shown, for tests and the bench
        self.init_openers()  # charge_dialog, refund_dialog… (openers.py)
        self.setWindowTitle(APP_TITLE)
        self.resize(1280, 760)
        self.setMinimumSize(1000, 600)

        acts = self.acts = build_actions(self, self)
        self.new_action, self.charge_action = acts.new, acts.charge
        self.deposit_action, self.cash_action = acts.deposit, acts.cash
        self.refund_action, self.receipt_action = acts.refund, acts.receipt
        self.refresh_action, self.settings_action = acts.refresh, acts.settings
        self.dashboard_action, self.customers_action = acts.dashboard, acts.customers
        self.catalog_action, self.products_action = acts.catalog, acts.products
        self.promo_codes_action, self.sell_action = acts.promo_codes, acts.sell
        self.menus = build_menus(self.menuBar(), acts)
        self.booking_menu, self.view_menu = self.menus.booking, self.menus.view
        self.manage_menu, self.account_menu = self.menus.manage, self.menus.account
        self.about_action = self.menus.help.addAction(_("&About pos-app…"))
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)  # macOS: in the app menu
        self.about_action.triggered.connect(self.open_about)
        self.about_dialog: QDialog | None = None
        self.top_bar = pages.TopBar(acts)
        self.title_label, self.badge = self.top_bar.title_label, self.top_bar.badge
        self.date_label, self.new_button = self.top_bar.date_label, self.top_bar.new_button
        self.charge_button, self.cash_button = self.top_bar.charge_button, self.top_bar.cash_button
        self.refund_button = self.top_bar.refund_button
        self.notice = pages.notice_label()
        self.pages = QStackedWidget()
        self.starting = pages.StartingPage()
        self.starting_label = self.starting.label
        self.failed = pages.FailedPage()
        self.failure_label, self.retry_button = self.failed.label, self.failed.retry_button
        self.retry_button.clicked.connect(self._on_retry)
        self.pages.addWidget(self.starting)
        self.pages.addWidget(self.failed)
        self.status = pages.StatusBarParts(self.statusBar())
        self.stripe_label, self.count_label = self.status.stripe_label, self.status.count_label
        self.progress = self.status.progress

        # SANDBOX, TEST MODE or LIVE across the full width: nobody mistakes real money.
        self.mode_banner = ModeBanner()
        self.setCentralWidget(
            pages.column([self.top_bar, self.mode_banner, self.notice, self.pages])
        )
        self.sync = SyncLoop(
            self, runner, on_synced=lambda report: self._on_synced(report),
            on_failed=self._after_sync, show_line=self.status.show_line,
        )  # fmt: skip
        # What other stations commit reloads what it concerns here (live_updates.py).
        self.live = LiveUpdates(self, self)
        # "Stripe updates: …" in the status bar, and this station's row kept fresh.
        self.stations_status = StationsStatus(
            self, runner, self.statusBar(), role=lambda: self.sync.role
        )
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)
        runner.busy_changed.connect(self.progress.setVisible)
        runner.error.connect(self.show_notice)
        self.show_starting()
        self._built = False  # see finish_building
        # The day's parts: at the app's start they wait for the first screen (day_build.py).
        self.day_build = DayBuild(self, later=paint_first)
        self._build_after_paint = paint_first  # see paintEvent
        self._painted = False
        self._after_paint: list[Callable[[], None]] = []
        self._started = self._detached = False  # see attach and after_start
        self._on_started: list[Callable[[], None]] = []
        if not paint_first:
            self.finish_building()

    def finish_building(self) -> None:
        """Build the sign-in page and the features' menu entries (once), and the day unless
        the app's start leaves it for later (``DayBuild``).

        Their modules are imported here, not at the top: loading them before the window's
        first paint made the app take about a second to appear."""
        if self._built:
            return
        self._built = True
        from pos_app.ui.people.desk_access import DeskAccess
        from pos_app.ui.people.sign_in import SignInPage
        from pos_app.ui.reports.day_close.closing_actions import ClosingActions

        self.sign_in_page = SignInPage(self._runner)
        # Page.READY's place until the day is built into it (DayBuild).
        for page in (QWidget(), self.sign_in_page):
            self.pages.addWidget(page)
        # Sign-in, lock (Ctrl+L), switch user (Ctrl+U), idle lock, Staff and Audit log.
        self.access = DeskAccess(self, self.sign_in_page)
        # Manage ▸ Close the day… and Reconcile with Stripe… (managers).
        self.closing = ClosingActions(self, is_locked=lambda: self.access.locked)
        finish_menus(self.menus, self.acts)
        if not self.day_build.later:
            self.day_build.build()

    def day_built(self) -> bool:
        """Whether the day, the customer display and the notifier exist (``DayBuild``)."""
        return self.day_build.built

    # -- the Shell protocol (ui/kit/shell.py) -------------------------------------------

    @property
    def runner(self) -> TaskRunner:
        """Runs service calls off the GUI thread."""
        return self._runner

    def dialog_parent(self) -> QWidget:
        """The widget dialogs and pop-ups are parented to."""
        return self

    def context(self) -> AppContext | None:
        """The attached app, or None while starting."""
        return self._ctx

    def menu(self, name: MenuName) -> QMenu:
        """One of the window's menus ("booking", "view", "manage", "account")."""
        return self.menus.get(name)

    def add_shortcut(self, action: QAction) -> None:
        """Make an action's shortcut work anywhere in the window."""
        self.addAction(action)

    def select_after_reload(self, booking_id: str) -> None:
        """Select this booking once the next reload has finished."""
        self._pending_select = booking_id

    def set_day(self, day: date) -> None:
        """Show another business day in the top bar (the caller reloads)."""
        self._day = day
        self.top_bar.show_day(day, self.width())

    def show_lock_page(self, page: QWidget) -> None:
        """Cover the day with ``page`` (the sign-in page); the menus and top bar go off."""
        if self.pages.indexOf(page) < 0:
            self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)
        self.menuBar().setEnabled(False)
        self.top_bar.setEnabled(False)

    def show_ready_page(self) -> None:
        """Uncover the day: menus and top bar back on, the day's list focused."""
        self.day_build.attach(self._ctx)  # done by now, unless signed in straight away
        self.menuBar().setEnabled(True)
        self.top_bar.setEnabled(True)
        self.pages.setCurrentIndex(Page.READY)
        self.table.setFocus()

    def set_corner_widget(self, widget: QWidget) -> None:
        """Put ``widget`` at the right end of the menu bar (who is signed in)."""
        self.menuBar().setCornerWidget(widget, Qt.Corner.TopRightCorner)

    def show_notice(self, message: str, tone: str = "danger") -> None:
        """A non-blocking sentence under the top bar that goes away by itself; ``tone`` is
        'danger' (a problem), 'warning', 'success' or 'info'."""
        pages.show_notice(self.notice, message, tone)
        self._notice_timer.start(NOTICE_MS)

    # -- lifecycle ----------------------------------------------------------------------

    def show_starting(self, text: str | None = None) -> None:
        """Show the startup spinner with ``text`` (translated; "Starting…" when not given)."""
        self.starting_label.setText(text if text is not None else _("Starting…"))
        self.badge.set_mode(None)
        self.pages.setCurrentIndex(Page.STARTING)
        self.stripe_label.setText("")

    def show_startup_error(self, message: str, retry: Callable[[], None] | None = None) -> None:
        """Say why the app could not start, with a Retry button when ``retry`` is given."""
        self.failed.show_error(message, retry)
        self.badge.set_mode(None, pending=_("Not connected"))
        self.pages.setCurrentIndex(Page.FAILED)

    def _on_retry(self) -> None:
        retry = self.failed.take_retry()
        if retry is not None:
            self.show_starting()
            retry()

    def show_early_sign_in(self, people: EarlySignInPeople) -> None:
        """The sign-in page with the accounts read before the app is open (``app_early.py``),
        unless the app is attached already or its start failed meanwhile."""
        if self._ctx is None and self.pages.currentIndex() == Page.STARTING:
            self.finish_building()
            self.access.show_early(people)

    def attach(self, ctx: AppContext) -> None:
        """Fill the window in for a running app and start keeping it current."""
        self.finish_building()  # normally done already, just after the first paint
        self._ctx = ctx
        self._started = self._detached = self.day_build.attached = False
        tz = ctx.config.timezone
        self.badge.set_mode(ctx.mode)
        self.mode_banner.set_mode(ctx.mode, ctx.config.notice)
        self.show_business_name()
        self.set_day(datetime.now(tz).date())
        if self.day_build.built or ctx.deps.desk.actor.role is not None:
            self.day_build.attach(ctx)  # the day is the first screen (or built already)
        early = self.access.roster_shown  # the sign-in page came before the open
        self.access.attach(ctx)  # the day if someone is signed in, else the sign-in page
        self.closing.attach(ctx)
        for act in (
            self.new_action,
            self.refresh_action,
            self.settings_action,
            self.dashboard_action,
            self.customers_action,
            self.catalog_action,
            self.products_action,
            self.promo_codes_action,
            self.sell_action,
        ):
            act.setEnabled(True)  # fmt: skip
        self.update_actions()
        self.sync.attach(ctx)
        if self.access.locked and not early:
            # The sign-in page is the first screen: its people load alone, and the day (built
            # then, at the app's start), the first sync pass (which loads the Stripe SDK) and
            # the rest start once its tiles are shown, instead of slowing it down
            # (bench/gui_responsiveness.py's "ready").
            for shown in (self.sign_in_page.loaded, self.sign_in_page.first_run_needed):
                shown.connect(self._keep_current, Qt.ConnectionType.SingleShotConnection)
            QTimer.singleShot(START_AFTER_MS, self, self._keep_current)  # tiles or not
        else:  # the day, or the sign-in page shown before the open: its tiles are there
            if not self.access.locked:
                self.table.setFocus()
            self._keep_current()

    def after_start(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the attached window has started its background work (the
        day's load, the first sync pass), at once if it has; for start-up work that must not
        compete with the first screen (today's backup)."""
        if self._started:
            callback()
        else:
            self._on_started.append(callback)

    def _keep_current(self) -> None:
        """Load the day, start syncing with Stripe and hearing other stations (once per
        attach; not after detach)."""
        ctx = self._ctx
        if ctx is None or self._started or self._detached:
            return
        self._started = True
        self.day_build.build_soon(self._start_keeping_current)

    def _start_keeping_current(self) -> None:
        ctx = self._ctx
        if ctx is None or self._detached:
            return
        self.day_build.attach(ctx)
        self.reload()
        self.sync_now()
        self.live.attach(ctx)
        if ctx.stations is not None:
            self.stations_status.attach(ctx.stations)
        callbacks, self._on_started = self._on_started, []
        for callback in callbacks:
            callback()

    def detach(self) -> None:
        """Stop the timers (at quit, before the app context is closed)."""
        self._detached = True
        self.live.stop()
        self.stations_status.stop()
        self.sync.stop()
        if self._built:  # else closed before they were built: none of these exist yet
            self.access.detach()
            self.closing.close_dialogs()
        self.day_build.close()
        self.close_dialogs()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.detach()
        super().closeEvent(event)

    def after_first_paint(self, callback: Callable[[], None], *, latest_ms: int = 250) -> None:
        """Call ``callback`` on the GUI thread once the first frame is painted (at once if it
        was), or after ``latest_ms`` if the window has not painted by then (minimised, or on a
        screen that is off): the app's start waits for it, never forever."""
        if self._painted:
            QTimer.singleShot(0, self, callback)
            return
        self._after_paint.append(callback)
        QTimer.singleShot(latest_ms, self, lambda: self._run_after_paint(callback))

    def _run_after_paint(self, callback: Callable[[], None]) -> None:
        if callback in self._after_paint:  # once: by the first paint or the fallback
            self._after_paint.remove(callback)
            callback()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            for callback in list(self._after_paint):
                QTimer.singleShot(0, self, lambda c=callback: self._run_after_paint(c))
        if self._build_after_paint:
            # The first frame is being painted (children follow in this same pass): build
            # the rest once it is on screen. A zero timer set before show() would run first.
            self._build_after_paint = False
            QTimer.singleShot(0, self, self.finish_building)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.top_bar.show_day(self._day, self.width())

    def apply_settings(self, result: SaveResult) -> None:
        """Business name, time zone and hold apply at once; show them."""
        ctx = self._ctx
        if ctx is None:
            return
        if self.day_build.built:
            self.days.set_timezone(ctx.config.timezone)
        self.show_business_name()
        sell = self.sell_window
        if sell is not None and shiboken6.isValid(sell):
            sell.set_tip_on_display(result.view.station.tip_on_display)
        if result.note:
            self.show_notice(result.note)
        self.reload()

    def open_about(self) -> QDialog:
        """Help ▸ About pos-app: version, mode and data folder (before the app opens too)."""
        from pos_app.ui.shell.about import AboutDialog, about_facts

        ctx = self._ctx
        facts = about_facts(
            ctx.mode if ctx is not None else None,
            ctx.config.data_dir if ctx is not None else None,
        )
        dialog = AboutDialog(facts, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.about_dialog = dialog
        dialog.open()
        return dialog

    def show_business_name(self) -> None:
        """The business's name in the top bar, on the customer display, and after the mode
        in the window title."""
        ctx = self._ctx
        if ctx is None:
            return
        name = ctx.config.business_name.strip() or APP_TITLE
        self.title_label.setText(name)
        if self.day_build.built:  # else told when it is built (DayBuild)
            self.customer_display.set_business(
                name if name != APP_TITLE else "", ctx.config.business_logo, ctx.mode
            )
        full = name if name == APP_TITLE else f"{name} — {APP_TITLE}"
        self.setWindowTitle(theme.window_title(ctx.mode, full))

    # -- data ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Reload the shown day's bookings (in the background; at most one at a time)."""
        ctx = self._ctx
        if ctx is None or not self.day_build.attached:
            return  # the day loads once it is attached (_keep_current, or signed in)
        work = self.days.load_work(ctx.bookings)
        if not self._runner.run(
            work, on_success=self._on_loaded, key="reload", owner=self, quiet=True
        ):
            self.days.reload_pending = True  # one is out: load again when it lands

    def sync_now(self) -> None:
        """One sync pass with Stripe, then a reload (skipped if a pass is still running)."""
        self.sync.sync_now()

    def refresh(self) -> None:
        """F5: sync with Stripe now and reload."""
        self.sync_now()
        self.reload()

    def _on_synced(self, report: SyncReport) -> None:
        self.notifier.sync_report(report)  # payments completed, refunds failed: once each
        self._after_sync()

    def _after_sync(self) -> None:
        # After the first pass the money actions are offered; the local database answers
        # even when Stripe did not: keep the table current with what we know.
        self.update_actions()
        self.reload()

    def _on_loaded(self, day: LoadedDay) -> None:
        rows = self.days.loaded(day)
        if rows is None:
            return  # another day was asked for meanwhile
        self.set_day(day.sheet.day)
        keep = self._pending_select or self.selected_booking_id()
        self._pending_select = None
        self.days.show_rows(rows, keep)
        self.status.show_count(self.days.count_text(len(rows)))
        self.update_actions()
        self.days.request_detail()
        self.day_loads += 1

    def stripe_status_text(self) -> str:
        """The status bar's Stripe line (without its symbol)."""
        return self.status.stripe_text()

    # -- selection, actions and detail --------------------------------------------------

    def selected_booking_id(self) -> str | None:
        """The id of the selected booking, or None."""
        booking = self.selected_booking()
        return booking.id if booking is not None else None

    def selected_booking(self) -> Booking | None:
        """The selected booking as last loaded, or None."""
        return self.days.selected_booking() if self.day_build.built else None

    def select_booking(self, booking_id: str) -> bool:
        """Select the row of ``booking_id``; False if it is not in the shown day's list."""
        return self.day_build.built and self.days.select(booking_id)

    def update_actions(self) -> None:
        """Every booking action (menus, top bar, right-click, the detail panel) from the
        domain's rules for the selected booking; a disabled one says why."""
        # Imported here, with the day: it brings the payment model, which the "Starting…"
        # frame does not need (bench/gui_responsiveness.py's first paint).
        from pos_app.ui.day.detail_presenter import booking_actions, no_booking_actions

        if not self.day_build.built:
            return  # the actions are disabled until the day is built, and applied then
        booking = self.selected_booking()
        attached = self._ctx is not None
        # Money actions wait for the startup reconciliation, so nothing is offered on a
        # payment that was settled at Stripe while the app was closed.
        ready = attached and not self.sync.first_pending
        rules = (
            no_booking_actions()
            if booking is None
            else booking_actions(booking, now=datetime.now(UTC), ready=ready, attached=attached)
        )
        apply_rules(self.acts.by_key(), rules)
        self.days.update_actions(rules)
        self.detail.set_ready(attached=attached, ready=ready)


def as_shell(window: MainWindow) -> Shell:
    """The window as the features see it (mypy proves MainWindow satisfies ``Shell``)."""
    return window
