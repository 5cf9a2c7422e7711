"""Shared fixtures: a sandbox server per test session, a fresh app per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import stripe

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the developer's real keyring: the app then keeps secrets in its private file
# in each test's own data directory (tests of the keyring path pass an in-memory backend).
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.people import Actor, Role
from pos_app.gateway.backoff import BackoffHTTPClient
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.pg_fixtures import postgres_admin_url, postgres_url  # noqa: F401 (fixtures)

# Who the `app` fixture has signed in: a manager, as at the command line, so tests of money
# work are not refused; tests of permissions sign someone else in (or out) themselves.
TEST_MANAGER = Actor(None, "Test manager", Role.MANAGER)


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    """A sandbox on 127.0.0.1 and a free port, for the whole test session."""
    handle = start_in_thread(tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite3")
    yield handle
    handle.stop()


@pytest.fixture
def stripe_client(sandbox: SandboxHandle) -> stripe.StripeClient:
    """The real SDK pointed at the test sandbox, for reading what "Stripe" holds (waiting
    out its 25 requests/s limit as the app does)."""
    return stripe.StripeClient(
        "sk_test_reader",
        base_addresses={"api": sandbox.url},
        http_client=BackoffHTTPClient(allow_sync_methods=True),
        max_network_retries=0,
    )


@pytest.fixture
def database_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database per test when POS_TEST_POSTGRES_URL names a server.

    e.g. POS_TEST_POSTGRES_URL=postgresql+psycopg://postgres:pg@127.0.0.1/postgres; unset,
    the app uses its default SQLite file in the test's data directory.
    """
    admin_url = os.environ.get("POS_TEST_POSTGRES_URL")
    if not admin_url:
        yield None
        return
    from sqlalchemy import create_engine, make_url

    name = f"pos_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def app_env(tmp_path: Path, sandbox: SandboxHandle, database_url: str | None) -> dict[str, str]:
    """Environment for an app (or a CLI subprocess) on a fresh data dir, using the sandbox."""
    env = {
        "POS_DATA_DIR": str(tmp_path / "data"),
        "POS_STRIPE_API_BASE": sandbox.url,
        "POS_TIMEZONE": "UTC",
    }
    if database_url:
        env["POS_DATABASE_URL"] = database_url
    return env


@pytest.fixture
def app(app_env: dict[str, str]) -> Iterator[AppContext]:
    """A fully wired app on a fresh SQLite database, talking to the test sandbox, with a
    manager signed in at the desk."""
    ctx = open_app(load_config(app_env), sandbox="none")
    ctx.deps.desk.sign_in(TEST_MANAGER)
    yield ctx
    ctx.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `make mutation` the package is mutmut's deliberately changed copy: checks of the
    source files themselves (module sizes, import rules) would judge the mutations' scaffolding,
    not the code, so they are left out there; everywhere else they run."""
    if "MUTANT_UNDER_TEST" not in os.environ:
        return
    kept = [item for item in items if item.get_closest_marker("source_tree") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
