"""Every sentence a screen shows comes from the catalog: render the screens with a
pseudo-translation and list the visible text that did not pass through ``gettext``.

The pseudo-translation wraps every translated message in ``⟦…⟧`` (placeholders filled in
inside the brackets, as ``_("Paid {amount}").format(...)`` does). A screen is then rendered
exactly as `pos-app screenshot` renders it, and every text a person can see or hear is read
from the live widgets: labels, buttons, placeholders, tooltips, accessible names, window and
group titles, tabs, combo items, menus, table headers and cells. What is left outside the
brackets must be data: digits, money, times, ids, e-mail and web addresses, CLDR's month and
weekday names, and the words of the demo day's own records (``devtools/demo.py``: customer,
staff, service and product names). Anything else is an English sentence that a translator
never sees.
"""

from __future__ import annotations

import ast
import gettext
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel import Locale
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QTabBar,
    QWidget,
)

from pos_app import i18n
from tests.ui import screen_walk

OPEN, CLOSE = "⟦", "⟧"
_MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_TAGS = re.compile(r"<[^>]+>")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&nbsp;": " ", "&quot;": '"'}
# Data that is not a sentence: addresses, paths, Stripe and app ids, times, codes.
_DATA = re.compile(
    r"\S+@\S+|https?://\S+|(?:[A-Za-z]:)?[/\\]\S*|\b[a-z]{2,5}_[A-Za-z0-9_…]+|"
    r"\b[A-Z][a-z]+/[A-Za-z_]+\b|\bv?\d[\d.,:]*\b|"
    # Shortcuts as Qt spells them (QKeySequence translates its own key names).
    r"\b(?:Ctrl|Alt|Shift|Meta)\+\S+?(?=\)|$|\s)|\bF\d{1,2}\b"
)
_WORD = re.compile(r"[^\W\d_]+")


class Pseudo(gettext.NullTranslations):
    """Every message comes back wrapped in ⟦…⟧: what shows unwrapped skipped the catalog."""

    def gettext(self, message: str) -> str:
        # A message translated twice (a constant's ``_`` at its use and again where shown)
        # is not a msgid the second time, as with a real catalog: it stays as it is.
        if message.startswith(OPEN) and message.endswith(CLOSE):
            return message
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"{OPEN}{msgid1 if n == 1 else msgid2}{CLOSE}"

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)


@cache
def data_words() -> frozenset[str]:
    """Words that are data, not sentences (compared case-sensitively): the demo day's
    records and the starter catalogue's names, CLDR's English month and weekday names,
    ISO currency codes (upper case), time-of-day markers."""
    import pos_app.devtools.demo as demo
    import pos_app.devtools.demo_shop as demo_shop
    import pos_app.devtools.manager_screens as manager_screens
    import pos_app.devtools.stations_screenshot as stations_screenshot
    import pos_app.services.catalog as starter

    words: set[str] = set()
    # The demo day, its shop (products, promo codes, stock notes: devtools/demo_shop.py), the
    # records the manager screens add, the stations' demo rows, and the starter catalogue.
    records = (demo, demo_shop, manager_screens, stations_screenshot)
    for module in (*records, starter):
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        for node in ast.walk(tree):
            # Records: the starter catalogue's tuples ("svc_cut", "Haircut", 30, …) and the
            # demo's capitalised names ("Jordan Blake"); never its lower-case ids and flags.
            items = node.elts if isinstance(node, ast.Tuple) else []
            if module in records and isinstance(node, ast.Constant):
                items = [node]
            for item in items:
                if not (isinstance(item, ast.Constant) and isinstance(item.value, str)):
                    continue
                if id(item) in docstrings or (module in records and not item.value[:1].isupper()):
                    continue
                found = _WORD.findall(item.value)
                words.update(found)
                if len(found) >= 2:  # a person's initials, as their sign-in tile shows them
                    words.add(found[0][0] + found[-1][0])
    words.update(("pos", "app"))  # the app's own name, "pos-app"
    en = Locale("en")
    for names in (en.months, en.days):
        for context in names.values():
            for width in context.values():
                words.update(str(v) for v in width.values())
    words.update(code for code in en.currencies if code.isupper())
    # Language and region names are CLDR's, not sentences: in English for a customer's
    # language ("French (Canada)"), and each shipped language in itself (Settings ▸ Language,
    # so anyone can find their own).
    from pos_app.i18n import SHIPPED

    autonyms = [Locale(c).languages[c] for c in SHIPPED]
    names = [*en.languages.values(), *en.territories.values(), *autonyms]
    for name in (*names, *(n[:1].upper() + n[1:] for n in autonyms)):
        words.update(_WORD.findall(name))
    words.update(("AM", "PM", "UTC", "Stripe"))  # "Stripe" is a name; "UTC" a zone
    return frozenset(words)


def unmarked(text: str) -> str:
    """The part of ``text`` that is neither inside ⟦…⟧ nor data: '' when all is fine."""
    plain = _TAGS.sub(" ", text)
    for entity, char in _ENTITIES.items():
        plain = plain.replace(entity, char)
    while True:
        stripped = _MARKED.sub(" ", plain)
        if stripped == plain:
            break
        plain = stripped
    plain = _DATA.sub(" ", plain)
    known = data_words()
    left = [w for w in _WORD.findall(plain) if w not in known]
    return " ".join(left)


def _model_texts(view: QAbstractItemView) -> Iterator[tuple[str, str]]:
    model = view.model()
    if model is None:
        return
    root = QModelIndex()
    try:
        columns = model.columnCount(root)
    except TypeError:  # a QListWidget's model keeps its counts private: one column
        columns = 1
    for column in range(columns):
        header = model.headerData(column, Qt.Orientation.Horizontal)
        if isinstance(header, str):
            yield "header", header
    try:
        rows = model.rowCount(root)
    except TypeError:
        rows = model.rowCount()
    for row in range(min(rows, 30)):
        for column in range(columns):
            index = model.index(row, column, root)
            for role, kind in (
                (Qt.ItemDataRole.DisplayRole, "cell"),
                (Qt.ItemDataRole.ToolTipRole, "cell tooltip"),
            ):
                value = model.data(index, role)
                if isinstance(value, str):
                    yield kind, value


def _menu_texts(actions: list[QAction]) -> Iterator[tuple[str, str]]:
    for action in actions:
        if action.isSeparator():
            continue
        yield "menu", action.text()
        yield (
            "menu tooltip",
            action.toolTip() if action.toolTip() != action.text().replace("&", "") else "",
        )
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield from _menu_texts(menu.actions())


def texts(root: QWidget) -> Iterator[tuple[QWidget, str, str]]:
    """(widget, what, text) for every text a person can see, hover or hear under ``root``."""
    yield root, "window title", root.windowTitle() if root.isWindow() else ""
    for w in screen_walk._shown(root):
        if isinstance(w, QLabel):
            yield w, "label", w.text()
        elif isinstance(w, QAbstractButton):
            yield w, "button", w.text()
        elif isinstance(w, QLineEdit):
            yield w, "placeholder", w.placeholderText()
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                yield w, "combo item", w.itemText(i)
        elif isinstance(w, QGroupBox):
            yield w, "group title", w.title()
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                yield w, "tab", w.tabText(i)
                yield w, "tab tooltip", w.tabToolTip(i)
        elif isinstance(w, QMenuBar):
            for what, text in _menu_texts(w.actions()):
                yield w, what, text
        if isinstance(w, QAbstractItemView):
            for what, text in _model_texts(w):
                yield w, what, text
        yield w, "tooltip", w.toolTip()
        yield w, "accessible name", w.accessibleName()
    window = root.window()
    if window is not root:
        for what, text in _menu_texts(window.actions()):
            yield window, what, text


@dataclass
class Finding:
    """Text shown outside the catalog on one screen."""

    widget: str
    owner: str
    what: str
    text: str
    left: str

    def __str__(self) -> str:
        return f"{self.widget} [{self.owner}] {self.what}: {self.text!r} (unmarked: {self.left})"


def findings(root: QWidget) -> list[Finding]:
    """Every visible text under ``root`` with words outside the catalog and the data."""
    found: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for w, what, text in texts(root):
        if not text or not text.strip():
            continue
        left = unmarked(text)
        if left and (what, text) not in seen:
            seen.add((what, text))
            found.append(
                Finding(screen_walk.describe(w), screen_walk.owner(w), what, text[:80], left)
            )
    return found


@dataclass
class CatalogWalk:
    """What one screen showed outside the catalog (or why it did not render)."""

    screen: str
    found: list[Finding] = field(default_factory=list)
    roots: int = 0
    error: str | None = None


_walks: dict[str, CatalogWalk] = {}


def walk(screen: str) -> CatalogWalk:
    """Render ``screen`` with the pseudo-translation and collect its findings (once)."""
    if screen in _walks:
        return _walks[screen]
    from pos_app.devtools import capture
    from pos_app.devtools.screenshots import render
    from tests.ui.demo_worlds import PSEUDO_WORLDS

    result = CatalogWalk(screen)

    def inspect(root: QWidget, _image: QImage) -> None:
        result.roots += 1
        result.found.extend(findings(root))

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font, sheet, palette = app.font(), app.styleSheet(), app.palette()
    language = i18n.current_language()
    i18n.use_translation(Pseudo(), "en")
    try:
        with tempfile.TemporaryDirectory() as tmp, capture.inspecting(inspect):
            render(screen, Path(tmp) / f"{screen}.png", worlds=PSEUDO_WORLDS)
    except Exception as exc:  # reported by the test, with the screen's name
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        i18n.set_language(language)
        app.setStyleSheet(sheet)
        app.setPalette(palette)
        app.setFont(font)
    _walks[screen] = result
    return result
