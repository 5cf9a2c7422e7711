"""The day's part of the main window (list, schedule, detail panel, overpaid banner), the
customer display and the notifier: built after the first screen at the app's start.

At the app's start the sign-in page needs none of them, and building them (about 80 ms of
CPU, half of it imports) slowed its arrival. :class:`DayBuild` owns when they are built
(at once, or a step at a time between turns of the event loop so the sign-in page paints and
answers taps meanwhile) and whether they are attached to the open app. The parts it builds
are set on the window (``window.days``, ``window.table``…), where the openers and the tests
find them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from pos_app.ui.kit.shell import Shell
from pos_app.ui.shell import pages
from pos_app.ui.shell.pages import Page

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLabel, QMenu, QStackedWidget, QTableView

    from pos_app.app import AppContext
    from pos_app.ui.day.booking_table import BookingTableModel
    from pos_app.ui.day.day_controller import DayController
    from pos_app.ui.day.day_list import DayList
    from pos_app.ui.day.detail_panel import DetailPanel
    from pos_app.ui.kit.page_ahead import PageAhead
    from pos_app.ui.payments.customer_display import CustomerDisplay
    from pos_app.ui.payments.overpaid_banner import OverpaidBanner
    from pos_app.ui.shell.actions import WindowActions
    from pos_app.ui.shell.notifier import Notifier
    from pos_app.ui.shell.pages import TopBar

__all__ = ["DayBuild", "DayHost"]


class DayHost(Shell, Protocol):
    """What the day's build needs of the main window, and the parts it sets on it."""

    pages: QStackedWidget
    top_bar: TopBar
    acts: WindowActions
    view_menu: QMenu
    days: DayController
    table: QTableView
    model: BookingTableModel
    table_stack: DayList
    empty_label: QLabel
    detail: DetailPanel
    overpaid: OverpaidBanner
    customer_display: CustomerDisplay
    customer_display_action: QAction
    notifier: Notifier
    sound_action: QAction

    def finish_building(self) -> None:
        """Build the sign-in page and the features' menu entries (once)."""
        ...

    def update_actions(self) -> None:
        """Every booking action from the domain's rules for the selected booking."""
        ...

    def show_business_name(self) -> None:
        """The business's name in the top bar, on the customer display and in the title."""
        ...

    def refresh(self) -> None:
        """Sync with Stripe now and reload."""
        ...

    def open_receipt(self, booking_id: str) -> object:
        """Open the receipt dialog of ``booking_id``."""
        ...

    def open_customers(self, customer_id: str | None = None) -> object:
        """Open the customers window, on ``customer_id`` if given."""
        ...


class DayBuild:
    """When the day's parts are built (at once or a step at a time) and attached."""

    def __init__(self, host: DayHost, *, later: bool) -> None:
        """With ``later`` (the app's start), the sign-in page's build leaves the day for
        ``build_soon``; else ``build`` runs with it."""
        self._host = host
        self.later = later
        self.built = False  # the parts exist (set on the host)
        self.attached = False  # attached to the host's app, once per attach
        self._steps = self._steps_of_the_day()
        self.schedule_ahead: PageAhead | None = None  # set with the day (tests run it)

    def build(self) -> None:
        """Build everything now, if not yet (a day shown at start, or the first use of any
        of the parts)."""
        self._host.finish_building()
        for _step in self._steps:
            pass

    def build_soon(self, then: Callable[[], None]) -> None:
        """Build one step per turn of the event loop, then call ``then``: between the steps
        the sign-in page paints and answers taps and keys."""
        self._host.finish_building()
        if next(self._steps, False):
            QTimer.singleShot(0, self._host.dialog_parent(), lambda: self.build_soon(then))
        elif self.built:  # (not after a step that failed: that was said already)
            then()

    def attach(self, ctx: AppContext | None) -> None:
        """Build the day if it is not yet, and attach it to the app (once per attach)."""
        host = self._host
        self.build()
        if ctx is None or self.attached:
            return
        self.attached = True
        host.days.attach(ctx)
        host.overpaid.attach(ctx.refunds, lambda: ctx.deps.desk.actor)
        host.update_actions()

    def close(self) -> None:
        """Close the day's windows, the customer display and the notifier (at quit)."""
        if self.built:
            host = self._host
            host.days.close_windows()
            host.customer_display.close()
            host.notifier.shutdown()

    def detail_action(self, key: str) -> None:
        """A button of the detail panel: the same action as the menu's (and its rule)."""
        from pos_app.ui.day.detail_presenter import ActionKey

        host = self._host
        actions = {**host.acts.by_key(), **host.days.booking_actions()}
        action = actions.get(ActionKey(key))
        if action is not None and action.isEnabled():
            action.trigger()

    def _steps_of_the_day(self) -> Iterator[bool]:
        """The steps of ``build``, each at most about 40 ms of CPU; the first one waits a
        turn (the tiles paint)."""
        yield True
        from pos_app.ui.day.day_controller import DayController  # noqa: F401  (loaded first)

        yield True
        self._build_day()
        yield True
        from pos_app.ui.payments.customer_display import CustomerDisplay
        from pos_app.ui.shell.notifier import Notifier

        yield True
        # The customer's screen (View ▸ Customer display, F8) mirrors the charge screen;
        # completed payments and failed refunds are announced once each (View ▸ Sound).
        host = self._host
        window = host.dialog_parent()
        host.customer_display = CustomerDisplay()  # a top-level window, deleted with us
        window.destroyed.connect(host.customer_display.deleteLater)
        host.customer_display_action = host.customer_display.toggle_action(window, window)
        window.addAction(host.customer_display_action)
        host.view_menu.addAction(host.customer_display_action)
        host.notifier = Notifier(window)
        host.sound_action = host.notifier.sound_action(window)
        host.view_menu.addAction(host.sound_action)

        order = [*host.top_bar.buttons(), host.table, host.detail]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.built = True
        host.show_business_name()

    def _build_day(self) -> None:
        from pos_app.ui.day.day_controller import DayController
        from pos_app.ui.kit.page_ahead import lay_out_ahead
        from pos_app.ui.payments.overpaid_banner import OverpaidBanner

        host = self._host
        # Ready: the day (list or schedule) beside the selected booking and its actions.
        days = host.days = DayController(host)
        # The schedule at its real size before its first use: the first switch to it then
        # finds its blocks drawn in the background (kit/page_ahead.py).
        self.schedule_ahead = lay_out_ahead(days.stack, days.view)
        host.table, host.model = days.table, days.model
        host.table_stack, host.empty_label = days.list, days.list.empty_label
        days.selection_moved.connect(host.update_actions)
        acts = host.acts
        days.set_row_actions([acts.charge, acts.deposit, acts.cash, acts.refund, acts.receipt])
        detail = host.detail = days.detail
        detail.action_requested.connect(self.detail_action)
        detail.receipt_requested.connect(host.open_receipt)
        detail.customer_requested.connect(host.open_customers)
        overpaid = host.overpaid = OverpaidBanner(host.runner)  # "Overpaid by … — refund…"
        detail.shown.connect(overpaid.show_detail)
        overpaid.refunded.connect(lambda _o: host.refresh())
        ready = pages.ready_page(days.area, overpaid.column(detail))
        # Into Page.READY's place: the shown page (the sign-in page, perhaps) stays shown.
        slot = host.pages.widget(Page.READY)
        host.pages.insertWidget(Page.READY, ready)
        if slot is not None:
            host.pages.removeWidget(slot)
            slot.deleteLater()
