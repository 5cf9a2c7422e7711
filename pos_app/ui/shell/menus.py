"""The main window's menu bar: Booking, View, Manage, Account and Help.

Every action lives in a menu too: discoverable, and each shows its shortcut there. Features
add their own entries through ``Shell.menu(name)``; the window adds Settings last.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QMenu, QMenuBar

from pos_app.i18n import _
from pos_app.ui.kit.shell import MenuName
from pos_app.ui.shell.actions import WindowActions


@dataclass(frozen=True)
class Menus:
    """The window's menus (features add entries to the first four)."""

    booking: QMenu
    view: QMenu
    manage: QMenu
    account: QMenu
    help: QMenu

    def get(self, name: MenuName) -> QMenu:
        """One menu by its name."""
        menus: dict[MenuName, QMenu] = {
            "booking": self.booking,
            "view": self.view,
            "manage": self.manage,
            "account": self.account,
        }
        return menus[name]


def build_menus(bar: QMenuBar, acts: WindowActions) -> Menus:
    """The menus with the window's own actions; features add theirs after."""
    booking = bar.addMenu(_("&Booking"))
    for act in (
        acts.new,
        acts.sell,
        acts.charge,
        acts.deposit,
        acts.cash,
        acts.refund,
        acts.receipt,
    ):
        booking.addAction(act)
    booking.addSeparator()
    view = bar.addMenu(_("&View"))
    view.addAction(acts.refresh)
    view.addSeparator()
    manage = bar.addMenu(_("&Manage"))
    manage.addAction(acts.customers)
    manage.addAction(acts.catalog)
    manage.addAction(acts.products)
    manage.addAction(acts.promo_codes)
    manage.addAction(acts.dashboard)
    account = bar.addMenu(_("&Account"))
    help_menu = bar.addMenu(_("&Help"))
    return Menus(booking, view, manage, account, help_menu)


def finish_menus(menus: Menus, acts: WindowActions) -> None:
    """Settings last in Manage, after whatever the features put there."""
    menus.manage.addSeparator()
    menus.manage.addAction(acts.settings)
