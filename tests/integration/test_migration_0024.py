"""Migration 0024: the audit log gains its detail's marked sentence and values, NULL on the
rows already there (shown as stored), stays append-only, and goes back down (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from pos_app.store.database import make_engine, migrate
from tests.integration.interleave import DB_KINDS
from tests.migrate_to import MIGRATIONS, empty_database_url, upgrade_to

OLD_ROW = (
    "INSERT INTO audit_log (at, actor_name, action, stripe_ids, detail) "
    "VALUES ('2026-12-01 10:00:00', 'Alex', 'cash.received', '', 'Cash for Haircut, Ada')"
)


@pytest.mark.parametrize("kind", DB_KINDS)
def test_0024_keeps_old_details_as_stored_stays_append_only_and_goes_back_down(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0023")
            with engine.begin() as conn:
                conn.execute(text(OLD_ROW))
            migrate(engine)
            with engine.connect() as conn:
                row = conn.execute(
                    text("SELECT detail, detail_template, detail_params FROM audit_log")
                ).one()
            assert tuple(row) == ("Cash for Haircut, Ada", None, None)
            # Added in place: the append-only triggers of 0004 are still there.
            with pytest.raises(DBAPIError, match="append_only"), engine.begin() as conn:
                conn.execute(text("UPDATE audit_log SET detail_template = 'x'"))
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, "0023")
            columns = {c["name"] for c in inspect(engine).get_columns("audit_log")}
            assert not {"detail_template", "detail_params"} & columns and "detail" in columns
            with pytest.raises(DBAPIError, match="append_only"), engine.begin() as conn:
                conn.execute(text("DELETE FROM audit_log"))
        finally:
            engine.dispose()
