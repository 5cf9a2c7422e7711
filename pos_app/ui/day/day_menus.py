"""The day's actions as menu entries and shortcuts (built for the DayController)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from pos_app.ui.kit.shell import Shell


def day_action(
    owner: QObject,
    shell: Shell,
    text: str,
    tip: str,
    keys: list[str],
    slot: Callable[[], object],
    *,
    enabled: bool = False,
) -> QAction:
    """An action of the day with its shortcuts working anywhere in the window."""
    act = QAction(text, owner)
    act.setToolTip(tip)
    act.setData(tip)  # the tooltip while enabled (a disabled one says why not)
    act.setShortcuts([QKeySequence(k) for k in keys])
    act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    act.triggered.connect(lambda _checked=False: slot())
    act.setEnabled(enabled)
    shell.add_shortcut(act)
    return act


def add_day_menus(
    booking_menu: QMenu,
    view_menu: QMenu,
    booking: Sequence[QAction],
    view: Sequence[QAction | None],
) -> None:
    """``booking`` at the end of the Booking menu; ``view`` (None: a separator) first in View,
    above what other features put there."""
    booking_menu.addSeparator()
    for booking_act in booking:
        booking_menu.addAction(booking_act)
    first = view_menu.actions()[0] if view_menu.actions() else None
    for entry in view:
        if entry is None and first is not None:
            view_menu.insertSeparator(first)
        elif entry is None:
            view_menu.addSeparator()
        elif first is not None:
            view_menu.insertAction(first, entry)
        else:
            view_menu.addAction(entry)


def one_of(owner: QObject, *actions: QAction) -> None:
    """Make ``actions`` one choice, like radio buttons (a view mode); the first is chosen."""
    group = QActionGroup(owner)
    group.setExclusive(True)
    for act in actions:
        act.setCheckable(True)
        group.addAction(act)
    actions[0].setChecked(True)
