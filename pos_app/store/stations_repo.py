"""The ``stations`` table: each station's row, written with the database's clock.

No time is ever sent from a station: ``started_at`` and ``last_seen`` are set to the
database's own "now" in the statement that writes them, and a station's age is that "now"
minus ``last_seen``, read in the same query. Two stations whose clocks disagree (a PC whose
battery-backed clock drifted, a wrong time zone) therefore still agree on who is online.

The writes are Core statements on the engine, outside the units of work: a heartbeat is not
a change of the business, so it announces nothing to the other stations.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Engine, func, select, type_coerce, update

from pos_app.domain.stations import ID_MAX, NAME_MAX, VERSION_MAX, StationRow
from pos_app.store.schema import UTCDateTime, stations
from pos_app.store.upsert import insert_for

# SQLite's "now" in UTC, written as SQLAlchemy writes datetimes there (microseconds: %f is
# seconds with milliseconds, so three zeros make six digits), so the column reads back alike.
_SQLITE_NOW = "%Y-%m-%d %H:%M:%f000"


def db_now(engine: Engine) -> ColumnElement[Any]:
    """The database's current UTC time as a SQL expression (naive, like the columns)."""
    if engine.dialect.name == "postgresql":
        # now() is a timestamptz: in the column's plain timestamp it would be converted to
        # the session's time zone, so it is turned into UTC explicitly.
        return type_coerce(func.timezone("UTC", func.now()), UTCDateTime())
    return type_coerce(func.strftime(_SQLITE_NOW, "now"), UTCDateTime())


class SqlStationStore:
    """Reads and writes ``stations`` on ``engine`` (see the module)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def shared(self) -> bool:
        """Whether several computers share this database (PostgreSQL)."""
        return self._engine.dialect.name == "postgresql"

    def register(self, station_id: str, name: str, version: str) -> None:
        """Add the station, or note an existing one's version and start (keeping its name)."""
        now = db_now(self._engine)
        values = {
            "id": station_id[:ID_MAX],
            "name": name[:NAME_MAX],
            "version": version[:VERSION_MAX],
            "started_at": now,
            "last_seen": now,
            "leader": False,
        }
        # Both dialects spell an upsert "ON CONFLICT (id) DO UPDATE".
        statement = insert_for(self._engine.dialect.name)(stations).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[stations.c.id],
            set_={
                "version": statement.excluded.version,
                "started_at": now,
                "last_seen": now,
                "leader": False,
            },
        )
        with self._engine.begin() as conn:
            conn.execute(statement)

    def beat(self, station_id: str, leader: bool) -> bool:
        """Seen now, leading or not; False when the station has no row (then register).

        A leader also clears the flag of every other row in the same transaction: it holds
        the lock, so it knows, and a crashed leader's stale flag goes at once.
        """
        key = station_id[:ID_MAX]
        with self._engine.begin() as conn:
            found = conn.execute(
                update(stations)
                .where(stations.c.id == key)
                .values(last_seen=db_now(self._engine), leader=leader)
            ).rowcount
            if found and leader:
                conn.execute(
                    update(stations)
                    .where(stations.c.id != key, stations.c.leader.is_(True))
                    .values(leader=False)
                )
        return bool(found)

    def rename(self, station_id: str, name: str) -> bool:
        """Give the station ``name`` (already checked); False when it has no row."""
        with self._engine.begin() as conn:
            found = conn.execute(
                update(stations)
                .where(stations.c.id == station_id[:ID_MAX])
                .values(name=name[:NAME_MAX])
            ).rowcount
        return bool(found)

    def rows(self) -> list[StationRow]:
        """Every station, online first then by name, its age against the database's now."""
        query = select(stations, db_now(self._engine).label("db_now"))
        with self._engine.connect() as conn:
            found = conn.execute(query).all()
        rows = [
            StationRow(
                id=r.id,
                name=r.name,
                version=r.version,
                started_at=r.started_at,
                last_seen=r.last_seen,
                leader=bool(r.leader),
                seen_seconds_ago=(r.db_now - r.last_seen).total_seconds(),
            )
            for r in found
        ]
        return sorted(rows, key=lambda row: (not row.online, row.name.casefold(), row.id))
