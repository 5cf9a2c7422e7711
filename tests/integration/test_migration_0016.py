"""Migration 0016: products, stock adjustments and promo codes; services keep their prices
and gain a tax rate of 0 % (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from pos_app.store.database import make_engine, migrate
from tests.integration.interleave import DB_KINDS
from tests.migrate_to import empty_database_url, upgrade_to


@pytest.mark.parametrize("kind", DB_KINDS)
def test_0016_adds_the_tables_and_gives_services_no_tax(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0015")
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO services (id, name, duration_minutes, price_amount, "
                        "currency, active) VALUES ('svc_cut', 'Haircut', 30, 3500, 'usd', true)"
                    )
                )
            migrate(engine)
            tables = set(inspect(engine).get_table_names())
            assert {"products", "stock_adjustments", "promo_codes"} <= tables
            with engine.connect() as conn:
                row = conn.execute(
                    text("SELECT price_amount, tax_rate_thousandths FROM services")
                ).one()
            assert tuple(row) == (3500, 0)
            insert = (
                "INSERT INTO products (id, name, price_amount, currency, active, created_at, "
                "stock) VALUES (:id, :name, 1200, 'usd', true, '2026-12-06 10:00:00', :stock)"
            )
            with engine.begin() as conn:
                conn.execute(text(insert), {"id": "p1", "name": "Shampoo", "stock": 0})
            # Below zero, or a second "shampoo" in another case: the database refuses.
            for values in (
                {"id": "p2", "name": "Gel", "stock": -1},
                {"id": "p3", "name": "SHAMPOO", "stock": 1},
            ):
                with pytest.raises(IntegrityError), engine.begin() as conn:
                    conn.execute(text(insert), values)
        finally:
            engine.dispose()
