"""Migration 0030: PostgreSQL's partial index of the payments dated and recorded in two
different UTC quarter hours (issue 13 item 9, reports at 10,000,000 payments); SQLite is
left as it was (no table copy)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from pos_app.store.database import make_engine, migrate
from tests.integration.interleave import DB_KINDS
from tests.migrate_to import downgrade_to, empty_database_url, index_columns, upgrade_to


def _sqlite_triggers(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.execute(
                text(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'trigger' AND tbl_name = 'payments'"
                )
            ).scalars()
        )


def _definition(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_payments_recorded_late'"
                )
            ).scalar_one()
        )


@pytest.mark.parametrize("kind", DB_KINDS)
def test_0030_indexes_the_payments_recorded_in_another_quarter_hour_on_postgresql(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0029")
            before = _sqlite_triggers(engine) if kind == "sqlite" else set()
            indexes_before = index_columns(engine, "payments")
            migrate(engine)
            indexes = index_columns(engine, "payments")
            if kind == "sqlite":  # nothing changes, no table copy: its triggers are kept
                assert indexes == indexes_before
                assert before and _sqlite_triggers(engine) == before
                return
            assert indexes["ix_payments_recorded_late"] == ["status", "recorded_at", "paid_at"]
            where = _definition(engine).split(" WHERE ", 1)[1]
            assert "date_part('epoch'" in where and "900" in where
            assert indexes["ix_payments_status_recorded_at"] == [  # kept: other reports use it
                "status", "recorded_at", "paid_at"
            ]  # fmt: skip
            downgrade_to(engine, "0029")  # and back down
            assert "ix_payments_recorded_late" not in index_columns(engine, "payments")
        finally:
            engine.dispose()
