"""Walk every screen `pos-app screenshot` renders and list what breaks the touch-first rules.

Each screen is rendered once per test session, exactly as `pos-app screenshot` renders it
(``pos_app.devtools.screenshots.render``, with the app's theme and stylesheet applied). At the
moment the picture is taken (``capture.inspecting``) the live widget tree is checked in the
light scheme, then switched live to dark (as the app does when the system flips) and checked
again. The checks are plain functions of a root widget, so the tests can also run them on a
deliberately broken widget and see them fail.

A finding names the screen, the scheme, the widget (class, objectName, text) and the module of
the nearest pos_app.ui class around it (who owns the fix).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QRect, Qt
from PySide6.QtGui import QFontInfo, QImage, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListView,
    QMenuBar,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QTableView,
    QToolButton,
    QWidget,
)

from pos_app import i18n
from pos_app.ui.kit import theme

TOUCH = theme.TOUCH_PX  # 44 px
BODY_PX = theme.BODY_PX  # 13 px
MIN_CONTRAST = 4.5
# WCAG's large text (≥ 24 px, or ≥ 18.66 px bold) needs 3:1; everything else 4.5:1.
LARGE_CONTRAST = 3.0


# -- describing a widget --------------------------------------------------------------------


def owner(widget: QWidget) -> str:
    """The module of the nearest pos_app.ui class at or above ``widget`` (who owns its look)."""
    w: QWidget | None = widget
    while w is not None:
        module = type(w).__module__
        if module.startswith("pos_app.ui."):
            return module
        w = w.parentWidget()
    return "?"


def _text_of(widget: QWidget) -> str:
    if isinstance(widget, (QLabel, QAbstractButton)):
        return widget.text()
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    return ""


def describe(widget: QWidget) -> str:
    """``QPushButton#saveButton 'Save changes'`` — enough to find the widget."""
    name = f"#{widget.objectName()}" if widget.objectName() else ""
    text = _text_of(widget).replace("\n", " ")
    shown = f" '{text[:40]}'" if text else ""
    return f"{type(widget).__name__}{name}{shown}"


@dataclass(frozen=True)
class Finding:
    """One broken rule on one widget."""

    widget: str
    owner: str
    problem: str

    def __str__(self) -> str:
        return f"{self.widget} [{self.owner}]: {self.problem}"


def _finding(widget: QWidget, problem: str) -> Finding:
    return Finding(describe(widget), owner(widget), problem)


def _shown(root: QWidget) -> Iterator[QWidget]:
    """Widgets under ``root`` a person can see now: visible and not scrolled or clipped away."""
    # The root too: a popup (the booking's suggestion list) is itself the tappable list.
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) or widget.width() <= 0 or widget.height() <= 0:
            continue
        if widget.visibleRegion().isEmpty():
            continue
        yield widget


# -- touch targets ---------------------------------------------------------------------------


def _embedded(widget: QWidget) -> bool:
    """Parts of a composite control (a spin box's or combo's line edit, a table's corner
    button, a tab bar's scroll arrows): the control around them is what is tapped/checked."""
    parent = widget.parentWidget()
    if isinstance(widget, QLineEdit) and isinstance(parent, (QAbstractSpinBox, QComboBox)):
        return True
    if widget.metaObject().className() == "QTableCornerButton":
        return True
    return isinstance(widget, QToolButton) and isinstance(parent, QTabBar)


def touch_findings(root: QWidget) -> list[Finding]:
    """Every visible tappable widget under ``root`` smaller than 44 × 44 px.

    Buttons (push, tool, check, radio): ≥ 44 wide and tall (a check box's label is part of
    its target). Inputs (line edits, spin and date boxes, combos): ≥ 44 tall; their width is
    the text they hold. Tabs and menu-bar menus: each ≥ 44 × 44. Lists: each row ≥ 44 tall.
    Tables are tapped by row (cells are not separate targets): each row ≥ 44 tall. Exempt: the
    parts of composite controls (see ``_embedded``), header sections (sorting, not a desk
    action) and scroll bars (a touch screen scrolls by swiping the list itself).
    """
    found: list[Finding] = []
    for w in _shown(root):
        if _embedded(w):
            continue
        size = f"{w.width()}×{w.height()} px"
        if isinstance(w, QAbstractButton):
            if w.width() < TOUCH or w.height() < TOUCH:
                found.append(_finding(w, f"button is {size}, needs ≥ {TOUCH}×{TOUCH}"))
        elif isinstance(w, (QLineEdit, QAbstractSpinBox, QComboBox)):
            if w.height() < TOUCH:
                found.append(_finding(w, f"input is {size}, needs ≥ {TOUCH} px tall"))
        elif isinstance(w, QMenuBar):
            for action in w.actions():
                item = w.actionGeometry(action)
                if action.isVisible() and (item.width() < TOUCH or item.height() < TOUCH):
                    found.append(
                        _finding(
                            w,
                            f"menu '{_plain(action.text())}' is {item.width()}×{item.height()} "
                            f"px, needs ≥ {TOUCH}×{TOUCH}",
                        )
                    )
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                tab = w.tabRect(i)
                if tab.width() < TOUCH or tab.height() < TOUCH:
                    found.append(
                        _finding(
                            w,
                            f"tab '{w.tabText(i)}' is {tab.width()}×{tab.height()} px, "
                            f"needs ≥ {TOUCH}×{TOUCH}",
                        )
                    )
        elif isinstance(w, (QTableView, QListView)):
            model = w.model()
            if model is None or model.rowCount() == 0:
                continue
            height = w.visualRect(model.index(0, 0)).height()
            if 0 < height < TOUCH:
                kind = "table" if isinstance(w, QTableView) else "list"
                found.append(_finding(w, f"{kind} rows are {height} px tall, need ≥ {TOUCH}"))
    return found


# -- contrast and text size ------------------------------------------------------------------


def _text_widgets(root: QWidget) -> Iterator[QWidget]:
    for w in _shown(root):
        if isinstance(w, (QLabel, QAbstractButton)) and w.text().strip() and w.isEnabled():
            if isinstance(w, QToolButton) and isinstance(w.parentWidget(), QTabBar):
                continue
            yield w


def _pixels(image: QImage, rect: QRect) -> Counter[int]:
    """How often each colour appears in ``rect`` of ``image``."""
    r = rect.intersected(image.rect())
    return Counter(
        image.pixel(x, y) & 0xFFFFFF
        for x in range(r.left(), r.right() + 1)
        for y in range(r.top(), r.bottom() + 1)
    )


def _painted_colours(widget: QWidget, pixels: Counter[int]) -> tuple[str, str] | None:
    """(text, background) as painted: the background is the commonest colour; the text is
    the palette's foreground where that colour is on screen, else (a state's own colour, a
    checked button's white) the painted colour that stands out most from the background."""
    if not pixels:
        return None
    bg_rgb = pixels.most_common(1)[0][0]
    bg = f"#{bg_rgb:06x}"
    fg = widget.palette().color(QPalette.ColorGroup.Active, widget.foregroundRole()).name()
    if int(fg[1:], 16) in pixels:
        return fg, bg
    # Anti-aliased glyph edges blend towards the background; solid stems repeat the colour.
    inked = [f"#{rgb:06x}" for rgb, n in pixels.items() if n >= 3 and rgb != bg_rgb]
    if not inked:
        return fg, bg
    return max(inked, key=lambda c: theme.contrast(c, bg)), bg


def _rect_in(root: QWidget, widget: QWidget) -> QRect:
    visible = widget.visibleRegion().boundingRect()
    top_left = widget.mapTo(root, visible.topLeft())
    return QRect(top_left, visible.size())


def _large(widget: QWidget) -> bool:
    info = QFontInfo(widget.font())
    return info.pixelSize() >= 24 or (info.bold() and info.pixelSize() >= 18.66)


def contrast_findings(root: QWidget, image: QImage | None = None) -> list[Finding]:
    """Every visible, enabled label or button under ``root`` whose text is below 4.5:1 (3:1
    for large text) against the background it is actually painted on.

    Background: the commonest pixel colour of the widget in the rendered window. Text: the
    widget's palette foreground (which the stylesheet's ``color`` sets) when that colour is
    painted there; otherwise (a pressed/checked state's own colour) the painted colour that
    stands out most. Disabled controls are exempt (WCAG). A colour set inside rich text
    (``<span style=color>``) is only seen if no palette colour is painted."""
    picture = image if image is not None else root.grab().toImage()
    found: list[Finding] = []
    for w in _text_widgets(root):
        colours = _painted_colours(w, _pixels(picture, _rect_in(root, w)))
        if colours is None:
            continue
        fg, bg = colours
        ratio = theme.contrast(fg, bg)
        need = LARGE_CONTRAST if _large(w) else MIN_CONTRAST
        if ratio < need:
            found.append(_finding(w, f"text {fg} on {bg} is {ratio:.2f}:1, needs ≥ {need}"))
    return found


def font_findings(root: QWidget) -> list[Finding]:
    """Every visible label or button under ``root`` whose text is smaller than 13 px."""
    found: list[Finding] = []
    for w in _text_widgets(root):
        px = QFontInfo(w.font()).pixelSize()
        if px < BODY_PX:
            found.append(_finding(w, f"text is {px} px, body text needs ≥ {BODY_PX:g} px"))
    return found


# -- clipping ---------------------------------------------------------------------------------

_MNEMONIC = re.compile(r"&(?!&)")


def _plain(text: str) -> str:
    return _MNEMONIC.sub("", text).replace("&&", "&")


def _elides(widget: QWidget) -> bool:
    """Marked ``elides=True``: the widget shortens its text on purpose (with "…")."""
    return bool(widget.property("elides"))


def _label_clipping(label: QLabel) -> str | None:
    rect = label.contentsRect()
    margin = label.margin()
    indent = max(label.indent(), 0)
    available = rect.width() - 2 * margin - indent
    available_h = rect.height() - 2 * margin
    text = label.text()
    metrics = label.fontMetrics()
    fmt = label.textFormat()
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
    )
    if rich:
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(label.font())
        doc.setHtml(text)
        if label.wordWrap():
            doc.setTextWidth(max(available, 1))
            needed_h = doc.size().height()
            if needed_h > available_h + 2:
                return f"wrapped text needs {needed_h:.0f} px tall, has {available_h}"
            return None
        width = doc.idealWidth()
        if width > available + 1:
            return f"text needs {width:.0f} px, has {available}"
        return None
    lines = _plain(text).split("\n") if label.buddy() else text.split("\n")
    if label.wordWrap():
        words = [word for line in lines for word in line.split()]
        widest = max((metrics.horizontalAdvance(word) for word in words), default=0)
        if widest > available + 1:
            return f"a word needs {widest} px, has {available}"
        needed_h = label.heightForWidth(label.width())
        if needed_h > label.height() + 2:
            return f"wrapped text needs {needed_h} px tall, has {label.height()}"
        return None
    widest = max(metrics.horizontalAdvance(line) for line in lines)
    if widest > available + 1:
        return f"text needs {widest} px, has {available}"
    needed_h = metrics.height() * len(lines)
    if needed_h > available_h + 2:
        return f"text needs {needed_h} px tall, has {available_h}"
    return None


def _button_clipping(button: QAbstractButton) -> str | None:
    text = _plain(button.text())
    if not text or isinstance(button, QToolButton):
        if isinstance(button, QToolButton) and text:
            available = button.width() - 6
            needed = button.fontMetrics().horizontalAdvance(text) + (
                button.iconSize().width() + 4 if not button.icon().isNull() else 0
            )
            if needed > available + 1:
                return f"text needs {needed} px, has {available}"
        return None
    style = button.style()
    option = QStyleOptionButton()
    option.initFrom(button)
    option.text = button.text()
    option.icon = button.icon()
    option.iconSize = button.iconSize()
    if isinstance(button, QCheckBox):
        element = QStyle.SubElement.SE_CheckBoxContents
    elif isinstance(button, QRadioButton):
        element = QStyle.SubElement.SE_RadioButtonContents
    elif isinstance(button, QPushButton):
        element = QStyle.SubElement.SE_PushButtonContents
    else:
        return None
    contents = style.subElementRect(element, option, button)
    available = contents.width()
    needed = button.fontMetrics().horizontalAdvance(text)
    if not button.icon().isNull() and isinstance(button, QPushButton):
        needed += button.iconSize().width() + 4
    if needed > available + 1:
        return f"text needs {needed} px, has {available}"
    return None


def clipping_findings(root: QWidget) -> list[Finding]:
    """Every visible label or button under ``root`` whose text is wider (or, wrapped, taller)
    than the room it is drawn in, unless it is marked ``elides=True`` (it shortens the text
    itself, on purpose). Labels: the contents rect less margin and indent, line by line;
    wrapped labels: no single word wider, and the wrapped height fits. Buttons: the style's
    contents rect (inside the stylesheet's border and padding)."""
    found: list[Finding] = []
    for w in _shown(root):
        if _elides(w):
            continue
        problem: str | None = None
        if isinstance(w, QLabel) and w.text().strip():
            problem = _label_clipping(w)
        elif isinstance(w, QAbstractButton):
            problem = _button_clipping(w)
        if problem is not None:
            found.append(_finding(w, f"clipped: {problem}"))
    return found


# -- walking the screens ------------------------------------------------------------------------

CHECKS: dict[str, Callable[[QWidget], list[Finding]]] = {
    "touch": touch_findings,
    "contrast": contrast_findings,
    "font": font_findings,
    "clipping": clipping_findings,
}
# Checked in both schemes (colours matter); the others only in light.
BOTH_SCHEMES = ("contrast", "clipping")


@dataclass
class Walk:
    """What was found on one screen: (scheme, check) → findings; ``error`` if it did not
    render at all."""

    screen: str
    findings: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)
    roots: list[str] = field(default_factory=list)
    error: str | None = None

    def report(self, check: str) -> list[str]:
        """'screen (scheme): finding' lines for ``check``, or the render error."""
        if self.error is not None:
            return [f"{self.screen}: did not render: {self.error}"]
        lines: list[str] = []
        for (scheme, name), items in self.findings.items():
            if name == check:
                lines += [f"{self.screen} ({scheme}): {item}" for item in items]
        return lines


def _settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _inspect(
    walk: Walk,
    app: QApplication,
    checks: dict[str, Callable[[QWidget], list[Finding]]],
    schemes: tuple[tuple[str, bool], ...] = (("light", False), ("dark", True)),
) -> Callable[[QWidget, QImage], None]:
    def inspect(root: QWidget, _saved: QImage) -> None:
        walk.roots.append(describe(root))
        for scheme, dark in schemes:
            theme.apply_theme(app, dark=dark)
            _settle()
            for name, check in checks.items():
                if scheme == "dark" and name not in BOTH_SCHEMES:
                    continue
                walk.findings.setdefault((scheme, name), []).extend(check(root))
        if any(dark for _scheme, dark in schemes):
            theme.apply_theme(app, dark=False)
            _settle()

    return inspect


_walks: dict[tuple[str, str | None], Walk] = {}


def walk_screen(screen: str, language: str | None = None) -> Walk:
    """Render ``screen`` as `pos-app screenshot` does and check it (once per session and
    language; ``language`` None is the session's, or ``POS_WALK_LANGUAGE``). Another language
    is walked for clipping only: the other checks do not depend on the words."""
    if (screen, language) in _walks:
        return _walks[(screen, language)]
    from pos_app.devtools import capture
    from pos_app.devtools.screenshots import render
    from tests.ui.demo_worlds import WORLDS

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    walk = Walk(screen)
    font, sheet, palette = app.font(), app.styleSheet(), app.palette()
    theme.apply_theme(app, dark=False)
    # POS_WALK_LANGUAGE=de walks the screens in German (its long words are the clipping test).
    # render() itself switches to the language it is given (and back), else to English.
    before = i18n.current_language()
    walked = language or os.environ.get("POS_WALK_LANGUAGE") or before
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            capture.inspecting(
                # Another language is walked in light only: the words' widths are the same in
                # either scheme (same fonts), and the session's walk checks both schemes.
                _inspect(walk, app, CHECKS)
                if language is None
                else _inspect(walk, app, {"clipping": clipping_findings}, (("light", False),))
            ),
        ):
            render(screen, Path(tmp) / f"{screen}.png", worlds=WORLDS, language=walked)
    except Exception as exc:  # reported by the tests, with the screen's name
        walk.error = f"{type(exc).__name__}: {exc}"
    finally:
        # Delete the screen the render closed (deleteLater: outside a running event loop Qt
        # deletes only when asked) before restyling back: each widget still alive would be
        # re-polished, here and in every later walk's scheme switch.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        # Leave the application as the other tests expect it.
        i18n.set_language(before)
        app.setStyleSheet(sheet)
        app.setPalette(palette)
        app.setFont(font)
    _walks[(screen, language)] = walk
    return walk


def screens() -> list[Any]:
    """Every screen `pos-app screenshot --list` names (POS_WALK_SCREENS=a,b narrows it), as
    parameters grouped by screen: under ``--dist loadgroup`` one worker walks each screen
    once for all four checks, instead of every worker walking it again."""
    return [pytest.param(n, marks=pytest.mark.xdist_group(f"screen-{n}")) for n in screen_names()]


def screen_names() -> list[str]:
    """Every screen `pos-app screenshot --list` names (POS_WALK_SCREENS=a,b narrows it)."""
    from pos_app.devtools.screenshots import SCREENS

    only = os.environ.get("POS_WALK_SCREENS")
    return [n for n in SCREENS if n in only.split(",")] if only else list(SCREENS)
