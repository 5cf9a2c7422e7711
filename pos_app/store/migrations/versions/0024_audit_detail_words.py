"""audit detail words: the audit log's detail as a marked sentence and its values

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06

Issue 15: the audit screen shows each entry's detail in the reader's language. A row keeps
the English sentence it always had (``detail``: search, old readers) and gains the sentence's
marked template (``detail_template``, a msgid of the gettext catalog) and its values
(``detail_params``, JSON: text, counts, amounts as minor units and currency, nested marked
pieces), rendered when shown. Rows written before this migration keep NULL in both and are
shown as stored.

Plain ADD COLUMN on both databases: SQLite's batch mode would rebuild the table, and with it
drop the triggers that keep the audit log append-only (0004).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("detail_template", sa.Text(), nullable=True))
    op.add_column("audit_log", sa.Column("detail_params", sa.Text(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) and PostgreSQL both drop a column in place; the triggers stay.
    op.drop_column("audit_log", "detail_params")
    op.drop_column("audit_log", "detail_template")
