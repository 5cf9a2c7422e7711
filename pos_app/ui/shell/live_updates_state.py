"""Which open screens a change from another station makes reload (Qt-free).

The day reloads when the change concerns the day it shows (``Change.concerns_day``). The
sales dashboard and the day close reload when money may differ, unless they are busy: the
dashboard while it exports or loads (asked again a moment later), the day close while it closes
the day, or while the manager has typed counts there (rebuilding it would wipe them; the close
itself reads every figure afresh under the money lock), except when another station has just
closed that very day. The Sell screen reloads its tiles and its last sale's status when an
order or the catalogue changed (``Change.concerns_orders``).
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import date, tzinfo

from pos_app.domain.changes import Change


@dataclass(frozen=True)
class DayShown:
    """The day on screen: its date, the business's zone and the ids of its bookings."""

    day: date
    tz: tzinfo
    booking_ids: Set[str]


@dataclass(frozen=True)
class DashboardShown:
    """An open sales dashboard: whether it is busy (exporting, or loading) now."""

    busy: bool


@dataclass(frozen=True)
class DayCloseShown:
    """An open day close: its day, whether counts are typed, whether it is closing now."""

    day: date
    typed: bool
    closing: bool


@dataclass(frozen=True)
class Reloads:
    """What to reload; ``later`` means a busy screen wants the change again when idle."""

    day: bool = False
    dashboard: bool = False
    day_close: bool = False
    later: bool = False
    sell: bool = False  # the Sell screen: its tiles (stock) and its last sale's status


def reloads_for(
    change: Change,
    *,
    day: DayShown | None,
    dashboard: DashboardShown | None,
    day_close: DayCloseShown | None,
    sell: bool = False,
) -> Reloads:
    """The screens ``change`` makes reload (None: that screen is not open; a day not loaded
    yet is loaded; ``sell``: the Sell screen is open)."""
    reload_day = day is None or change.concerns_day(day.day, day.tz, day.booking_ids)
    money = change.concerns_money()
    reload_dashboard = later = False
    if dashboard is not None and money:
        later = dashboard.busy
        reload_dashboard = not dashboard.busy
    reload_close = False
    if day_close is not None and money:
        if day_close.closing:
            later = True
        elif not day_close.typed or day_close.day in change.closed_days:
            reload_close = True
    reload_sell = sell and change.concerns_orders()
    return Reloads(reload_day, reload_dashboard, reload_close, later, reload_sell)
