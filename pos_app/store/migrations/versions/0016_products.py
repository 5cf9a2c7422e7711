"""products: retail products with stock, stock adjustments, promo codes, services' tax rate

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

Issue 14's foundation. ``products`` holds what is sold off the shelf: price, tax rate (in
thousandths of a percent, exact), and a stock the database keeps at zero or above (a CHECK:
taking stock is a conditional UPDATE, and a station that computed wrongly is refused, not
obeyed). ``stock_adjustments`` records every change of a stock with its reason and who made
it, numbered by the database. ``promo_codes`` counts its uses in the row itself, bounded by
a CHECK too. Names, SKUs and codes are unique in any case (expression indexes on lower()).
Services gain a tax rate, 0 % for every existing one: their prices are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (with its default), not a batch: SQLite's batch copies the table.
    op.add_column(
        "services",
        sa.Column("tax_rate_thousandths", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("price_amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("tax_rate_thousandths", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("stock", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("low_stock", sa.Integer(), nullable=False, server_default="3"),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("stock >= 0", name=op.f("ck_products_stock_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )
    op.create_index("ux_products_name_lower", "products", [sa.text("lower(name)")], unique=True)
    op.create_index("ux_products_sku_lower", "products", [sa.text("lower(sku)")], unique=True)
    op.create_table(
        "stock_adjustments",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("product_id", sa.String(length=40), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.Column("stock_after", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("actor_id", sa.String(length=40), nullable=True),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("order_id", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_stock_adjustments_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_stock_adjustments")),
    )
    op.create_index("ix_stock_adjustments_product_seq", "stock_adjustments", ["product_id", "seq"])
    op.create_table(
        "promo_codes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("percent_thousandths", sa.Integer(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("min_order_amount", sa.BigInteger(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)",
            name=op.f("ck_promo_codes_uses_in_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promo_codes")),
    )
    op.create_index(
        "ux_promo_codes_code_lower", "promo_codes", [sa.text("lower(code)")], unique=True
    )


def downgrade() -> None:
    op.drop_index("ux_promo_codes_code_lower", table_name="promo_codes")
    op.drop_table("promo_codes")
    op.drop_index("ix_stock_adjustments_product_seq", table_name="stock_adjustments")
    op.drop_table("stock_adjustments")
    op.drop_index("ux_products_sku_lower", table_name="products")
    op.drop_index("ux_products_name_lower", table_name="products")
    op.drop_table("products")
    # SQLite cannot drop a column in place before 3.35; a batch copy is fine on the way down.
    with op.batch_alter_table("services") as batch:
        batch.drop_column("tax_rate_thousandths")
