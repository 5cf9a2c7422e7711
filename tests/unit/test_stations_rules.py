"""The rules of stations known to each other (domain/stations.py): names, online, words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pos_app.domain.stations import (
    NAME_MAX,
    NAME_MISSING,
    ONLINE_SECONDS,
    UNNAMED,
    StationList,
    StationRow,
    clean_name,
    default_name,
    is_online,
    leader_of,
    poller_line,
    status_words,
)

AT = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def row(station_id: str, name: str = "", *, ago: float = 1.0, leader: bool = False) -> StationRow:
    return StationRow(
        id=station_id,
        name=name or station_id,
        version="0.1.0",
        started_at=AT,
        last_seen=AT,
        leader=leader,
        seen_seconds_ago=ago,
    )


# -- names --------------------------------------------------------------------------------


def test_a_name_is_kept_on_one_line_and_trimmed() -> None:
    assert clean_name("  Front\n desk\t2 ") == "Front desk 2"


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_an_empty_name_is_refused_with_a_sentence(blank: str) -> None:
    with pytest.raises(ValueError) as refused:
        clean_name(blank)
    assert str(refused.value) == NAME_MISSING


def test_a_name_is_bounded_at_sixty_characters() -> None:
    assert clean_name("x" * NAME_MAX) == "x" * NAME_MAX
    with pytest.raises(ValueError) as refused:
        clean_name("x" * (NAME_MAX + 1))
    assert str(refused.value) == "Keep the station name to 60 characters or fewer."


def test_a_name_with_a_control_character_is_refused() -> None:
    with pytest.raises(ValueError, match="invisible control character"):
        clean_name("Front\u202edesk")


def test_the_default_name_is_the_host_name_without_its_domain() -> None:
    assert default_name("frontdesk2.salon.local") == "frontdesk2"
    assert default_name("h" * 100) == "h" * NAME_MAX
    assert default_name("") == UNNAMED
    assert default_name(".local") == UNNAMED
    assert default_name("desk\x1b1") == "desk1"


# -- online and the words -----------------------------------------------------------------


def test_online_means_seen_within_thirty_seconds() -> None:
    assert ONLINE_SECONDS == 30.0
    assert is_online(30.0)
    assert not is_online(30.01)
    assert is_online(-2.0)  # a row written after the query's "now" began


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.0, "Online"),
        (30.0, "Online"),
        (31.0, "Last seen 1 min ago"),
        (119.0, "Last seen 1 min ago"),
        (300.0, "Last seen 5 min ago"),
        (3599.0, "Last seen 59 min ago"),
        (3600.0, "Last seen 1 h ago"),
        (47 * 3600.0, "Last seen 47 h ago"),
        (48 * 3600.0, "Last seen 2 days ago"),
        (10 * 86400.0, "Last seen 10 days ago"),
    ],
)
def test_status_words(seconds: float, words: str) -> None:
    assert status_words(seconds) == words


def test_the_leader_is_the_online_station_that_says_so() -> None:
    assert leader_of([row("a"), row("b")]) is None
    assert leader_of([row("a", leader=True, ago=45.0), row("b")]) is None  # gone quiet
    found = leader_of([row("a"), row("b", leader=True)])
    assert found is not None and found.id == "b"
    # For a moment during a takeover two say so: the one seen most recently.
    found = leader_of([row("old", leader=True, ago=20.0), row("new", leader=True, ago=2.0)])
    assert found is not None and found.id == "new"


# -- the status bar's words ---------------------------------------------------------------


def listing(*rows: StationRow, shared: bool = True, this: str = "me") -> StationList:
    return StationList(tuple(rows), this, shared)


def test_nothing_is_said_on_an_unshared_database() -> None:
    assert poller_line(listing(row("me", leader=True), shared=False), True) == ""


def test_this_station_says_so_when_its_poller_leads() -> None:
    # Its own poller knows at once, before the table does.
    assert poller_line(listing(row("me"), row("b", "Desk B", leader=True)), True) == (
        "Stripe updates: this station"
    )


def test_a_standby_names_the_leader() -> None:
    rows = (row("me"), row("b", "Front desk 2", leader=True))
    assert poller_line(listing(*rows), False) == "Stripe updates: Front desk 2"
    assert poller_line(listing(*rows), None) == "Stripe updates: Front desk 2"


def test_a_standby_without_a_known_leader_says_another_station() -> None:
    rows = (row("me"), row("b", "Front desk 2", leader=True, ago=60.0))
    assert poller_line(listing(*rows), False) == "Stripe updates: another station"
    assert poller_line(listing(*rows), None) == ""  # before the first tick: nothing known


def test_a_stale_flag_on_this_station_yields_to_its_poller() -> None:
    rows = (row("me", leader=True),)
    assert poller_line(listing(*rows), False) == "Stripe updates: another station"
    assert poller_line(listing(*rows), None) == "Stripe updates: this station"
