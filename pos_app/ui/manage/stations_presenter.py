"""Settings ▸ Stations as a frozen view state (no Qt): this station's name, and one line per
station with its version, whether it is online and whether it reads Stripe's updates.

Every word comes from the domain's rules (``domain/stations.py``); this module only lays them
out: a status is an icon and a word, never a colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos_app.domain.stations import (
    LEADER_WORDS,
    StationList,
    StationRow,
    leader_of,
    status_words,
)
from pos_app.i18n import N_, _, ngettext

ONLINE_ICON = "●"
OFFLINE_ICON = "○"
LEADER_ICON = "★"
THIS_SUFFIX = N_(" (this station)")
SHARED_NOTE = N_(
    "Every station sharing this database is listed. One of them reads Stripe's updates for "
    "the business; if it stops, another takes over within seconds."
)
LOCAL_NOTE = N_(
    "This database is on this computer: each station using it reads Stripe's updates itself."
)
NAME_HINT = N_("Shown to the other stations here and in their status bar.")
EMPTY = N_("No station has registered yet.")


@dataclass(frozen=True)
class StationLine:
    """One row of the stations table, as shown."""

    id: str
    name: str  # "Front desk 2", with " (this station)" on the asking station's row
    version: str
    status: str  # "● Online" or "○ Last seen 5 min ago"
    online: bool  # the status cell's tone (success) follows it; the icon and word say it too
    stripe: str  # "★ Reads Stripe's updates", or ""
    this: bool


@dataclass(frozen=True)
class StationsState:
    """What the Stations page shows."""

    this_name: str  # the name field's text ("" before this station registered)
    lines: tuple[StationLine, ...]
    note: str
    count: str  # "3 stations, 2 online"


def stations_state(listing: StationList) -> StationsState:
    """The Stations page for ``listing``; the leader is marked only on a shared database
    (on SQLite every process reads Stripe's updates itself)."""
    leader = leader_of(listing.rows) if listing.shared else None
    lines = tuple(_line(row, listing.this_id, leader) for row in listing.rows)
    this = listing.this()
    online = sum(1 for row in listing.rows if row.online)
    total = len(listing.rows)
    count = (
        ngettext("{total} station, {online} online", "{total} stations, {online} online", total)
        if total
        else _(EMPTY)
    ).format(total=total, online=online)
    return StationsState(
        this_name=this.name if this is not None else "",
        lines=lines,
        note=_(SHARED_NOTE) if listing.shared else _(LOCAL_NOTE),
        count=count,
    )


def _line(row: StationRow, this_id: str, leader: StationRow | None) -> StationLine:
    this = row.id == this_id
    icon = ONLINE_ICON if row.online else OFFLINE_ICON
    leads = leader is not None and leader.id == row.id
    return StationLine(
        id=row.id,
        name=row.name + (_(THIS_SUFFIX) if this else ""),
        version=row.version,
        status=f"{icon} {status_words(row.seen_seconds_ago)}",
        online=row.online,
        stripe=f"{LEADER_ICON} {_(LEADER_WORDS)}" if leads else "",
        this=this,
    )
