"""The calendar the app works in: business days and booking times from 2000 to 2099.

Python's dates run from year 1 to 9999, but a day's window needs the day after it and a
local midnight needs a UTC conversion, so 9999-12-31 or 0001-01-01 overflow deep inside a
report ("date value out of range") instead of being refused. No front desk books or
reports outside this century, so every date a person gives is checked here first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pos_app.domain.errors import FormErrors

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
OUTSIDE = f"Choose a date from {FIRST_DAY.year} to {LAST_DAY.year}."


def day_problem(day: date) -> str | None:
    """The sentence refusing a day outside the calendar, or None."""
    return None if FIRST_DAY <= day <= LAST_DAY else OUTSIDE


def instant_problem(at: datetime) -> str | None:
    """The sentence refusing an aware time whose UTC day is outside the calendar, or None.

    UTC keeps the check itself from overflowing (a local 9999-12-31 23:00 at -05:00 is
    already past the last day Python has in UTC).
    """
    if at.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    try:
        day = at.astimezone(UTC).date()
    except OverflowError:
        return OUTSIDE
    return day_problem(day)


def check_days(**days: date) -> None:
    """Raise FormErrors naming every field whose day is outside the calendar."""
    errors = {field: OUTSIDE for field, day in days.items() if day_problem(day)}
    if errors:
        raise FormErrors(errors)
