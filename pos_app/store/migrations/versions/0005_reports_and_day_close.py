"""reports: when each payment and refund was recorded, indexes by day, closed days

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22

A closed day (Z report) may only be written once: the database refuses UPDATE and DELETE on
``day_closes``, as it does on the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DAY_CLOSED = "day_close_is_final"


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_at", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_payments_status_paid_at", ["status", "paid_at"], unique=False)
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_at", sa.DateTime(), nullable=True))
        batch_op.create_index(
            "ix_refunds_status_created_at", ["status", "created_at"], unique=False
        )
    # Rows from before: recorded when they were paid / asked for.
    op.execute("UPDATE payments SET recorded_at = paid_at WHERE paid_at IS NOT NULL")
    op.execute("UPDATE refunds SET recorded_at = created_at WHERE status = 'succeeded'")
    op.create_table(
        "day_closes",
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by_id", sa.String(length=40), nullable=True),
        sa.Column("closed_by_name", sa.String(length=120), nullable=False),
        sa.Column("card_net", sa.BigInteger(), nullable=False),
        sa.Column("cash_expected", sa.BigInteger(), nullable=False),
        sa.Column("cash_counted", sa.BigInteger(), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("business_date", "currency", name=op.f("pk_day_closes")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION day_close_is_final() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{DAY_CLOSED}' "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$"
        )
        op.execute(
            "CREATE TRIGGER day_close_is_final BEFORE UPDATE OR DELETE ON day_closes "
            "FOR EACH ROW EXECUTE FUNCTION day_close_is_final()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER day_closes_no_{event.lower()} BEFORE {event} ON day_closes "
                f"BEGIN SELECT RAISE(ABORT, '{DAY_CLOSED}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS day_close_is_final ON day_closes")
        op.execute("DROP FUNCTION IF EXISTS day_close_is_final()")
    op.drop_table("day_closes")
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_refunds_status_created_at")
        batch_op.drop_column("recorded_at")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_status_paid_at")
        batch_op.drop_column("recorded_at")
