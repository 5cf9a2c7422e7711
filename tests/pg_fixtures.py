"""PostgreSQL fixtures: one server per test session (per xdist worker), a fresh database
per test, built from a template the app's own migrations made once.

``POS_TEST_POSTGRES_URL`` (an admin URL) uses a server that is already running instead of
starting one. Tests that need PostgreSQL are marked ``@pytest.mark.postgres``; where
PostgreSQL's programs (or the psycopg driver) are missing they are skipped with a sentence
naming what is missing (``POS_TEST_REQUIRE_POSTGRES=1``, for CI, makes that an error). Each
pytest-xdist worker is a session of its own: its own server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import NoReturn

import pytest

from tests.pg_server import PostgresUnavailable, start_server

TEMPLATE = "pos_template"


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """The admin URL of a PostgreSQL server for this session, with a migrated template."""
    try:
        import psycopg  # noqa: F401 (the driver the URLs name)
    except ImportError:
        _missing("psycopg is not installed: pip install -e '.[dev,postgres]' (as make does).")
    given = os.environ.get("POS_TEST_POSTGRES_URL")
    server = None
    if given:
        admin_url = given
    else:
        try:
            server = start_server()
        except PostgresUnavailable as missing:
            _missing(str(missing))
        admin_url = server.admin_url
    template = f"{TEMPLATE}_{uuid.uuid4().hex[:8]}"
    try:
        _create(admin_url, template)
        _migrate(_url_for(admin_url, template))
        yield f"{admin_url}#template={template}"
        _drop(admin_url, template)
    finally:
        if server is not None:
            server.stop()


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test (dropped afterwards)."""
    admin_url, template = postgres_admin_url.split("#template=")
    name = f"pos_test_{uuid.uuid4().hex[:12]}"
    _create(admin_url, name, template=template)
    yield _url_for(admin_url, name)
    _drop(admin_url, name)


def _missing(sentence: str) -> NoReturn:
    """Skip the PostgreSQL tests, saying why; with POS_TEST_REQUIRE_POSTGRES=1 (CI) fail."""
    if os.environ.get("POS_TEST_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here: {sentence}", pytrace=False)
    pytest.skip(sentence)


def _url_for(admin_url: str, database: str) -> str:
    from sqlalchemy import make_url

    return make_url(admin_url).set(database=database).render_as_string(hide_password=False)


def _create(admin_url: str, name: str, *, template: str | None = None) -> None:
    from sqlalchemy import create_engine

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{suffix}')
    finally:
        admin.dispose()


def _drop(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def _migrate(url: str) -> None:
    """The schema, by the app's own migrations (as a station's first start makes it)."""
    from pos_app.store.database import make_engine, migrate

    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()
