"""Python's cyclic garbage collector, run on the GUI thread only.

A collection can start on whichever thread happens to allocate, and when it frees a cycle that
holds a Qt object from a worker thread, Qt deletes a GUI object off the GUI thread and the
process crashes (seen here as a segfault "Garbage-collecting" inside a database call). Anki
solves this the same way: turn automatic collection off and collect from a GUI-thread timer.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class GuiThreadCollector(QObject):
    """Disables automatic collection and collects on the GUI thread when it is due."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        self._held = False
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(INTERVAL_MS)

    @property
    def held(self) -> bool:
        """Whether collection waits for ``release`` (see ``hold``)."""
        return self._held

    def hold(self) -> None:
        """Collect nothing until ``release``: while the app starts, everything allocated lives
        on (and is frozen once attached), and a pass over it cost the GUI thread 20-45 ms of
        the start on a busy machine (bench/gui_responsiveness.py)."""
        self._held = True

    def release(self) -> None:
        """Collect again when due."""
        self._held = False

    def check(self) -> int:
        """Collect the generations whose allocation counts passed their thresholds."""
        if self._held:
            return 0
        l0, l1, l2 = gc.get_count()
        freed = 0
        if l0 > self._threshold[0]:
            freed = gc.collect(0)
            if l1 > self._threshold[1]:
                freed = gc.collect(1)
                if l2 > self._threshold[2]:
                    freed = gc.collect(2)
        return freed


def install(app: QObject) -> GuiThreadCollector:
    """Install the collector on ``app`` once; returns the installed one."""
    existing = app.findChild(GuiThreadCollector)
    if existing is not None:
        return existing
    return GuiThreadCollector(app)
