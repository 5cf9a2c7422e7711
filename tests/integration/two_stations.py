"""Two stations on one database and one sandbox with test controls, both signed in as a
manager: the setup of the resend tests, where station 2 finishes what station 1 began."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
import stripe

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.conftest import TEST_MANAGER


@dataclasses.dataclass
class Stations:
    """One sandbox with test controls, and two stations sharing one database."""

    sandbox: SandboxHandle
    first: AppContext
    second: AppContext


def two_stations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stations]:
    """Start them (yield from this in a fixture); everything is closed afterwards."""
    # The SDK's own retries stay on (same key each time); only its sleeps are shortened.
    monkeypatch.setattr(stripe._http_client.HTTPClient, "INITIAL_DELAY", 0.01)
    monkeypatch.setattr(stripe._http_client.HTTPClient, "MAX_DELAY", 0.05)
    handle = start_in_thread(tmp_path / "sandbox.sqlite3", enable_controls=True)
    env = {"POS_STRIPE_API_BASE": handle.url, "POS_TIMEZONE": "UTC"}
    first = open_app(load_config({**env, "POS_DATA_DIR": str(tmp_path / "one")}), sandbox="none")
    second = open_app(
        load_config(
            {
                **env,
                "POS_DATA_DIR": str(tmp_path / "two"),
                "POS_DATABASE_URL": first.config.database_url,
            }
        ),
        sandbox="none",
    )
    for ctx in (first, second):
        ctx.deps.desk.sign_in(TEST_MANAGER)  # refunds need a manager
    assert first.deps.policy.station_id != second.deps.policy.station_id
    try:
        yield Stations(handle, first, second)
    finally:
        second.close()
        first.close()
        handle.stop()
