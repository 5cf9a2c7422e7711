"""day link counts: a closed day's payment links by status, frozen once settled

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06

The conversion figure of a report counts the card payment links created on its days by
status. A year's range counted 2.6 M links live on every report (issue 13 item 9: reports
at scale). Once none of a closed day's links is still open in the database, its counts can
no longer change: they are written here once and read instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "day_link_counts",
        sa.Column("business_date", sa.Date(), primary_key=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("day_link_counts")
