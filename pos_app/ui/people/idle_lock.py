"""The idle lock: lock the station after a while without input (see ``desk_access``).

An application-wide event filter notes the time of every key press, click, scroll or touch;
a single-shot timer fires when the limit could have passed and checks. Work the person is
waiting on (an open charge screen) counts as activity: locking never interrupts a payment.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from pos_app.services.people import DEFAULT_LOCK_MINUTES

log = logging.getLogger(__name__)

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
