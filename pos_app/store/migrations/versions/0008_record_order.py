"""the database's own order of recorded money (day close decides 'after' by it)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

Recorded money (succeeded payments and refunds) gets ``record_seq`` from the one row of
``record_order``; a refund that fails after succeeding gets ``reversed_seq`` (and
``reversed_at``) when it fails; a close keeps ``covered_seq``, the last number its frozen
report counts. Existing rows and closes are numbered in the order the old rule saw them: by
``recorded_at`` / ``closed_at``, a row recorded at the very time of a close before it (the
old rule counted it in the close). Refunds that failed after succeeding before this
revision stay as the old reports counted them (nowhere): their failure time is not known.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_TRIGGER = (
    "CREATE TRIGGER day_closes_no_update BEFORE UPDATE ON day_closes "
    "BEGIN SELECT RAISE(ABORT, 'day_close_is_final'); END"
)


def upgrade() -> None:
    op.create_table(
        "record_order",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_order")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_seq", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_payments_record_seq", ["record_seq"], unique=False)
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("reversed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reversed_seq", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_refunds_record_seq", ["record_seq"], unique=False)
        batch_op.create_index("ix_refunds_reversed_seq", ["reversed_seq"], unique=False)
    # A plain ADD COLUMN (no table copy): day_closes keeps its no-update/no-delete triggers.
    op.add_column(
        "day_closes",
        sa.Column("covered_seq", sa.BigInteger(), nullable=False, server_default="0"),
    )
    _number_existing_rows()


def _number_existing_rows() -> None:
    """Number every recorded row and every close in the old rule's order (see the module)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute(
        "CREATE TEMPORARY TABLE money_order_0008 AS "
        "SELECT kind, id, business_date, currency, "
        "ROW_NUMBER() OVER (ORDER BY at, tie, kind, id, business_date, currency) AS seq "
        "FROM ("
        " SELECT 'payment' AS kind, id, CAST(NULL AS DATE) AS business_date,"
        "  CAST(NULL AS VARCHAR(3)) AS currency,"
        "  COALESCE(recorded_at, paid_at, created_at) AS at, 0 AS tie"
        "  FROM payments WHERE status = 'succeeded'"
        " UNION ALL"
        " SELECT 'refund', id, CAST(NULL AS DATE), CAST(NULL AS VARCHAR(3)),"
        "  COALESCE(recorded_at, created_at), 0"
        "  FROM refunds WHERE status = 'succeeded'"
        " UNION ALL"
        " SELECT 'close', CAST(NULL AS VARCHAR(40)), business_date, currency, closed_at, 1"
        "  FROM day_closes"
        ") AS recorded"
    )
    op.execute("CREATE INDEX ix_money_order_0008 ON money_order_0008 (kind, id)")
    for table in ("payments", "refunds"):
        kind = table[:-1]
        op.execute(
            f"UPDATE {table} SET record_seq = (SELECT seq FROM money_order_0008 o "
            f"WHERE o.kind = '{kind}' AND o.id = {table}.id) WHERE status = 'succeeded'"
        )
    # The closes are final (triggers refuse UPDATE): lift that for this one backfill.
    if postgres:
        op.execute("ALTER TABLE day_closes DISABLE TRIGGER day_close_is_final")
    else:
        op.execute("DROP TRIGGER day_closes_no_update")
    op.execute(
        "UPDATE day_closes SET covered_seq = (SELECT seq FROM money_order_0008 o "
        "WHERE o.kind = 'close' AND o.business_date = day_closes.business_date "
        "AND o.currency = day_closes.currency)"
    )
    if postgres:
        op.execute("ALTER TABLE day_closes ENABLE TRIGGER day_close_is_final")
    else:
        op.execute(_SQLITE_TRIGGER)
    op.execute(
        "INSERT INTO record_order (id, last_seq) "
        "SELECT 1, COALESCE(MAX(seq), 0) FROM money_order_0008"
    )
    op.execute("DROP TABLE money_order_0008")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if not postgres:
        # SQLite drops a column by copying the table, which loses its triggers: put back
        # both after the copy.
        op.execute("DROP TRIGGER IF EXISTS day_closes_no_update")
        op.execute("DROP TRIGGER IF EXISTS day_closes_no_delete")
    with op.batch_alter_table("day_closes", schema=None) as batch_op:
        batch_op.drop_column("covered_seq")
    if not postgres:
        op.execute(_SQLITE_TRIGGER)
        op.execute(_SQLITE_TRIGGER.replace("update", "delete").replace("UPDATE", "DELETE"))
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_refunds_reversed_seq")
        batch_op.drop_index("ix_refunds_record_seq")
        batch_op.drop_column("reversed_seq")
        batch_op.drop_column("reversed_at")
        batch_op.drop_column("record_seq")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_record_seq")
        batch_op.drop_column("record_seq")
    op.drop_table("record_order")
