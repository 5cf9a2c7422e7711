"""One charge screen built ahead, hidden, so pressing Charge only fills it in and shows it.

Building the charge screen (its widgets, fonts, the stylesheet's polish, the layout) costs
5–6 ms of the GUI thread's CPU, 13 ms the first time; done when Charge is pressed, it landed
in the same event-loop pass as the sale being saved and the screen's first paint, and the
Sell screen stalled past a frame (issue 14). So the next screen is built in quiet turns
beforehand, a step per turn (the header and the big square, 2-2.5 ms; the rest and its
wiring, 3-4 ms; the stylesheet's polish and the layout, about 1 ms), and
``ChargeDialog.start`` takes it, once every step is done, when the parent and the services
match.

Each spare is used once: a fresh screen per charge, so nothing of the last customer's link
(its state, its timers, the signals the shell connected) can carry over to the next.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

#: How long after it is asked for the spare starts being built: the pass that asks is busy
#: (a charge screen closing, a screen opening), the next quiet one is not.
AHEAD_DELAY_MS = 300

#: Between the steps: a zero-interval timer may run in the same pass of the event loop as
#: the step that started it (seen: the two steps in one 5-8 ms pass), a few ms never does.
STEP_MS = 20

W = TypeVar("W", bound=QWidget)


class Ahead(Generic[W]):
    """At most one hidden widget built ahead for a parent, with the ``key`` it was made for
    (what it was built from: services, settings); ``take`` hands it out once."""

    def __init__(self) -> None:
        self._spare: W | None = None
        self._key: Hashable = None
        self._building: QTimer | None = None
        self._ready = False  # the spare's every step is done: it can be handed out

    def take(self, parent: QWidget | None, key: Hashable) -> W | None:
        """The spare built for ``parent`` and ``key``, now the caller's; else None (a spare
        for another parent or key is dropped: it would never be taken)."""
        spare, self._spare = self._spare, None
        if spare is None or not shiboken6.isValid(spare):
            return None
        fits = parent is not None and spare.parentWidget() is parent and self._key == key
        if fits and self._ready:
            return spare
        spare.deleteLater()
        return None

    def spare(self) -> W | None:
        """The spare ready to be taken (every step done), or None."""
        return self._current() if self._ready else None

    def _current(self) -> W | None:
        # The spare, ready or still being built.
        spare = self._spare
        return spare if spare is not None and shiboken6.isValid(spare) else None

    def build_later(
        self,
        parent: QWidget,
        key: Hashable,
        make: Callable[[QWidget], W],
        finish: Callable[[W], None] = lambda _w: None,
        delay_ms: int = AHEAD_DELAY_MS,
    ) -> None:
        """Build a spare for ``parent`` and ``key`` with ``make(parent)`` in a later quiet
        turn, ``finish`` it in the next, and polish and lay it out in the one after; nothing
        when one is ready or on its way for the same, or once ``parent`` is gone."""
        if not shiboken6.isValid(parent):
            return
        current = self._current()
        if current is not None and current.parentWidget() is parent and self._key == key:
            return
        if self._building is not None and shiboken6.isValid(self._building):
            self._building.stop()
            self._building.deleteLater()
        # The timer is the parent's child: a parent deleted meanwhile takes it along. What it
        # calls holds the parent weakly: a closure holding the last reference to the parent's
        # wrapper, freed as the parent is destroyed, would free it mid-destruction (a crash).
        timer = QTimer(parent)
        timer.setSingleShot(True)
        timer.setInterval(delay_ms)
        self._building = timer
        ref = weakref.ref(parent)

        def build() -> None:
            self._building = None
            timer.deleteLater()
            owner = ref()
            if owner is None or not shiboken6.isValid(owner):
                return
            old = self._current()
            if old is not None:
                old.deleteLater()
            self._spare, self._key, self._ready = make(owner), key, False
            QTimer.singleShot(STEP_MS, owner, lambda: self._finish(finish))

        timer.timeout.connect(build)
        timer.start()

    def _finish(self, finish: Callable[[W], None]) -> None:
        spare = self._current()
        if spare is not None:
            finish(spare)
            self._ready = True
            QTimer.singleShot(STEP_MS, spare, self._settle)

    def _settle(self) -> None:
        # Its own turn: the stylesheet's polish of every child and the first layout, which
        # ``show`` would otherwise do in the pass that opens it.
        spare = self._current()
        if spare is not None:
            spare.ensurePolished()
            layout = spare.layout()
            if layout is not None:
                layout.activate()


__all__ = ["AHEAD_DELAY_MS", "Ahead"]
