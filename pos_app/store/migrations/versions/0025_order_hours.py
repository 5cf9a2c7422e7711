"""order hours: the counted orders' figures summed per UTC hour, kept by triggers

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06

Issue 13 item 9 (reports at scale): with orders in the data, a report's open days read every
order of the open week and every line of them again (tips, discounts, tax, items, tax rates,
tips by staff, promo codes): about half of SQLite's 30-day report. ``order_hours`` holds the
same sums per UTC hour of ``paid_at``, so the open days read a few hundred rows instead
(store/order_hours.py), as ``sales_hours`` (0022) does for the payments' money.

An order counts once it has its ``paid_seq`` (0021) and ``paid_at``. Three kinds of rows:
- 'order': per promo code (``key`` is '' without one, else '=' and the code in upper case,
  as the report groups it): the orders, their tips, discounts and tax;
- 'line': per item (``key``), line kind (``detail``), tax rate and line name: the lines,
  their quantity, amount, discount (line's and order's share) and tax;
- 'tip': per staff member of the order's booking (``key``, '' without one) and seller name
  (``name``): the tipped orders and their tips.

The database keeps it, as 0022: row triggers on ``orders``, ``order_lines`` and ``bookings``
(the booking's staff member) take a row's old contribution out and put its new one in, in
the transaction of the change. SQLite loses a table's triggers when a migration copies it
(batch mode): a later migration that does so on one of these three tables must create them
again (``create_triggers``); tests/integration/test_order_hours.py checks they exist.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "kind, hour, currency, key, detail, rate, name"
SUMS = ("n", "quantity", "amount", "discount", "tax", "tip")
ORDER_COLUMNS = (
    "paid_seq, paid_at, currency, promo_code, discount, tax, tip, booking_id, created_by_name"
)
LINE_COLUMNS = (
    "order_id, kind, product_id, service_id, name, quantity, tax_rate_thousandths, "
    "line_discount, order_discount, tax, amount"
)
BOOKING_COLUMNS = "resource_id"
TABLES = ("orders", "order_lines", "bookings")


def _counted(o: str) -> str:
    return f"{o}.paid_seq IS NOT NULL AND {o}.paid_at IS NOT NULL"


def _hour(o: str, postgres: bool) -> str:
    # The stored text is SQLAlchemy's 'YYYY-MM-DD HH:MM:SS.ffffff' on SQLite.
    if postgres:
        return f"date_trunc('hour', {o}.paid_at)"
    return f"substr({o}.paid_at, 1, 13) || ':00:00.000000'"


def _insert(keys: list[str], sums: dict[str, str], source: str, where: list[str],
            sign: int, grouped: bool) -> str:  # fmt: skip
    """INSERT … SELECT … ON CONFLICT adding ``sign`` times the sums (SUM()s when
    ``grouped``: many rows, grouped by the keys that are not constants)."""
    values = []
    for s in SUMS:
        m = sums.get(s, "0")
        values.append(f"{sign} * SUM({m})" if grouped else f"{sign} * ({m})")
    group = ""
    if grouped:
        varying = [k for k in keys if not k.startswith("'") and k != "0"]
        group = " GROUP BY " + ", ".join(varying)
    add = ", ".join(f"{s} = order_hours.{s} + excluded.{s}" for s in SUMS)
    frm = f" FROM {source}" if source else ""
    return (
        f"INSERT INTO order_hours ({KEY}, {', '.join(SUMS)}) "
        f"SELECT {', '.join(keys + values)}{frm} WHERE {' AND '.join(where)}{group} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET {add}"
    )


def _orders(o: str, sign: int, postgres: bool, *, grouped: bool) -> str:
    promo = f"CASE WHEN {o}.promo_code IS NULL THEN '' ELSE '=' || upper({o}.promo_code) END"
    keys = ["'order'", _hour(o, postgres), f"{o}.currency", promo, "''", "0", "''"]
    sums = {"n": "1", "discount": f"{o}.discount", "tax": f"{o}.tax", "tip": f"{o}.tip"}
    source = f"orders {o}" if grouped else ""
    return _insert(keys, sums, source, [_counted(o)], sign, grouped)


def _lines(o: str, line: str, sign: int, postgres: bool, *, grouped: bool) -> str:
    keys = [
        "'line'",
        _hour(o, postgres),
        f"{o}.currency",
        f"COALESCE({line}.product_id, {line}.service_id)",
        f"{line}.kind",
        f"{line}.tax_rate_thousandths",
        f"{line}.name",
    ]
    sums = {
        "n": "1",
        "quantity": f"{line}.quantity",
        "amount": f"{line}.amount",
        "discount": f"{line}.line_discount + {line}.order_discount",
        "tax": f"{line}.tax",
    }
    where = [_counted(o)]
    if o in ("NEW", "OLD"):  # an orders trigger: its lines
        source = f"order_lines {line}"
        where.append(f"{line}.order_id = {o}.id")
    elif line in ("NEW", "OLD"):  # an order_lines trigger: its order
        source = f"orders {o}"
        where.append(f"{o}.id = {line}.order_id")
    else:  # the backfill
        source = f"orders {o} JOIN order_lines {line} ON {line}.order_id = {o}.id"
    return _insert(keys, sums, source, where, sign, grouped)


def _tips(o: str, booking: str, sign: int, postgres: bool, *, grouped: bool) -> str:
    keys = [
        "'tip'",
        _hour(o, postgres),
        f"{o}.currency",
        f"COALESCE({booking}.resource_id, '')",
        "''",
        "0",
        f"{o}.created_by_name",
    ]
    sums = {"n": "1", "tip": f"{o}.tip"}
    where = [_counted(o), f"{o}.tip > 0"]
    if o in ("NEW", "OLD"):  # an orders trigger: its booking, if it has one
        source = f"(SELECT 1 AS one) one_row LEFT JOIN bookings b ON b.id = {o}.booking_id"
    elif booking in ("NEW", "OLD"):  # a bookings trigger: its order
        source = f"orders {o}"
        where.append(f"{o}.booking_id = {booking}.id")
    else:  # the backfill
        source = f"orders {o} LEFT JOIN bookings b ON b.id = {o}.booking_id"
    return _insert(keys, sums, source, where, sign, grouped)


def _statements(table: str, sign: int, alias: str, postgres: bool) -> list[str]:
    if table == "orders":
        return [
            _orders(alias, sign, postgres, grouped=False),
            _lines(alias, "l", sign, postgres, grouped=True),
            _tips(alias, "b", sign, postgres, grouped=False),
        ]
    if table == "order_lines":
        return [_lines("o", alias, sign, postgres, grouped=False)]
    return [_tips("o", alias, sign, postgres, grouped=True)]


def create_triggers(postgres: bool) -> list[str]:
    """The statements creating the triggers that keep ``order_hours``."""
    out: list[str] = []
    columns = {"orders": ORDER_COLUMNS, "order_lines": LINE_COLUMNS, "bookings": BOOKING_COLUMNS}
    for table in TABLES:
        old = _statements(table, -1, "OLD", postgres)
        new = _statements(table, 1, "NEW", postgres)
        cols = columns[table]
        # A booking only moves its order's tip to another staff member: updates only.
        events = ("UPDATE",) if table == "bookings" else ("INSERT", "UPDATE", "DELETE")
        if postgres:
            changed = ", ".join(f"OLD.{c.strip()}" for c in cols.split(","))
            same = f"ROW({changed}) IS NOT DISTINCT FROM ROW({changed.replace('OLD.', 'NEW.')})"
            out.append(
                f"CREATE FUNCTION order_hours_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN IF TG_OP = 'UPDATE' AND {same} THEN RETURN NULL; END IF; "
                f"IF TG_OP <> 'INSERT' THEN {'; '.join(old)}; END IF; "
                f"IF TG_OP <> 'DELETE' THEN {'; '.join(new)}; END IF; "
                "RETURN NULL; END $$"
            )
            out.append(
                f"CREATE TRIGGER order_hours_{table} AFTER {' OR '.join(events)} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION order_hours_{table}()"
            )
            continue
        bodies = {"INSERT": new, f"UPDATE OF {cols}": old + new, "DELETE": old}
        for event, body in bodies.items():
            name = event.split()[0]
            if name not in events:
                continue
            out.append(
                f"CREATE TRIGGER order_hours_{table}_{name.lower()} AFTER {event} ON {table} "
                f"BEGIN {'; '.join(body)}; END"
            )
    return out


def backfill(postgres: bool) -> list[str]:
    """The statements summing every order already there."""
    return [
        _orders("o", 1, postgres, grouped=True),
        _lines("o", "l", 1, postgres, grouped=True),
        _tips("o", "b", 1, postgres, grouped=True),
    ]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "order_hours",
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("hour", sa.DateTime(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(32), nullable=False),
        sa.Column("rate", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        *(sa.Column(s, sa.BigInteger(), nullable=False) for s in SUMS),
        sa.PrimaryKeyConstraint(*(k.strip() for k in KEY.split(",")), name="pk_order_hours"),
        sqlite_with_rowid=False,  # a window's hours in one range of the key
    )
    for statement in backfill(postgres) + create_triggers(postgres):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS order_hours_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS order_hours_{table}()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS order_hours_{table}_{event}")
    op.drop_table("order_hours")
