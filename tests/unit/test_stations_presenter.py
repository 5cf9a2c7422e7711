"""Settings ▸ Stations as a view state (ui/manage/stations_presenter.py), without a window."""

from __future__ import annotations

from pos_app.domain.stations import StationList
from pos_app.ui.manage.stations_presenter import (
    EMPTY,
    LOCAL_NOTE,
    SHARED_NOTE,
    stations_state,
)
from tests.unit.test_stations_rules import row


def test_every_station_with_its_version_status_and_the_leader_marked() -> None:
    listing = StationList(
        (
            row("me", "Front desk 1", ago=3.0),
            row("b", "Front desk 2", ago=1.0, leader=True),
            row("c", "Back office", ago=7200.0),
        ),
        "me",
        True,
    )
    state = stations_state(listing)
    assert state.this_name == "Front desk 1"
    assert state.note == SHARED_NOTE
    assert state.count == "3 stations, 2 online"
    assert [(s.name, s.version, s.status, s.stripe, s.online, s.this) for s in state.lines] == [
        ("Front desk 1 (this station)", "0.1.0", "● Online", "", True, True),
        ("Front desk 2", "0.1.0", "● Online", "★ Reads Stripe's updates", True, False),
        ("Back office", "0.1.0", "○ Last seen 2 h ago", "", False, False),
    ]


def test_a_silent_leader_is_not_marked() -> None:
    listing = StationList((row("me"), row("b", leader=True, ago=31.0)), "me", True)
    assert [s.stripe for s in stations_state(listing).lines] == ["", ""]


def test_on_sqlite_no_station_is_marked_and_the_note_says_why() -> None:
    listing = StationList((row("me", "Desk", leader=True),), "me", False)
    state = stations_state(listing)
    assert state.note == LOCAL_NOTE
    assert state.lines[0].stripe == ""
    assert state.count == "1 station, 1 online"


def test_before_this_station_registered_its_name_is_empty() -> None:
    state = stations_state(StationList((), "me", True))
    assert state.this_name == "" and state.lines == () and state.count == EMPTY
