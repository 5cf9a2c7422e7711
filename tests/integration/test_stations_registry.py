"""Stations known to each other (issue 13 item 6), on SQLite and PostgreSQL.

Two stations (two engines, as two computers have) on one database: each registers and beats,
each sees the other; names are bounded; the leader's flag moves with the lock; and every time
in the table is the database's, never a station's (none is even sent).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, inspect, select, text

from pos_app.domain.errors import FormErrors
from pos_app.domain.people import Actor, Role
from pos_app.domain.stations import StationRow
from pos_app.services.context import Desk
from pos_app.services.stations import StationService
from pos_app.store.database import make_engine, migrate, sqlite_url
from pos_app.store.schema import stations
from pos_app.store.stations_repo import SqlStationStore, db_now
from tests.integration.interleave import DB_KINDS
from tests.migrate_to import empty_database_url, upgrade_to

MANAGER = Actor("usr_m", "Mia", Role.MANAGER)


@pytest.fixture(params=DB_KINDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of one fresh, migrated database (SQLite, then PostgreSQL)."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "shared.sqlite3")
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        return url
    found: str = request.getfixturevalue("postgres_url")
    return found


class Station:
    """One station: its own engine on the shared database, and its registry."""

    def __init__(self, url: str, station_id: str, host: str, **engine_kw: Any) -> None:
        self.engine = make_engine(url) if not engine_kw else _engine(url, **engine_kw)
        self.registry = StationService(
            SqlStationStore(self.engine),
            station_id=station_id,
            host_name=host,
            version=lambda: "9.9.1",
            desk=Desk(MANAGER),
        )

    def row(self, station_id: str) -> StationRow:
        found = [r for r in self.registry.listing().rows if r.id == station_id]
        assert len(found) == 1, found
        return found[0]


def _engine(url: str, **connect_args: Any) -> Engine:
    from sqlalchemy import create_engine

    return create_engine(url, connect_args=connect_args)


@pytest.fixture
def two(database: str) -> Iterator[tuple[Station, Station]]:
    a = Station(database, "st_a", "frontdesk1.salon.local")
    b = Station(database, "st_b", "frontdesk2")
    yield a, b
    a.engine.dispose()
    b.engine.dispose()


def test_two_stations_on_one_database_see_each_other(two: tuple[Station, Station]) -> None:
    a, b = two
    a.registry.register()
    b.registry.register()
    for station in (a, b):
        listing = station.registry.listing()
        assert {(r.id, r.name, r.version, r.online) for r in listing.rows} == {
            ("st_a", "frontdesk1", "9.9.1", True),
            ("st_b", "frontdesk2", "9.9.1", True),
        }
    b.registry.rename("Front desk 2")
    assert a.row("st_b").name == "Front desk 2"
    b.registry.register()  # b starts again: the name set in Settings stays
    assert a.row("st_b").name == "Front desk 2"


def test_a_name_is_bounded_and_a_refused_one_changes_nothing(
    two: tuple[Station, Station],
) -> None:
    a, _b = two
    a.registry.register()
    longest = "é" * 60  # sixty characters (120 bytes): the column holds characters
    assert a.registry.rename(longest) == longest
    assert a.row("st_a").name == longest
    with pytest.raises(FormErrors):
        a.registry.rename("é" * 61)
    assert a.row("st_a").name == longest


def test_the_leader_flag_moves_with_the_lock(two: tuple[Station, Station]) -> None:
    a, b = two
    a.registry.heartbeat(True)
    b.registry.heartbeat(False)
    shared = a.registry.shared
    leader = b.registry.leader()
    assert (leader.id if leader is not None else None) == ("st_a" if shared else None)
    # b takes over (a crashed): its first beat clears a's flag at once.
    b.registry.heartbeat(True)
    assert a.row("st_a").leader is False and a.row("st_b").leader is True
    leader = a.registry.leader()
    assert (leader.id if leader is not None else None) == ("st_b" if shared else None)


def test_a_station_gone_quiet_is_offline_by_the_databases_clock(
    two: tuple[Station, Station],
) -> None:
    a, b = two
    a.registry.register()
    b.registry.register()
    # b's last beat, 45 s ago by the database's own clock.
    with b.engine.begin() as conn:
        now = conn.execute(select(db_now(b.engine))).scalar_one()
        conn.execute(
            stations.update()
            .where(stations.c.id == "st_b")
            .values(last_seen=now - timedelta(seconds=45))
        )
    quiet = a.row("st_b")
    assert not quiet.online
    assert 45 <= quiet.seen_seconds_ago < 60
    b.registry.heartbeat(False)
    assert a.row("st_b").online


def test_no_station_time_is_ever_sent_to_the_table(two: tuple[Station, Station]) -> None:
    """A station whose clock is wrong by hours writes the same rows: it sends no time at all;
    the database stamps started_at and last_seen."""
    a, _b = two
    sent: list[object] = []

    @event.listens_for(a.engine, "before_cursor_execute")
    def capture(conn: Any, cursor: Any, statement: str, params: Any, *rest: Any) -> None:
        if "stations" in statement:
            values = params.values() if isinstance(params, dict) else params
            sent.extend(values)

    a.registry.register()
    a.registry.heartbeat(True)
    a.registry.rename("Front desk 1")
    a.registry.listing()
    assert sent, "no statement on the stations table was seen"
    assert [v for v in sent if isinstance(v, datetime | date | str) and _timelike(v)] == []


def _timelike(value: object) -> bool:
    if isinstance(value, datetime | date):
        return True
    try:
        datetime.fromisoformat(str(value))
    except ValueError:
        return False
    return True


@pytest.mark.postgres
def test_a_station_in_a_far_time_zone_is_seen_in_utc(postgres_url: str) -> None:
    """Kiritimati is 14 h ahead of UTC: a session there must still stamp UTC, or the row
    would look written 14 h from now to everyone else."""
    far = Station(postgres_url, "st_far", "kiritimati", options="-c timezone=Pacific/Kiritimati")
    here = Station(postgres_url, "st_here", "here", options="-c timezone=UTC")
    try:
        with far.engine.connect() as conn:
            assert conn.execute(text("SHOW timezone")).scalar() == "Pacific/Kiritimati"
        far.registry.register()
        far.registry.heartbeat(True)
        with here.engine.connect() as conn:
            utc_now = conn.execute(text("SELECT now() AT TIME ZONE 'UTC'")).scalar_one()
        seen = here.row("st_far")
        assert seen.online
        assert abs(seen.last_seen - utc_now.replace(tzinfo=UTC)) < timedelta(seconds=30)
        assert abs(seen.started_at - utc_now.replace(tzinfo=UTC)) < timedelta(seconds=30)
        assert abs(seen.seen_seconds_ago) < 30
    finally:
        far.engine.dispose()
        here.engine.dispose()


# -- migration 0013 -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", DB_KINDS)
def test_migration_0013_adds_the_stations_table(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0012")
            assert "stations" not in inspect(engine).get_table_names()
            migrate(engine)
            columns = {c["name"]: c for c in inspect(engine).get_columns("stations")}
            assert set(columns) == {
                "id",
                "name",
                "version",
                "started_at",
                "last_seen",
                "leader",
            }
            assert inspect(engine).get_pk_constraint("stations")["constrained_columns"] == ["id"]
            # The leader flag defaults to false in the database itself (rows added by hand).
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO stations (id, name, version, started_at, last_seen) "
                        "VALUES ('st_x', 'X', '1', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    )
                )
            store = SqlStationStore(engine)
            store.register("st_y", "Y", "0.1.0")
            rows = {r.id: r for r in store.rows()}
            assert rows["st_x"].leader is False
            assert rows["st_y"].online
        finally:
            engine.dispose()
