"""Migration 0026: stock adjustments gain their note's marked sentence and values, NULL on
the rows already there (read back as before), and the migration goes back down (issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from pos_app import i18n
from pos_app.domain.products import StockAdjustment, StockReason, note_words
from pos_app.store.database import make_engine, migrate
from tests.integration.interleave import DB_KINDS
from tests.migrate_to import downgrade_to, empty_database_url, upgrade_to

PRODUCT = (
    "INSERT INTO products (id, name, price_amount, currency, active, created_at, stock) "
    "VALUES ('prod_1', 'Shampoo', 950, 'usd', true, '2026-12-01 10:00:00', 4)"
)
OLD_ROW = (
    "INSERT INTO stock_adjustments (product_id, change, stock_after, reason, note, "
    "actor_name, at, order_id) VALUES ('prod_1', -1, 4, 'sale', 'sold on order 12', "
    "'System', '2026-12-01 10:05:00', 'ord_1')"
)


@pytest.mark.parametrize("kind", DB_KINDS)
def test_0026_keeps_old_notes_read_as_before_and_goes_back_down(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0025")
            with engine.begin() as conn:
                conn.execute(text(PRODUCT))
                conn.execute(text(OLD_ROW))
            migrate(engine)
            with engine.connect() as conn:
                row = conn.execute(
                    text("SELECT note, order_id, note_template, note_params FROM stock_adjustments")
                ).one()
            assert tuple(row) == ("sold on order 12", "ord_1", None, None)
            # A row from before 0026 is still said in the reader's language (by its words).
            old = StockAdjustment(
                1, "prod_1", -1, 4, StockReason.SALE, "System", datetime.now(UTC),
                row.note, None, row.order_id, row.note_template, row.note_params,
            )  # fmt: skip
            language = i18n.current_language()
            i18n.set_language("de")
            try:
                assert note_words(old) == "verkauft mit Bestellung 12"
            finally:
                i18n.set_language(language)
            downgrade_to(engine, "0025")
            columns = {c["name"] for c in inspect(engine).get_columns("stock_adjustments")}
            assert not {"note_template", "note_params"} & columns and "note" in columns
            with engine.connect() as conn:
                kept = conn.execute(text("SELECT note FROM stock_adjustments")).scalar_one()
            assert kept == "sold on order 12"
        finally:
            engine.dispose()
