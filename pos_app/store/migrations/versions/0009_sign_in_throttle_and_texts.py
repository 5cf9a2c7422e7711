"""sign-in throttle per station and account; Stripe texts fit their columns

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _widen_stripe_texts()
    _add_pin_throttle()


def downgrade() -> None:
    _drop_pin_throttle()
    _narrow_stripe_texts()


# -- wrong PINs counted per station and account (issue 11 item 4) --------------------------
# The count on ``users`` let one station lock an account (and a wrong manager PIN every
# manager) everywhere. Counts move to ``pin_attempts``; locks running at upgrade are dropped.


def _add_pin_throttle() -> None:
    op.create_table(
        "pin_attempts",
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("station_id", "subject", name=op.f("pk_pin_attempts")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("failed_attempts")
        batch_op.drop_column("locked_until")


def _drop_pin_throttle() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
    op.drop_table("pin_attempts")


# -- Stripe texts fit their columns (issue 11 item 9) -------------------------------------
# A refund's failure reason is Stripe's sentence (or an error message), of any length:
# VARCHAR(120) made PostgreSQL refuse the very write that marks the refund failed.


def _widen_stripe_texts() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.alter_column(
            "failure_reason", existing_type=sa.String(length=120), type_=sa.Text()
        )


def _narrow_stripe_texts() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.alter_column(
            "failure_reason", existing_type=sa.Text(), type_=sa.String(length=120)
        )
