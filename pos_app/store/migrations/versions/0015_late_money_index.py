"""late money index: order numbers by status with the row's date, for reports

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

A report of days still open looks for money dated before them that the database recorded
after a close near them (an adjustment landing in them): ``status = … AND record_seq > n``
and dated before the window. With the date in the index those rows are told apart in the
index, without reading each row of the open days (issue 13 item 9: reports at scale). It
replaces the plain ``record_seq`` indexes of 0008: every query on the order number also
names the status.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain index statements, not a batch: SQLite's batch copies the table, losing triggers.
    op.create_index(
        "ix_payments_status_seq_paid_at", "payments", ["status", "record_seq", "paid_at"]
    )
    op.create_index(
        "ix_refunds_status_seq_created_at", "refunds", ["status", "record_seq", "created_at"]
    )
    op.drop_index("ix_payments_record_seq", table_name="payments")
    op.drop_index("ix_refunds_record_seq", table_name="refunds")


def downgrade() -> None:
    op.create_index("ix_payments_record_seq", "payments", ["record_seq"])
    op.create_index("ix_refunds_record_seq", "refunds", ["record_seq"])
    op.drop_index("ix_refunds_status_seq_created_at", table_name="refunds")
    op.drop_index("ix_payments_status_seq_paid_at", table_name="payments")
