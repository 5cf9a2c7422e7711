"""stripe customer: a customer's Stripe Customer, so receipts speak the customer's language

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06

Issue 15: Stripe writes a payment's receipt email in the preferred locale of the payment's
Customer, else in the Dashboard's language (docs.stripe.com/payments/advanced/receipts,
"Localization"). A customer with an email and a language Stripe writes gets one Stripe
Customer, created once and reused: the create call's idempotency key and its frozen request
are stored before the call (a resend is the same request), Stripe's id once it answered.
When the desk changes the customer's email, name or language, an update is sent the same
way (its key and request stored first); ``stripe_customer_synced`` is the request Stripe has
applied. All NULL: none asked for. A database holds one mode's records, so the id is that
mode's.

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("stripe_customer_key", sa.String(255), nullable=True))
        batch.add_column(sa.Column("stripe_customer_request", sa.Text(), nullable=True))
        batch.add_column(sa.Column("stripe_customer_id", sa.String(255), nullable=True))
        batch.add_column(sa.Column("stripe_customer_synced", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("stripe_customer_synced")
        batch.drop_column("stripe_customer_id")
        batch.drop_column("stripe_customer_request")
        batch.drop_column("stripe_customer_key")
