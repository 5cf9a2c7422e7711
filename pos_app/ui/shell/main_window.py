"""The front desk's main window: today's bookings, the selected booking, and the actions.

The window exists before the app does (``MainWindow(runner)`` shows "Starting…"), and
``attach(ctx)`` fills it in once the database and Stripe are ready. Every service call goes
through the task runner; a 2-second sync keeps the table in step with payments made on phones.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import IntEnum
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.booking import Booking, BookingStatus
from pos_app.services.backoff import Backoff
from pos_app.services.bookings import BookingDetail, DaySheet
from pos_app.services.payment_sync import SyncReport
from pos_app.services.settings import NOT_MANAGER, SaveResult
from pos_app.ui.day.booking_dialog import BookingDialog
from pos_app.ui.day.booking_table import BookingTableModel, Column, RowDelegate, StatusChipDelegate
from pos_app.ui.day.day_controller import DayController
from pos_app.ui.day.detail_panel import DetailPanel
from pos_app.ui.kit import theme
from pos_app.ui.kit.spinner import Spinner
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.manage.settings_dialog import SettingsDialog
from pos_app.ui.payments.cash_dialog import CashDialog
from pos_app.ui.payments.charge_view import ChargeDialog
from pos_app.ui.payments.customer_display import CustomerDisplay
from pos_app.ui.payments.deposit_dialog import DepositDialog
from pos_app.ui.payments.overpaid_banner import OverpaidBanner
from pos_app.ui.payments.refund_dialog import RefundDialog
from pos_app.ui.people.idle_lock import DeskAccess
from pos_app.ui.people.sign_in import SignInPage
from pos_app.ui.reports.day_close.day_close_view import ClosingActions
from pos_app.ui.reports.receipt_view import ReceiptDialog
from pos_app.ui.shell.mode_banner import ModeBanner
from pos_app.ui.shell.notifier import Notifier
from pos_app.ui.shell.sync_status import ConnectionTracker, Link, StatusLine

if TYPE_CHECKING:
    from pos_app.app import AppContext

APP_TITLE = "pos-app"
NOTICE_MS = 10_000
CHARGEABLE = frozenset(
    {BookingStatus.NEW, BookingStatus.AWAITING_PAYMENT, BookingStatus.DEPOSIT_PAID}
)
REFUNDABLE = frozenset(
    {BookingStatus.PAID, BookingStatus.PARTIALLY_REFUNDED, BookingStatus.DEPOSIT_PAID}
) | {BookingStatus.OVERPAID}
EMPTY_TEXT = "No bookings today — press New booking"


class Page(IntEnum):
    """The central area's pages."""

    STARTING = 0
    FAILED = 1
    READY = 2
    LOCKED = 3  # nobody signed in: the sign-in page (see DeskAccess)


class ActionButton(QPushButton):
    """A push button that mirrors a QAction (text, enabled state, tooltip with shortcut)."""

    def __init__(self, action: QAction, parent: QWidget | None = None) -> None:
        super().__init__(action.text(), parent)
        self._action = action
        self.clicked.connect(action.trigger)
        action.changed.connect(self._sync)
        self._sync()

    def _sync(self) -> None:
        self.setText(self._action.text())
        self.setEnabled(self._action.isEnabled())
        shortcut = self._action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.setToolTip(f"{self._action.toolTip()} ({shortcut})" if shortcut else "")


class MainWindow(QMainWindow):
    """Today's bookings with a detail panel, a top bar of actions and a status bar."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._ctx: AppContext | None = None
        self._tracker: ConnectionTracker | None = None
        self._select_after_reload: str | None = None
        self._first_sync = True
        self._day: date | None = None
        self.charge_dialog: ChargeDialog | None = None
        self.refund_dialog: RefundDialog | None = None
        self.receipt_dialog: ReceiptDialog | None = None
        self.cash_dialog: CashDialog | None = None
        self.deposit_dialog: DepositDialog | None = None
        self.booking_dialog: BookingDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.dashboard_dialog: QDialog | None = None
        self.setWindowTitle(APP_TITLE)
        self.resize(1280, 760)
        self.setMinimumSize(1000, 600)

        self._build_actions()
        self._build_menus()
        self._build_top_bar()
        self._build_pages()
        self._build_status_bar()
        # Sign-in, lock (Ctrl+L), switch user (Ctrl+U), idle lock, Staff and Audit log.
        self.access = DeskAccess(self, runner)
        # Manage ▸ Close the day… and Reconcile with Stripe… (managers).
        self.closing = ClosingActions(self, runner)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.top_bar)
        # SANDBOX, TEST MODE or LIVE across the full width: nobody mistakes real money.
        self.mode_banner = ModeBanner()
        layout.addWidget(self.mode_banner)
        layout.addWidget(self.notice)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        # The customer's screen (View ▸ Customer display, F8) mirrors the charge screen;
        # completed payments and failed refunds are announced once each (View ▸ Sound).
        self.customer_display = CustomerDisplay()  # its own top-level window, deleted with us
        self.destroyed.connect(self.customer_display.deleteLater)
        self.customer_display_action = self.customer_display.toggle_action(self, self)
        self.addAction(self.customer_display_action)
        self.view_menu.addAction(self.customer_display_action)
        self.notifier = Notifier(self)
        self.sound_action = self.notifier.sound_action(self)
        self.view_menu.addAction(self.sound_action)

        # One pass at a time; the next is scheduled when this one ends, at the backoff's pace.
        self._backoff = Backoff()
        self._sync_timer = QTimer(self)
        self._sync_timer.setSingleShot(True)
        self._sync_timer.timeout.connect(self.sync_now)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)
        runner.busy_changed.connect(self._on_busy)
        runner.error.connect(self.show_notice)

        self.setTabOrder(self.new_button, self.charge_button)
        self.setTabOrder(self.charge_button, self.cash_button)
        self.setTabOrder(self.cash_button, self.refund_button)
        self.setTabOrder(self.refund_button, self.refresh_button)
        self.setTabOrder(self.refresh_button, self.table)
        # Settings last in Manage, after whatever else other features put there.
        self.manage_menu.addSeparator()
        self.manage_menu.addAction(self.settings_action)
        self.setTabOrder(self.table, self.detail)
        self.show_starting()

    # -- construction -------------------------------------------------------------------

    def _build_actions(self) -> None:
        def action(text: str, tip: str, keys: list[QKeySequence], slot: Callable[[], object]):  # type: ignore[no-untyped-def]
            act = QAction(text, self)
            act.setToolTip(tip)
            act.setShortcuts(keys)
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            act.setEnabled(False)
            self.addAction(act)  # so the shortcut works wherever the focus is
            return act

        self.new_action = action(
            "New booking", "Book a customer in", [QKeySequence("Ctrl+N")], self.new_booking
        )
        self.charge_action = action(
            "Charge",
            "Show the payment QR for the selected booking",
            [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")],
            self.charge_selected,
        )
        self.deposit_action = action(
            "Deposit…",
            "Ask for part of the balance by card (a deposit)",
            [QKeySequence("Ctrl+Shift+D")],
            self.deposit_selected,
        )
        self.cash_action = action(
            "Cash",
            "Record cash taken for the selected booking",
            [QKeySequence("Ctrl+Shift+C")],
            self.cash_selected,
        )
        self.refund_action = action(
            "Refund", "Refund the selected booking", [QKeySequence("Ctrl+R")], self.refund_selected
        )
        self.refresh_action = action(
            "Refresh", "Ask Stripe for news and reload the day", [QKeySequence("F5")], self.refresh
        )
        self.settings_action = action(
            "Settings…",
            "Business, payments and this station (managers)",
            [QKeySequence("Ctrl+,")],
            self.open_settings,
        )
        self.receipt_action = action(
            "Receipt…",
            "Print, save as PDF or email the selected booking's receipt",
            [QKeySequence("Ctrl+P")],
            self.receipt_selected,
        )
        self.dashboard_action = action(
            "Sales dashboard…",
            "Sales, refunds, fees and the by-hour chart for a day or a range (managers)",
            [QKeySequence("Ctrl+Shift+R")],
            self.open_dashboard,
        )

    def _build_menus(self) -> None:
        # Every action lives in a menu too: discoverable, and each shows its shortcut there.
        bar = self.menuBar()
        self.booking_menu = bar.addMenu("&Booking")
        for act in (
            self.new_action,
            self.charge_action,
            self.deposit_action,
            self.cash_action,
            self.refund_action,
        ):
            self.booking_menu.addAction(act)
        self.booking_menu.addAction(self.receipt_action)
        self.booking_menu.addSeparator()
        self.view_menu = bar.addMenu("&View")
        self.view_menu.addAction(self.refresh_action)
        self.view_menu.addSeparator()
        self.manage_menu = bar.addMenu("&Manage")
        self.manage_menu.addAction(self.dashboard_action)
        self.account_menu = bar.addMenu("&Account")

    def _build_top_bar(self) -> None:
        self.top_bar = QFrame()
        self.top_bar.setObjectName("topBar")
        self.top_bar.setStyleSheet(
            "QFrame#topBar { background: palette(base); border-bottom: 1px solid palette(mid); }"
        )
        self.title_label = QLabel(APP_TITLE)
        self.title_label.setFont(theme.font(self, scale=1.45, bold=True))
        self.badge = theme.ModeBadge(None)
        self.date_label = QLabel("")
        self.date_label.setFont(theme.font(self, scale=1.1))
        self.new_button = ActionButton(self.new_action)
        self.charge_button = ActionButton(self.charge_action)
        self.cash_button = ActionButton(self.cash_action)
        self.refund_button = ActionButton(self.refund_action)
        self.refresh_button = ActionButton(self.refresh_action)
        theme.make_primary(self.new_button)
        for button in (
            self.charge_button,
            self.cash_button,
            self.refund_button,
            self.refresh_button,
        ):
            button.setMinimumHeight(self.new_button.sizeHint().height())
            button.setMinimumWidth(80)
        row = QHBoxLayout(self.top_bar)
        row.setContentsMargins(18, 10, 18, 10)
        row.setSpacing(10)
        row.addWidget(self.title_label)
        row.addWidget(self.badge)
        row.addSpacing(8)
        row.addWidget(self.date_label)
        row.addStretch(1)
        row.addWidget(self.new_button)
        row.addWidget(self.charge_button)
        row.addWidget(self.cash_button)
        row.addWidget(self.refund_button)
        row.addWidget(self.refresh_button)

        self.notice = QLabel("")
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.hide()

    def _build_pages(self) -> None:
        self.pages = QStackedWidget()
        # Starting…
        starting = QWidget()
        box = QVBoxLayout(starting)
        box.addStretch(1)
        box.addWidget(Spinner(diameter=56), 0, Qt.AlignmentFlag.AlignHCenter)
        self.starting_label = QLabel("Starting…")
        self.starting_label.setFont(theme.font(self, scale=1.3))
        self.starting_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.starting_label)
        box.addStretch(2)
        self.pages.addWidget(starting)
        # Startup failed
        failed = QWidget()
        box = QVBoxLayout(failed)
        box.addStretch(1)
        self.failure_label = QLabel("")
        self.failure_label.setWordWrap(True)
        self.failure_label.setAlignment(
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom
        )
        self.failure_label.setFont(theme.font(self, scale=1.25))
        # A fixed width makes the wrapped sentence's height known to the layout (no clipping).
        self.failure_label.setFixedWidth(640)
        self.failure_label.setMinimumHeight(self.failure_label.fontMetrics().lineSpacing() * 4)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setMinimumSize(140, 38)
        theme.make_primary(self.retry_button)
        box.addWidget(self.failure_label, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addSpacing(16)
        box.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)
        self.pages.addWidget(failed)
        self._retry: Callable[[], None] | None = None
        self.retry_button.clicked.connect(self._on_retry)
        # Ready: table (or the empty state) and the detail panel
        self.model = BookingTableModel(UTC, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(RowDelegate(self.table))
        self.table.setItemDelegateForColumn(Column.STATUS, StatusChipDelegate(self.table))
        self.table.setFont(theme.font(self, scale=1.1))
        self.table.setObjectName("bookingTable")
        self.table.setStyleSheet(
            "QTableView#bookingTable { border: 1px solid palette(mid); border-radius: 4px;"
            " background: palette(base); alternate-background-color: palette(alternate-base); }"
            # Same side padding for cells and headers, so text and titles line up.
            "QTableView#bookingTable::item { padding: 0px 10px 0px 8px; border: none; }"
            "QHeaderView::section { background: palette(base); border: none;"
            " border-bottom: 1px solid palette(mid); padding: 8px 13px 8px 11px;"
            " font-weight: bold; }"
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(60)
        widths = {Column.TIME: 80, Column.AMOUNT: 110, Column.STATUS: 190, Column.PAID: 110}
        for column in Column:
            if column in widths:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
                header.resizeSection(column, widths[column])
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda _i: self.charge_action.trigger())
        # Right-click a row for every money action, including the deposit (no room for a
        # sixth button in the top bar at the window's minimum width).
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addActions(
            [
                self.charge_action,
                self.deposit_action,
                self.cash_action,
                self.refund_action,
                self.receipt_action,
            ]
        )
        self.model.modelReset.connect(self._restore_selection)

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setFont(theme.font(self, scale=1.3))
        self.empty_label.setStyleSheet("color: palette(placeholder-text);")
        empty = QFrame()
        empty.setObjectName("emptyState")
        empty.setStyleSheet(
            "QFrame#emptyState { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 4px; }"
        )
        box = QVBoxLayout(empty)
        box.addStretch(1)
        box.addWidget(self.empty_label)
        empty_button = ActionButton(self.new_action)
        empty_button.setMinimumSize(180, 40)
        theme.make_primary(empty_button)
        box.addSpacing(10)
        box.addWidget(empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(empty)

        self.detail = DetailPanel(UTC)
        self.detail.receipt_requested.connect(self.open_receipt)
        self.overpaid = OverpaidBanner(self._runner)  # "Overpaid by … — refund the excess"
        self.detail.shown.connect(self.overpaid.show_detail)
        self.overpaid.refunded.connect(lambda _o: self.refresh())
        self.detail.setObjectName("detailPanel")
        self.detail.setStyleSheet(
            "QScrollArea#detailPanel { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 4px; }"
            "QScrollArea#detailPanel > QWidget > QWidget { background: palette(base); }"
        )
        # The day bar, and the list or the schedule of the shown day (ui/day_controller.py).
        self.days = DayController(self)
        self.day_loads = 0  # days loaded and shown, for tests and the bench
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.days.area)
        splitter.addWidget(self.overpaid.column(self.detail))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 380])
        splitter.setChildrenCollapsible(False)
        ready = QWidget()
        box = QVBoxLayout(ready)
        box.setContentsMargins(12, 12, 12, 6)
        box.addWidget(splitter)
        self.pages.addWidget(ready)
        self.sign_in_page = SignInPage(self._runner)
        self.pages.addWidget(self.sign_in_page)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.stripe_label = QLabel("")
        self.stripe_label.setObjectName("stripeStatus")
        self.count_label = QLabel("")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate: we never know how long Stripe takes
        self.progress.setMaximumWidth(140)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.progress.hide()
        bar.addWidget(self.stripe_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.count_label)

    # -- lifecycle ----------------------------------------------------------------------

    def context(self) -> AppContext | None:
        """The attached app, or None while starting."""
        return self._ctx

    def show_starting(self, text: str = "Starting…") -> None:
        """Show the startup spinner with ``text``."""
        self.starting_label.setText(text)
        self.badge.set_mode(None)
        self.pages.setCurrentIndex(Page.STARTING)
        self.stripe_label.setText("")

    def show_startup_error(self, message: str, retry: Callable[[], None] | None = None) -> None:
        """Say why the app could not start, with a Retry button when ``retry`` is given."""
        self.failure_label.setText(message)
        self.badge.set_mode(None, pending="Not connected")
        self._retry = retry
        self.retry_button.setVisible(retry is not None)
        self.pages.setCurrentIndex(Page.FAILED)

    def attach(self, ctx: AppContext) -> None:
        """Fill the window in for a running app and start keeping it current."""
        self._ctx = ctx
        tz = ctx.config.timezone
        self._backoff = Backoff(interval=ctx.config.poll_seconds)
        self._tracker = ConnectionTracker(tz)
        self.model.set_timezone(tz)
        self.detail.set_timezone(tz)
        self.days.attach(ctx)
        self.badge.set_mode(ctx.mode)
        self.mode_banner.set_mode(ctx.mode, ctx.config.notice)
        self._show_business_name()
        name = ctx.config.business_name
        self.customer_display.set_business_name(name if name != APP_TITLE else "")
        self._set_day(datetime.now(tz).date())
        self.access.attach(ctx)  # the day if someone is signed in, else the sign-in page
        self.closing.attach(ctx)
        self.overpaid.attach(ctx.refunds, lambda: ctx.deps.desk.actor)
        self.new_action.setEnabled(True)
        self.refresh_action.setEnabled(True)
        self.settings_action.setEnabled(True)
        self.dashboard_action.setEnabled(True)
        self._show_line(self._tracker.line)
        self.table.setFocus()
        self.reload()
        self.sync_now()

    def detach(self) -> None:
        """Stop the timers (at quit, before the app context is closed)."""
        self._sync_timer.stop()
        self.days.close_windows()
        self.access.detach()
        self.closing.close_dialogs()
        self.customer_display.close()
        self.notifier.shutdown()
        for dialog in (
            self.charge_dialog,
            self.refund_dialog,
            self.receipt_dialog,
            self.cash_dialog,
            self.deposit_dialog,
            self.booking_dialog,
            self.settings_dialog,
            self.dashboard_dialog,
        ):
            # A closed dialog may already be deleted (WA_DeleteOnClose).
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.detach()
        super().closeEvent(event)

    # -- data ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Reload today's bookings (in the background; at most one reload at a time)."""
        ctx = self._ctx
        if ctx is None:
            return
        work = self.days.load_work(ctx.bookings)
        if not self._runner.run(
            work, on_success=self._on_loaded, key="reload", owner=self, quiet=True
        ):
            self.days.reload_pending = True  # one is out: load again when it lands

    def sync_now(self) -> None:
        """One sync pass with Stripe, then a reload (skipped if a pass is still running)."""
        ctx = self._ctx
        if ctx is None:
            return
        sync = ctx.sync
        full = self._first_sync  # the first pass after start re-reads everything unsettled
        self._runner.run(
            lambda: sync.sync_once(full=full),
            on_success=self._on_synced,
            on_failure=self._on_sync_failed,
            key="sync",
            owner=self,
            quiet=True,
        )

    def refresh(self) -> None:
        """F5: sync with Stripe now and reload."""
        self.sync_now()
        self.reload()

    def _on_synced(self, report: SyncReport) -> None:
        self.notifier.sync_report(report)  # payments completed, refunds failed: once each
        self._first_sync = False
        self._update_actions()
        self._schedule_sync(self._backoff.succeeded())
        if self._tracker is not None:
            self._show_line(self._tracker.succeeded(report.errors))
        self.reload()

    def _on_sync_failed(self, error: BaseException) -> None:
        if self._first_sync:
            # Offline at start: offer the actions anyway; each one re-reads Stripe itself.
            self._first_sync = False
            self._update_actions()
        delay = self._backoff.failed()
        self._schedule_sync(delay)
        if self._tracker is not None:
            self._show_line(self._tracker.failed(error, datetime.now(UTC), retry_in=delay))
        # The local database still answers: keep the table current with what we know.
        self.reload()

    def _schedule_sync(self, seconds: float) -> None:
        if self._ctx is not None:
            self._sync_timer.start(round(seconds * 1000))

    def _on_loaded(self, sheet: DaySheet) -> None:
        rows = self.days.loaded(sheet)
        if rows is None:
            return  # another day was asked for meanwhile
        self._set_day(sheet.day)
        keep = self._select_after_reload or self.selected_booking_id()
        self.model.set_rows(rows)
        self._select_after_reload = None
        if keep is not None:
            self.select_booking(keep)
        self.table_stack.setCurrentIndex(0 if rows else 1)
        self.count_label.setText(self.days.count_text(len(rows)))
        self._update_actions()
        self._request_detail()
        self.day_loads += 1

    def _set_day(self, day: date) -> None:
        self._day = day
        self._fit_date()

    def _fit_date(self) -> None:
        """The day in full, or 'Sun 22 Nov' when the top bar has no room for it (never
        clipped at the window's minimum width)."""
        day = self._day
        if day is None:
            return
        self.date_label.setText(f"{day:%A} {day.day} {day:%B %Y}")
        if self.top_bar.minimumSizeHint().width() > self.width():
            self.date_label.setText(f"{day:%a} {day.day} {day:%b}")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_date()

    # -- selection and detail -----------------------------------------------------------

    def selected_booking_id(self) -> str | None:
        """The id of the selected booking, or None."""
        booking = self.selected_booking()
        return booking.id if booking is not None else None

    def selected_booking(self) -> Booking | None:
        """The selected booking as last loaded, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.booking_at(rows[0].row()) if rows else None

    def select_booking(self, booking_id: str) -> bool:
        """Select the row of ``booking_id``; False if it is not in today's list."""
        row = self.model.row_of(booking_id)
        if row < 0:
            return False
        if self.selected_booking_id() != booking_id:
            self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _restore_selection(self) -> None:
        # A model reset drops the selection; _on_loaded reselects by id right after.
        self._update_actions()

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.days.selection_changed()
        self._update_actions()
        self._request_detail()

    def _update_actions(self) -> None:
        booking = self.selected_booking()
        # Money actions wait for the startup reconciliation, so nothing is offered on a
        # payment that was settled at Stripe while the app was closed.
        ready = self._ctx is not None and not self._first_sync
        chargeable = (
            ready
            and booking is not None
            and booking.status in CHARGEABLE
            and not booking.cancelled
            and not booking.no_show
        )
        self.days.update_actions(booking, ready)
        self.charge_action.setEnabled(chargeable)
        self.deposit_action.setEnabled(chargeable)
        self.cash_action.setEnabled(chargeable)
        self.refund_action.setEnabled(
            ready and booking is not None and booking.status in REFUNDABLE
        )
        # A receipt once money was received (it shows refunds and what is still due).
        self.receipt_action.setEnabled(
            self._ctx is not None and booking is not None and booking.paid_amount > 0
        )

    def _request_detail(self) -> None:
        ctx = self._ctx
        booking_id = self.selected_booking_id()
        if ctx is None or booking_id is None:
            self.detail.show_hint("Select a booking to see its details.")
            return
        bookings = ctx.bookings
        self._runner.run(
            lambda: bookings.detail(booking_id),
            on_success=self._on_detail,
            on_failure=lambda err: self.detail.show_hint(str(err)),
            key="detail",
            owner=self,
            quiet=True,
        )

    def _on_detail(self, detail: BookingDetail) -> None:
        if detail.booking.id != self.selected_booking_id():
            # The selection moved while this was loading: fetch the one now selected.
            self._request_detail()
            return
        self.detail.show_detail(detail)

    # -- actions ------------------------------------------------------------------------

    def new_booking(
        self, *, starts_at: datetime | None = None, resource_id: str | None = None
    ) -> BookingDialog | None:
        """Open the New booking form (at ``starts_at`` with ``resource_id`` when given, e.g.
        from a double-click on the schedule; else on the shown day)."""
        if self._ctx is None:
            return None
        starts_at = starts_at or self.days.default_start()
        dialog = BookingDialog(
            self._ctx, self._runner, self, starts_at=starts_at, resource_id=resource_id
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.booking_created.connect(self._on_booking_created)
        self.booking_dialog = dialog
        dialog.open()
        return dialog

    def charge_selected(self) -> ChargeDialog | None:
        """Open the charge screen for the selected booking."""
        booking = self.selected_booking()
        if booking is None or booking.status not in CHARGEABLE:
            return None
        return self._open_charge(booking)

    def _open_charge(
        self, booking: Booking, deposit_text: str | None = None
    ) -> ChargeDialog | None:
        """The charge screen for ``booking``: for ``deposit_text`` of its balance when given,
        else all of it."""
        if self._ctx is None:
            return None
        dialog = ChargeDialog.start(
            self._ctx, self._runner, booking.id, self, booking=booking, deposit_text=deposit_text
        )
        dialog.payment_changed.connect(lambda _id: self.reload())
        dialog.finished.connect(lambda _r: self.reload())
        dialog.payment_succeeded.connect(self.notifier.charge_paid)
        self.customer_display.follow(dialog)
        dialog.addAction(self.customer_display_action)  # F8 works over the charge screen too
        self.charge_dialog = dialog
        return dialog

    def deposit_selected(self) -> DepositDialog | None:
        """Ask how much of the selected booking's balance to take now, then charge that."""
        booking = self.selected_booking()
        if self._ctx is None or booking is None or booking.status not in CHARGEABLE:
            return None
        dialog = DepositDialog(self._ctx, self._runner, booking, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.confirmed.connect(lambda text: self._open_charge(booking, text))
        self.deposit_dialog = dialog
        dialog.open()
        return dialog

    def cash_selected(self) -> CashDialog | None:
        """Open the cash dialog for the selected booking."""
        booking = self.selected_booking()
        if self._ctx is None or booking is None or booking.status not in CHARGEABLE:
            return None
        dialog = CashDialog(self._ctx, self._runner, booking, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.recorded.connect(lambda _p: self.reload())
        self.cash_dialog = dialog
        dialog.open()
        return dialog

    def refund_selected(self) -> RefundDialog | None:
        """Open the refund dialog for the selected booking."""
        booking = self.selected_booking()
        if self._ctx is None or booking is None or booking.status not in REFUNDABLE:
            return None
        dialog = RefundDialog(self._ctx, self._runner, booking.id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.refunded.connect(lambda _o: self.refresh())
        self.refund_dialog = dialog
        dialog.open()
        return dialog

    def receipt_selected(self) -> ReceiptDialog | None:
        """Open the receipt of the selected booking (Ctrl+P)."""
        booking = self.selected_booking()
        if booking is None or booking.paid_amount <= 0:
            return None
        return self.open_receipt(booking.id)

    def open_receipt(self, booking_id: str) -> ReceiptDialog | None:
        """Open the receipt dialog of ``booking_id`` (also the detail panel's Receipt… button)."""
        if self._ctx is None:
            return None
        dialog = ReceiptDialog(self._ctx, self._runner, booking_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.receipt_dialog = dialog
        dialog.open()
        return dialog

    def open_settings(self, tab: str = "business") -> SettingsDialog | None:
        """Manage ▸ Settings… (Ctrl+,): managers only; anyone else is told so."""
        ctx = self._ctx
        if ctx is None:
            return None
        if not ctx.deps.desk.actor.is_manager:
            self.show_notice(NOT_MANAGER)
            return None
        dialog = SettingsDialog(ctx, self._runner, self, tab=tab)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.saved.connect(self._on_settings_saved)
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def open_dashboard(self) -> QDialog | None:
        """Manage ▸ Sales dashboard… (Ctrl+Shift+R): managers only; anyone else is told so."""
        from pos_app.ui.reports.dashboard.dashboard_view import DashboardDialog

        ctx = self._ctx
        if ctx is None:
            return None
        if not ctx.deps.desk.actor.is_manager:
            self.show_notice("Only a manager can see the sales figures.")
            return None
        current = self.dashboard_dialog
        if current is not None and shiboken6.isValid(current) and current.isVisible():
            current.raise_()
            current.activateWindow()
            return current
        dialog = DashboardDialog(ctx, self._runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.dashboard_dialog = dialog
        dialog.show()  # not modal: the day stays usable beside it
        return dialog

    def _on_settings_saved(self, result: SaveResult) -> None:
        """Business name, time zone and hold apply at once; show them."""
        ctx = self._ctx
        if ctx is None:
            return
        tz = ctx.config.timezone
        self.model.set_timezone(tz)
        self.detail.set_timezone(tz)
        self._show_business_name()
        name = ctx.config.business_name
        self.customer_display.set_business_name(name if name != APP_TITLE else "")
        if result.note:
            self.show_notice(result.note)
        self.reload()

    def _show_business_name(self) -> None:
        """The business's name in the top bar, and after the mode in the window title."""
        ctx = self._ctx
        if ctx is None:
            return
        name = ctx.config.business_name.strip() or APP_TITLE
        self.title_label.setText(name)
        full = name if name == APP_TITLE else f"{name} — {APP_TITLE}"
        self.setWindowTitle(theme.window_title(ctx.mode, full))

    def _on_booking_created(self, booking: Booking) -> None:
        self._select_after_reload = booking.id
        self.reload()

    def _on_retry(self) -> None:
        if self._retry is not None:
            self.show_starting()
            self._retry()

    # -- status -------------------------------------------------------------------------

    def show_notice(self, message: str, tone: str = "danger") -> None:
        """A non-blocking message under the top bar that goes away by itself; ``tone`` is
        'danger' (a problem), 'warning' or 'success'."""
        color = theme.semantic(tone, self).name()
        self.notice.setStyleSheet(
            f"QLabel#notice {{ color: {color}; background: palette(base);"
            f" border-bottom: 1px solid palette(mid); padding: 8px 18px; }}"
        )
        self.notice.setText(message)
        self.notice.show()
        self._notice_timer.start(NOTICE_MS)

    def stripe_status_text(self) -> str:
        """The status bar's Stripe line (without its coloured dot)."""
        return self.stripe_label.text().removeprefix("● ")

    def _show_line(self, line: StatusLine) -> None:
        tone = {
            Link.CONNECTED: "success",
            Link.RETRYING: "warning",
            Link.OFFLINE: "danger",
        }.get(line.state)
        color = theme.semantic(tone, self).name() if tone else "palette(window-text)"
        text = f"● {line.text}"
        sheet = f"QLabel#stripeStatus {{ color: {color}; padding-left: 8px; }}"
        # Every sync pass says the same thing; restyling a label re-polishes and repaints it.
        if self.stripe_label.text() != text:
            self.stripe_label.setText(text)
        if self.stripe_label.toolTip() != line.detail:
            self.stripe_label.setToolTip(line.detail)
        if self.stripe_label.styleSheet() != sheet:
            self.stripe_label.setStyleSheet(sheet)

    def _on_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
