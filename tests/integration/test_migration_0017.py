"""Migration 0017: orders, their lines and their numbers; existing data is untouched, the
CHECKs refuse figures that do not add up, and the step goes back down cleanly (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from pos_app.store.database import make_engine, migrate
from tests.integration.interleave import DB_KINDS
from tests.migrate_to import downgrade_to, empty_database_url, upgrade_to

ORDER = (
    "INSERT INTO orders (id, number, customer_name, currency, status, prices_include_tax, "
    "tip_base, subtotal, discount, tax, tip, total, created_at, created_by_name) VALUES "
    "(:id, :number, '', 'usd', 'open', :included, 'before_tax', 2400, 240, 192, 100, :total, "
    "'2026-12-06 10:00:00', 'Sam')"
)


@pytest.mark.parametrize("kind", DB_KINDS)
def test_0017_adds_orders_whose_figures_must_add_up(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0016")
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO services (id, name, duration_minutes, price_amount, "
                        "currency, active) VALUES ('svc_cut', 'Haircut', 30, 3500, 'usd', true)"
                    )
                )
            migrate(engine)
            tables = set(inspect(engine).get_table_names())
            assert {"orders", "order_lines", "order_numbers"} <= tables
            with engine.begin() as conn:
                # Tax added: 2400 − 240 + 192 + 100 = 2452; included: 2400 − 240 + 100 = 2260.
                conn.execute(
                    text(ORDER), {"id": "o1", "number": 1, "included": False, "total": 2452}
                )
                conn.execute(
                    text(ORDER), {"id": "o2", "number": 2, "included": True, "total": 2260}
                )
            for values in (
                {"id": "o3", "number": 3, "included": False, "total": 2260},  # tax left out
                {"id": "o4", "number": 4, "included": True, "total": 2452},  # tax counted twice
                {"id": "o5", "number": 1, "included": False, "total": 2452},  # number taken
            ):
                with pytest.raises(IntegrityError), engine.begin() as conn:
                    conn.execute(text(ORDER), values)
            line = (
                "INSERT INTO order_lines (order_id, position, kind, product_id, service_id, "
                "name, unit_amount, quantity, tax_rate_thousandths, line_discount, "
                "order_discount, tax, amount) VALUES ('o1', :position, :kind, NULL, :service, "
                "'Haircut', 3500, :quantity, 0, 0, 0, 0, 3500)"
            )
            with engine.begin() as conn:
                conn.execute(
                    text(line),
                    {"position": 1, "kind": "service", "service": "svc_cut", "quantity": 1},
                )
            for values in (
                {"position": 2, "kind": "product", "service": "svc_cut", "quantity": 1},
                {"position": 3, "kind": "service", "service": "svc_cut", "quantity": 0},
                {"position": 1, "kind": "service", "service": "svc_cut", "quantity": 1},
            ):
                with pytest.raises(IntegrityError), engine.begin() as conn:
                    conn.execute(text(line), values)
            downgrade_to(engine, "0016")
            tables = set(inspect(engine).get_table_names())
            assert not {"orders", "order_lines", "order_numbers"} & tables
            with engine.connect() as conn:
                assert conn.execute(text("SELECT price_amount FROM services")).scalar_one() == 3500
        finally:
            engine.dispose()
