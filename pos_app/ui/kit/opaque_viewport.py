"""Scroll areas whose viewport stays opaque under the app stylesheet (issue 12).

When a stylesheet rule gives a scroll area (a table, a list, a panel) a ``background`` or a
``border``, Qt's stylesheet style turns off the viewport's ``autoFillBackground`` at every
polish, so that the area's styled background shows through it. A see-through viewport is
repainted with every repaint of anything behind it: a whole-window repaint of the main window
then paints the day's table (about 6 ms) and the detail panel again, though neither changed
(11–12 ms instead of 5 ms, ``bench/qss_repaint.py``).

The viewport's own fill is the same colour: the stylesheet's ``background`` of a scroll area
also becomes its palette's Base and Window, which the viewport fills with. So turning the fill
back on after each polish lets Qt skip the viewport when only what is behind it is repainted,
and changes one thing on screen: where a ``border-radius`` rounds the area's bottom corners and
its rows stop short of them, the inner pixels of those corners (5 each, for the kit's 4 px
radius) are the viewport's fill, as they are when the rows reach the bottom (the rows' fill
covers them then). A panel whose one child fills its viewport (the detail panel) changes no
pixel. Used where it pays: the main window's table and detail panel (``pos-app screenshot``'s
main, overpaid, sell and settings pictures are identical; live has the 1 corner pixel).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractScrollArea

# Qt polishes a widget before its first Show and before every StyleChange it sends (a new
# app stylesheet or style, ``theme.set_role``): right after either, the fill is off again.
_AFTER_POLISH = frozenset({QEvent.Type.Show, QEvent.Type.StyleChange})


class _OpaqueViewport(QObject):
    """Turns the watched scroll area's viewport fill back on after each polish."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _AFTER_POLISH and isinstance(watched, QAbstractScrollArea):
            viewport = watched.viewport()
            if not viewport.autoFillBackground():
                viewport.setAutoFillBackground(True)
        return False


def keep_viewport_opaque(area: QAbstractScrollArea) -> None:
    """Keep ``area``'s viewport filling its own background (its palette's, which the
    stylesheet sets to the area's ``background``), so it is not repainted with its parents."""
    area.installEventFilter(_OpaqueViewport(area))
    area.viewport().setAutoFillBackground(True)
