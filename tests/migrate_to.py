"""Empty databases and partial migrations, for the tests of migrations themselves (the
``postgres_url`` fixture hands out databases already at the newest schema)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from pos_app.store.database import MIGRATIONS, sqlite_url
from tests.pg_fixtures import _create, _drop, _url_for


@contextmanager
def empty_database_url(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of ``kind`` ("sqlite" or "postgresql"), dropped after."""
    if kind == "sqlite":
        yield sqlite_url(tmp_path / f"empty-{uuid.uuid4().hex[:8]}.sqlite3")
        return
    admin_url = request.getfixturevalue("postgres_admin_url").split("#template=")[0]
    name = f"pos_empty_{uuid.uuid4().hex[:12]}"
    _create(admin_url, name)
    try:
        yield _url_for(admin_url, name)
    finally:
        _drop(admin_url, name)


def upgrade_to(engine: Engine, revision: str) -> None:
    """Run the app's migrations up to ``revision`` (as an older pos-app left the database)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        sqlite = engine.dialect.name == "sqlite"
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")  # as the app migrates (table copies)
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys=ON")


def downgrade_to(engine: Engine, revision: str) -> None:
    """Run the app's migrations down to ``revision``, with SQLite's foreign keys off as the
    app migrates (a downgrade may copy a table, as 0020's does)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        sqlite = engine.dialect.name == "sqlite"
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys=ON")


def index_columns(engine: Engine, table: str) -> dict[str, list[str]]:
    """A table's indexes as the database reports them: name → its columns, in order."""
    found = inspect(engine).get_indexes(table)
    return {str(i["name"]): [str(c) for c in i["column_names"]] for i in found}
