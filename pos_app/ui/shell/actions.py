"""The main window's own actions (New booking, Charge, Refund, Settings…) and the button that
mirrors one. Every action has a shortcut that works anywhere in the window and sits in a menu
(``menus.py``); whether a booking action is enabled, and why not, comes from the domain's
rules through the detail presenter (:func:`apply_rules`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QPushButton, QWidget

from pos_app.i18n import _

if TYPE_CHECKING:  # the rules load with the day, after the "Starting…" frame
    from pos_app.domain.eligibility import Eligibility
    from pos_app.ui.day.detail_presenter import ActionKey


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
        tip = self._action.toolTip()
        # Enabled: what it does and its keys. Disabled: why not (the domain's sentence).
        self.setToolTip(f"{tip} ({shortcut})" if shortcut and self.isEnabled() else tip)


class ActionSlots(Protocol):
    """What the window's actions call (the main window)."""

    def new_booking(self) -> object: ...
    def charge_selected(self) -> object: ...
    def deposit_selected(self) -> object: ...
    def cash_selected(self) -> object: ...
    def refund_selected(self) -> object: ...
    def receipt_selected(self) -> object: ...
    def refresh(self) -> None: ...
    def open_settings(self) -> object: ...
    def open_dashboard(self) -> object: ...
    def open_customers(self) -> object: ...
    def open_catalog(self) -> object: ...
    def open_products(self) -> object: ...
    def open_promo_codes(self) -> object: ...
    def open_sell(self) -> object: ...


@dataclass(frozen=True)
class WindowActions:
    """The window's actions, each with its tooltip (what it does when enabled)."""

    new: QAction
    charge: QAction
    deposit: QAction
    cash: QAction
    refund: QAction
    receipt: QAction
    refresh: QAction
    settings: QAction
    dashboard: QAction
    customers: QAction
    catalog: QAction
    products: QAction
    promo_codes: QAction
    sell: QAction

    def by_key(self) -> dict[ActionKey, QAction]:
        """The booking actions the domain's rules enable, by their key."""
        from pos_app.ui.day.detail_presenter import ActionKey

        return {
            ActionKey.CHARGE: self.charge,
            ActionKey.DEPOSIT: self.deposit,
            ActionKey.CASH: self.cash,
            ActionKey.REFUND: self.refund,
            ActionKey.RECEIPT: self.receipt,
        }


def make_action(
    window: QWidget, text: str, tip: str, keys: list[str], slot: Callable[[], object]
) -> QAction:
    """A disabled window-wide action calling ``slot`` (its ``data`` keeps ``tip``)."""
    act = QAction(text, window)
    act.setToolTip(tip)
    act.setData(tip)
    act.setShortcuts([QKeySequence(k) for k in keys])
    act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    act.triggered.connect(lambda _checked=False: slot())
    act.setEnabled(False)
    window.addAction(act)  # so the shortcut works wherever the focus is
    return act


def build_actions(window: QWidget, slots: ActionSlots) -> WindowActions:
    """The window's actions, all disabled until the app is attached."""

    def a(text: str, tip: str, keys: list[str], slot: Callable[[], object]) -> QAction:
        return make_action(window, text, tip, keys, slot)

    s = slots
    return WindowActions(
        new=a(_("New booking"), _("Book a customer in"), ["Ctrl+N"], s.new_booking),
        charge=a(
            _("Charge"),
            _("Show the payment QR for the selected booking"),
            ["Ctrl+Return", "Ctrl+Enter"],
            s.charge_selected,
        ),
        deposit=a(
            _("Deposit…"),
            _("Ask for part of the balance by card (a deposit)"),
            ["Ctrl+Shift+D"],
            s.deposit_selected,
        ),
        cash=a(
            _("Cash"),
            _("Record cash taken for the selected booking"),
            ["Ctrl+Shift+C"],
            s.cash_selected,
        ),
        refund=a(_("Refund"), _("Refund the selected booking"), ["Ctrl+R"], s.refund_selected),
        receipt=a(
            _("Receipt…"),
            _("Print, save as PDF or email the selected booking's receipt"),
            ["Ctrl+P"],
            s.receipt_selected,
        ),
        refresh=a(_("Refresh"), _("Ask Stripe for news and reload the day"), ["F5"], s.refresh),
        settings=a(
            _("Settings…"),
            _("Business, payments and this station (managers)"),
            ["Ctrl+,"],
            s.open_settings,
        ),
        dashboard=a(
            _("Sales dashboard…"),
            _("Sales, refunds, fees and the by-hour chart for a day or a range (managers)"),
            ["Ctrl+Shift+R"],
            s.open_dashboard,
        ),
        customers=a(
            _("Customers…"),
            _("Find a customer, their details and bookings"),
            ["Ctrl+Shift+F"],
            s.open_customers,
        ),
        catalog=a(
            _("Services…"),
            _("The services you sell: names, lengths, prices (managers)"),
            [],
            s.open_catalog,
        ),
        products=a(
            _("Products…"),
            _("What you sell off the shelf: prices, stock received, counted or damaged (managers)"),
            [],
            s.open_products,
        ),
        promo_codes=a(
            _("Promo codes…"),
            _("Codes customers give for a discount: limits, dates, switching off (managers)"),
            [],
            s.open_promo_codes,
        ),
        sell=a(
            _("Sell"),
            _("A walk-in sale: products and services, discount or promo code, tip"),
            ["F2"],
            s.open_sell,
        ),
    )


def apply_rule(action: QAction, rule: Eligibility) -> None:
    """Enable ``action`` when ``rule`` allows it; else disable it with the refusal as its
    tooltip (a button mirroring it then says why)."""
    tip = _(rule.reason) if not rule.allowed else str(action.data() or "")
    if action.isEnabled() != rule.allowed:
        action.setEnabled(rule.allowed)
    if action.toolTip() != tip:
        action.setToolTip(tip)


def apply_rules(actions: dict[ActionKey, QAction], rules: dict[ActionKey, Eligibility]) -> None:
    """Apply each action's rule (see :func:`apply_rule`)."""
    for key, action in actions.items():
        apply_rule(action, rules[key])
