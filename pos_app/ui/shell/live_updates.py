"""Live updates across desks: what another station commits shows here without a reload.

The app context's change feed (``AppContext.watch_changes``: PostgreSQL LISTEN/NOTIFY, or
SQLite's data_version) calls back on its own thread; the change crosses to the GUI thread
through a queued signal. Changes arriving together are merged and handled once, a moment
later: the day reloads through the window's usual background reload when the change concerns
the day shown, and an open sales dashboard or day close reloads when money may differ
(``live_updates_state.reloads_for`` decides), and an open Sell screen reloads its tiles
and its last sale's status when an order or the catalogue changed. A reload that brings
what is on screen already changes nothing on screen (the day compares signatures), so this
station's own changes coming back cost a read, never a flicker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QWidget

from pos_app.domain.changes import Change, ChangeFeed
from pos_app.ui.shell.live_updates_state import (
    DashboardShown,
    DayCloseShown,
    DayShown,
    Reloads,
    reloads_for,
)

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.ui.day.day_controller import DayController
    from pos_app.ui.reports.day_close.closing_actions import ClosingActions
    from pos_app.ui.sell.sell_view import SellDialog

#: Changes arriving within this long are handled by one reload.
MERGE_MS = 25
#: A busy dashboard or day close is asked again this much later.
RETRY_MS = 1000


class LiveWindow(Protocol):
    """What live updates read of the main window and ask of it."""

    days: DayController
    closing: ClosingActions
    dashboard_dialog: QDialog | None
    sell_window: SellDialog | None

    def context(self) -> AppContext | None:
        """The attached app, or None."""
        ...

    def reload(self) -> None:
        """Reload the shown day in the background."""
        ...


class LiveUpdates(QObject):
    """Subscribes the window to the app's change feed and reloads what a change concerns."""

    arrived = Signal(object)  # a Change, emitted on the feed's thread

    def __init__(self, window: LiveWindow, parent: QObject) -> None:
        super().__init__(parent)
        self._w = window
        self._feed: ChangeFeed | None = None
        self._pending: Change | None = None
        self._later: Change | None = None
        self.handled = 0  # merged changes handled, for tests and the bench
        self.last: Reloads | None = None  # what the last one reloaded
        self._merge = _single_shot(self, MERGE_MS, self._handle)
        self._retry = _single_shot(self, RETRY_MS, self._handle_later)
        self.arrived.connect(self._on_arrived, Qt.ConnectionType.QueuedConnection)

    def attach(self, ctx: AppContext) -> None:
        """Start hearing ``ctx``'s database (after the first reload was asked for)."""
        self.stop()
        self._feed = ctx.watch_changes(self.arrived.emit)

    def stop(self) -> None:
        """Stop hearing changes (at quit, before the context closes)."""
        feed, self._feed = self._feed, None
        if feed is not None:
            feed.stop()
        self._merge.stop()
        self._retry.stop()
        self._pending = self._later = None

    def _on_arrived(self, change: object) -> None:
        if not isinstance(change, Change) or self._feed is None:
            return
        self._pending = change if self._pending is None else self._pending.merge(change)
        if not self._merge.isActive():
            self._merge.start()

    def _handle(self) -> None:
        change, self._pending = self._pending, None
        if change is not None:
            self._apply(change, day=True)

    def _handle_later(self) -> None:
        change, self._later = self._later, None
        if change is not None:
            self._apply(change, day=False)

    def _apply(self, change: Change, *, day: bool) -> None:
        w = self._w
        ctx = w.context()
        if ctx is None:
            return
        dashboard = _open(w.dashboard_dialog)
        day_close = _open(w.closing.day_close_dialog)
        reloads = reloads_for(
            change,
            day=_day_shown(w.days, ctx) if day else None,
            dashboard=_dashboard_shown(dashboard),
            day_close=_day_close_shown(day_close),
            sell=day and _alive_window(w.sell_window),
        )
        self.handled += 1
        self.last = reloads
        if day and reloads.day:
            w.reload()
        if reloads.dashboard and dashboard is not None:
            dashboard.reload()  # type: ignore[attr-defined]
        if reloads.day_close and day_close is not None:
            day_close.reload()  # type: ignore[attr-defined]
        if reloads.sell and w.sell_window is not None:
            w.sell_window.reload_orders()
        if reloads.later:
            self._later = change if self._later is None else self._later.merge(change)
            self._retry.start()


def _single_shot(parent: QObject, ms: int, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(slot)
    return timer


def _alive_window(window: QWidget | None) -> bool:
    return window is not None and shiboken6.isValid(window) and window.isVisible()


def _open(dialog: QDialog | None) -> QDialog | None:
    alive = dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible()
    return dialog if alive else None


def _day_shown(days: DayController, ctx: AppContext) -> DayShown | None:
    sheet, day = days.sheet, days.current_day()
    if sheet is None or day is None:
        return None  # nothing loaded yet: load it
    return DayShown(day, ctx.config.timezone, frozenset(b.id for b in sheet.bookings))


def _dashboard_shown(dialog: QDialog | None) -> DashboardShown | None:
    from pos_app.ui.reports.dashboard.dashboard_view import DashboardDialog

    if not isinstance(dialog, DashboardDialog):
        return None
    # Loaded and its exports off: an export (or a load) is running.
    return DashboardShown(busy=dialog.report is not None and not dialog.csv_button.isEnabled())


def _day_close_shown(dialog: QDialog | None) -> DayCloseShown | None:
    from pos_app.ui.reports.day_close.day_close_view import DayCloseDialog

    if not isinstance(dialog, DayCloseDialog):
        return None
    report = dialog.report
    is_open = report is not None and not report.is_closed
    typed = is_open and (
        any(p.counted_text().strip() or p.float_text().strip() for p in dialog.panels.values())
        or bool(dialog.note_edit.text().strip())
    )
    # An open day whose Close button is off: it is closing (or loading) now.
    return DayCloseShown(
        dialog.day(), typed=typed, closing=is_open and not dialog.close_day_button.isEnabled()
    )
