"""bookings can be overpaid; cash takes a claim on the booking

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

A station taking cash stores a claim on the booking under its lock (``cash_claim``) with the
moment it lapses (``cash_claim_until``), so no card link opens while it closes the open ones
at Stripe. The ``overpaid`` booking status needs no change: statuses are plain strings.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cash_claim", sa.String(length=40)))
        batch_op.add_column(sa.Column("cash_claim_until", sa.DateTime()))


def downgrade() -> None:
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_column("cash_claim_until")
        batch_op.drop_column("cash_claim")
