"""Locking the station: after a while without input, on Ctrl+L, or to switch user.

``DeskAccess`` is the main window's lock: the sign-in page, the account menu, the name of who
is signed in, the managers-only Manage entries, and ``IdleLock`` so an unattended desk is not
left open.

An application-wide event filter notes the time of every key press, click, scroll or touch;
a single-shot timer fires when the limit could have passed and checks. Work the person is
waiting on (an open charge screen) counts as activity: locking never interrupts a payment.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QToolButton

from pos_app.domain.people import Actor
from pos_app.services.people import DEFAULT_LOCK_MINUTES
from pos_app.ui.kit import theme
from pos_app.ui.kit.tasks import TaskRunner
from pos_app.ui.people.sign_in import FirstRunDialog, SignInPage

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

READY_PAGE = 2  # MainWindow's Page.READY (not imported: main_window imports this module)

DEFAULT_MINUTES = DEFAULT_LOCK_MINUTES

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
    }
)


class IdleLock(QObject):
    """Emits ``idle`` once after ``minutes`` without input while armed.

    ``is_busy`` is asked when the time is up; while it returns True the wait starts over.
    """

    idle = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        minutes: float = DEFAULT_MINUTES,
        is_busy: Callable[[], bool] = lambda: False,
    ) -> None:
        super().__init__(parent)
        self._is_busy = is_busy
        self._limit = max(0.0, minutes * 60.0)
        self._last = time.monotonic()
        self._armed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)

    @property
    def minutes(self) -> float:
        """The limit in minutes (0: never lock)."""
        return self._limit / 60.0

    def set_minutes(self, minutes: float) -> None:
        """Lock after ``minutes`` without input from now on; 0 turns the lock off."""
        self._limit = max(0.0, minutes * 60.0)
        log.info("idle_lock.limit minutes=%s", minutes)
        if self._armed:
            self._schedule(self._limit)

    def arm(self) -> None:
        """Start watching (someone signed in); the time counts from now."""
        app = QCoreApplication.instance()
        if app is not None and not self._armed:
            app.installEventFilter(self)  # only while armed: it sees every event of the app
        self._armed = True
        self._last = time.monotonic()
        self._schedule(self._limit)

    def disarm(self) -> None:
        """Stop watching (the station is locked already)."""
        app = QCoreApplication.instance()
        if app is not None and self._armed:
            app.removeEventFilter(self)
        self._armed = False
        self._timer.stop()

    @property
    def armed(self) -> bool:
        """Whether the station will lock itself when idle."""
        return self._armed

    def touch(self) -> None:
        """Count as activity now."""
        self._last = time.monotonic()

    def idle_seconds(self) -> float:
        """Seconds since the last input."""
        return time.monotonic() - self._last

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Cheap on purpose: this sees every event of the application.
        if event.type() in _INPUT:
            self._last = time.monotonic()
        return False

    def _schedule(self, seconds: float) -> None:
        if not self._armed or self._limit <= 0:
            self._timer.stop()
            return
        self._timer.start(max(50, round(seconds * 1000)))

    def _check(self) -> None:
        if not self._armed or self._limit <= 0:
            return
        if self._is_busy():
            self._last = time.monotonic()
        left = self._limit - self.idle_seconds()
        if left > 0:
            self._schedule(left)
            return
        self.disarm()
        log.info("idle_lock.locking after=%.0fs", self._limit)
        self.idle.emit()


class DeskAccess(QObject):
    """Who may use the main window right now: the lock page, the account menu and the name
    in the menu bar, the idle lock, and the managers-only entries of the Manage menu.

    While locked, the window's own shortcuts and menus are off, so nothing can be done for
    the person who left; an open charge screen stays (and keeps the station awake).
    """

    locked_changed = Signal(bool)

    def __init__(self, window: MainWindow, runner: TaskRunner) -> None:
        super().__init__(window)
        self._window = window
        self._runner = runner
        self._ctx: AppContext | None = None
        self._locked = False
        self.first_run_dialog: FirstRunDialog | None = None
        self.staff_dialog: QDialog | None = None
        self.audit_dialog: QDialog | None = None
        self.page: SignInPage = window.sign_in_page
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
            window.addAction(act)
            return act

        self.switch_action = action(
            "Switch user…", "Hand the desk to someone else", "Ctrl+U", self.switch_user
        )
        self.lock_action = action(
            "Lock",
            "Lock the station until someone signs in",
            "Ctrl+L",
            lambda: self.lock(keep_user=True),
        )
        self.staff_action = action(
            "Staff and rooms…",
            "Accounts, PINs and the day view's columns (managers)",
            "Ctrl+Shift+U",
            self.open_staff_editor,
        )
        self.audit_action = action(
            "Audit log…",
            "Every money action: who, what, when (managers)",
            "Ctrl+Shift+A",
            self.open_audit_log,
        )
        window.account_menu.addAction(self.switch_action)
        window.account_menu.addAction(self.lock_action)
        window.manage_menu.addAction(self.staff_action)
        window.manage_menu.addAction(self.audit_action)

        self.user_button = QToolButton()
        self.user_button.setObjectName("signedInUser")
        self.user_button.setMenu(window.account_menu)
        self.user_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.user_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.user_button.setAutoRaise(True)
        self.user_button.setFont(theme.font(window, scale=1.0, bold=True))
        self.user_button.setToolTip("Who is signed in (Account menu)")
        window.menuBar().setCornerWidget(self.user_button, Qt.Corner.TopRightCorner)
        self._show_actor()

    # -- public -------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        """Whether the lock page is up (nobody may use the window)."""
        return self._locked

    def attach(self, ctx: AppContext) -> None:
        """The app is ready: open on the day if someone is signed in, else on the lock page."""
        self._ctx = ctx
        self.page.set_context(ctx)
        self.read_lock_minutes()
        if ctx.deps.desk.actor.role is None:
            self.lock()
        else:
            self._unlock()

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
        ctx = self._ctx
        if ctx is None:
            return None
        if self.first_run_dialog is not None and shiboken6.isValid(self.first_run_dialog):
            self.first_run_dialog.raise_()
            return self.first_run_dialog
        dialog = FirstRunDialog(ctx, self._runner, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.created.connect(self._on_signed_in)
        self.first_run_dialog = dialog
        dialog.open()
        return dialog

    def open_staff_editor(self) -> QDialog | None:
        """Manage ▸ Staff and rooms… (managers; others are told so)."""
        from pos_app.ui.people.staff_editor import StaffEditor

        if not self._manager_or_say("Only a manager can change staff and rooms."):
            return None
        assert self._ctx is not None
        dialog = StaffEditor(self._ctx, self._runner, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.staff_dialog = dialog
        dialog.open()
        return dialog

    def open_audit_log(self) -> QDialog | None:
        """Manage ▸ Audit log… (managers; others are told so)."""
        from pos_app.ui.people.audit_view import AuditDialog

        if not self._manager_or_say("Only a manager can read the audit log."):
            return None
        assert self._ctx is not None
        dialog = AuditDialog(self._ctx, self._runner, self._window)
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
            self._window.show_notice(sentence)
            return False
        return True

    def _on_signed_in(self, actor: Actor) -> None:
        log.info("desk.signed_in user=%s", actor.id)
        self._unlock()
        self.read_lock_minutes()
        self._window.reload()

    def _unlock(self) -> None:
        self._set_locked(False)
        self._window.pages.setCurrentIndex(READY_PAGE)
        self._window.table.setFocus()

    def _set_locked(self, locked: bool) -> None:
        self._locked = locked
        window = self._window
        app = QCoreApplication.instance()
        if locked:
            window.pages.setCurrentWidget(self.page)
            self.idle.disarm()
            if app is not None:
                app.installEventFilter(self)  # holds back the window's shortcuts
        else:
            self.idle.arm()
            if app is not None:
                app.removeEventFilter(self)
        window.menuBar().setEnabled(not locked)
        window.top_bar.setEnabled(not locked)
        signed_in = not locked and self._ctx is not None
        for act in (self.switch_action, self.lock_action, self.staff_action, self.audit_action):
            act.setEnabled(signed_in)
        self._show_actor()
        self.locked_changed.emit(locked)

    def _show_actor(self) -> None:
        ctx = self._ctx
        actor = ctx.deps.desk.actor if ctx is not None else None
        if actor is None or actor.role is None or self._locked:
            self.user_button.setText("Locked" if self._locked else "")
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
        dialog = self._window.charge_dialog
        return dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible()

    def _close_dialogs(self) -> None:
        """Close what the person who left had open, but never a charge screen."""
        charge = self._window.charge_dialog
        for widget in QApplication.topLevelWidgets():
            if not isinstance(widget, QDialog) or not widget.isVisible():
                continue
            if charge is not None and shiboken6.isValid(charge) and widget is charge:
                continue
            if widget.parentWidget() is self._window or widget is self.first_run_dialog:
                widget.reject()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # While locked, the window's shortcuts (Ctrl+N, Ctrl+R…) must do nothing.
        return (
            self._locked
            and event.type() == QEvent.Type.Shortcut
            and isinstance(watched, QAction)
            and watched.parent() is self._window
        )
