"""Two stations on one database, each with a clock and a gateway the test controls.

The race tests (cash, cancel and no-show) act in the gap between a station closing a card
link at Stripe and writing its change: ``HookedGateway.after_expire`` runs right after the
next expire call returns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pos_app.app import AppContext, open_app, wire_services
from pos_app.config import load_config
from pos_app.services.bookings import BookingService
from pos_app.services.cash import CashService
from pos_app.services.checkout import CheckoutService
from pos_app.services.payment_sync import SyncService
from tests.conftest import TEST_MANAGER
from tests.integration.helpers import MovableClock


class HookedGateway:
    """A station's gateway that counts expire calls and runs ``after_expire`` (once) right
    after the next one returns: the station has closed the link and not yet written."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.after_expire: Callable[[], None] | None = None
        self.expired: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def expire_checkout_session(self, session_id: str, *, idempotency_key: str) -> Any:
        self.expired.append(session_id)
        result = self.real.expire_checkout_session(session_id, idempotency_key=idempotency_key)
        hook, self.after_expire = self.after_expire, None
        if hook is not None:
            hook()
        return result


@dataclasses.dataclass
class Station:
    """One desk: the app, and services built on its own clock and hooked gateway."""

    app: AppContext
    clock: MovableClock
    gateway: HookedGateway
    checkout: CheckoutService
    cash: CashService
    sync: SyncService
    bookings: BookingService


def station(env: dict[str, str]) -> Station:
    """A signed-in station opened on ``env`` (no sandbox of its own)."""
    app = open_app(load_config(env), sandbox="none")
    app.deps.desk.sign_in(TEST_MANAGER)
    clock, gateway = MovableClock(), HookedGateway(app.deps.gateway)
    deps = dataclasses.replace(app.deps, clock=clock, gateway=gateway)
    s = wire_services(deps)
    return Station(app, clock, gateway, s.checkout, s.cash, s.sync, s.bookings)


def two_stations(
    sandbox_url: str, tmp_path: Path, database_url: str | None = None
) -> Iterator[tuple[Station, Station]]:
    """The acting station and a second one on the same database (SQLite in the first one's
    folder, or ``database_url``); closed afterwards."""
    env = {
        "POS_DATA_DIR": str(tmp_path / "one"),
        "POS_STRIPE_API_BASE": sandbox_url,
        "POS_TIMEZONE": "UTC",
    }
    if database_url is not None:
        env["POS_DATABASE_URL"] = database_url
    first = station(env)
    second = station(
        {
            **env,
            "POS_DATA_DIR": str(tmp_path / "two"),
            "POS_DATABASE_URL": first.app.config.database_url,
        }
    )
    assert first.app.deps.policy.station_id != second.app.deps.policy.station_id
    try:
        yield first, second
    finally:
        second.app.close()
        first.app.close()
