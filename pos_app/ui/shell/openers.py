"""The windows the shell opens for the features: booking, charge, deposit, cash, refund,
receipt, settings, dashboard, customers and services.

Features never import each other; the shell is the one place that knows them all, so every
opener lives here. :class:`DialogOpeners` is mixed into ``MainWindow``; each opener checks the
domain's rule for the selected booking (``domain/eligibility.py``) before opening anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QWidget

from pos_app.config import load_station
from pos_app.domain.eligibility import (
    can_charge,
    can_refund,
    can_show_receipt,
    can_take_cash,
    can_take_deposit,
)
from pos_app.i18n import N_, _

# Every dialog is imported inside its opener, when it is first opened: loading them all
# before the window's first paint cost about half a second of start-up.
if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from pos_app.app import AppContext
    from pos_app.domain.booking import Booking
    from pos_app.domain.orders import OrderStatus  # with the Sell screen, not the window
    from pos_app.services.settings import SaveResult
    from pos_app.ui.day.booking_dialog import BookingDialog
    from pos_app.ui.day.day_controller import DayController
    from pos_app.ui.kit.tasks import TaskRunner
    from pos_app.ui.manage.catalog_editor import CatalogEditor
    from pos_app.ui.manage.customers_view import CustomersView
    from pos_app.ui.manage.products_editor import ProductsEditor
    from pos_app.ui.manage.promo_editor import PromoCodesEditor
    from pos_app.ui.manage.settings_dialog import SettingsDialog
    from pos_app.ui.payments.cash_dialog import CashDialog
    from pos_app.ui.payments.charge_view import ChargeDialog
    from pos_app.ui.payments.customer_display import CustomerDisplay
    from pos_app.ui.payments.deposit_dialog import DepositDialog
    from pos_app.ui.payments.refund_dialog import RefundDialog
    from pos_app.ui.payments.split_dialog import SplitDialog
    from pos_app.ui.reports.receipt_view import ReceiptDialog
    from pos_app.ui.sell.sell_view import SellDialog
    from pos_app.ui.sell.split_presenter import SplitRequest
    from pos_app.ui.shell.notifier import Notifier

NOT_MANAGER_SALES = N_("Only a manager can see the sales figures.")


class SellWiring:
    """The Sell screen's services, taken from the app (``ui.sell.sell_view.SellServices``)."""

    def __init__(self, ctx: AppContext) -> None:
        self.list_products = ctx.products.list_products
        self.list_services = ctx.catalog.list_services
        self.pricing_policy = ctx.pricing.policy
        self.check_promo = ctx.promo_codes.check
        self.create_walk_in = ctx.orders.create_walk_in
        self.record_cash = ctx.cash.record
        self.order_money = ctx.orders.money
        self.part_paid = ctx.orders.part_paid
        self._get_order = ctx.orders.get
        data_dir = ctx.config.data_dir
        self.tip_on_display = lambda: load_station(data_dir).tip_on_display

    def order_status(self, order_id: str) -> OrderStatus:
        """The stored status of an order (the Sell screen's last sale)."""
        return self._get_order(order_id).status


def _alive(widget: QWidget | None) -> bool:
    return widget is not None and shiboken6.isValid(widget) and widget.isVisible()


class DialogOpeners:
    """The main window's openers (mixed into ``MainWindow``, which provides the members
    declared below)."""

    if TYPE_CHECKING:
        charge_dialog: ChargeDialog | None
        refund_dialog: RefundDialog | None
        receipt_dialog: ReceiptDialog | None
        cash_dialog: CashDialog | None
        deposit_dialog: DepositDialog | None
        booking_dialog: BookingDialog | None
        settings_dialog: SettingsDialog | None
        dashboard_dialog: QDialog | None
        customers_window: CustomersView | None
        catalog_window: CatalogEditor | None
        products_window: ProductsEditor | None
        promo_window: PromoCodesEditor | None
        sell_window: SellDialog | None
        split_dialog: SplitDialog | None
        days: DayController
        notifier: Notifier
        customer_display: CustomerDisplay
        customer_display_action: QAction

        @property
        def runner(self) -> TaskRunner: ...
        def context(self) -> AppContext | None: ...
        def dialog_parent(self) -> QWidget: ...
        def selected_booking(self) -> Booking | None: ...
        def show_notice(self, message: str, tone: str = "danger") -> None: ...
        def reload(self) -> None: ...
        def refresh(self) -> None: ...
        def select_after_reload(self, booking_id: str) -> None: ...
        def apply_settings(self, result: SaveResult) -> None: ...

    def init_openers(self) -> None:
        """Nothing opened yet (the window's ``__init__`` calls this first)."""
        self.charge_dialog = self.refund_dialog = self.receipt_dialog = None
        self.cash_dialog = self.deposit_dialog = self.booking_dialog = None
        self.settings_dialog = self.dashboard_dialog = None
        self.customers_window = self.catalog_window = self.products_window = None
        self.promo_window = self.sell_window = self.split_dialog = None

    # -- the selected booking's money ---------------------------------------------------

    def charge_selected(self) -> ChargeDialog | None:
        """Open the charge screen for the selected booking (when it can be charged)."""
        booking = self.selected_booking()
        if booking is None or not can_charge(booking):
            return None
        return self.open_charge(booking)

    def open_charge(self, booking: Booking, deposit_text: str | None = None) -> ChargeDialog | None:
        """The charge screen for ``booking``: for ``deposit_text`` of its balance when given,
        else all of it."""
        from pos_app.ui.payments.charge_presenter import ChargeSettings
        from pos_app.ui.payments.charge_view import ChargeDialog

        ctx = self.context()
        if ctx is None:
            return None
        dialog = ChargeDialog.start(
            ctx.checkout, self.runner, booking.id, self.dialog_parent(), booking=booking,
            deposit_text=deposit_text, settings=ChargeSettings.from_config(ctx.config),
        )  # fmt: skip
        dialog.take_cash_requested.connect(lambda _id: self.open_cash(booking))
        dialog.payment_changed.connect(lambda _id: self.reload())
        dialog.finished.connect(lambda _r: self.reload())
        dialog.payment_succeeded.connect(self.notifier.charge_paid)
        self.customer_display.follow(dialog)
        dialog.addAction(self.customer_display_action)  # F8 works over the charge screen too
        self.charge_dialog = dialog
        return dialog

    def open_charge_dialog(self) -> QWidget | None:
        """The charge screen while one is open (locking never closes it), else None."""
        dialog = self.charge_dialog
        return dialog if dialog is not None and shiboken6.isValid(dialog) else None

    def deposit_selected(self) -> DepositDialog | None:
        """Ask how much of the selected booking's balance to take now, then charge that."""
        ctx, booking = self.context(), self.selected_booking()
        if ctx is None or booking is None or not can_take_deposit(booking):
            return None
        from pos_app.ui.payments.deposit_dialog import DepositDialog

        dialog = DepositDialog(ctx.checkout, self.runner, booking, self.dialog_parent())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.confirmed.connect(lambda text: self.open_charge(booking, text))
        self.deposit_dialog = dialog
        dialog.open()
        return dialog

    def cash_selected(self) -> CashDialog | None:
        """Open the cash dialog for the selected booking."""
        booking = self.selected_booking()
        return None if booking is None else self.open_cash(booking)

    def open_cash(self, booking: Booking) -> CashDialog | None:
        """The cash dialog for ``booking`` (also the charge screen's "Take cash instead")."""
        ctx = self.context()
        if ctx is None or not can_take_cash(booking):
            return None
        from pos_app.ui.payments.cash_dialog import CashDialog

        dialog = CashDialog(ctx.cash, self.runner, booking, self.dialog_parent())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.recorded.connect(lambda _p: self.reload())
        self.cash_dialog = dialog
        dialog.open()
        return dialog

    def refund_selected(self) -> RefundDialog | None:
        """Open the refund dialog for the selected booking."""
        ctx, booking = self.context(), self.selected_booking()
        if ctx is None or booking is None or not can_refund(booking):
            return None
        from pos_app.ui.payments.refund_dialog import RefundDialog

        dialog = RefundDialog(
            ctx.refunds, self.runner, booking.id, self.dialog_parent(),
            needs_pin=not ctx.deps.desk.actor.is_manager,
        )  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.refunded.connect(lambda _o: self.refresh())
        self.refund_dialog = dialog
        dialog.open()
        return dialog

    def receipt_selected(self) -> ReceiptDialog | None:
        """Open the receipt of the selected booking (Ctrl+P)."""
        booking = self.selected_booking()
        if booking is None or not can_show_receipt(booking):
            return None
        return self.open_receipt(booking.id)

    def open_receipt(self, booking_id: str) -> ReceiptDialog | None:
        """Open the receipt dialog of ``booking_id`` (also the detail panel's Receipt… button)."""
        ctx = self.context()
        if ctx is None:
            return None
        from pos_app.ui.reports.receipt_view import ReceiptDialog

        dialog = ReceiptDialog(
            ctx.receipts, self.runner, booking_id, self.dialog_parent(), mode=ctx.mode
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.receipt_dialog = dialog
        dialog.open()
        return dialog

    # -- bookings -----------------------------------------------------------------------

    def new_booking(
        self,
        *,
        starts_at: datetime | None = None,
        resource_id: str | None = None,
        again: Booking | None = None,
    ) -> BookingDialog | None:
        """Open the New booking form (at ``starts_at`` with ``resource_id`` when given, e.g.
        from a click on the schedule; else on the shown day); ``again`` pre-fills an earlier
        booking's service, staff member and customer ("Book again")."""
        ctx = self.context()
        if ctx is None:
            return None
        from pos_app.ui.day.booking_dialog import BookingDialog

        starts_at = starts_at or self.days.default_start()
        dialog = BookingDialog(
            ctx,
            self.runner,
            self.dialog_parent(),
            starts_at=starts_at,
            resource_id=resource_id,
            again=again,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.booking_created.connect(self._on_booking_created)
        self.booking_dialog = dialog
        dialog.open()
        return dialog

    def _on_booking_created(self, booking: Booking) -> None:
        self.select_after_reload(booking.id)
        self.reload()

    # -- manage -------------------------------------------------------------------------

    def open_customers(self, customer_id: str | None = None) -> CustomersView | None:
        """Manage ▸ Customers… (Ctrl+Shift+F); with an id, opens on that customer."""
        ctx = self.context()
        if ctx is None:
            return None
        current = self.customers_window
        valid = current is not None and shiboken6.isValid(current)
        if current is not None and valid and not customer_id:
            current.raise_()
            current.activateWindow()
            return current
        if current is not None and valid:
            current.close()
        from pos_app.ui.manage.customers_view import CustomersView

        window = CustomersView(
            ctx, self.runner, self.dialog_parent(), customer_id=customer_id or None
        )
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window.booking_requested.connect(self.days.show_booking)
        window.book_again_requested.connect(lambda booking: self.new_booking(again=booking))
        self.customers_window = window
        window.show()
        return window

    def open_catalog(self) -> CatalogEditor | None:
        """Manage ▸ Services… (anyone may look; managers save)."""
        ctx = self.context()
        if ctx is None:
            return None
        from pos_app.ui.manage.catalog_editor import CatalogEditor

        dialog = CatalogEditor(
            ctx.catalog,
            self.runner,
            self.dialog_parent(),
            manager=ctx.deps.desk.actor.is_manager,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.finished.connect(lambda _r: self.reload())
        self.catalog_window = dialog
        dialog.open()
        return dialog

    def open_products(self) -> ProductsEditor | None:
        """Manage ▸ Products… (anyone may look; managers save and change stock)."""
        ctx = self.context()
        if ctx is None:
            return None
        from pos_app.ui.manage.products_editor import ProductsEditor

        dialog = ProductsEditor(
            ctx.products,
            self.runner,
            self.dialog_parent(),
            manager=ctx.deps.desk.actor.is_manager,
            currency=ctx.config.currency,
            timezone=ctx.config.timezone,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.products_window = dialog
        dialog.open()
        return dialog

    def open_promo_codes(self) -> PromoCodesEditor | None:
        """Manage ▸ Promo codes… (anyone may look; managers add and switch codes)."""
        ctx = self.context()
        if ctx is None:
            return None
        from pos_app.ui.manage.promo_editor import PromoCodesEditor

        dialog = PromoCodesEditor(
            ctx.promo_codes,
            self.runner,
            self.dialog_parent(),
            manager=ctx.deps.desk.actor.is_manager,
            currency=ctx.config.currency,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.promo_window = dialog
        dialog.open()
        return dialog

    def open_sell(self) -> SellDialog | None:
        """Sell (F2): a walk-in sale; the window stays open for the next customer."""
        ctx = self.context()
        if ctx is None:
            return None
        kept = self.sell_window
        if kept is not None and shiboken6.isValid(kept):
            if kept.built_for is ctx and not kept.isVisible():
                # Kept when it closed: built once (about 18 ms, then 7 ms to show and a
                # first paint of every tile), opened again it only shows (issue 14).
                kept.start_afresh()
                kept.show()
                self._charge_ahead_soon(ctx, kept)
            if kept.built_for is ctx:
                kept.raise_()
                kept.activateWindow()
                return kept
            kept.deleteLater()  # built for an app since closed
        from pos_app.ui.sell.sell_view import SellDialog

        window = SellDialog(
            SellWiring(ctx), self.runner, self.dialog_parent(), currency=ctx.config.currency
        )
        window.built_for = ctx
        window.charge_requested.connect(self.charge_order)
        window.split_requested.connect(self.open_split)
        window.charge_part_requested.connect(self.charge_order)
        # The tip chosen on the customer display (a touch screen), before the charge.
        display = self.customer_display
        window.tip_requested.connect(display.ask_tip)
        window.tip_cancelled.connect(display.cancel_tip)
        display.tip_chosen.connect(window.tip_chosen)
        self.sell_window = window
        window.show()
        self._charge_ahead_soon(ctx, window)
        return window

    def _charge_ahead_soon(self, ctx: AppContext, sell: QWidget) -> None:
        # Its Charge (QR) finds the charge screen built, in quiet turns after this one.
        from pos_app.ui.payments.charge_ahead import AHEAD_DELAY_MS

        QTimer.singleShot(AHEAD_DELAY_MS, sell, lambda: self._charge_ahead(ctx))

    def _charge_ahead(self, ctx: AppContext) -> None:
        from pos_app.ui.payments.charge_presenter import ChargeSettings
        from pos_app.ui.payments.charge_view import ChargeDialog

        settings = ChargeSettings.from_config(ctx.config)
        ChargeDialog.build_ahead(ctx.checkout, self.runner, self.dialog_parent(), settings)

    def open_split(self, request: SplitRequest) -> SplitDialog | None:
        """Sell's Split: ask for the cash part over the Sell screen; once the sale is saved
        and its cash recorded, the Sell screen asks for the charge screen of the rest."""
        from pos_app.ui.payments.split_dialog import SplitDialog

        sell = self.sell_window
        if sell is None or not shiboken6.isValid(sell):
            return None
        dialog = SplitDialog(request.work, self.runner, request.total, sell)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.recorded.connect(
            lambda order, part, cash: sell.split_recorded(order, None if cash else part)
        )
        self.split_dialog = dialog
        dialog.open()
        return dialog

    def charge_order(self, order_id: str, part_text: str | None = None) -> ChargeDialog | None:
        """The charge screen for a walk-in order, the same as a booking's (Sell's Charge):
        for its stored balance, or for ``part_text`` of it (a split paid by card first)."""
        from pos_app.ui.payments.charge_presenter import ChargeSettings
        from pos_app.ui.payments.charge_view import ChargeDialog

        ctx = self.context()
        if ctx is None:
            return None
        dialog = ChargeDialog.start(
            ctx.checkout, self.runner, order_id, self.dialog_parent(),
            settings=ChargeSettings.from_config(ctx.config), deposit_text=part_text,
        )  # fmt: skip
        dialog.payment_succeeded.connect(self.notifier.charge_paid)
        sell = self.sell_window
        if sell is not None and shiboken6.isValid(sell):
            # A split sale's line on the Sell screen follows its charge screen: what is paid
            # as it changes, and the rest chargeable again once the screen closes unpaid.
            def follow(charging: bool) -> None:
                if shiboken6.isValid(sell):
                    sell.follow_charge(order_id, charging=charging)

            # A late answer after the screen closed must not mark it open again.
            dialog.payment_changed.connect(lambda _id: follow(dialog.isVisible()))
            dialog.finished.connect(lambda _r: follow(False))
        self.customer_display.follow(dialog)
        dialog.addAction(self.customer_display_action)
        self.charge_dialog = dialog
        return dialog

    def open_settings(self, tab: str = "business") -> SettingsDialog | None:
        """Manage ▸ Settings… (Ctrl+,): managers only; anyone else is told so."""
        from pos_app.services.settings import NOT_MANAGER
        from pos_app.ui.manage.settings_dialog import SettingsDialog

        ctx = self.context()
        if ctx is None:
            return None
        if not ctx.deps.desk.actor.is_manager:
            self.show_notice(NOT_MANAGER)
            return None
        dialog = SettingsDialog(
            ctx.settings,
            ctx.backups,
            ctx.doctor,
            self.runner,
            self.dialog_parent(),
            mode=ctx.mode,
            timezone=ctx.config.timezone,
            tab=tab,
            stations=ctx.stations,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.saved.connect(self.apply_settings)
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def open_dashboard(self) -> QDialog | None:
        """Manage ▸ Sales dashboard… (Ctrl+Shift+R): managers only; anyone else is told so."""
        from pos_app.ui.reports.dashboard.dashboard_view import DashboardDialog

        ctx = self.context()
        if ctx is None:
            return None
        if not ctx.deps.desk.actor.is_manager:
            self.show_notice(_(NOT_MANAGER_SALES))
            return None
        current = self.dashboard_dialog
        if current is not None and _alive(current):
            current.raise_()
            current.activateWindow()
            return current
        dialog = DashboardDialog(ctx, self.runner, self.dialog_parent())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.dashboard_dialog = dialog
        dialog.show()  # not modal: the day stays usable beside it
        return dialog

    def close_dialogs(self) -> None:
        """Close every window opened here (at quit); a closed one may already be deleted."""
        for dialog in (
            self.charge_dialog,
            self.refund_dialog,
            self.receipt_dialog,
            self.cash_dialog,
            self.deposit_dialog,
            self.booking_dialog,
            self.settings_dialog,
            self.dashboard_dialog,
            self.customers_window,
            self.catalog_window,
            self.products_window,
            self.promo_window,
            self.sell_window,
        ):
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.close()
