"""Migration 0015: the order number's indexes name the status and hold the date (issue 13
item 9), without copying a table."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from pos_app.store.database import make_engine, migrate
from tests.integration.interleave import DB_KINDS
from tests.migrate_to import empty_database_url, index_columns, upgrade_to


@pytest.mark.parametrize("kind", DB_KINDS)
def test_0015_swaps_the_order_number_indexes_for_ones_with_status_and_date(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0014")
            assert index_columns(engine, "payments")["ix_payments_record_seq"] == ["record_seq"]
            assert index_columns(engine, "refunds")["ix_refunds_record_seq"] == ["record_seq"]
            migrate(engine)
            payments, refunds = index_columns(engine, "payments"), index_columns(engine, "refunds")
            assert payments["ix_payments_status_seq_paid_at"] == ["status", "record_seq", "paid_at"]
            assert refunds["ix_refunds_status_seq_created_at"] == [
                "status",
                "record_seq",
                "created_at",
            ]
            assert "ix_payments_record_seq" not in payments
            assert "ix_refunds_record_seq" not in refunds
            assert refunds["ix_refunds_reversed_seq"] == ["reversed_seq"]  # kept
            if kind == "sqlite":  # no table copy: the closes' triggers are still there
                with engine.connect() as conn:
                    names = conn.execute(
                        text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                    ).scalars()
                    assert {"day_closes_no_update", "day_closes_no_delete"} <= set(names)
        finally:
            engine.dispose()
