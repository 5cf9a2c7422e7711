"""payments keep the create request frozen at reserve time

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

Every parameter of a Checkout Session create must come from stored data, so a resend from
any station (or after the booking was edited) is the very same request. ``checkout_request``
holds it as JSON; rows reserved before this revision get theirs when they are next sent.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkout_request", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("checkout_request")
