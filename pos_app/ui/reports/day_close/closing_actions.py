"""Manage ▸ Close the day… and Manage ▸ Reconcile with Stripe…: the menu entries that open
the Z report and the reconciliation, for managers; anyone else gets the sentence instead.

They know the main window only as a :class:`~pos_app.ui.kit.shell.Shell`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog

from pos_app.i18n import _
from pos_app.ui.kit.shell import Shell

# The dialogs (and their services' sentences) are imported when first opened, so the main
# window, which builds these menu entries, paints without loading them.
if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.ui.reports.day_close.day_close_view import DayCloseDialog


class ClosingActions:
    """Manage ▸ Close the day… (Ctrl+Shift+Z) and Manage ▸ Reconcile with Stripe…
    (Ctrl+Shift+K), for managers; anyone else is told so in the window's notice line."""

    def __init__(self, shell: Shell, *, is_locked: Callable[[], bool] = lambda: False) -> None:
        self._shell = shell
        self._is_locked = is_locked
        self._ctx: AppContext | None = None
        self.day_close_dialog: QDialog | None = None
        self.reconcile_dialog: QDialog | None = None
        owner = shell.dialog_parent()

        def action(text: str, tip: str, keys: str, slot: Callable[[], object]) -> QAction:
            act = QAction(text, owner)  # the window's: the lock screen holds its shortcut
            act.setToolTip(tip)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            act.setEnabled(False)
            shell.add_shortcut(act)
            return act

        self.close_day_action = action(
            _("Close the day…"),
            _(
                "The Z report: card totals, fees, opening float, cash counted; then close the day "
                "(managers)"
            ),
            "Ctrl+Shift+Z",
            self.open_day_close,
        )
        self.reconcile_action = action(
            _("Reconcile with Stripe…"),
            _("Compare payments and refunds with Stripe and settle differences (managers)"),
            "Ctrl+Shift+K",
            self.open_reconcile,
        )
        menu = shell.menu("manage")
        menu.addSeparator()
        menu.addAction(self.close_day_action)
        menu.addAction(self.reconcile_action)

    def attach(self, ctx: AppContext) -> None:
        """The app is ready: the entries work (the lock screen still holds them back)."""
        self._ctx = ctx
        self.close_day_action.setEnabled(True)
        self.reconcile_action.setEnabled(True)

    def close_dialogs(self) -> None:
        """At quit: close what is open."""
        for dialog in (self.day_close_dialog, self.reconcile_dialog):
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.reject()

    def open_day_close(self) -> DayCloseDialog | None:
        """Manage ▸ Close the day… (managers)."""
        from pos_app.services.day_close import NOT_MANAGER
        from pos_app.ui.reports.day_close.day_close_view import DayCloseDialog

        ctx = self._allowed(NOT_MANAGER)
        if ctx is None:
            return None
        dialog = DayCloseDialog(
            ctx.day_close,
            self._shell.runner,
            self._shell.dialog_parent(),
            business=ctx.config.business_name,
            timezone=ctx.config.timezone,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.closed_day.connect(lambda _z: self._shell.reload())
        self.day_close_dialog = dialog
        dialog.open()
        return dialog

    def open_reconcile(self) -> QDialog | None:
        """Manage ▸ Reconcile with Stripe… (managers)."""
        from pos_app.services.reconciliation import NOT_MANAGER as NOT_MANAGER_RECONCILE
        from pos_app.ui.reports.reconcile.reconciliation_view import ReconcileDialog

        ctx = self._allowed(NOT_MANAGER_RECONCILE)
        if ctx is None:
            return None
        dialog = ReconcileDialog(
            ctx.reconciliation,
            self._shell.runner,
            self._shell.dialog_parent(),
            timezone=ctx.config.timezone,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.settled.connect(lambda: self._shell.reload())
        self.reconcile_dialog = dialog
        dialog.open()
        return dialog

    def _allowed(self, sentence: str) -> AppContext | None:
        ctx = self._ctx
        if ctx is None or self._is_locked():
            return None
        if not ctx.deps.desk.actor.is_manager:
            self._shell.show_notice(sentence)
            return None
        return ctx
