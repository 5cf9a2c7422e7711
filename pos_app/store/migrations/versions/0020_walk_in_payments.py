"""walk-in payments: money belongs to orders; a payment or refund may have no booking

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06

Issue 14 (docs/orders.md 2.2 step 4, 2.3, 2.4): the order is the payable.

1. ``payments.order_id`` and ``refunds.order_id`` become NOT NULL, with a foreign key to
   ``orders``. Rows 0018 left without one (a booking with no order) are given their
   booking's order first; a row still without one stops the upgrade with a sentence.
2. ``payments.booking_id`` and ``refunds.booking_id`` become nullable: a walk-in order's
   payment has no booking. SQLite needs a table copy for both (Alembic's batch mode, which
   keeps every index and foreign key: the app migrates with foreign keys off).
3. ``orders.promo_use_taken``: the promo code's use is counted once, when the order's first
   card link or cash claim is taken, and given back once when an unpaid order is voided.
4. ``refund_lines``: which lines (and how many of each) a refund gives back, and whether they
   go back on the shelf.

Downgrade refuses, with a sentence, while any payment or refund has no booking: the old
schema cannot hold a walk-in's money.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FK = {"payments": "fk_payments_order_id_orders", "refunds": "fk_refunds_order_id_orders"}

WALK_IN_MONEY = (
    "This database holds payments or refunds for walk-in orders, which the older version "
    "cannot store; restore a backup taken before the upgrade instead."
)


def upgrade() -> None:
    conn = op.get_bind()
    for table, fk in _FK.items():
        op.execute(
            f"UPDATE {table} SET order_id = (SELECT o.id FROM orders o "
            f"WHERE o.booking_id = {table}.booking_id) WHERE order_id IS NULL"
        )
        left = conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE order_id IS NULL"))
        if left.scalar_one():
            raise RuntimeError(f"Some {table} belong to no order; they cannot be upgraded.")
        with op.batch_alter_table(table) as batch:
            batch.alter_column("booking_id", existing_type=sa.String(40), nullable=True)
            batch.alter_column("order_id", existing_type=sa.String(40), nullable=False)
            batch.create_foreign_key(fk, "orders", ["order_id"], ["id"])
    op.add_column(
        "orders",
        sa.Column("promo_use_taken", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "refund_lines",
        sa.Column("refund_id", sa.String(40), sa.ForeignKey("refunds.id"), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("restock", sa.Boolean(), nullable=False),
        sa.Column("restocked", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.CheckConstraint("quantity BETWEEN 1 AND 999", name="refund_quantity_in_range"),
    )


def downgrade() -> None:
    conn = op.get_bind()
    for table in _FK:
        found = conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE booking_id IS NULL"))
        if found.scalar_one():
            raise RuntimeError(WALK_IN_MONEY)
    op.drop_table("refund_lines")
    op.drop_column("orders", "promo_use_taken")
    for table, fk in _FK.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(fk, type_="foreignkey")
            batch.alter_column("order_id", existing_type=sa.String(40), nullable=True)
            batch.alter_column("booking_id", existing_type=sa.String(40), nullable=False)
