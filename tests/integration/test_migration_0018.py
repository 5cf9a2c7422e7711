"""Migration 0018: every booking gets an order whose total is its price, and its payments and
refunds point at that order (issue 14, docs/orders.md 2.2); it goes back down cleanly."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from pos_app.store.database import make_engine, migrate
from tests.integration.interleave import DB_KINDS
from tests.migrate_to import downgrade_to, empty_database_url, upgrade_to

BOOKING = (
    "INSERT INTO bookings (id, customer_name, customer_email, customer_phone, service_id, "
    "service_name, starts_at, ends_at, price_amount, currency, status, paid_amount, "
    "refunded_amount, cancelled, notes, created_at, no_show, holds_slot, created_by, "
    "cash_claim) VALUES (:id, :name, :email, NULL, 'svc_cut', :service, '2026-12-01 10:00:00', "
    "'2026-12-01 10:30:00', :price, 'usd', :status, :paid, :refunded, :cancelled, '', "
    ":created, false, true, :by, :claim)"
)
PAYMENT = (
    "INSERT INTO payments (id, booking_id, method, status, amount, currency, idempotency_key, "
    "created_at) VALUES (:id, :booking, :method, 'succeeded', :amount, 'usd', :id, "
    "'2026-12-01 10:00:00')"
)
REFUND = (
    "INSERT INTO refunds (id, payment_id, booking_id, amount, currency, status, "
    "idempotency_key, created_at, note) VALUES (:id, :payment, :booking, :amount, 'usd', "
    "'succeeded', :id, '2026-12-01 11:00:00', '')"
)


def _fill(engine: object) -> None:
    with engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            text(
                "INSERT INTO services (id, name, duration_minutes, price_amount, currency, "
                "active, tax_rate_thousandths) VALUES ('svc_cut', 'Haircut', 30, 3500, 'usd', "
                "true, 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO users (id, name, role, pin_hash, created_at, active) VALUES "
                "('usr_sam', 'Sam', 'staff', 'x', '2026-11-01 09:00:00', true)"
            )
        )
        # Created out of id order: numbers must follow created_at, not ids.
        bookings = [
            # paid in full, by card 2000 + cash 1800 (a price typed over the list price)
            ("bk_c", "Ada", "ada@example.com", "Cut (old name)", 3800, "paid", 3800, 0, False,
             "2026-11-20 09:00:00", "usr_sam", None),
            # partly refunded: card 3500, 1000 back
            ("bk_a", "Bo", None, "Haircut", 3500, "partially_refunded", 3500, 1000, False,
             "2026-11-21 09:00:00", None, "usr_sam"),
            # cancelled with nothing paid
            ("bk_b", "Cy", None, "Haircut", 3500, "cancelled", 0, 0, True,
             "2026-11-22 09:00:00", None, None),
        ]  # fmt: skip
        keys = [
            "id",
            "name",
            "email",
            "service",
            "price",
            "status",
            "paid",
            "refunded",
            "cancelled",
            "created",
            "by",
            "claim",
        ]
        for values in bookings:
            conn.execute(text(BOOKING), dict(zip(keys, values, strict=True)))
        for pid, booking, method, amount in (
            ("pay_1", "bk_c", "card", 2000),
            ("pay_2", "bk_c", "cash", 1800),
            ("pay_3", "bk_a", "card", 3500),
        ):
            conn.execute(
                text(PAYMENT), {"id": pid, "booking": booking, "method": method, "amount": amount}
            )
        conn.execute(
            text(REFUND), {"id": "re_1", "payment": "pay_3", "booking": "bk_a", "amount": 1000}
        )


@pytest.mark.parametrize("kind", DB_KINDS)
def test_0018_gives_each_booking_its_order_and_moves_money_onto_it(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0017")
            _fill(engine)
            migrate(engine)
            with engine.connect() as conn:
                found = conn.execute(
                    text(
                        "SELECT booking_id, id, number, status, subtotal, discount, tax, tip, "
                        "total, customer_name, customer_email, created_by_name, paid_amount, "
                        "refunded_amount, cash_claim, prices_include_tax, stock_taken FROM orders "
                        "ORDER BY number"
                    )
                ).all()
                lines = conn.execute(
                    text(
                        "SELECT o.booking_id, l.position, l.kind, l.service_id, l.name, "
                        "l.unit_amount, l.quantity, l.tax_rate_thousandths, l.tax, l.amount "
                        "FROM order_lines l JOIN orders o ON o.id = l.order_id ORDER BY o.number"
                    )
                ).all()
                pays = dict(conn.execute(text("SELECT id, order_id FROM payments")).all())
                refunds = dict(conn.execute(text("SELECT id, order_id FROM refunds")).all())
            # One order per booking, numbered in created_at order (bk_c, bk_a, bk_b).
            assert [r.booking_id for r in found] == ["bk_c", "bk_a", "bk_b"]
            assert [r.number for r in found] == [1, 2, 3]
            assert [r.status for r in found] == ["paid", "partially_refunded", "void"]
            # The total is the booking's price exactly: no tax, no discount, no tip.
            assert [(r.subtotal, r.discount, r.tax, r.tip, r.total) for r in found] == [
                (3800, 0, 0, 0, 3800),
                (3500, 0, 0, 0, 3500),
                (3500, 0, 0, 0, 3500),
            ]
            assert not any(r.prices_include_tax or r.stock_taken for r in found)
            assert [(r.customer_name, r.customer_email) for r in found] == [
                ("Ada", "ada@example.com"),
                ("Bo", None),
                ("Cy", None),
            ]
            assert [r.created_by_name for r in found] == ["Sam", "", ""]
            assert [(r.paid_amount, r.refunded_amount, r.cash_claim) for r in found] == [
                (3800, 0, None),
                (3500, 1000, "usr_sam"),
                (0, 0, None),
            ]
            assert [tuple(line) for line in lines] == [
                ("bk_c", 1, "service", "svc_cut", "Cut (old name)", 3800, 1, 0, 0, 3800),
                ("bk_a", 1, "service", "svc_cut", "Haircut", 3500, 1, 0, 0, 3500),
                ("bk_b", 1, "service", "svc_cut", "Haircut", 3500, 1, 0, 0, 3500),
            ]
            order_of = {r.booking_id: r.id for r in found}
            assert pays == {
                "pay_1": order_of["bk_c"],
                "pay_2": order_of["bk_c"],
                "pay_3": order_of["bk_a"],
            }
            assert refunds == {"re_1": order_of["bk_a"]}
            indexes = {i["name"] for i in inspect(engine).get_indexes("payments")}
            assert "ix_payments_order_status" in indexes
            migrate(engine)  # a second start changes nothing
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM orders")).scalar_one() == 3
            downgrade_to(engine, "0017")
            columns = {c["name"] for c in inspect(engine).get_columns("payments")}
            assert "order_id" not in columns
            with engine.connect() as conn:
                assert conn.execute(text("SELECT sum(amount) FROM payments")).scalar_one() == 7300
        finally:
            engine.dispose()


@pytest.mark.parametrize("kind", DB_KINDS)
def test_0018_works_in_batches(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """More bookings than one batch: each gets exactly one order, numbers in created_at order."""
    module = importlib.import_module("pos_app.store.migrations.versions.0018_booking_orders")
    with empty_database_url(kind, request, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade_to(engine, "0017")
            _fill(engine)
            with engine.begin() as conn:
                module._give_bookings_orders(conn, batch=2)
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT booking_id FROM orders ORDER BY number"))
                assert rows.scalars().all() == ["bk_c", "bk_a", "bk_b"]
                lines = conn.execute(text("SELECT count(*) FROM order_lines")).scalar_one()
            assert lines == 3
        finally:
            engine.dispose()
