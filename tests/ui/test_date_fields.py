"""Date and time fields in Bangla (issue 15): Qt's Bangla words, the app's 0–9 digits, as the
slot buttons and the booking's details beside them write times and dates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QDate, QEvent, QLocale, Qt, QTime
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDateEdit,
    QDateTimeEdit,
    QTableView,
    QTimeEdit,
    QToolButton,
)
from pytestqt.qtbot import QtBot

from pos_app import i18n
from pos_app.domain import locale_format as lf
from pos_app.ui.kit.date_fields import (
    DateEdit,
    DateTimeEdit,
    LatinDateEdit,
    LatinDateTimeEdit,
    LatinDigitsCalendar,
    LatinTimeEdit,
    TimeEdit,
)

BENGALI = "০১২৩৪৫৬৭৮৯"


@pytest.fixture
def bangla() -> Iterator[None]:
    """The app in Bangla, as gui.ensure_application leaves it (QLocale from the language)."""
    before, locale = i18n.current_language(), QLocale()
    i18n.set_language("bn")
    QLocale.setDefault(QLocale("bn"))
    try:
        yield
    finally:
        i18n.set_language(before)
        QLocale.setDefault(locale)


def _type(widget: QDateTimeEdit, text: str) -> None:
    for char in text:
        key = Qt.Key.Key_0.value + int(char.translate(str.maketrans(BENGALI, "0123456789")))
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def test_a_bangla_date_field_writes_bangla_words_and_latin_digits(
    qtbot: QtBot, bangla: None
) -> None:
    edit = DateEdit(QDate(2026, 12, 6))
    qtbot.addWidget(edit)
    edit.setDisplayFormat("ddd d MMM yyyy")
    assert edit.text() == "রবি 6 ডিসে 2026"  # Qt alone: "রবি ৬ ডিসে ২০২৬"
    assert not set(edit.text()) & set(BENGALI)
    assert lf.date_text(date(2026, 12, 6)) == "6 ডিসে, 2026"  # the app's own date
    edit.stepBy(1)
    assert not set(edit.text()) & set(BENGALI) and edit.date() != QDate(2026, 12, 6)


def test_a_time_typed_in_bengali_digits_is_taken_and_shown_in_latin_ones(
    qtbot: QtBot, bangla: None
) -> None:
    edit = TimeEdit(QTime(11, 45))
    qtbot.addWidget(edit)
    edit.setDisplayFormat("HH:mm")
    edit.show()
    qtbot.waitExposed(edit)
    edit.setFocus()
    assert edit.text() == "11:45"
    edit.setSelectedSection(QDateTimeEdit.Section.HourSection)
    _type(edit, "০৮")
    assert edit.time() == QTime(8, 45)
    assert edit.text() == "08:45"
    edit.setSelectedSection(QDateTimeEdit.Section.HourSection)
    _type(edit, "09")  # 0–9 as well, as the amount fields take both
    assert edit.time() == QTime(9, 45) and edit.text() == "09:45"


def test_the_calendar_popup_numbers_days_and_the_year_in_latin_digits(
    qtbot: QtBot, bangla: None
) -> None:
    edit = DateEdit(QDate(2026, 12, 6))
    qtbot.addWidget(edit)
    edit.setCalendarPopup(True)
    calendar = edit.calendarWidget()
    assert isinstance(calendar, LatinDigitsCalendar)
    view = calendar.findChild(QTableView)
    assert view is not None
    delegate, model = view.itemDelegate(), view.model()
    shown = {
        delegate.displayText(model.data(model.index(row, col)), QLocale("bn"))
        for row in range(model.rowCount())
        for col in range(model.columnCount())
    }
    assert {"1", "6", "31"} <= shown and not "".join(shown).count("৬")
    assert "রবি" in shown  # the day names stay Qt's Bangla ones
    calendar.showNextMonth()
    year = calendar.findChild(QToolButton, "qt_calendar_yearbutton")
    assert year is not None and year.text() == "2027"


def test_english_fields_are_qts_own(qtbot: QtBot) -> None:
    edit = DateEdit(QDate(2026, 12, 6))
    qtbot.addWidget(edit)
    edit.setDisplayFormat("ddd d MMM yyyy")
    edit.setCalendarPopup(True)
    assert edit.text() == QLocale().toString(QDate(2026, 12, 6), "ddd d MMM yyyy")
    assert not isinstance(edit.calendarWidget(), LatinDigitsCalendar)  # nothing to change


def test_english_fields_are_qts_own_classes(qtbot: QtBot) -> None:
    # No digits to rewrite: Qt formats and parses the field with no Python call in between.
    fields = (DateEdit(QDate(2026, 12, 6)), TimeEdit(QTime(11, 45)), DateTimeEdit(), DateEdit())
    for field in fields:
        qtbot.addWidget(field)
    assert [type(f) for f in fields] == [QDateEdit, QTimeEdit, QDateTimeEdit, QDateEdit]
    assert fields[0].date() == QDate(2026, 12, 6) and fields[1].time() == QTime(11, 45)


def test_bangla_fields_are_the_ones_writing_latin_digits(qtbot: QtBot, bangla: None) -> None:
    fields = (DateEdit(QDate(2026, 12, 6)), TimeEdit(QTime(11, 45)), DateTimeEdit(), DateEdit())
    for field in fields:
        qtbot.addWidget(field)
    assert [type(f) for f in fields] == [
        LatinDateEdit,
        LatinTimeEdit,
        LatinDateTimeEdit,
        LatinDateEdit,
    ]
    assert fields[0].date() == QDate(2026, 12, 6) and fields[1].time() == QTime(11, 45)
    fields[1].setDisplayFormat("HH:mm")
    assert fields[1].text() == "11:45"  # Qt alone: "১১:৪৫"
