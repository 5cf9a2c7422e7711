"""one customer per email address: a unique index on lower(email)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

The service refused a second customer with an email already on file (any case), but it
checked alone: two stations on one PostgreSQL saving at the same moment could both pass the
check. From here the database refuses it too, with a unique index on ``lower(email)`` over
the customers that have an email (a partial index: customers without one are not limited).

Existing duplicates (saved before this, two stations racing, or by hand) would make the index
fail to build, so they are settled first, without losing anything:

- in each group of customers whose emails are equal ignoring case (as the database folds it),
  the OLDEST customer (first created; then the smaller id) keeps the email: it is the record
  the desk has been finding by that address;
- every other customer of the group keeps its name, phone, bookings and history; its email
  field is emptied and the address is written at the end of its notes, naming the customer
  who kept it, so the desk sees what happened and can decide (merge, or correct a typo);
- its search key is left as it was, so typing the address still finds both customers.

Merging customers was rejected: two people sharing a family email are two customers, and a
merge cannot be undone. Skipping the index where duplicates exist was rejected too: the rule
would then still hold only where the service happens to check.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ux_customers_email_lower"


def moved_note(email: str, keeper: str) -> str:
    """The line added to the notes of a customer whose email another customer kept."""
    return (
        f"Email {email} moved here from the email field: {keeper} has the same address "
        "(pos-app keeps one customer per email address)."
    )


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT lower(email) AS folded, id, name, email, notes FROM customers "
            "WHERE email IS NOT NULL AND email <> '' ORDER BY folded, created_at, id"
        )
    ).fetchall()
    keeper: dict[str, str] = {}
    for folded, customer_id, name, email, notes in rows:
        if folded not in keeper:
            keeper[folded] = name  # the oldest of its group keeps the address
            continue
        line = moved_note(email, keeper[folded])
        conn.execute(
            sa.text("UPDATE customers SET email = NULL, notes = :notes WHERE id = :id"),
            {"notes": f"{notes}\n{line}" if notes else line, "id": customer_id},
        )
    op.create_index(
        INDEX,
        "customers",
        [sa.text("lower(email)")],
        unique=True,
        sqlite_where=sa.text("email <> ''"),
        postgresql_where=sa.text("email <> ''"),
    )


def downgrade() -> None:
    # The moved addresses stay in the notes: the customers they were taken from are told.
    op.drop_index(INDEX, table_name="customers")
