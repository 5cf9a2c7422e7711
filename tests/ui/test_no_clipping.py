"""Nothing clipped: no button's or label's text is wider (or, wrapped, taller) than the room
it is drawn in, on any screen, in light and dark.

A widget that shortens its text on purpose (with "…") says so with the dynamic property
``elides=True`` and is skipped; see ``screen_walk.clipping_findings`` for how the room is
measured.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tests.ui import screen_walk


@pytest.mark.parametrize("screen", screen_walk.screens())
def test_no_text_is_clipped(screen: str) -> None:
    found = screen_walk.walk_screen(screen).report("clipping")
    assert found == [], "\n".join(found)


# Issue 15: "the no-clipping test runs in every shipped language"; German's long words are the
# hardest case. Bangla draws with the Noto Sans Bengali the app ships (ui/kit/script_fonts.py),
# so its widths are real glyphs' on a machine without a Bengali font too.
# A language's walks run in groups of CHUNK screens back to back on one worker: each worker
# seeds a language's demo world once for a group (a world is seeded again after 4 minutes,
# demo_world.MAX_AGE_SECONDS), instead of once for nearly every screen.
CHUNK = 11


@pytest.mark.parametrize(
    ("screen", "language"),
    [
        pytest.param(name, language, marks=pytest.mark.xdist_group(f"walk-{language}-{i // CHUNK}"))
        for language in ("de", "es", "bn")
        for i, name in enumerate(screen_walk.screen_names())
    ],
)
def test_no_text_is_clipped_in_each_language(screen: str, language: str) -> None:
    found = screen_walk.walk_screen(screen, language).report("clipping")
    assert found == [], "\n".join(found)


def _window(qtbot: QtBot, *children: QWidget) -> QWidget:
    root = QWidget()
    qtbot.addWidget(root)
    box = QVBoxLayout(root)
    for child in children:
        box.addWidget(child)
    root.resize(400, 300)
    root.show()
    return root


def test_a_narrow_button_and_label_are_reported(qtbot: QtBot) -> None:
    button = QPushButton("Save changes")
    button.setObjectName("saveButton")
    button.setFixedWidth(40)  # reads "ave chang" as the catalogue's did
    label = QLabel("Partially refunded")
    label.setFixedWidth(50)
    root = _window(qtbot, button, label)
    found = screen_walk.clipping_findings(root)
    assert [f.widget for f in found] == [
        "QPushButton#saveButton 'Save changes'",
        "QLabel 'Partially refunded'",
    ]
    assert all(f.problem.startswith("clipped: text needs") for f in found)


def test_a_widget_that_elides_on_purpose_is_skipped(qtbot: QtBot) -> None:
    label = QLabel("Partially refunded")
    label.setFixedWidth(50)
    label.setProperty("elides", True)
    root = _window(qtbot, label)
    assert screen_walk.clipping_findings(root) == []


def test_wrapped_text_that_fits_is_not_reported(qtbot: QtBot) -> None:
    label = QLabel("A long sentence that wraps over several lines without trouble at all.")
    label.setWordWrap(True)
    root = _window(qtbot, label)
    assert screen_walk.clipping_findings(root) == []
