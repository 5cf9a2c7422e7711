"""Date and time fields that write digits as the rest of the app does.

Qt's date fields and calendars take their month and day names from the app's ``QLocale``
(``gui.ensure_application`` sets it from the UI language), and their digits too: Qt's Bangla
locale writes ০–৯, with no switch for the Latin digits CLDR's Bangla money, times and dates
use and the app shows everywhere else ("11:45" on a slot button, "রবি ৬ ডিসে ২০২৬ ১১:৪৫" in
the field beside it). These fields keep Qt's words and editing, and write 0–9: a typed ০–৯
is accepted too and shown as 0–9, as the amount fields do (``locale_format.latin_digits``).

In a language without digits of its own (all but Bangla today) there is nothing to rewrite,
so :func:`DateEdit`, :func:`TimeEdit` and :func:`DateTimeEdit` give Qt's own field: no
Python call each time Qt formats or parses it. The language is chosen at start (changing it
restarts the app), so the field made is right for its whole life.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDateEdit,
    QDateTimeEdit,
    QSpinBox,
    QStyledItemDelegate,
    QTableView,
    QTimeEdit,
    QToolButton,
    QWidget,
)

from pos_app.domain import locale_format as lf

__all__ = [
    "DateEdit",
    "DateTimeEdit",
    "LatinDateEdit",
    "LatinDateTimeEdit",
    "LatinDigitsCalendar",
    "LatinTimeEdit",
    "TimeEdit",
]


class _LatinDayNumbers(QStyledItemDelegate):
    """The calendar grid's day and week numbers in 0–9; the day names as Qt writes them."""

    def displayText(self, value: Any, locale: QLocale | QLocale.Language, /) -> str:
        return lf.latin_digits(super().displayText(value, locale))


class LatinDigitsCalendar(QCalendarWidget):
    """A date field's calendar pop-up: Qt's month and day names, the app's digits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        view = self.findChild(QTableView)
        if view is not None:
            self._days = _LatinDayNumbers(view)
            view.setItemDelegate(self._days)
        year_edit = self.findChild(QSpinBox, "qt_calendar_yearedit")
        if year_edit is not None:  # the year typed in the header
            year_edit.setLocale(QLocale.c())
        self.currentPageChanged.connect(self._latin_year)
        self._latin_year()

    def _latin_year(self, *_page: int) -> None:
        # Qt writes the header's year with the locale's digits on each page change.
        button = self.findChild(QToolButton, "qt_calendar_yearbutton")
        if button is not None:
            button.setText(lf.latin_digits(button.text()))


# Qt's classes cannot share a Python base of their own (QDateEdit and QTimeEdit are
# QDateTimeEdits already: a second QDateTimeEdit in the hierarchy crashes shiboken), so the
# digits live in a plain mixin that type checkers are told is a QDateTimeEdit.
if TYPE_CHECKING:
    _Field = QDateTimeEdit
else:
    _Field = object


class _LatinDigits(_Field):
    """The digits of a date or time field (see the module doc); ``super()`` is Qt's field."""

    def textFromDateTime(self, dt: QDateTime, /) -> str:
        return lf.latin_digits(super().textFromDateTime(dt))

    def dateTimeFromText(self, text: str, /) -> QDateTime:
        found: QDateTime = super().dateTimeFromText(lf.latin_digits(text))
        return found

    def validate(self, text: str, pos: int, /) -> tuple[QValidator.State, str, int]:
        # Qt's parser reads 0–9 in every locale: a typed ০–৯ is 0–9 from the first key.
        return super().validate(lf.latin_digits(text), pos)

    def setCalendarPopup(self, enable: bool) -> None:
        super().setCalendarPopup(enable)
        if enable and lf.native_digits():
            self._calendar = LatinDigitsCalendar()  # kept: the pop-up does not own it
            self.setCalendarWidget(self._calendar)


class LatinDateTimeEdit(_LatinDigits, QDateTimeEdit):
    """``QDateTimeEdit`` writing 0–9 in a language with digits of its own (the module doc)."""


class LatinDateEdit(_LatinDigits, QDateEdit):
    """``QDateEdit`` writing 0–9 in a language with digits of its own (the module doc)."""


class LatinTimeEdit(_LatinDigits, QTimeEdit):
    """``QTimeEdit`` writing 0–9 in a language with digits of its own (the module doc)."""


# The fields are made by functions (named as Qt names its classes), not classes, so that a
# language with no digits to rewrite gets Qt's own class: a class cannot hand back another.
def DateTimeEdit(parent: QWidget | None = None) -> QDateTimeEdit:
    """A date-and-time field writing 0–9 in every language (see the module doc)."""
    return LatinDateTimeEdit(parent) if lf.native_digits() else QDateTimeEdit(parent)


def DateEdit(date: QDate | None = None, parent: QWidget | None = None) -> QDateEdit:
    """A date field writing 0–9 in every language, showing ``date`` (see the module doc)."""
    kind = LatinDateEdit if lf.native_digits() else QDateEdit
    return kind(parent) if date is None else kind(date, parent)


def TimeEdit(time: QTime | None = None, parent: QWidget | None = None) -> QTimeEdit:
    """A time field writing 0–9 in every language, showing ``time`` (see the module doc)."""
    kind = LatinTimeEdit if lf.native_digits() else QTimeEdit
    return kind(parent) if time is None else kind(time, parent)
