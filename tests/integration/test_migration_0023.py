"""Migration 0023: customers get a language column, NULL ("not known") for everyone already
there, and it goes back down cleanly (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from pos_app.store.database import make_engine, migrate
from tests.integration.interleave import DB_KINDS
from tests.migrate_to import MIGRATIONS, empty_database_url, upgrade_to


@pytest.mark.parametrize("kind", DB_KINDS)
def test_0023_adds_an_unknown_language_and_goes_back_down(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0022")
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO customers (id, name, email, created_at, search_key, notes) "
                        "VALUES ('cus_1', 'Ada', 'ada@example.com', '2026-12-01 10:00:00', "
                        "'ada', 'no nuts')"
                    )
                )
            migrate(engine)
            with engine.connect() as conn:
                row = conn.execute(text("SELECT name, notes, language FROM customers")).one()
            assert tuple(row) == ("Ada", "no nuts", None)
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, "0022")
            columns = {c["name"] for c in inspect(engine).get_columns("customers")}
            assert "language" not in columns and "notes" in columns
        finally:
            engine.dispose()
