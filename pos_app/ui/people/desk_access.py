"""Who may use the main window: the lock (sign-in) page, Ctrl+L and Ctrl+U, the idle lock,
the name of who is signed in, and the managers-only Staff and Audit log entries.

``DeskAccess`` is a controller: it asks the window only for what the ``Shell`` protocol
offers (show the lock page, show the day, its menus), never for its widgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QToolButton

from pos_app.domain.people import Actor
from pos_app.i18n import _
from pos_app.ui.kit import theme
from pos_app.ui.kit.shell import Shell
from pos_app.ui.people.idle_lock import IdleLock
from pos_app.ui.people.ports import EarlySignInPeople
from pos_app.ui.people.sign_in import SignInPage

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.ui.people.first_run import FirstRunDialog

log = logging.getLogger(__name__)


class DeskAccess(QObject):
    """Who may use the main window right now: the lock page, the account menu and the name
    in the menu bar, the idle lock, and the managers-only entries of the Manage menu.

    While locked, the window's own shortcuts and menus are off, so nothing can be done for
    the person who left; an open charge screen stays (and keeps the station awake).
    """

    locked_changed = Signal(bool)

    def __init__(self, shell: Shell, page: SignInPage) -> None:
        window = shell.dialog_parent()
        super().__init__(window)
        self._shell = shell
        self._window = window  # parent of the actions and dialogs; nothing else is used
        self._runner = shell.runner
        self._ctx: AppContext | None = None
        self._early: EarlySignInPeople | None = None  # the page's people before the open
        self._locked = False
        self.first_run_dialog: FirstRunDialog | None = None
        self.staff_dialog: QDialog | None = None
        self.audit_dialog: QDialog | None = None
        self.page = page
        self.page.signed_in.connect(self._on_signed_in)
        self.page.first_run_needed.connect(self.open_first_run)
        self.idle = IdleLock(self, is_busy=self._payment_in_progress)
        self.idle.idle.connect(lambda: self.lock(keep_user=True))

        def action(text: str, tip: str, keys: str, slot: Callable[[], object]) -> QAction:
            act = QAction(text, window)
            act.setToolTip(tip)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            act.setEnabled(False)
            shell.add_shortcut(act)
            return act

        self.switch_action = action(
            _("Switch user…"), _("Hand the desk to someone else"), "Ctrl+U", self.switch_user
        )
        self.lock_action = action(
            _("Lock"),
            _("Lock the station until someone signs in"),
            "Ctrl+L",
            lambda: self.lock(keep_user=True),
        )
        self.staff_action = action(
            _("Staff and rooms…"),
            _("Accounts, PINs and the day view's columns (managers)"),
            "Ctrl+Shift+U",
            self.open_staff_editor,
        )
        self.audit_action = action(
            _("Audit log…"),
            _("Every money action: who, what, when (managers)"),
            "Ctrl+Shift+A",
            self.open_audit_log,
        )
        account_menu = shell.menu("account")
        account_menu.addAction(self.switch_action)
        account_menu.addAction(self.lock_action)
        shell.menu("manage").addAction(self.staff_action)
        shell.menu("manage").addAction(self.audit_action)

        self.user_button = QToolButton()
        self.user_button.setObjectName("signedInUser")
        self.user_button.setMenu(account_menu)
        self.user_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.user_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.user_button.setAutoRaise(True)
        self.user_button.setFont(theme.font(window, scale=1.0, bold=True))
        self.user_button.setToolTip(_("Who is signed in (Account menu)"))
        shell.set_corner_widget(self.user_button)
        self._show_actor()

    # -- public -------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        """Whether the lock page is up (nobody may use the window)."""
        return self._locked

    @property
    def roster_shown(self) -> bool:
        """Whether the lock page showed its accounts before the app was open (``show_early``),
        until ``attach``."""
        return self._early is not None

    def show_early(self, people: EarlySignInPeople) -> None:
        """Before the app is open: the lock page with the accounts ``people`` read. A tile
        can be chosen and a PIN typed (or the first manager created) at once; the answer
        comes from the open app, whose calls wait for it on a worker."""
        self._early = people
        self.page.set_people(people)
        self._set_locked(True)
        self.page.show_roster(people.roster())
        self.page.setFocus()

    def attach(self, ctx: AppContext) -> None:
        """The app is ready: open on the day if someone is signed in, else on the lock page
        (kept as it is when it was shown before the open: a tile chosen, a PIN being typed,
        the first-run dialog open)."""
        self._ctx = ctx
        early, self._early = self._early, None
        self.page.set_people(ctx.people)
        self.read_lock_minutes()
        if ctx.deps.desk.actor.role is not None:
            self._unlock()  # (signed in before the open ended: see _on_signed_in)
        elif early is not None and self._locked:
            self._set_locked(True)  # the page again, should "waiting…" have covered it
        else:
            self.lock()

    def detach(self) -> None:
        """Stop the idle timer (at quit)."""
        self.idle.disarm()

    def lock(self, *, keep_user: bool = False) -> None:
        """Sign out and show the lock page; ``keep_user`` preselects who was signed in."""
        ctx = self._ctx
        if ctx is None:
            return
        previous = ctx.deps.desk.actor
        self._close_dialogs()
        ctx.deps.desk.sign_out()
        if previous.id is not None:
            log.info("desk.locked user=%s", previous.id)
        self._set_locked(True)
        self.page.load(previous.id if keep_user else None)
        self.page.setFocus()

    def switch_user(self) -> None:
        """Ctrl+U: the lock page with nobody preselected."""
        self.lock(keep_user=False)

    def open_first_run(self) -> FirstRunDialog | None:
        """The "Create the manager account" dialog (first run only)."""
        from pos_app.ui.people.first_run import FirstRunDialog  # loaded on first run only

        ctx = self._ctx
        people = ctx.people if ctx is not None else self._early  # created once it is open
        if people is None:
            return None
        if self.first_run_dialog is not None and shiboken6.isValid(self.first_run_dialog):
            self.first_run_dialog.raise_()
            return self.first_run_dialog
        dialog = FirstRunDialog(people, self._runner, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.created.connect(self._on_signed_in)
        self.first_run_dialog = dialog
        dialog.open()
        return dialog

    def open_staff_editor(self) -> QDialog | None:
        """Manage ▸ Staff and rooms… (managers; others are told so)."""
        from pos_app.ui.people.staff_editor import StaffEditor

        if not self._manager_or_say(_("Only a manager can change staff and rooms.")):
            return None
        assert self._ctx is not None
        dialog = StaffEditor(self._ctx.people, self._runner, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.staff_dialog = dialog
        dialog.open()
        return dialog

    def open_audit_log(self) -> QDialog | None:
        """Manage ▸ Audit log… (managers; others are told so)."""
        from pos_app.ui.people.audit_view import AuditDialog

        if not self._manager_or_say(_("Only a manager can read the audit log.")):
            return None
        assert self._ctx is not None
        ctx = self._ctx
        dialog = AuditDialog(ctx.audit, ctx.people, ctx.config.timezone, self._runner, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.audit_dialog = dialog
        dialog.open()
        return dialog

    # -- internals ----------------------------------------------------------------------

    def _manager_or_say(self, sentence: str) -> bool:
        ctx = self._ctx
        if ctx is None or self._locked:
            return False
        if not ctx.deps.desk.actor.is_manager:
            self._shell.show_notice(sentence)
            return False
        return True

    def _on_signed_in(self, actor: Actor) -> None:
        log.info("desk.signed_in user=%s", actor.id)
        if self._ctx is None:
            return  # answered before the open app was attached: attach finds the desk signed in
        self._unlock()
        self.read_lock_minutes()
        self._shell.reload()

    def _unlock(self) -> None:
        self._set_locked(False)

    def _set_locked(self, locked: bool) -> None:
        self._locked = locked
        if locked:
            self._shell.show_lock_page(self.page)
            self.idle.disarm()
        else:
            self._shell.show_ready_page()
            self.idle.arm()
        self._hold_back_shortcuts(locked)
        signed_in = not locked and self._ctx is not None
        for act in (self.switch_action, self.lock_action, self.staff_action, self.audit_action):
            act.setEnabled(signed_in)
        self._show_actor()
        self.locked_changed.emit(locked)

    def _show_actor(self) -> None:
        ctx = self._ctx
        actor = ctx.deps.desk.actor if ctx is not None else None
        if actor is None or actor.role is None or self._locked:
            self.user_button.setText(_("Locked") if self._locked else "")
            self.user_button.setVisible(self._locked)
            return
        self.user_button.setText(f"{actor.name} · {actor.role.label}")
        self.user_button.setVisible(True)

    def read_lock_minutes(self) -> None:
        """Read the station's lock setting (minutes; 0 = never) in the background; done at
        each sign-in, and by the settings dialog after it changes it."""
        ctx = self._ctx
        if ctx is None:
            return
        people = ctx.people
        self._runner.run(
            people.lock_minutes,
            on_success=self.idle.set_minutes,
            on_failure=lambda _err: None,  # keep the current limit; the next sign-in rereads
            owner=self,
            quiet=True,
        )

    def _payment_in_progress(self) -> bool:
        dialog = self._shell.open_charge_dialog()
        return dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible()

    def _close_dialogs(self) -> None:
        """Close what the person who left had open, but never a charge screen."""
        charge = self._shell.open_charge_dialog()
        for widget in QApplication.topLevelWidgets():
            if not isinstance(widget, QDialog) or not widget.isVisible():
                continue
            if charge is not None and shiboken6.isValid(charge) and widget is charge:
                continue
            if widget.parentWidget() is self._window or widget is self.first_run_dialog:
                widget.reject()

    def _hold_back_shortcuts(self, hold: bool) -> None:
        """While locked, the window's own actions (Ctrl+N, Ctrl+R…) hear no shortcut: a filter
        on each of them and on the window (for those made meanwhile), not on the application,
        which called Python for every event of every widget and had PySide build some 140
        enum types on the sign-in page's way (issue 12: ready for input)."""
        window = self._window
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        for action in window.findChildren(QAction, options=direct):
            if hold:
                action.installEventFilter(self)  # (once: Qt moves a repeated one to the front)
            else:
                action.removeEventFilter(self)
        if hold:
            window.installEventFilter(self)
        else:
            window.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._locked:
            return False
        kind = event.type()
        if watched is self._window:
            if kind == QEvent.Type.ChildAdded:
                # Not yet built (the event comes from QObject's constructor): held back on
                # the next turn of the event loop.
                QTimer.singleShot(0, self, lambda: self._hold_back_shortcuts(self._locked))
            return False
        # While locked, the window's shortcuts (Ctrl+N, Ctrl+R…) must do nothing.
        return (
            kind == QEvent.Type.Shortcut
            and isinstance(watched, QAction)
            and watched.parent() is self._window
        )
