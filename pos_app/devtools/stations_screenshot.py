"""The "stations" screenshot: Settings ▸ Stations, as a business with three stations sees it.

The demo day's database is SQLite; the picture shows the list as stations sharing one
PostgreSQL see it (the leader marked), so the station service is given the same table with
``shared`` on. Two other stations are added: one reading Stripe's updates now, one last seen
two hours ago (times set with the database's clock, as the app writes them).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from pos_app.devtools.settings_screenshot import pause, render_settings, wait_for
from pos_app.services.stations import StationService
from pos_app.store.schema import stations
from pos_app.store.stations_repo import SqlStationStore, db_now

if TYPE_CHECKING:
    from pos_app.app import AppContext
    from pos_app.ui.manage.settings_dialog import SettingsDialog

SIZE = (760, 640)
THIS_NAME = "Front desk 1"
OTHERS = (("st_demo_desk2", "Front desk 2", 0, True), ("st_demo_office", "Back office", 2, False))


class SharedStore(SqlStationStore):
    """The demo's table, listed as on a database several computers share."""

    @property
    def shared(self) -> bool:
        """Always, for the picture."""
        return True


def render_stations(ctx: AppContext, _demo: object, path: Path) -> None:
    """Add two other stations, name this one, open Settings on Stations, save as PNG."""
    engine = ctx.deps.uow.engine  # type: ignore[attr-defined]
    store = SharedStore(engine)
    mine = ctx.stations
    this_id = ctx.deps.policy.station_id
    ctx.stations = StationService(
        store,
        station_id=this_id,
        host_name="frontdesk1",
        version=lambda: "0.1.0",
        desk=ctx.deps.desk,
    )
    store.register(this_id, THIS_NAME, "0.1.0")
    store.rename(this_id, THIS_NAME)  # had it registered already, under its host
    for station_id, name, hours_ago, leader in OTHERS:
        store.register(station_id, name, "0.1.0")
        store.beat(station_id, leader)
        if hours_ago:
            with engine.begin() as conn:
                now = conn.execute(select(db_now(engine))).scalar_one()
                conn.execute(
                    stations.update()
                    .where(stations.c.id == station_id)
                    .values(last_seen=now - timedelta(hours=hours_ago, minutes=5))
                )

    def shown(dialog: SettingsDialog) -> None:
        wait_for(
            lambda: len(dialog.stations.rows_text()) == 1 + len(OTHERS),
            "the stations were not listed in time",
        )
        pause(0.05)

    try:
        render_settings(ctx, path, tab="stations", size=SIZE, ready=shown)
    finally:
        ctx.stations = mine
