"""customer language: the language a customer reads, for Stripe's payment page

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06

Issue 15: the hosted payment page speaks the customer's language where Stripe has it
(``domain/checkout_locale``). NULL is "not known": the page follows the browser (``auto``).
The value is read when a payment link's request is frozen on its payment row, never at send
time, so a resend is the same request.

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("language", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("language")
