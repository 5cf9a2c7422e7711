"""late orders index: orders by order number with their paid time, for reports

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06

A report of days still open looks for orders paid before them whose payment the database
recorded after a close near them (``paid_seq > n AND paid_at < start``:
store/order_report_queries.py). With only ``paid_seq`` in the index, every order paid in
the open week was read to test its time: 56,000 rows and 24–44 ms at 10,000,000 payments
on PostgreSQL, the largest single query of a 30-day report. With ``paid_at`` beside it the
index tells them apart (1–3 ms), as 0015 did for payments and refunds. It replaces the
plain ``paid_seq`` index of 0021: a query on ``paid_seq`` alone uses its first column.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain index statements, not a batch: SQLite's batch copies the table, losing triggers.
    op.create_index("ix_orders_paid_seq_paid_at", "orders", ["paid_seq", "paid_at"])
    op.drop_index("ix_orders_paid_seq", table_name="orders")


def downgrade() -> None:
    op.create_index("ix_orders_paid_seq", "orders", ["paid_seq"])
    op.drop_index("ix_orders_paid_seq_paid_at", table_name="orders")
