"""Migration 0020: payments and refunds belong to an order (NOT NULL, a foreign key) and may
have no booking (a walk-in's); existing rows are unchanged; downgrade works while no walk-in
money exists and refuses with a sentence once it does (issue 14, docs/orders.md 2.2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from pos_app.store.database import make_engine, migrate
from tests.integration.interleave import DB_KINDS
from tests.integration.test_migration_0018 import _fill
from tests.migrate_to import downgrade_to, empty_database_url, index_columns, upgrade_to

_PAYMENTS = "SELECT id, booking_id, order_id, method, amount FROM payments ORDER BY id"
_REFUNDS = "SELECT id, payment_id, booking_id, order_id, amount FROM refunds ORDER BY id"
WALK_IN_ORDER = (
    "INSERT INTO orders (id, number, currency, status, prices_include_tax, tip_base, "
    "subtotal, discount, tax, tip, total, created_at, created_by_name, customer_name) VALUES "
    "('ord_walk', 99, 'usd', 'open', false, 'before_tax', 1200, 0, 0, 0, 1200, "
    "'2026-12-01 12:00:00', '', '')"
)
WALK_IN_PAYMENT = (
    "INSERT INTO payments (id, booking_id, order_id, method, status, amount, currency, "
    "idempotency_key, created_at) VALUES ('pay_walk', NULL, 'ord_walk', 'cash', 'succeeded', "
    "1200, 'usd', 'k_walk', '2026-12-01 12:00:00')"
)


def _nullable(engine: Engine, table: str) -> dict[str, bool]:
    cols = inspect(engine).get_columns(table)
    return {c["name"]: bool(c["nullable"]) for c in cols if c["name"].endswith("_id")}


@pytest.mark.parametrize("kind", DB_KINDS)
def test_0020_makes_order_the_payable_and_keeps_every_row(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0017")
            _fill(engine)  # 0018's rows: paid card + cash, partly refunded, cancelled unpaid
            upgrade_to(engine, "0018")
            with engine.connect() as conn:
                before = (conn.execute(text(_PAYMENTS)).all(), conn.execute(text(_REFUNDS)).all())
            indexes_before = {t: index_columns(engine, t) for t in ("payments", "refunds")}
            # 0020 itself, not the head: later migrations add indexes of their own (0030).
            upgrade_to(engine, "0020")
            with engine.connect() as conn:
                after = (conn.execute(text(_PAYMENTS)).all(), conn.execute(text(_REFUNDS)).all())
            assert after == before  # every row and every value unchanged
            assert len(after[0]) == 3 and len(after[1]) == 1
            # Every index kept through SQLite's table copy.
            assert {t: index_columns(engine, t) for t in ("payments", "refunds")} == indexes_before
            migrate(engine)
            for table in ("payments", "refunds"):
                nullable = _nullable(engine, table)
                assert nullable["booking_id"] and not nullable["order_id"]
                fks = inspect(engine).get_foreign_keys(table)
                assert {(f["referred_table"], tuple(f["constrained_columns"])) for f in fks} >= {
                    ("bookings", ("booking_id",)),
                    ("orders", ("order_id",)),
                }
            with engine.begin() as conn:
                conn.execute(text(WALK_IN_ORDER))
                conn.execute(text(WALK_IN_PAYMENT))  # a walk-in's payment: no booking
            with pytest.raises(IntegrityError), engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO payments (id, booking_id, order_id, method, status, "
                        "amount, currency, idempotency_key, created_at) VALUES ('pay_x', NULL, "
                        "'ord_nowhere', 'cash', 'succeeded', 1, 'usd', 'k_x', "
                        "'2026-12-01 12:00:00')"
                    )
                )
            # The older schema cannot hold the walk-in's cash: downgrade says so, changes nothing.
            with pytest.raises(RuntimeError, match="walk-in orders"):
                downgrade_to(engine, "0019")
            with engine.begin() as conn:
                conn.execute(text("DELETE FROM payments WHERE id = 'pay_walk'"))
            downgrade_to(engine, "0019")
            with engine.connect() as conn:
                down = (conn.execute(text(_PAYMENTS)).all(), conn.execute(text(_REFUNDS)).all())
            assert down == before
            assert not _nullable(engine, "payments")["booking_id"]
            assert {t: index_columns(engine, t) for t in ("payments", "refunds")} == indexes_before
            migrate(engine)  # and up again
            assert not _nullable(engine, "refunds")["order_id"]
        finally:
            engine.dispose()
