"""The GUI entry point: show the window at once, open the app in the background.

Opening the app migrates the database and may start the sandbox, which can take a few
seconds; the window says "Starting…" meanwhile instead of appearing late or frozen.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import sys
import threading
from types import TracebackType
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QLocale, QObject, QSize, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from pos_app.config import Config
from pos_app.domain.backups import DatabaseProblem
from pos_app.i18n import current_language
from pos_app.printing import qt_app
from pos_app.resources import ICON_SIZES, app_icon_png
from pos_app.ui.kit import gc_guard, script_fonts, theme
from pos_app.ui.kit.tasks import TaskRunner, user_message
from pos_app.ui.manage.settings_restart import relaunch_if_requested
from pos_app.ui.shell.main_window import MainWindow

if TYPE_CHECKING:
    from pos_app.app import AppContext, SandboxPolicy
    from pos_app.app_early import EarlyPeople
    from pos_app.ui.manage.backup_schedule import DailyBackups

log = logging.getLogger(__name__)


GUI_SWITCH_INTERVAL_S = 0.001
#: Qt's switch for its painting threads (see ensure_application).
NO_PAINT_THREADS = "QT_NO_GUI_THREADPOOL"


def app_icon() -> QIcon:
    """The app icon at every size it ships in (the window manager picks; files load lazily)."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(app_icon_png(size)), QSize(size, size))
    return icon


def ensure_application(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, or a new one set up for pos-app (name, icon, HiDPI, theme)."""
    fresh = QApplication.instance() is None
    if fresh:
        # A worker busy in pure Python (the SDK building objects from JSON) holds the GIL for
        # a whole switch interval each time the GUI thread asks for it back; 5 ms, paid on
        # every Qt call that releases the GIL, adds up to visible stutter. 1 ms keeps it smooth.
        sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
        # Qt splits a blend of more than ~96 lines (an antialiased or clipped fill: the
        # stylesheet's rounded frames, the day's table) among a pool of threads and waits
        # for them. On the small machines a front desk runs on, handing the pieces over and
        # waiting cost the GUI thread more than the pieces (a select's repaint of the day's
        # table: ~0.5 ms more GUI CPU, and a wait for a free CPU on a busy one; issue 12).
        # Same pixels, drawn on the GUI thread alone. Read by Qt once, at its first such blend.
        os.environ.setdefault(NO_PAINT_THREADS, "1")
    app = qt_app.ensure_application(argv)  # named for pos-app, fractional HiDPI scaling
    # Qt's own widgets (date edits, calendars) name days and months in the UI language.
    QLocale.setDefault(QLocale(current_language()))
    script_fonts.ensure_script_fonts(current_language())  # Bangla without a system font
    gc_guard.install(app)
    if fresh:
        app.setWindowIcon(app_icon())
        theme.apply_theme(app)
    return app


class _StartNotes(QObject):
    """Carries a sentence about the start from the worker to the window."""

    said = Signal(str)


class _Opening:
    """The app being opened, for work that waits for it on a worker thread (the sign-in
    page's PIN check before the open ended); never waited for on the GUI thread."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._ctx: AppContext | None = None
        self._error: BaseException | None = None

    def finish(self, ctx: AppContext | None, error: BaseException | None = None) -> None:
        """The open ended with ``ctx``, or failed with ``error`` (the first word stands)."""
        if self._done.is_set():
            return
        self._ctx, self._error = ctx, error
        self._done.set()

    def wait(self) -> AppContext:
        """The open app, once it is open; raises why it did not open."""
        self._done.wait()
        if self._ctx is None:
            raise self._error or RuntimeError("the app did not open")
        return self._ctx


class AppStarter:
    """Opens the app in the background; closes a context that arrives after quit began.

    Before opening it, the accounts are read from the SQLite file (``app_early.py``, a few
    milliseconds instead of the open's half second) and the sign-in page shows them: the
    desk takes a tile and a PIN while the app opens, and the PIN's answer waits for it.
    """

    def __init__(
        self,
        config: Config,
        runner: TaskRunner,
        window: MainWindow,
        *,
        sandbox: SandboxPolicy = "child",
        freeze_gc: bool = False,
        early_sign_in: bool = True,
    ) -> None:
        """``freeze_gc``: once attached, leave what is loaded out of the collector's full
        passes (the app's own process; a test process keeps collecting everything).
        ``early_sign_in``: show the sign-in page before the app is open when the database
        allows it (see the class)."""
        self._early_sign_in = early_sign_in
        self._opening = _Opening()
        self._sandbox: SandboxPolicy = sandbox
        self._freeze_gc = freeze_gc
        self._config = config
        self._runner = runner
        self._window = window
        self._lock = threading.Lock()
        self._quitting = False
        self.ctx: AppContext | None = None
        self.backups: DailyBackups | None = None
        # "Another station is updating the database; waiting…", said on the worker, shown
        # by the window (the signal is queued to the GUI thread).
        self.notes = _StartNotes(window)
        self.notes.said.connect(window.show_starting)
        app = QApplication.instance()
        self._collector = gc_guard.install(app) if app is not None else None

    def start(self) -> None:
        """Open the app in the runner; the window fills in (or shows why not) when done."""
        self._window.show_starting("Starting… opening the database and connecting to Stripe")
        if self._freeze_gc and self._collector is not None:
            self._collector.hold()  # until attached and frozen (or failed)
        opening = self._opening = _Opening()
        if not self._early_sign_in:
            self._open_now()
            return
        self._runner.run(
            lambda: self._read_people(opening),
            on_success=self._show_people,
            on_failure=lambda _error: self._open_now(),  # (logged by the runner)
        )

    def _read_people(self, opening: _Opening) -> EarlyPeople | None:
        from pos_app.app_early import early_people  # the standard library's sqlite3 only

        return early_people(self._config, opening.wait)

    def _show_people(self, people: EarlyPeople | None) -> None:
        if people is None:
            self._open_now()  # a database server, or a file the open must look at first
            return
        self._window.show_early_sign_in(people)
        # The open's imports hold the GIL in slices: the page paints first, then it starts.
        QTimer.singleShot(0, self._window, self._open_now)

    def _open_now(self) -> None:
        self._runner.run(self._open, on_success=self._opened, on_failure=self._failed)

    def _open(self) -> AppContext:
        opening = self._opening
        try:
            ctx = self._open_app()
        except BaseException as error:
            opening.finish(None, error)
            raise
        opening.finish(ctx)
        return ctx

    def _open_app(self) -> AppContext:
        # Imported here, on the worker: SQLAlchemy, Alembic and stripe take half a second to
        # load, and the window paints meanwhile.
        from pos_app.app import open_app

        ctx = open_app(
            self._config, sandbox=self._sandbox, receive_webhooks=True, on_wait=self.notes.said.emit
        )
        with self._lock:
            self.ctx = ctx
            late = self._quitting
        if late:
            # The window is gone: nobody will use or close this context but us.
            ctx.close()
        return ctx

    def _opened(self, ctx: AppContext) -> None:
        # Imported once the app is open, not before the window's first paint.
        from pos_app.ui.manage.backup_schedule import DailyBackups

        self._window.attach(ctx)
        if self._freeze_gc:
            # Everything loaded by now (Qt, SQLAlchemy, the services, the window) lives as
            # long as the app: leave it out of the collector's full passes, which otherwise
            # walk it all on the GUI thread (about 60 ms, a visible stall every minute or two).
            gc.freeze()
        self._release_collector()
        # Today's backup now (unless taken already today), then checked every hour.
        window = self._window
        self.backups = DailyBackups(self._runner, ctx.backups, window.show_notice, window)
        window.after_start(self.backups.start)  # not while the first screen is being shown

    def _release_collector(self) -> None:
        if self._collector is not None and shiboken6.isValid(self._collector):
            self._collector.release()

    def _failed(self, error: BaseException) -> None:
        self._release_collector()
        log.warning("app.start_failed error=%s", error)
        # A damaged, locked or newer database: its own sentence names the backup to restore.
        told = user_message(error)
        if not isinstance(error, DatabaseProblem):
            told = f"The app could not start. {told}"
        self._window.show_startup_error(told, retry=self.start)

    def quit(self) -> None:
        """Stop the window's timers and background work, then release the app (idempotent)."""
        if self.backups is not None and shiboken6.isValid(self.backups):
            self.backups.stop()
        if shiboken6.isValid(self._window):
            self._window.detach()
        # A PIN check waiting for an open that will not come (quit before it began) returns:
        # its worker must not hold the process's exit.
        self._opening.finish(None, RuntimeError("the app is closing"))
        self._runner.shutdown()
        with self._lock:
            self._quitting = True
            ctx, self.ctx = self.ctx, None
        if ctx is not None:
            ctx.close()


def _quit_on_signals(app: QApplication) -> None:
    """Ctrl+C in the terminal or SIGTERM closes the app cleanly (stopping its sandbox).

    Python runs signal handlers only between bytecodes, so a timer wakes the interpreter
    while Qt's event loop waits in C++.
    """

    def handler(_signum: int, _frame: object) -> None:
        app.quit()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(250)


def _report_unhandled_errors(window: MainWindow) -> None:
    """A bug in a slot is logged with its traceback and shown as a sentence, never a trace."""
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        logging.getLogger(__name__).error("gui.unhandled", exc_info=(exc_type, exc, tb))
        with contextlib.suppress(RuntimeError):  # the window may already be gone
            window.show_notice(user_message(exc))

    sys.excepthook = hook


def run_gui(config: Config) -> int:
    """Run the desktop app until the window is closed; returns the exit code."""
    if not logging.getLogger().handlers:
        from pos_app.logs import setup_logging

        setup_logging(config.data_dir)
    app = ensure_application()
    theme.apply_theme_setting(app, config.theme)  # Settings ▸ This station ▸ Theme
    runner = TaskRunner()
    window = MainWindow(runner, paint_first=True)  # "Starting…" paints; the day follows
    available = window.screen().availableGeometry()
    if available.width() < 1400 or available.height() < 860:
        window.showMaximized()  # a 1366×768 front-desk screen: use all of it
    else:
        window.resize(1366, 800)
        window.show()
    _report_unhandled_errors(window)
    _quit_on_signals(app)
    startup = AppStarter(config, runner, window, freeze_gc=True)
    # The worker's imports (SQLAlchemy, the services) hold the GIL in slices: started before
    # the first frame, they slow every Python call of its paint. The frame comes first.
    window.after_first_paint(startup.start)
    try:
        return app.exec()
    finally:
        # The event loop is over (window closed or app.quit()): release everything.
        startup.quit()
        window.deleteLater()
        # Settings' "Save and restart": start again only now, once the database and a
        # sandbox this process ran are closed, so the new process finds neither in use.
        relaunch_if_requested(app)
