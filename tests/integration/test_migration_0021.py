"""Migration 0021: orders gain when they were paid in full (``paid_seq``, ``paid_at``,
``paid_payment_id``; docs/orders.md 4.5), backfilled from the payments of orders already
paid; it goes back down cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from pos_app.store.database import make_engine
from tests.integration.interleave import DB_KINDS
from tests.integration.test_migration_0018 import _fill
from tests.migrate_to import MIGRATIONS, empty_database_url, upgrade_to


@pytest.mark.parametrize("kind", DB_KINDS)
def test_0021_backfills_paid_orders_from_their_payments(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0017")
            _fill(engine)  # bk_c paid (pay_1 card, pay_2 cash), bk_a part refunded, bk_b void
            upgrade_to(engine, "0019")
            with engine.begin() as conn:
                for pid, seq, at in (
                    ("pay_1", 7, "2026-12-01 10:00:00"),
                    ("pay_2", 9, "2026-12-01 10:05:00"),  # numbered last: completed bk_c's
                    ("pay_3", 8, "2026-12-02 12:00:00"),
                ):
                    conn.execute(
                        text("UPDATE payments SET record_seq = :seq, paid_at = :at WHERE id = :id"),
                        {"seq": seq, "at": at, "id": pid},
                    )
            upgrade_to(engine, "0021")
            with engine.connect() as conn:
                found = conn.execute(
                    text(
                        "SELECT booking_id, paid_seq, paid_at, paid_payment_id FROM orders "
                        "ORDER BY booking_id"
                    )
                ).all()
            as_text = [(b, s, str(a)[:19] if a else None, p) for b, s, a, p in found]
            assert as_text == [
                ("bk_a", 8, "2026-12-02 12:00:00", "pay_3"),
                ("bk_b", None, None, None),  # never paid: not a sale
                ("bk_c", 9, "2026-12-01 10:05:00", "pay_2"),
            ]
            indexes = {i["name"] for i in inspect(engine).get_indexes("orders")}
            assert {
                "ix_orders_paid_seq",
                "ix_orders_paid_at",
                "ix_orders_paid_payment_id",
            } <= indexes

            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, "0020")
            columns = {c["name"] for c in inspect(engine).get_columns("orders")}
            assert not {"paid_seq", "paid_at", "paid_payment_id"} & columns
        finally:
            engine.dispose()
