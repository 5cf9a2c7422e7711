"""charge details of payments and refunds: balance transaction, fee and net

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stripe_balance_transaction_id", sa.String(255)))
        batch_op.add_column(sa.Column("fee_amount", sa.BigInteger()))
        batch_op.add_column(sa.Column("net_amount", sa.BigInteger()))
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stripe_balance_transaction_id", sa.String(255)))
        batch_op.add_column(sa.Column("fee_amount", sa.BigInteger()))
        batch_op.add_column(sa.Column("net_amount", sa.BigInteger()))


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_column("net_amount")
        batch_op.drop_column("fee_amount")
        batch_op.drop_column("stripe_balance_transaction_id")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("net_amount")
        batch_op.drop_column("fee_amount")
        batch_op.drop_column("stripe_balance_transaction_id")
