"""The dashboard's periods, without Qt: the presets, stepping Previous / Next, and the
period just before one (what the headline compares with)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from pos_app.i18n import N_


class Preset(Enum):
    """The period picker's choices."""

    # Each value is the picker's English label, translated where shown.
    TODAY = N_("Today")
    YESTERDAY = N_("Yesterday")
    THIS_WEEK = N_("This week")
    LAST_7_DAYS = N_("Last 7 days")
    THIS_MONTH = N_("This month")
    CUSTOM = N_("Custom")


class Unit(Enum):
    """What Previous / Next step by."""

    DAY = "day"
    WEEK = "week"  # a calendar week, Monday first
    MONTH = "month"
    SPAN = "span"  # the period's own length in days


@dataclass(frozen=True)
class Period:
    """Business days ``start`` to ``end`` inclusive, and how to step to the next one."""

    start: date
    end: date
    unit: Unit = Unit.SPAN

    @property
    def days(self) -> int:
        """How many business days the period covers."""
        return (self.end - self.start).days + 1

    def shifted(self, steps: int, today: date) -> Period:
        """The period ``steps`` units later (earlier when negative); a week or month that
        holds ``today`` ends today."""
        if self.unit is Unit.DAY:
            day = self.start + timedelta(days=steps)
            return Period(day, day, Unit.DAY)
        if self.unit is Unit.WEEK:
            start = self.start - timedelta(days=self.start.weekday()) + timedelta(weeks=steps)
            return Period(start, min(start + timedelta(days=6), max(today, start)), Unit.WEEK)
        if self.unit is Unit.MONTH:
            index = self.start.year * 12 + self.start.month - 1 + steps
            year, month = divmod(index, 12)
            start = date(year, month + 1, 1)
            last = date(year, month + 1, calendar.monthrange(year, month + 1)[1])
            return Period(start, min(last, max(today, start)), Unit.MONTH)
        length = timedelta(days=self.days * steps)
        return Period(self.start + length, self.end + length, Unit.SPAN)


def preset_period(preset: Preset, today: date) -> Period:
    """The period a preset stands for, as of ``today`` (Custom: today alone)."""
    if preset is Preset.YESTERDAY:
        day = today - timedelta(days=1)
        return Period(day, day, Unit.DAY)
    if preset is Preset.THIS_WEEK:
        return Period(today - timedelta(days=today.weekday()), today, Unit.WEEK)
    if preset is Preset.LAST_7_DAYS:
        return Period(today - timedelta(days=6), today, Unit.SPAN)
    if preset is Preset.THIS_MONTH:
        return Period(today.replace(day=1), today, Unit.MONTH)
    return Period(today, today, Unit.DAY)


def matching_preset(period: Period, today: date) -> Preset:
    """The preset that gives exactly this period today (stepping the same way), else Custom."""
    for preset in Preset:
        if preset is Preset.CUSTOM:
            continue
        candidate = preset_period(preset, today)
        if (candidate.start, candidate.end, candidate.unit) == (
            period.start,
            period.end,
            period.unit,
        ):
            return preset
    return Preset.CUSTOM


def previous_period(period: Period) -> Period:
    """The period of the same length just before ``period`` (yesterday for a day; the 7
    days before for 7 days)."""
    length = timedelta(days=period.days)
    return Period(period.start - length, period.start - timedelta(days=1), Unit.SPAN)
