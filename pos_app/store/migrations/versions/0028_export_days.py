"""export days: the CSV export's lines of closed days, kept as text and dropped by triggers

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06

Issue 13 item 9: the CSV export made every cell of every row again (about 30 expressions,
7 lookups and a sort, ≈ 24 µs a row: 36,000–42,000 rows per CPU second). A closed day's
rows are fixed (no row recorded after a close lands on a closed day:
store/report_queries.py), but their cells are not: a fee, a Stripe id or a status can
arrive after the close, a booking's customer or a staff member can be renamed. So
``export_days`` keeps a closed day's lines (store/export_days.py writes them), and the
database drops them whenever something they show may have changed, in the transaction that
changes it (row triggers: no write path can forget, a rolled-back write drops nothing):

* a payment, refund or reversal written: every kept day ending after the row's moment (its
  lines are on its own day or a later one, whatever the zone: ``ends`` is the day's end in
  UTC), a payment's also after its refunds' moments (a refund's line shows its payment's
  method and Stripe ids);
* a booking's customer, service or staff, an order's customer or figures: every kept day
  ending after the earliest moment of their money;
* a staff member or user renamed or removed: every kept day (rare);
* a close: the days from the closed one on (a close changes none of them: a guard).

On PostgreSQL each trigger first takes a shared advisory lock (KEY) that the writer of
kept lines takes exclusively, so no write can commit between the moment that writer reads
the rows and the moment its lines are stored (it would have nothing to drop yet); SQLite
has one writer at a time anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: topic_lock_key("export_days") (store/repositories.py), as store/export_days.py takes it.
KEY = 813821860926717834
_DROP = "DELETE FROM export_days WHERE ends > "


def _least(postgres: bool, *values: str) -> str:
    """The earliest of ``values``, none of them NULL (SQLite's min() of a NULL is NULL)."""
    return f"{'least' if postgres else 'min'}({', '.join(values)})"


def _statements(table: str, row: str, postgres: bool) -> list[str]:
    """What a trigger on ``table`` runs for its row ``row`` (NEW or OLD)."""
    if table == "payments":
        refunds = f"(SELECT min(f.created_at) FROM refunds f WHERE f.payment_id = {row}.id)"
        at = _least(
            postgres,
            f"coalesce({row}.paid_at, {row}.created_at)",
            f"{row}.created_at",
            f"coalesce({refunds}, {row}.created_at)",
        )
        return [_DROP + at]
    if table == "refunds":
        return [_DROP + f"{row}.created_at"]
    column = "booking_id" if table == "bookings" else "order_id"
    # The earliest moment of its money: its payments' and their refunds'. NULL when it has
    # none: nothing dropped. (refunds.booking_id and order_id are indexed, as are payments'.)
    mine = f"SELECT p.id FROM payments p WHERE p.{column} = {row}.id"
    paid = f"(SELECT min(coalesce(p.paid_at, p.created_at)) FROM payments p WHERE p.{column} = "
    paid += f"{row}.id)"
    refunded = f"(SELECT min(f.created_at) FROM refunds f WHERE f.payment_id IN ({mine}))"
    # And its refunds by their own column (the one their line is joined by), should it
    # ever differ from their payment's.
    own = f"(SELECT min(f.created_at) FROM refunds f WHERE f.{column} = {row}.id)"
    return [_DROP + paid, _DROP + refunded, _DROP + own]


# Which changes of a table's rows can change a kept line (None: any change).
WATCHED: dict[str, str | None] = {
    "payments": None,
    "refunds": None,
    "bookings": "customer_name, service_name, resource_id",
    "orders": "customer_name, discount, tax, tip, promo_code, paid_payment_id",
}
RENAMED = ("resources", "users")


def create_triggers(postgres: bool) -> list[str]:
    """The statements creating the triggers that drop kept lines."""
    out: list[str] = []
    lock = f"PERFORM pg_advisory_xact_lock_shared({KEY})"
    for table, columns in WATCHED.items():
        old, new = _statements(table, "OLD", postgres), _statements(table, "NEW", postgres)
        if postgres:
            skip = ""
            if columns is not None:
                changed = ", ".join(f"OLD.{c.strip()}" for c in columns.split(","))
                same = f"ROW({changed}) IS NOT DISTINCT FROM ROW({changed.replace('OLD.', 'NEW.')})"
                skip = f"IF TG_OP = 'UPDATE' AND {same} THEN RETURN NULL; END IF; "
            out.append(
                f"CREATE FUNCTION export_days_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {skip}{lock}; "
                f"IF TG_OP <> 'INSERT' THEN {'; '.join(old)}; END IF; "
                f"IF TG_OP <> 'DELETE' THEN {'; '.join(new)}; END IF; "
                "RETURN NULL; END $$"
            )
            out.append(
                f"CREATE TRIGGER export_days_{table} AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION export_days_{table}()"
            )
            continue
        update = "UPDATE" if columns is None else f"UPDATE OF {columns}"
        for event, body in (("INSERT", new), (update, old + new), ("DELETE", old)):
            name = f"export_days_{table}_{event.split()[0].lower()}"
            out.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {'; '.join(body)}; END"
            )
    for table in RENAMED:
        if postgres:
            out.append(
                f"CREATE FUNCTION export_days_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN IF TG_OP = 'UPDATE' AND OLD.name IS NOT DISTINCT FROM NEW.name "
                f"THEN RETURN NULL; END IF; {lock}; DELETE FROM export_days; RETURN NULL; END $$"
            )
            out.append(
                f"CREATE TRIGGER export_days_{table} AFTER UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION export_days_{table}()"
            )
            continue
        for event in ("UPDATE OF name", "DELETE"):
            name = f"export_days_{table}_{event.split()[0].lower()}"
            out.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN DELETE FROM export_days; END"
            )
    drop_from = "DELETE FROM export_days WHERE business_date >= NEW.business_date"
    if postgres:
        out.append(
            "CREATE FUNCTION export_days_day_closes() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {lock}; {drop_from}; RETURN NULL; END $$"
        )
        out.append(
            "CREATE TRIGGER export_days_day_closes AFTER INSERT ON day_closes "
            "FOR EACH ROW EXECUTE FUNCTION export_days_day_closes()"
        )
    else:
        out.append(
            "CREATE TRIGGER export_days_day_closes_insert AFTER INSERT ON day_closes "
            f"BEGIN {drop_from}; END"
        )
    return out


def trigger_names(postgres: bool) -> list[tuple[str, str]]:
    """(table, trigger) of every trigger ``create_triggers`` makes."""
    tables = [*WATCHED, *RENAMED, "day_closes"]
    if postgres:
        return [(t, f"export_days_{t}") for t in tables]
    names = []
    for t in tables:
        events: tuple[str, ...] = ("insert", "update", "delete")
        if t in RENAMED:
            events = ("update", "delete")
        elif t == "day_closes":
            events = ("insert",)
        names += [(t, f"export_days_{t}_{e}") for e in events]
    return names


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "export_days",
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("ends", sa.DateTime(), nullable=False),
        sa.Column("payments", sa.Integer(), nullable=False),
        sa.Column("refunds", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("business_date", name="pk_export_days"),
    )
    op.create_index("ix_export_days_ends", "export_days", ["ends"])
    for statement in create_triggers(postgres):
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, name in trigger_names(postgres):
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_export_days_ends", "export_days")
    op.drop_table("export_days")
