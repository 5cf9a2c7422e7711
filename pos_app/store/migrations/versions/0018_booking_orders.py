"""booking orders: every booking owns an order; payments and refunds point at orders

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06

Issue 14 (docs/orders.md 2.2): the order becomes the thing a customer pays.

1. Every booking without an order gets one, in ``created_at`` order so numbers follow it: one
   service line with the booking's service snapshot and price, quantity 1, tax 0 % and prices
   before tax. Bookings before 0016 carried no tax, so today's rate of the service would be
   wrong for them; with 0 % the order's total equals the booking's ``price_amount`` exactly.
   Its status is derived from the booking's. Batches of 1,000, ids made here.
2. ``payments.order_id`` and ``refunds.order_id``, a plain ADD COLUMN (SQLite's batch mode
   would copy the tables), backfilled from the booking's order; ``ix_payments_order_status``.
   They stay nullable for now: the app writes them (store/repositories.py).
3. Orders gain the booking's money summary and cash claim (``paid_amount``,
   ``refunded_amount``, ``cash_claim``, ``cash_claim_until``), copied from their booking,
   and ``stock_taken`` (false: old bookings' orders hold no products).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000

# The booking's status as its order's (docs/orders.md 2.2); anything else is open, or void
# when the booking was cancelled or not shown with nothing paid.
_STATUS = {
    "paid": "paid",
    "overpaid": "paid",
    "partially_refunded": "partially_refunded",
    "refunded": "refunded",
}

_BOOKINGS = sa.text(
    "SELECT b.id, b.customer_name, b.customer_email, b.customer_phone, b.customer_id, "
    "b.service_id, b.service_name, b.price_amount, b.currency, b.status, b.paid_amount, "
    "b.cancelled, b.no_show, b.created_at, b.created_by, u.name AS user_name "
    "FROM bookings b LEFT JOIN users u ON u.id = b.created_by "
    "WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.booking_id = b.id) "
    "ORDER BY b.created_at, b.id LIMIT :batch"
)
_NUMBER = sa.text("INSERT INTO order_numbers (order_id) VALUES (:order_id)")
_NUMBERS = sa.text("SELECT order_id, number FROM order_numbers WHERE order_id IN :ids").bindparams(
    sa.bindparam("ids", expanding=True)
)
_ORDER = sa.text(
    "INSERT INTO orders (id, number, booking_id, customer_name, customer_email, "
    "customer_phone, customer_id, currency, status, prices_include_tax, tip_base, subtotal, "
    "discount, tax, tip, total, created_at, created_by, created_by_name) VALUES (:id, :number, "
    ":booking_id, :customer_name, :customer_email, :customer_phone, :customer_id, :currency, "
    ":status, :included, 'before_tax', :price, 0, 0, 0, :price, :created_at, :created_by, "
    ":created_by_name)"
).bindparams(sa.bindparam("included", type_=sa.Boolean()))
_LINE = sa.text(
    "INSERT INTO order_lines (order_id, position, kind, service_id, name, unit_amount, "
    "quantity, tax_rate_thousandths, line_discount, order_discount, tax, amount) VALUES "
    "(:order_id, 1, 'service', :service_id, :name, :price, 1, 0, 0, 0, 0, :price)"
)


def _status(row: Any) -> str:
    if row.status in _STATUS:
        return _STATUS[row.status]
    if (row.cancelled or row.no_show or row.status in ("cancelled", "no_show")) and not int(
        row.paid_amount
    ):
        return "void"
    return "open"


def _give_bookings_orders(conn: sa.Connection, batch: int = BATCH) -> None:
    """One order with one service line per booking that has none, a batch at a time."""
    while True:
        rows = conn.execute(_BOOKINGS, {"batch": batch}).all()
        if not rows:
            return
        ids = {row.id: f"ord_{uuid.uuid4().hex}" for row in rows}
        # One statement per row, in created_at order: the numbers follow it.
        conn.execute(_NUMBER, [{"order_id": ids[row.id]} for row in rows])
        numbers = {
            r.order_id: r.number for r in conn.execute(_NUMBERS, {"ids": list(ids.values())})
        }
        conn.execute(
            _ORDER,
            [
                {
                    "id": ids[row.id],
                    "number": numbers[ids[row.id]],
                    "booking_id": row.id,
                    "customer_name": row.customer_name,
                    "customer_email": row.customer_email,
                    "customer_phone": row.customer_phone,
                    "customer_id": row.customer_id,
                    "currency": row.currency,
                    "status": _status(row),
                    "included": False,
                    "price": int(row.price_amount),
                    "created_at": row.created_at,
                    "created_by": row.created_by,
                    "created_by_name": row.user_name or "",
                }
                for row in rows
            ],
        )
        conn.execute(
            _LINE,
            [
                {
                    "order_id": ids[row.id],
                    "service_id": row.service_id,
                    "name": row.service_name,
                    "price": int(row.price_amount),
                }
                for row in rows
            ],
        )


def upgrade() -> None:
    conn = op.get_bind()
    _give_bookings_orders(conn)
    op.add_column("payments", sa.Column("order_id", sa.String(length=40), nullable=True))
    op.add_column("refunds", sa.Column("order_id", sa.String(length=40), nullable=True))
    for table in ("payments", "refunds"):
        op.execute(
            f"UPDATE {table} SET order_id = (SELECT o.id FROM orders o "
            f"WHERE o.booking_id = {table}.booking_id)"
        )
    op.create_index("ix_payments_order_status", "payments", ["order_id", "status"])
    op.create_index(op.f("ix_refunds_order_id"), "refunds", ["order_id"])
    for name in ("paid_amount", "refunded_amount"):
        op.add_column(
            "orders",
            sa.Column(name, sa.BigInteger(), nullable=False, server_default=sa.text("0")),
        )
    # Whether the paid transaction took the order's stock: taken once, however often the
    # money moves afterwards. Old bookings' orders hold no products: nothing to take.
    op.add_column(
        "orders",
        sa.Column("stock_taken", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("orders", sa.Column("cash_claim", sa.String(length=40), nullable=True))
    op.add_column("orders", sa.Column("cash_claim_until", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE orders SET "
        "paid_amount = (SELECT b.paid_amount FROM bookings b WHERE b.id = orders.booking_id), "
        "refunded_amount = "
        "(SELECT b.refunded_amount FROM bookings b WHERE b.id = orders.booking_id), "
        "cash_claim = (SELECT b.cash_claim FROM bookings b WHERE b.id = orders.booking_id), "
        "cash_claim_until = "
        "(SELECT b.cash_claim_until FROM bookings b WHERE b.id = orders.booking_id) "
        "WHERE booking_id IS NOT NULL"
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): no table copy. The bookings' orders stay (0017 has
    # orders with bookings); only what this step added goes.
    for name in ("cash_claim_until", "cash_claim", "stock_taken", "refunded_amount", "paid_amount"):
        op.drop_column("orders", name)
    op.drop_index(op.f("ix_refunds_order_id"), table_name="refunds")
    op.drop_index("ix_payments_order_status", table_name="payments")
    op.drop_column("refunds", "order_id")
    op.drop_column("payments", "order_id")
