"""report indexes: payments and refunds by when they were recorded, payment links by creation

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

The sales report finds a day's payments by ``paid_at`` (index of 0005) and, for the
day-close rule, the ones *recorded* that day although paid on an earlier one: the
``(status, recorded_at, paid_at)`` index answers that from the index alone. Conversion
counts the card payment links created in a period.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payments_status_recorded_at", ["status", "recorded_at", "paid_at"], unique=False
        )
        batch_op.create_index(
            "ix_payments_method_created_at", ["method", "created_at"], unique=False
        )
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_index(
            "ix_refunds_status_recorded_at", ["status", "recorded_at", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_refunds_status_recorded_at")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_method_created_at")
        batch_op.drop_index("ix_payments_status_recorded_at")
