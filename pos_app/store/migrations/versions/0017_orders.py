"""orders: orders with their lines as sold, and the numbers the database gives them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

Issue 14: every sale is an order with lines. ``orders`` keeps the inputs of its figures as
used (the discount as given or the promo code's, the tip as given, whether prices included
tax and what a percent tip was of) and the figures themselves, which CHECKs keep adding up.
``order_lines`` snapshots each item (name, unit price, quantity, tax rate, its own discount)
with its figures, so a later catalogue change never alters an order. ``order_numbers`` gives
each order its number in the database's order. A booking owns at most one order (unique).
Nothing existing changes: payments and refunds move onto orders in a later step
(docs/orders.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("booking_id", sa.String(length=40), nullable=True),
        sa.Column("customer_name", sa.String(length=200), nullable=False),
        sa.Column("customer_email", sa.String(length=254), nullable=True),
        sa.Column("customer_phone", sa.String(length=40), nullable=True),
        sa.Column("customer_id", sa.String(length=40), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("discount_percent", sa.Integer(), nullable=True),
        sa.Column("discount_fixed", sa.BigInteger(), nullable=True),
        sa.Column("promo_code_id", sa.String(length=40), nullable=True),
        sa.Column("promo_code", sa.String(length=32), nullable=True),
        sa.Column("tip_percent", sa.Integer(), nullable=True),
        sa.Column("tip_fixed", sa.BigInteger(), nullable=True),
        sa.Column("prices_include_tax", sa.Boolean(), nullable=False),
        sa.Column("tip_base", sa.String(length=32), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("discount", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.Column("tip", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=True),
        sa.Column("created_by_name", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "subtotal >= 0 AND discount >= 0 AND discount <= subtotal AND tax >= 0 AND tip >= 0",
            name=op.f("ck_orders_figures_not_negative"),
        ),
        sa.CheckConstraint(
            "total = subtotal - discount + tip + CASE WHEN prices_include_tax THEN 0 ELSE tax END",
            name=op.f("ck_orders_total_adds_up"),
        ),
        sa.CheckConstraint(
            "discount_percent IS NULL OR discount_fixed IS NULL",
            name=op.f("ck_orders_one_discount_kind"),
        ),
        sa.CheckConstraint(
            "tip_percent IS NULL OR tip_fixed IS NULL", name=op.f("ck_orders_one_tip_kind")
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_orders_booking_id_bookings")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_orders_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["promo_code_id"],
            ["promo_codes.id"],
            name=op.f("fk_orders_promo_code_id_promo_codes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_orders_booking_id")),
        sa.UniqueConstraint("number", name=op.f("uq_orders_number")),
    )
    op.create_index(op.f("ix_orders_created_at"), "orders", ["created_at"])
    op.create_index(op.f("ix_orders_customer_id"), "orders", ["customer_id"])
    op.create_index(op.f("ix_orders_status"), "orders", ["status"])
    op.create_table(
        "order_numbers",
        sa.Column("number", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_order_numbers")),
        sa.UniqueConstraint("order_id", name=op.f("uq_order_numbers_order_id")),
    )
    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("product_id", sa.String(length=40), nullable=True),
        sa.Column("service_id", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("unit_amount", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("tax_rate_thousandths", sa.Integer(), nullable=False),
        sa.Column("discount_percent", sa.Integer(), nullable=True),
        sa.Column("discount_fixed", sa.BigInteger(), nullable=True),
        sa.Column("line_discount", sa.BigInteger(), nullable=False),
        sa.Column("order_discount", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "quantity BETWEEN 1 AND 999", name=op.f("ck_order_lines_quantity_in_range")
        ),
        sa.CheckConstraint(
            "(kind = 'product' AND product_id IS NOT NULL AND service_id IS NULL) OR "
            "(kind = 'service' AND service_id IS NOT NULL AND product_id IS NULL)",
            name=op.f("ck_order_lines_one_item"),
        ),
        sa.CheckConstraint(
            "unit_amount >= 0 AND line_discount >= 0 AND order_discount >= 0 AND tax >= 0 "
            "AND line_discount + order_discount <= unit_amount * quantity",
            name=op.f("ck_order_lines_figures_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_lines_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_order_lines_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_order_lines_service_id_services")
        ),
        sa.PrimaryKeyConstraint("order_id", "position", name=op.f("pk_order_lines")),
    )
    op.create_index(op.f("ix_order_lines_product_id"), "order_lines", ["product_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_order_lines_product_id"), table_name="order_lines")
    op.drop_table("order_lines")
    op.drop_table("order_numbers")
    op.drop_index(op.f("ix_orders_status"), table_name="orders")
    op.drop_index(op.f("ix_orders_customer_id"), table_name="orders")
    op.drop_index(op.f("ix_orders_created_at"), table_name="orders")
    op.drop_table("orders")
