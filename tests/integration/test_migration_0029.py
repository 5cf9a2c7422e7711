"""Migration 0029: orders' order-number index holds the paid time (issue 13 item 9, reports
at 10,000,000 payments), without copying the table."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from pos_app.store.database import make_engine, migrate
from tests.integration.interleave import DB_KINDS
from tests.migrate_to import empty_database_url, index_columns, upgrade_to


def _sqlite_triggers(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orders'"
                )
            ).scalars()
        )


@pytest.mark.parametrize("kind", DB_KINDS)
def test_0029_swaps_the_paid_seq_index_for_one_with_the_paid_time(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0028")
            assert index_columns(engine, "orders")["ix_orders_paid_seq"] == ["paid_seq"]
            before = _sqlite_triggers(engine) if kind == "sqlite" else set()
            migrate(engine)
            indexes = index_columns(engine, "orders")
            assert indexes["ix_orders_paid_seq_paid_at"] == ["paid_seq", "paid_at"]
            assert "ix_orders_paid_seq" not in indexes
            assert indexes["ix_orders_paid_at"] == ["paid_at"]  # kept
            if kind == "sqlite":  # no table copy: export_days' triggers on orders are kept
                assert before and _sqlite_triggers(engine) == before
        finally:
            engine.dispose()
