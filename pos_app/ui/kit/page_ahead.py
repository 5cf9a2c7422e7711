"""Lay out a stacked widget's hidden page ahead, unseen, once the stack is on screen.

A :class:`QStackedWidget` gives its geometry to the current page only: a page never shown
keeps a made-up size until the first switch to it, so whatever it works out from its size
ahead of time (the schedule's blocks, drawn in the background for its canvas's width) is
worked out for the wrong size, and the first switch pays for all of it at once (the day's
schedule: ~24 ms of GUI-thread CPU in one pass, its blocks painted one by one; issue 12).

:func:`lay_out_ahead` makes the page current and the previous one current again in one call,
a moment after the stack's first show (and after each resize of the stack while the page is
hidden): no event-loop turn in between, so nothing is painted
in between and the screen never shows the page; the page keeps the real size it got, and
its resize handlers (which may start background work) ran with it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QStackedWidget, QWidget

DELAY_MS = 600  # after the stack's first show: the window's first paint and the day's load


class PageAhead(QObject):
    """Watches the stack: lays the page out (``run``) a moment after the stack's first show,
    and again after the stack is resized while the page is hidden (its size would be stale:
    the stack resizes only its current page)."""

    def __init__(self, stack: QStackedWidget, page: QWidget, delay_ms: int) -> None:
        super().__init__(stack)
        self._stack = stack
        self._page = page
        self.done = False  # laid out ahead at least once
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.run)
        stack.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The stack's first show starts the wait; a later resize starts it again (a window
        dragged larger: once, when it stops)."""
        kind = event.type()
        if watched is self._stack and (
            (kind == QEvent.Type.Show and not self.done)
            or (kind == QEvent.Type.Resize and self.done)
        ):
            self._timer.start()
        return False

    def run(self) -> bool:
        """Show the page and go back to the current one, at once; False when there is
        nothing to do (the page is the current one, or has the current one's size already,
        or the stack is not on screen)."""
        stack, page = self._stack, self._page
        current = stack.currentWidget()
        if current is None or current is page or not stack.isVisible():
            return False
        if self.done and page.size() == current.size():
            return False
        self.done = True
        # (A focus inside the current page comes back with it: the stack gives its page's
        # focus widget the focus again when it is made current.)
        stack.setCurrentWidget(page)  # the page's show: its real size and its layouts
        stack.setCurrentWidget(current)
        return True


def lay_out_ahead(stack: QStackedWidget, page: QWidget, delay_ms: int = DELAY_MS) -> PageAhead:
    """Lay ``page`` of ``stack`` out at its real size ``delay_ms`` after the stack's first
    show, unseen (see the module's docstring); returns the watcher (tests call ``run``)."""
    return PageAhead(stack, page, delay_ms)
