"""people, customers, the audit log, and the database's own guard against double-booking

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

Two bookings that hold the same resource may not overlap, and the audit log may only grow.
Both rules live in the database so no code path (another station, a script, a bug) can
break them: SQLite gets triggers (its writers are serialised, so a check-then-insert
trigger cannot race); PostgreSQL gets an exclusion constraint, which is race-free under
concurrent transactions where a trigger would not be.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The message every database raises for a double booking; the store maps it to a sentence.
SLOT_TAKEN = "slot_taken"
AUDIT_APPEND_ONLY = "audit_log_is_append_only"

_SQLITE_OVERLAP = """
SELECT RAISE(ABORT, '{msg}') FROM bookings b
WHERE NEW.holds_slot AND NEW.resource_id IS NOT NULL
  AND b.resource_id = NEW.resource_id AND b.holds_slot AND b.id <> NEW.id
  AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at;
"""


def upgrade() -> None:
    op.create_table(
        "resources",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resources")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("resource_id", sa.String(length=40), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resource_id"], ["resources.id"], name=op.f("fk_users_resource_id_resources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("search_key", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customers_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_customers_search_key"), ["search_key"], unique=False)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.String(length=40), nullable=True),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("booking_id", sa.String(length=40), nullable=True),
        sa.Column("payment_id", sa.String(length=40), nullable=True),
        sa.Column("refund_id", sa.String(length=40), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("stripe_ids", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_booking_id"), ["booking_id"], unique=False)

    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resource_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("customer_id", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("no_show", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("holds_slot", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("created_by", sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_bookings_resource_id_resources"), "resources", ["resource_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_bookings_customer_id_customers"), "customers", ["customer_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_bookings_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(
            "ix_bookings_resource_starts", ["resource_id", "starts_at"], unique=False
        )
    # Cancelled bookings never held a slot under the new rule.
    op.execute(sa.text("UPDATE bookings SET holds_slot = :no WHERE cancelled").bindparams(no=False))
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by", sa.String(length=40), nullable=True))
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by", sa.String(length=40), nullable=True))

    if _pg():
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _upgrade_sqlite() -> None:
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER bookings_no_overlap_{event.lower()} BEFORE {event} ON bookings "
            f"BEGIN {_SQLITE_OVERLAP.format(msg=SLOT_TAKEN)} END"
        )
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{AUDIT_APPEND_ONLY}'); END"
        )


def _upgrade_postgresql() -> None:
    # btree_gist lets one GiST index compare the resource id (=) and the time range (&&).
    # It is a trusted extension (PostgreSQL 13+), so the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_slot_taken EXCLUDE USING gist "
        "(resource_id WITH =, tsrange(starts_at, ends_at) WITH &&) "
        "WHERE (holds_slot AND resource_id IS NOT NULL)"
    )
    op.execute(
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{AUDIT_APPEND_ONLY}' "
        "USING ERRCODE = 'integrity_constraint_violation'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    )


def downgrade() -> None:
    if _pg():
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
        op.execute("ALTER TABLE bookings DROP CONSTRAINT IF EXISTS ex_bookings_slot_taken")
    else:
        for name in (
            "bookings_no_overlap_insert",
            "bookings_no_overlap_update",
            "audit_log_no_update",
            "audit_log_no_delete",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_column("created_by")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("created_by")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_bookings_resource_starts")
        batch_op.drop_index(batch_op.f("ix_bookings_customer_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_bookings_customer_id_customers"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_bookings_resource_id_resources"), type_="foreignkey"
        )
        for column in ("created_by", "holds_slot", "no_show", "customer_id", "resource_id"):
            batch_op.drop_column(column)
    op.drop_table("audit_log")
    op.drop_table("customers")
    op.drop_table("users")
    op.drop_table("resources")
