"""sales hours: the counted payments and refunds summed per UTC hour, kept by triggers

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06

Issue 13 item 9 (reports at scale): a report's open days (today, the week not closed yet)
summed every payment row again, joined to its booking: 61,000 rows for a busy week on
10,000,000 payments, 135 ms for today alone. ``sales_hours`` holds the same sums per UTC
hour and report key (currency, service, staff, method), so the open days read a few
hundred rows instead (store/sales_hours.py).

The database keeps it, not the app: row triggers on ``payments``, ``refunds`` and
``bookings`` take a row's old contribution out and put its new one in, by
``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``, in the transaction that changes
the row. So no write path can forget it, the order of two stations' writes is the
database's (a conflicting key waits for the other's commit), and a rolled-back write leaves
no trace. What counts is what the report counts (store/report_queries.py): a payment once
succeeded with a ``paid_at``, a refund once succeeded (and its reversal once it failed
after), under its booking's service and staff (a walk-in order's under "Walk-in sale"), a
refund's method being its payment's (which never changes).
Card payment links are counted there too (kind 'link', by the hour each was created, its
status in ``method``): the conversion figure of open days (store/link_counts.py).

SQLite loses a table's triggers when a migration copies the table (batch mode): a later
migration that does so on one of these three tables must create them again
(``create_triggers``); tests/integration/test_sales_hours.py checks they exist.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A report reads one kind's hours of a window: kind first, then hour, is one range.
KEY = "kind, hour, currency, service_id, service_name, resource_id, method"
SUMS = ("n", "amount", "fee", "unfeed_n", "unfeed_amount")
# Which rows count, as the report's query says (``r`` stands for the row's alias).
COUNTED = {
    "payment": "r.status = 'succeeded' AND r.paid_at IS NOT NULL",
    "refund": "r.status IN ('succeeded', 'failed') "
    "AND (r.status = 'succeeded' OR r.record_seq IS NOT NULL)",
    "reversal": "r.status = 'failed' AND r.reversed_seq IS NOT NULL",
}
# The columns whose change can change a row's contribution.
PAYMENT_COLUMNS = "status, paid_at, amount, currency, method, fee_amount, booking_id, created_at"
REFUND_COLUMNS = (
    "status, created_at, amount, currency, fee_amount, booking_id, payment_id, record_seq, "
    "reversed_seq"
)
BOOKING_COLUMNS = "service_id, service_name, resource_id"
# What a walk-in order's money is counted under (store/report_queries.py names it the same).
WALK_IN_ID = "walk_in"
WALK_IN_NAME = "Walk-in sale"


def _sums(kind: str, row: str, booking: str, sign: int, *, postgres: bool, grouped: bool) -> str:
    """INSERT … SELECT … ON CONFLICT adding ``sign`` times the contribution of the ``kind``
    rows: ``row`` a trigger's NEW/OLD (one row) or a table alias (``grouped``: many),
    ``booking`` the booking's alias (b, or a bookings trigger's NEW/OLD)."""
    dated = f"{row}.paid_at" if kind == "payment" else f"{row}.created_at"
    # The stored text is SQLAlchemy's 'YYYY-MM-DD HH:MM:SS.ffffff' on SQLite.
    hour = (
        f"date_trunc('hour', {dated})" if postgres else f"substr({dated}, 1, 13) || ':00:00.000000'"
    )
    method = f"{row}.method" if kind == "payment" else "m.method"
    fee = f"{row}.fee_amount"
    unfeed = (
        [
            f"CASE WHEN {fee} IS NULL THEN 1 ELSE 0 END",
            f"CASE WHEN {fee} IS NULL THEN {row}.amount ELSE 0 END",
        ]
        if kind == "payment"
        else ["0", "0"]
    )
    measures = ["1", f"{row}.amount", f"COALESCE({fee}, 0)", *unfeed]
    values = [f"{sign} * SUM({m})" if grouped else f"{sign} * ({m})" for m in measures]
    keys = [  # in KEY's order
        f"'{kind}'",
        hour,
        f"{row}.currency",
        # A walk-in order's money has no booking (0020): named as the report names it.
        f"COALESCE({booking}.service_id, '{WALK_IN_ID}')",
        f"COALESCE({booking}.service_name, '{WALK_IN_NAME}')",
        f"COALESCE({booking}.resource_id, '')",
        method,
    ]
    where = [COUNTED[kind].replace("r.", f"{row}.")]
    tables = []
    if row in ("NEW", "OLD"):  # a payments or refunds trigger: its booking, if it has one
        tables.append(f"(SELECT 1 AS one) one_row LEFT JOIN bookings b ON b.id = {row}.booking_id")
    elif booking in ("NEW", "OLD"):  # a bookings trigger: its payments or refunds
        tables.append(f"{'payments' if kind == 'payment' else 'refunds'} {row}")
        where.append(f"{row}.booking_id = {booking}.id")
    else:  # every row (the backfill), a walk-in's too
        table = "payments" if kind == "payment" else "refunds"
        tables.append(f"{table} {row} LEFT JOIN bookings b ON b.id = {row}.booking_id")
    if kind != "payment":
        tables.append("payments m")
        where.append(f"m.id = {row}.payment_id")
    group = ""
    if grouped:
        varying = [hour, f"{row}.currency", method]
        if booking not in ("NEW", "OLD"):
            varying += [keys[3], keys[4], keys[5]]
        group = " GROUP BY " + ", ".join(varying)
    add = ", ".join(f"{s} = sales_hours.{s} + excluded.{s}" for s in SUMS)
    return (
        f"INSERT INTO sales_hours ({KEY}, {', '.join(SUMS)}) "
        f"SELECT {', '.join(keys + values)} FROM {', '.join(tables)} "
        f"WHERE {' AND '.join(where)}{group} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET {add}"
    )


def _links(row: str, sign: int, *, postgres: bool, grouped: bool) -> str:
    """The same for card payment links: kind 'link', by the hour each was created, with its
    status in ``method`` (the report's conversion counts links by status)."""
    dated = f"{row}.created_at"
    hour = (
        f"date_trunc('hour', {dated})" if postgres else f"substr({dated}, 1, 13) || ':00:00.000000'"
    )
    n = f"{sign} * COUNT(*)" if grouped else str(sign)
    add = ", ".join(f"{s} = sales_hours.{s} + excluded.{s}" for s in SUMS)
    source = f" FROM payments {row}" if grouped else ""
    group = f" GROUP BY {hour}, {row}.currency, {row}.status" if grouped else ""
    return (
        f"INSERT INTO sales_hours ({KEY}, {', '.join(SUMS)}) "
        f"SELECT 'link', {hour}, {row}.currency, '', '', '', {row}.status, {n}, 0, 0, 0, 0"
        f"{source} WHERE {row}.method = 'card'{group} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET {add}"
    )


def _row_statements(table: str, sign: int, alias: str, postgres: bool) -> list[str]:
    if table == "payments":
        return [
            _sums("payment", alias, "b", sign, postgres=postgres, grouped=False),
            _links(alias, sign, postgres=postgres, grouped=False),
        ]
    kinds = ["refund", "reversal"]
    return [_sums(k, alias, "b", sign, postgres=postgres, grouped=False) for k in kinds]


def _booking_statements(sign: int, alias: str, postgres: bool) -> list[str]:
    return [
        _sums(k, "x", alias, sign, postgres=postgres, grouped=True)
        for k in ("payment", "refund", "reversal")
    ]


def create_triggers(postgres: bool) -> list[str]:
    """The statements creating the triggers that keep ``sales_hours``."""
    out: list[str] = []
    for table, columns in (("payments", PAYMENT_COLUMNS), ("refunds", REFUND_COLUMNS)):
        old = _row_statements(table, -1, "OLD", postgres)
        new = _row_statements(table, 1, "NEW", postgres)
        if postgres:
            changed = ", ".join(f"OLD.{c.strip()}" for c in columns.split(","))
            same = f"ROW({changed}) IS NOT DISTINCT FROM ROW({changed.replace('OLD.', 'NEW.')})"
            out.append(
                f"CREATE FUNCTION sales_hours_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN IF TG_OP = 'UPDATE' AND {same} THEN RETURN NULL; END IF; "
                f"IF TG_OP <> 'INSERT' THEN {'; '.join(old)}; END IF; "
                f"IF TG_OP <> 'DELETE' THEN {'; '.join(new)}; END IF; "
                "RETURN NULL; END $$"
            )
            out.append(
                f"CREATE TRIGGER sales_hours_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION sales_hours_{table}()"
            )
            continue
        for event, body in (
            ("INSERT", new),
            (f"UPDATE OF {columns}", old + new),
            ("DELETE", old),
        ):
            name = f"sales_hours_{table}_{event.split()[0].lower()}"
            out.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {'; '.join(body)}; END"
            )
    old = _booking_statements(-1, "OLD", postgres)
    new = _booking_statements(1, "NEW", postgres)
    if postgres:
        changed = ", ".join(f"OLD.{c.strip()}" for c in BOOKING_COLUMNS.split(","))
        same = f"ROW({changed}) IS NOT DISTINCT FROM ROW({changed.replace('OLD.', 'NEW.')})"
        out.append(
            "CREATE FUNCTION sales_hours_bookings() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {same} THEN RETURN NULL; END IF; "
            f"{'; '.join(old + new)}; RETURN NULL; END $$"
        )
        out.append(
            "CREATE TRIGGER sales_hours_bookings AFTER UPDATE ON bookings "
            "FOR EACH ROW EXECUTE FUNCTION sales_hours_bookings()"
        )
    else:
        out.append(
            f"CREATE TRIGGER sales_hours_bookings_update AFTER UPDATE OF {BOOKING_COLUMNS} "
            f"ON bookings BEGIN {'; '.join(old + new)}; END"
        )
    return out


def backfill(postgres: bool) -> list[str]:
    """The statements summing every row already there."""
    return [
        *(
            _sums(k, "x", "b", 1, postgres=postgres, grouped=True)
            for k in ("payment", "refund", "reversal")
        ),
        _links("x", 1, postgres=postgres, grouped=True),
    ]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "sales_hours",
        sa.Column("hour", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("service_id", sa.String(40), nullable=False),
        sa.Column("service_name", sa.String(120), nullable=False),
        sa.Column("resource_id", sa.String(40), nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("unfeed_n", sa.BigInteger(), nullable=False),
        sa.Column("unfeed_amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(*(k.strip() for k in KEY.split(",")), name="pk_sales_hours"),
        # SQLite: the rows stored in the key's order, so a window's hours are read in one
        # range, no lookup of each in the table.
        sqlite_with_rowid=False,
    )
    for statement in backfill(postgres) + create_triggers(postgres):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("payments", "refunds", "bookings"):
            op.execute(f"DROP TRIGGER IF EXISTS sales_hours_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS sales_hours_{table}()")
    else:
        for name in (
            "payments_insert",
            "payments_update",
            "payments_delete",
            "refunds_insert",
            "refunds_update",
            "refunds_delete",
            "bookings_update",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS sales_hours_{name}")
    op.drop_table("sales_hours")
