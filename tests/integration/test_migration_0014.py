"""Migration 0014: the conversion count's index holds the status (issue 13 item 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from pos_app.store.database import make_engine, migrate
from tests.integration.interleave import DB_KINDS
from tests.migrate_to import empty_database_url, index_columns, upgrade_to


@pytest.mark.parametrize("kind", DB_KINDS)
def test_0014_swaps_the_links_index_for_one_with_the_status(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0013")
            before = index_columns(engine, "payments")
            assert before["ix_payments_method_created_at"] == ["method", "created_at"]
            assert "ix_payments_method_created_status" not in before
            migrate(engine)
            after = index_columns(engine, "payments")
            assert after["ix_payments_method_created_status"] == [
                "method",
                "created_at",
                "status",
            ]
            assert "ix_payments_method_created_at" not in after
            if kind == "sqlite":  # no table copy: the closes' triggers are still there
                with engine.connect() as conn:
                    names = conn.execute(
                        text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                    ).scalars()
                    assert {"day_closes_no_update", "day_closes_no_delete"} <= set(names)
        finally:
            engine.dispose()
