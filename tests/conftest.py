"""Shared fixtures: a sandbox server per test session, a fresh app per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.sandbox.runner import SandboxHandle, start_in_thread


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    """A sandbox on 127.0.0.1 and a free port, for the whole test session."""
    handle = start_in_thread(tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite3")
    yield handle
    handle.stop()


@pytest.fixture
def app_env(tmp_path: Path, sandbox: SandboxHandle) -> dict[str, str]:
    """Environment for an app (or a CLI subprocess) on a fresh data dir, using the sandbox."""
    return {
        "POS_DATA_DIR": str(tmp_path / "data"),
        "POS_STRIPE_API_BASE": sandbox.url,
        "POS_TIMEZONE": "UTC",
    }


@pytest.fixture
def app(app_env: dict[str, str]) -> Iterator[AppContext]:
    """A fully wired app on a fresh SQLite database, talking to the test sandbox."""
    ctx = open_app(load_config(app_env), sandbox="none")
    yield ctx
    ctx.close()
