"""The station service over a fake table (services/stations.py): registering, beating,
renaming (managers, bounded, one sentence) and listing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pos_app.domain.errors import FormErrors, PermissionDeniedError
from pos_app.domain.people import Actor, Role
from pos_app.domain.stations import HEARTBEAT_SECONDS, NAME_FIELD, StationRow
from pos_app.services.context import Desk
from pos_app.services.stations import NOT_MANAGER, StationService
from tests.unit.test_stations_rules import row


class FakeStore:
    """The stations table in a dict; ``fail`` makes every call raise."""

    def __init__(self, *, shared: bool = True) -> None:
        self.shared = shared
        self.table: dict[str, StationRow] = {}
        self.beats: list[tuple[str, bool]] = []
        self.fail = False

    def _check(self) -> None:
        if self.fail:
            raise OSError("the database is away")

    def register(self, station_id: str, name: str, version: str) -> None:
        self._check()
        old = self.table.get(station_id)
        kept = old.name if old is not None else name
        self.table[station_id] = replace(row(station_id, kept), version=version)

    def beat(self, station_id: str, leader: bool) -> bool:
        self._check()
        if station_id not in self.table:
            return False
        self.beats.append((station_id, leader))
        self.table[station_id] = replace(self.table[station_id], leader=leader)
        return True

    def rename(self, station_id: str, name: str) -> bool:
        self._check()
        if station_id not in self.table:
            return False
        self.table[station_id] = replace(self.table[station_id], name=name)
        return True

    def rows(self) -> list[StationRow]:
        self._check()
        return list(self.table.values())


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


MANAGER = Actor("usr_m", "Mia", Role.MANAGER)
STAFF = Actor("usr_s", "Sam", Role.STAFF)


def service(store: FakeStore, actor: Actor = MANAGER, ticks: Ticks | None = None) -> StationService:
    return StationService(
        store,
        station_id="st_me",
        host_name="frontdesk1.salon.local",
        version=lambda: "1.2.3",
        desk=Desk(actor),
        monotonic=ticks or Ticks(),
    )


def test_registering_names_a_new_station_after_its_computer_and_keeps_a_given_name() -> None:
    store = FakeStore()
    stations = service(store)
    stations.register()
    assert (store.table["st_me"].name, store.table["st_me"].version) == ("frontdesk1", "1.2.3")
    stations.rename("Front desk 1")
    stations.register()  # the next start
    assert store.table["st_me"].name == "Front desk 1"


def test_a_beat_after_the_row_went_away_registers_again() -> None:
    store = FakeStore()
    stations = service(store)
    stations.heartbeat(True)  # never registered (a restored database)
    assert store.table["st_me"].leader is True
    assert store.beats == [("st_me", True)]


def test_renaming_is_for_managers() -> None:
    store = FakeStore()
    stations = service(store, STAFF)
    stations.register()
    with pytest.raises(PermissionDeniedError) as refused:
        stations.rename("Front desk 1")
    assert refused.value.message == NOT_MANAGER
    assert store.table["st_me"].name == "frontdesk1"


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("   ", "Enter a name for this station, such as Front desk 2."),
        ("d" * 61, "Keep the station name to 60 characters or fewer."),
    ],
)
def test_a_bad_name_gets_one_sentence_and_changes_nothing(typed: str, sentence: str) -> None:
    store = FakeStore()
    stations = service(store)
    stations.register()
    with pytest.raises(FormErrors) as refused:
        stations.rename(typed)
    assert refused.value.errors == {NAME_FIELD: sentence}
    assert store.table["st_me"].name == "frontdesk1"


def test_a_name_is_saved_trimmed_on_one_line() -> None:
    store = FakeStore()
    stations = service(store)
    stations.register()
    assert stations.rename("  Front\ndesk  2 ") == "Front desk 2"
    assert store.table["st_me"].name == "Front desk 2"


def test_the_leader_is_named_only_on_a_shared_database() -> None:
    for shared, expected in ((True, "st_me"), (False, None)):
        store = FakeStore(shared=shared)
        stations = service(store)
        stations.heartbeat(True)
        found = stations.leader()
        assert (found.id if found is not None else None) == expected
        listing = stations.listing()
        assert (listing.this_id, listing.shared) == ("st_me", shared)


def test_sqlite_has_no_heartbeat() -> None:
    store = FakeStore(shared=False)
    stations = service(store)
    assert stations.heartbeat_seconds is None
    assert stations.beat_if_due(True) is False
    assert store.beats == []
    assert service(FakeStore()).heartbeat_seconds == HEARTBEAT_SECONDS


def test_beat_if_due_beats_every_ten_seconds_and_never_raises() -> None:
    store = FakeStore()
    ticks = Ticks()
    stations = service(store, ticks=ticks)
    assert stations.beat_if_due(False) is True  # the first at once
    ticks.now += HEARTBEAT_SECONDS - 0.5
    assert stations.beat_if_due(True) is False
    ticks.now += 0.5
    assert stations.beat_if_due(True) is True
    store.fail = True
    ticks.now += HEARTBEAT_SECONDS
    assert stations.beat_if_due(True) is False  # logged, not raised
    store.fail = False
    assert stations.beat_if_due(False) is True  # tried again at the next call
    assert store.beats == [("st_me", False), ("st_me", True), ("st_me", False)]
