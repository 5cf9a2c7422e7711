"""order paid seq: the database's order number and time of an order's payment in full

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06

Issue 14 (docs/orders.md 4.5): reports count an order's tips, discounts, tax and lines on the
business day it became paid in full. ``paid_seq`` is the number the paid transaction takes
from ``record_order`` (the lock every writer of money takes), so a day close tells by the
database's order, never a station's clock, whether its Z report counted the order.
``paid_at`` is the time of the payment that completed it (Stripe's time of the charge), and
``paid_payment_id`` that payment: the CSV export shows the order's discount, tax and tip on
its row (docs/csv-export.md).

Orders already paid are backfilled from their payments: the highest order number and the
latest ``paid_at`` of their succeeded payments, and the payment with the highest number.

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PAID = "('paid', 'partially_refunded', 'refunded')"


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite's batch mode would copy the table.
    op.add_column("orders", sa.Column("paid_seq", sa.BigInteger(), nullable=True))
    op.add_column("orders", sa.Column("paid_at", sa.DateTime(), nullable=True))
    op.add_column("orders", sa.Column("paid_payment_id", sa.String(40), nullable=True))
    op.execute(
        "UPDATE orders SET "
        "paid_seq = (SELECT max(p.record_seq) FROM payments p "
        "WHERE p.order_id = orders.id AND p.status = 'succeeded'), "
        "paid_at = (SELECT max(p.paid_at) FROM payments p "
        "WHERE p.order_id = orders.id AND p.status = 'succeeded'), "
        "paid_payment_id = (SELECT p.id FROM payments p "
        "WHERE p.order_id = orders.id AND p.status = 'succeeded' "
        "ORDER BY coalesce(p.record_seq, 0) DESC, p.paid_at DESC LIMIT 1) "
        f"WHERE status IN {_PAID}"
    )
    op.create_index("ix_orders_paid_at", "orders", ["paid_at"])
    op.create_index("ix_orders_paid_seq", "orders", ["paid_seq"])
    op.create_index("ix_orders_paid_payment_id", "orders", ["paid_payment_id"])


def downgrade() -> None:
    op.drop_index("ix_orders_paid_payment_id", table_name="orders")
    op.drop_index("ix_orders_paid_seq", table_name="orders")
    op.drop_index("ix_orders_paid_at", table_name="orders")
    # Plain DROP COLUMN (SQLite 3.35+): no table copy, which the foreign keys would refuse.
    for name in ("paid_payment_id", "paid_at", "paid_seq"):
        op.drop_column("orders", name)
