"""Every frequent action has a shortcut, each shortcut does one thing, and menus show them."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtGui import QAction, QKeySequence

from pos_app.ui.shell.main_window import MainWindow

# What the front desk does all day; each must be one key press away.
FREQUENT = {
    "Ctrl+N": "New booking",
    "Ctrl+Return": "Charge",
    "Ctrl+Shift+C": "Cash",
    "Ctrl+Shift+D": "Deposit",
    "Ctrl+R": "Refund",
    "Ctrl+P": "Receipt",
    "Ctrl+M": "Move",
    "F5": "Refresh",
    "Ctrl+1": "List",
    "Ctrl+2": "Schedule",
    "Alt+Left": "Previous day",
    "Alt+Right": "Next day",
    "F8": "Customer display",
    "Ctrl+U": "Switch user",
    "Ctrl+L": "Lock",
}


def _window_shortcuts(window: MainWindow) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            text = key.toString(QKeySequence.SequenceFormat.PortableText)
            found[text].append(action.text().replace("&", ""))
    return found


def test_frequent_actions_have_their_shortcuts(window: MainWindow) -> None:
    found = _window_shortcuts(window)
    missing = {
        key: words
        for key, words in FREQUENT.items()
        if not any(words.casefold() in name.casefold() for name in found.get(key, []))
    }
    assert missing == {}, f"no action on these keys: {missing}; found {dict(found)}"


def test_no_two_actions_share_a_shortcut(window: MainWindow) -> None:
    clashes = {k: v for k, v in _window_shortcuts(window).items() if len(set(v)) > 1}
    assert clashes == {}


def test_every_menu_action_is_reachable_by_keyboard(window: MainWindow) -> None:
    # Menus have mnemonics (Alt+B, Alt+V, …), so every action is reachable without a mouse.
    titles = [m.title() for m in (window.booking_menu, window.view_menu, window.manage_menu)]
    assert all("&" in t for t in titles), titles
