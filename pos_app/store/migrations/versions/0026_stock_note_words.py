"""stock note words: the app's own stock notes as a marked sentence and its values

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06

Issue 15: a stock change the app makes itself (a paid order takes its products, a refund
puts them back) carries a note ("sold on order 12"). It was stored in English only and read
back in the reader's language by matching it against the app's sentences. A row now keeps
that English note (``note``: the products editor's older readers, search) and gains the
note's marked template (``note_template``, a msgid of the gettext catalog) and its values
(``note_params``, JSON, as the audit log's ``detail_params`` of 0024), rendered when shown.
Notes a person typed, and rows written before this migration, keep NULL in both.

Plain ADD COLUMN on both databases, as 0024: nothing to copy, and no table rebuilt.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("stock_adjustments", sa.Column("note_template", sa.Text(), nullable=True))
    op.add_column("stock_adjustments", sa.Column("note_params", sa.Text(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) and PostgreSQL both drop a column in place.
    op.drop_column("stock_adjustments", "note_params")
    op.drop_column("stock_adjustments", "note_template")
