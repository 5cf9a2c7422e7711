"""stations known to each other: one row per station sharing the database

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05

Each running station writes its own row (issue 13 item 6): the station id it keeps in its
data directory, the name set in Settings ▸ Stations (its host name until then), the pos-app
version it runs, when it started, when it was last seen and whether it reads Stripe's events
feed for the business now. ``started_at`` and ``last_seen`` are written by the database's
clock, so stations whose own clocks disagree still agree on who is online. The table starts
empty: each station adds itself when it next starts.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("leader", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
    )


def downgrade() -> None:
    op.drop_table("stations")
