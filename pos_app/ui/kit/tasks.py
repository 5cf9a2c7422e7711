"""Moving service calls off the GUI thread and bringing their results back onto it.

Every service call may touch the database or the network, so the GUI never calls one
directly: it hands a callable to :class:`TaskRunner`, which runs it on a thread pool and
delivers the outcome through a queued Qt signal, so callbacks always run on the GUI thread
(the pattern of Anki's ``taskman``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from pos_app.domain.errors import PosError
from pos_app.i18n import N_, _

log = logging.getLogger(__name__)

GENERIC_ERROR = N_("Something went wrong. Please try again; the details are in the log.")

SuccessCallback = Callable[[Any], None]
FailureCallback = Callable[[BaseException], None]


def user_message(error: BaseException) -> str:
    """The sentence to show for ``error``: a PosError's own message, else a generic one, in
    the current language (a message the domain or a service marked with ``N_`` is looked up
    in the catalog; one built with ``_(…).format`` there is already translated).

    Never a traceback: unexpected errors are logged (with their traceback) by the runner.
    """
    if isinstance(error, PosError):
        return _(error.message)
    return _(GENERIC_ERROR)


@dataclass
class _Outcome:
    """What a finished task hands back to the GUI thread."""

    task_id: int
    result: Any = None
    error: BaseException | None = None


@dataclass
class _Task:
    """A submitted task's callbacks, kept on the GUI thread until its outcome arrives."""

    on_success: SuccessCallback | None
    on_failure: FailureCallback | None
    key: str | None
    owner: QObject | None
    quiet: bool
    latest: Hashable | None = None
    future: Future[Any] | None = None


class TaskRunner(QObject):
    """Runs callables on a thread pool; results come back on the GUI thread.

    Signals:
        busy_changed(bool): True once non-quiet work has been pending for ``busy_delay_ms``
            (so quick work never flashes a progress bar), False when it is all done.
        error(str): a failure of a task that has no ``on_failure``, as a sentence.
    """

    busy_changed = Signal(bool)
    error = Signal(str)
    # Internal: emitted from worker threads; the queued connection moves it to the GUI thread.
    _finished = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_workers: int = 4,
        busy_delay_ms: int = 300,
    ) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="pos-ui")
        self._tasks: dict[int, _Task] = {}
        self._running_keys: set[str] = set()
        # ``latest=`` token -> the newest task run with it, whose answer alone is delivered.
        self._latest: dict[Hashable, int] = {}
        self._next_id = 0
        self._busy = False
        # Read by worker threads, so guarded; everything else is touched on the GUI thread only.
        self._lock = threading.Lock()
        self._closed = False
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(busy_delay_ms)
        self._busy_timer.timeout.connect(self._on_busy_timeout)
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    # -- public API ---------------------------------------------------------------------

    def run(
        self,
        fn: Callable[[], Any],
        *,
        on_success: SuccessCallback | None = None,
        on_failure: FailureCallback | None = None,
        key: str | None = None,
        owner: QObject | None = None,
        quiet: bool = False,
        latest: Hashable | None = None,
    ) -> bool:
        """Run ``fn()`` in the background; False if skipped (same ``key`` still running).

        ``on_success(result)`` / ``on_failure(exception)`` run on the GUI thread. Without
        ``on_failure`` a failure is emitted as ``error(sentence)``. With ``owner`` the
        callbacks are dropped if that QObject was deleted meanwhile. ``quiet`` work (pollers)
        never makes the runner report busy.

        ``key`` skips the new task while an old one runs; ``latest`` is the other way round:
        every task runs, and only the newest one run with that token (any hashable: the
        widget itself, or ``(widget, "detail")`` for a second kind of read) has its callbacks
        called. Reads run side by side and may answer in any order; the newest started last,
        so it read the latest and knows what the screen asks now. See :meth:`supersede`.
        """
        if self._closed:
            return False
        if key is not None:
            if key in self._running_keys:
                # A poller whose previous round is still out: skip rather than pile up.
                return False
            self._running_keys.add(key)
        task_id = self._next_id
        self._next_id += 1
        task = _Task(on_success, on_failure, key, owner, quiet, latest)
        self._tasks[task_id] = task
        if latest is not None:
            self._latest[latest] = task_id  # any older task with this token is now stale
        if not quiet and not self._busy and not self._busy_timer.isActive():
            self._busy_timer.start()
        task.future = self._executor.submit(self._call, task_id, fn)
        return True

    def supersede(self, latest: Hashable) -> None:
        """Drop the answers still on their way for ``latest`` (see :meth:`run`): what they
        would show is older than what the caller has just shown without asking."""
        self._latest.pop(latest, None)

    def is_running(self, key: str) -> bool:
        """True while a task submitted with ``key`` has not been delivered yet."""
        return key in self._running_keys

    @property
    def busy(self) -> bool:
        """True while the runner reports itself busy (see ``busy_changed``)."""
        return self._busy

    def shutdown(self, timeout: float = 2.0) -> None:
        """Stop accepting work, wait up to ``timeout`` s for running tasks, drop all callbacks.

        Called at quit so no callback reaches a widget that is being deleted.
        """
        with self._lock:
            self._closed = True
        self._busy_timer.stop()
        futures = [t.future for t in self._tasks.values() if t.future is not None]
        self._tasks.clear()
        self._running_keys.clear()
        self._latest.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)
        if futures:
            wait_futures(futures, timeout=timeout)
        self._set_busy(False)

    # -- worker side --------------------------------------------------------------------

    def _call(self, task_id: int, fn: Callable[[], Any]) -> None:
        """Runs on a worker thread: call ``fn`` and post the outcome to the GUI thread."""
        try:
            outcome = _Outcome(task_id, result=fn())
        except BaseException as err:
            outcome = _Outcome(task_id, error=err)
        with self._lock:
            if self._closed:
                return
            # RuntimeError: the runner's C++ object is gone, so there is nobody to tell.
            with contextlib.suppress(RuntimeError):
                self._finished.emit(outcome)

    # -- GUI side -----------------------------------------------------------------------

    def _deliver(self, outcome: _Outcome) -> None:
        task = self._tasks.pop(outcome.task_id, None)
        if task is None:  # dropped by shutdown()
            return
        if task.key is not None:
            self._running_keys.discard(task.key)
        if not any(not t.quiet for t in self._tasks.values()):
            self._busy_timer.stop()
            self._set_busy(False)
        if outcome.error is not None and not isinstance(outcome.error, PosError):
            log.error(
                "task failed unexpectedly",
                exc_info=(type(outcome.error), outcome.error, outcome.error.__traceback__),
            )
        if task.latest is not None:
            if self._latest.get(task.latest) != outcome.task_id:
                return  # a newer task with this token was run (or superseded): this one is moot
            del self._latest[task.latest]  # the newest answered: keep no token alive
        if task.owner is not None and not shiboken6.isValid(task.owner):
            return
        try:
            if outcome.error is None:
                if task.on_success is not None:
                    task.on_success(outcome.result)
            elif task.on_failure is not None:
                task.on_failure(outcome.error)
            else:
                self.error.emit(user_message(outcome.error))
        except Exception:
            # A bug in a callback must not take the event loop down with it.
            log.exception("task callback failed")
            self.error.emit(GENERIC_ERROR)

    def _on_busy_timeout(self) -> None:
        if any(not t.quiet for t in self._tasks.values()):
            self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)
