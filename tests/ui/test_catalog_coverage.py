"""Every word a screen shows comes from the gettext catalog (issue 15, Languages).

Each screen of `pos-app screenshot` is rendered with a pseudo-translation that brackets every
catalog message (``tests/ui/catalog_walk.py``); text shown outside the brackets that is not
data (names, money, times, ids) is an English sentence a translator never sees. Screens
whose owners have not been marked yet are listed in ``NOT_MARKED_YET`` with a strict xfail:
their test runs and reports what is left, and turns red once the screen is clean (then it
leaves the list). The AST check in tests/unit/test_marked_strings.py covers the widgets'
literals on screens the walk does not reach.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from pos_app import i18n
from pos_app.i18n import _
from tests.ui import catalog_walk, screen_walk

# Screens still showing unmarked English, and why (see docs/translations.md). None left:
# a screen that shows English again fails its test; one listed here is a strict xfail.
NOT_MARKED_YET: dict[str, str] = {}


def _screens() -> list[object]:
    params: list[object] = []
    for param in screen_walk.screens():
        name = param.values[0]
        if name in NOT_MARKED_YET:
            marks = [*param.marks, pytest.mark.xfail(strict=True, reason=NOT_MARKED_YET[name])]
            params.append(pytest.param(name, marks=marks, id=name))
        else:
            params.append(pytest.param(name, marks=param.marks, id=name))
    return params


@pytest.mark.parametrize("screen", _screens())
def test_every_word_on_the_screen_is_in_the_catalog(screen: str) -> None:
    walk = catalog_walk.walk(screen)
    assert walk.error is None, f"{screen} did not render: {walk.error}"
    assert walk.roots > 0
    found = [str(f) for f in walk.found]
    assert found == [], f"{len(found)} texts outside the catalog:\n" + "\n".join(found)


@pytest.fixture
def pseudo() -> object:
    language = i18n.current_language()
    i18n.use_translation(catalog_walk.Pseudo())
    yield None
    i18n.set_language(language)


def test_an_unmarked_label_is_found_and_data_is_not(qtbot: QtBot, pseudo: object) -> None:
    root = QWidget()
    qtbot.addWidget(root)
    box = QVBoxLayout(root)
    marked = QLabel(_("Paid {amount}").format(amount="$35.00"))
    unmarked = QLabel("Balance due")
    name = QLabel("Alex Morgan")  # the demo manager: data
    when = QLabel("Tue 24 Nov, 10:30–11:00 · pi_3Nx…")
    button = QPushButton(_("Save"))
    button.setToolTip("Save changes to this booking")  # the tooltip is not marked
    edit = QLineEdit()
    edit.setPlaceholderText(_("e.g. 35.00"))
    for w in (marked, unmarked, name, when, button, edit):
        box.addWidget(w)
    root.show()
    found = catalog_walk.findings(root)
    assert [(f.what, f.text, f.left) for f in found] == [
        ("label", "Balance due", "Balance due"),
        ("tooltip", "Save changes to this booking", "Save changes to this booking"),
    ]


def test_a_sentence_around_a_marked_word_is_found() -> None:
    # Half-marked: the words around a translated piece are still English.
    assert catalog_walk.unmarked("⟦Paid⟧ on Tuesday in full, thank you") == "on in full thank you"
    assert catalog_walk.unmarked("⟦Card declined — ⟦ask for another card⟧⟧") == ""
    assert catalog_walk.unmarked("$35.00 · 10:30 · maria@example.com") == ""
