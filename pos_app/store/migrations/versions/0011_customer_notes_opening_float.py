"""customers carry notes; a day close records its opening float

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

Front desks keep allergies and preferences on the customer (shown when booking), and a
manager closing the day enters the float the drawer started with, so the Z report's cash
expected is float + cash taken.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("day_closes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("opening_float", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("day_closes", schema=None) as batch_op:
        batch_op.drop_column("opening_float")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("notes")
