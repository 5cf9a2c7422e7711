"""Stations known to each other (issue 13 item 6): names, who is online, who reads Stripe.

Every station writes its own row of the ``stations`` table: its name (set in Settings ▸
Stations), the pos-app version it runs, when it started, when it was last seen, and whether
it reads Stripe's events feed for the business now (the leader). "Last seen" is always the
DATABASE's clock, and so is the age it is compared with: two stations whose own clocks
disagree by minutes still agree on who is online.

The rules live here once: what a station name may be, when a station counts as online, and
the words the Settings page and the status bar use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pos_app.domain.text import name_problem, one_line, strip_forbidden
from pos_app.i18n import N_, gettext

#: Longest station name (the column holds exactly this many characters).
NAME_MAX = 60
#: A station seen within this many seconds (by the database's clock) is online.
ONLINE_SECONDS = 30.0
#: How often a running station writes that it is still there: three beats fit the window
#: above, so one late beat (a busy worker, a slow query) does not make it look gone.
HEARTBEAT_SECONDS = 10.0
#: Longest station id and version kept (their columns' widths).
ID_MAX = 64
VERSION_MAX = 40
#: Said of a station whose host name gives no usable default name.
UNNAMED = N_("Unnamed station")

ONLINE_WORDS = N_("Online")
LEADER_WORDS = N_("Reads Stripe's updates")
NAME_MISSING = N_("Enter a name for this station, such as Front desk 2.")
NAME_FIELD = "station_name"


@dataclass(frozen=True)
class StationRow:
    """One station as the database last heard from it."""

    id: str
    name: str
    version: str
    started_at: datetime
    last_seen: datetime
    leader: bool  # it said it reads Stripe's events feed at its last beat
    seen_seconds_ago: float  # the database's now minus last_seen, read in one query

    @property
    def online(self) -> bool:
        """Seen within ``ONLINE_SECONDS`` by the database's clock."""
        return is_online(self.seen_seconds_ago)


@dataclass(frozen=True)
class StationList:
    """Every station, as one station sees the list."""

    rows: tuple[StationRow, ...]
    this_id: str  # the station asking
    shared: bool  # the database serves several computers (PostgreSQL); False on SQLite

    def this(self) -> StationRow | None:
        """The asking station's own row (None before it registered)."""
        return next((row for row in self.rows if row.id == self.this_id), None)


class StationStore(Protocol):
    """The ``stations`` table (``store.stations_repo``). Every time is the database's."""

    @property
    def shared(self) -> bool:
        """Whether several computers share this database (PostgreSQL)."""
        ...

    def register(self, station_id: str, name: str, version: str) -> None:
        """Add the station under ``name``, or note an existing one's version and start
        (its name is kept: it was set in Settings)."""
        ...

    def beat(self, station_id: str, leader: bool) -> bool:
        """Note the station as seen now, leading or not; False when it has no row."""
        ...

    def rename(self, station_id: str, name: str) -> bool:
        """Give the station ``name``; False when it has no row."""
        ...

    def rows(self) -> list[StationRow]:
        """Every station, with its age read against the database's clock."""
        ...


def is_online(seen_seconds_ago: float) -> bool:
    """Seen recently enough to count as running (a negative age is "just now")."""
    return seen_seconds_ago <= ONLINE_SECONDS


def clean_name(raw: str) -> str:
    """The station name as stored: one line, trimmed. Raises ValueError with the sentence
    that refuses it (empty, a control character, longer than ``NAME_MAX``)."""
    name = one_line(raw).strip()
    if not name:
        raise ValueError(NAME_MISSING)
    problem = name_problem(name, "station name", limit=NAME_MAX)
    if problem is not None:
        raise ValueError(problem)
    return name


def default_name(host_name: str) -> str:
    """A first name for a new station: its computer's host name without the domain
    ("frontdesk2.local" → "frontdesk2"), fitted to the rules; ``UNNAMED`` when none."""
    first = strip_forbidden(host_name).split(".", 1)[0].strip()
    return first[:NAME_MAX] if first else UNNAMED


def status_words(seen_seconds_ago: float) -> str:
    """The status words: "Online", or when the station was last seen ("Last seen 5 min ago")."""
    if is_online(seen_seconds_ago):
        return gettext(ONLINE_WORDS)
    minutes = max(1, int(seen_seconds_ago // 60))
    if minutes < 60:
        return gettext("Last seen {minutes} min ago").format(minutes=minutes)
    hours = minutes // 60
    if hours < 48:
        return gettext("Last seen {hours} h ago").format(hours=hours)
    return gettext("Last seen {days} days ago").format(days=hours // 24)


def leader_of(rows: Sequence[StationRow]) -> StationRow | None:
    """The online station that said it reads Stripe's updates; the most recently seen one
    if two say so (for a moment during a takeover)."""
    leading = [row for row in rows if row.leader and row.online]
    return min(leading, key=lambda row: row.seen_seconds_ago, default=None)


def poller_line(listing: StationList, this_leads: bool | None) -> str:
    """The status bar's words for who reads Stripe's updates ("" on an unshared database,
    where every station reads them itself). ``this_leads``: this station's own poller role,
    None before its first tick (then the table decides)."""
    if not listing.shared:
        return ""
    this_one = gettext("Stripe updates: this station")
    another = gettext("Stripe updates: another station")
    if this_leads:
        return this_one
    leader = leader_of(listing.rows)
    if leader is None:
        # A standby's leader holds the lock but has no fresh row (an older pos-app, or it
        # has not beaten yet); before the first tick nothing is known yet.
        return "" if this_leads is None else another
    if leader.id == listing.this_id:
        # The table says this station, but its poller (which knows) says standby: it lost
        # the lock since its last beat.
        return another if this_leads is False else this_one
    return gettext("Stripe updates: {station}").format(station=leader.name)
