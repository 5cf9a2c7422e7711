"""The tables (the domain's dataclasses are mapped onto them in ``mapping``), in portable
types only, so the same schema runs on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
    func,
    text,
)

from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import BookingStatus
from pos_app.domain.orders import LineKind, OrderStatus
from pos_app.domain.payment import PaymentMethod, PaymentStatus, RefundStatus
from pos_app.domain.people import ResourceKind, Role
from pos_app.domain.pricing import TipBase
from pos_app.domain.products import StockReason
from pos_app.store.schema_reports import day_link_counts as day_link_counts
from pos_app.store.schema_reports import export_days as export_days
from pos_app.store.schema_reports import order_hours as order_hours
from pos_app.store.schema_reports import sales_hours as sales_hours
from pos_app.store.schema_types import ID
from pos_app.store.schema_types import NAMING as NAMING
from pos_app.store.schema_types import UTCDateTime as UTCDateTime
from pos_app.store.schema_types import enum_column as _enum
from pos_app.store.schema_types import metadata as metadata

services = Table(
    "services",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("price_amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    # Thousandths of a percent (8.875 % is 8875), exact (migration 0016).
    Column("tax_rate_thousandths", Integer, nullable=False, default=0, server_default="0"),
)

resources = Table(
    "resources",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("kind", _enum(ResourceKind), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("position", Integer, nullable=False, default=0),
)

users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("role", _enum(Role), nullable=False),
    Column("pin_hash", String(255), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("resource_id", ID, ForeignKey("resources.id")),
)

# Wrong PINs in a row per station and subject (an account id, or "manager-approval"), and the
# lock they earned (migration 0009; it replaced the per-account count on ``users``).
pin_attempts = Table(
    "pin_attempts",
    metadata,
    Column("station_id", String(64), primary_key=True),
    Column("subject", String(64), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("locked_until", UTCDateTime()),
)

customers = Table(
    "customers",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(254), index=True),
    Column("phone", String(40)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("search_key", String(400), nullable=False, default="", index=True),
    # Allergies and preferences, shown when booking (migration 0011).
    Column("notes", Text, nullable=False, default="", server_default=""),
    # The language the customer reads, for Stripe's payment page; NULL: not known (0023).
    Column("language", String(16)),
    # Their Stripe Customer for receipts (0027): key and request stored first, then its id.
    Column("stripe_customer_key", String(255)),
    Column("stripe_customer_request", Text),
    Column("stripe_customer_id", String(255)),
    Column("stripe_customer_synced", Text),  # the request Stripe has applied
)

bookings = Table(
    "bookings",
    metadata,
    Column("id", ID, primary_key=True),
    Column("customer_name", String(200), nullable=False),
    Column("customer_email", String(254)),
    Column("customer_phone", String(40)),
    Column("service_id", ID, ForeignKey("services.id"), nullable=False),
    Column("service_name", String(120), nullable=False),
    Column("starts_at", UTCDateTime(), nullable=False, index=True),
    Column("ends_at", UTCDateTime(), nullable=False),
    Column("price_amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", _enum(BookingStatus), nullable=False),
    Column("paid_amount", BigInteger, nullable=False, default=0),
    Column("refunded_amount", BigInteger, nullable=False, default=0),
    Column("cancelled", Boolean, nullable=False, default=False),
    Column("notes", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("resource_id", ID, ForeignKey("resources.id")),
    Column("customer_id", ID, ForeignKey("customers.id"), index=True),
    Column("no_show", Boolean, nullable=False, default=False),
    Column("holds_slot", Boolean, nullable=False, default=True),
    Column("created_by", ID),
    # "Cash is being taken" and when that claim lapses (migration 0010).
    Column("cash_claim", ID),
    Column("cash_claim_until", UTCDateTime()),
)

payments = Table(
    "payments",
    metadata,
    Column("id", ID, primary_key=True),
    # None for a walk-in order's payment (0020): the order is what is paid.
    Column("booking_id", ID, ForeignKey("bookings.id"), index=True),
    Column("method", _enum(PaymentMethod), nullable=False),
    Column("status", _enum(PaymentStatus), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("idempotency_key", String(255), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("hold_until", UTCDateTime()),
    Column("stripe_session_id", String(255), unique=True),
    Column("checkout_url", Text),
    Column("expires_at", UTCDateTime()),
    Column("stripe_payment_intent_id", String(255), index=True),
    Column("stripe_charge_id", String(255)),
    Column("paid_at", UTCDateTime()),
    Column("failure_message", Text),
    Column("stripe_balance_transaction_id", String(255)),
    Column("fee_amount", BigInteger),
    Column("net_amount", BigInteger),
    Column("created_by", ID),
    Column("recorded_at", UTCDateTime()),
    Column("checkout_request", Text),  # the frozen create request, JSON (0007)
    # The database's order of recorded money (0008; see store/money_order.py).
    Column("record_seq", BigInteger),
    # The order it pays (0018; NOT NULL with its foreign key since 0020).
    Column(
        "order_id", ID, ForeignKey("orders.id", name="fk_payments_order_id_orders"), nullable=False
    ),
)

refunds = Table(
    "refunds",
    metadata,
    Column("id", ID, primary_key=True),
    Column("payment_id", ID, ForeignKey("payments.id"), nullable=False, index=True),
    Column("booking_id", ID, ForeignKey("bookings.id"), index=True),  # None for a walk-in
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reason", String(40)),
    Column("status", _enum(RefundStatus), nullable=False, index=True),
    Column("idempotency_key", String(255), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("stripe_refund_id", String(255), unique=True),
    Column("failure_reason", Text),  # Stripe's words, any length (0009)
    Column("note", Text, nullable=False, default=""),
    Column("stripe_balance_transaction_id", String(255)),
    Column("fee_amount", BigInteger),
    Column("net_amount", BigInteger),
    Column("created_by", ID),
    Column("recorded_at", UTCDateTime()),
    # The database's order of recorded money (0008): when it succeeded, and when a refund
    # that had succeeded failed after all (the money came back).
    Column("record_seq", BigInteger),
    Column("reversed_at", UTCDateTime()),
    Column("reversed_seq", BigInteger),
    # The order it refunds (0018; NOT NULL with its foreign key since 0020).
    Column(
        "order_id",
        ID,
        ForeignKey("orders.id", name="fk_refunds_order_id_orders"),
        nullable=False,
        index=True,
    ),
)

processed_events = Table(
    "processed_events",
    metadata,
    Column("event_id", String(255), primary_key=True),
    Column("type", String(120), nullable=False),
    Column("processed_at", UTCDateTime(), nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("received_at", UTCDateTime(), nullable=False, index=True),
    Column("event_id", String(255)),
    Column("event_type", String(120)),
    Column("outcome", String(20), nullable=False),
    Column("detail", Text, nullable=False, default=""),
)

# Append-only: the database refuses UPDATE and DELETE on it (triggers, migration 0004).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime(), nullable=False, index=True),
    Column("actor_id", ID),
    Column("actor_name", String(120), nullable=False),
    Column("action", _enum(AuditAction), nullable=False, index=True),
    Column("booking_id", ID, index=True),
    Column("payment_id", ID),
    Column("refund_id", ID),
    Column("amount", BigInteger),
    Column("currency", String(3)),
    Column("stripe_ids", Text, nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    # The marked sentence and its values (JSON), said in the reader's language (0024; NULL before)
    Column("detail_template", Text),
    Column("detail_params", Text),
)

# Append-only like the audit log: a closed day is never changed (triggers, migration 0005).
day_closes = Table(
    "day_closes",
    metadata,
    Column("business_date", Date, primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("closed_at", UTCDateTime(), nullable=False),
    Column("closed_by_id", ID),
    Column("closed_by_name", String(120), nullable=False),
    Column("card_net", BigInteger, nullable=False),
    Column("cash_expected", BigInteger, nullable=False),
    Column("cash_counted", BigInteger, nullable=False),
    Column("report_json", Text, nullable=False),
    Column("note", Text, nullable=False, default=""),
    # The last money order number the frozen report counts (0008): later ones are after it.
    Column("covered_seq", BigInteger, nullable=False),
    # The cash the drawer started the day with (0011); cash expected = float + cash taken.
    Column("opening_float", BigInteger, nullable=False, default=0, server_default="0"),
)

# One row: the last order number given to recorded money (0008). Every writer of money bumps
# it in its own transaction, so the row lock orders them by commit; a close reads it locked.
record_order = Table(
    "record_order",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", BigInteger, nullable=False),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(120), primary_key=True),
    Column("value", Text, nullable=False),
)

# The stations sharing this database, one row each (0013); times by the database's clock.
stations = Table(
    "stations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(60), nullable=False),
    Column("version", String(40), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("last_seen", UTCDateTime(), nullable=False),
    # It read Stripe's events feed for the business at its last beat (the leader).
    Column("leader", Boolean, nullable=False, default=False, server_default=false()),
)

# Retail products and their stock (migration 0016). The stock never goes below zero: the
# database refuses it, whatever a station computed (domain/products.py).
products = Table(
    "products",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("sku", String(64)),
    Column("price_amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("tax_rate_thousandths", Integer, nullable=False, default=0, server_default="0"),
    Column("stock", Integer, nullable=False, default=0, server_default="0"),
    Column("low_stock", Integer, nullable=False, default=3, server_default="3"),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime(), nullable=False),
    CheckConstraint("stock >= 0", name="stock_not_negative"),
)

# Every change of a product's stock, in the database's order (``seq``), with who and why.
stock_adjustments = Table(
    "stock_adjustments",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("product_id", ID, ForeignKey("products.id"), nullable=False),
    Column("change", Integer, nullable=False),
    Column("stock_after", Integer, nullable=False),
    Column("reason", _enum(StockReason), nullable=False),
    Column("note", String(200), nullable=False, default=""),
    Column("actor_id", ID),
    Column("actor_name", String(120), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("order_id", ID),
    Column("note_template", Text),  # the app's own note, marked (0026); NULL when typed
    Column("note_params", Text),
)

# Promo codes; ``uses`` is counted by a conditional UPDATE so the last use is taken once.
promo_codes = Table(
    "promo_codes",
    metadata,
    Column("id", ID, primary_key=True),
    Column("code", String(32), nullable=False),
    Column("percent_thousandths", Integer),
    Column("amount", BigInteger),
    # The currency of ``amount`` and ``min_order_amount`` (None for a percent without minimum).
    Column("currency", String(3)),
    Column("max_uses", Integer),
    Column("uses", Integer, nullable=False, default=0, server_default="0"),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("min_order_amount", BigInteger),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime(), nullable=False),
    CheckConstraint("uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)", name="uses_in_range"),
)

# Orders (0017): a sale's lines and figures with every input as used, so a later catalogue or
# settings change never alters one (domain/orders.py); figures that do not add up are refused.
orders = Table(
    "orders",
    metadata,
    Column("id", ID, primary_key=True),
    # Given by the database (order_numbers), for receipts: "Order 1042".
    Column("number", BigInteger, nullable=False, unique=True),
    Column("booking_id", ID, ForeignKey("bookings.id"), unique=True),  # a booking owns ≤ 1
    Column("customer_name", String(200), nullable=False, default=""),
    Column("customer_email", String(254)),
    Column("customer_phone", String(40)),
    Column("customer_id", ID, ForeignKey("customers.id"), index=True),
    Column("currency", String(3), nullable=False),
    Column("status", _enum(OrderStatus), nullable=False, index=True),
    # The order's discount as given (a percent in thousandths, or an amount), manual or the
    # promo code's; the code itself as it was when used.
    Column("discount_percent", Integer),
    Column("discount_fixed", BigInteger),
    Column("promo_code_id", ID, ForeignKey("promo_codes.id")),
    Column("promo_code", String(32)),
    Column("tip_percent", Integer),
    Column("tip_fixed", BigInteger),
    Column("prices_include_tax", Boolean, nullable=False),
    Column("tip_base", _enum(TipBase), nullable=False),
    Column("subtotal", BigInteger, nullable=False),
    Column("discount", BigInteger, nullable=False),
    Column("tax", BigInteger, nullable=False),
    Column("tip", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
    Column("created_by", ID),
    Column("created_by_name", String(120), nullable=False),
    # The money summary and cash claim, as a booking's (0018; docs/orders.md 2.3).
    Column("paid_amount", BigInteger, nullable=False, server_default=text("0")),
    Column("refunded_amount", BigInteger, nullable=False, server_default=text("0")),
    Column("stock_taken", Boolean, nullable=False, server_default=false()),
    Column("cash_claim", ID),
    Column("cash_claim_until", UTCDateTime()),
    # Its promo code's use is counted (0020): taken with the first link or cash claim, given
    # back once if the order is voided unpaid (docs/orders.md 2.4).
    Column("promo_use_taken", Boolean, nullable=False, server_default=false()),
    # Paid in full: the database's order number of that transaction and the payment's time
    # (0021); reports count the order's figures by them (store/order_report_queries.py).
    Column("paid_seq", BigInteger),  # indexed with paid_at (0029, below)
    Column("paid_at", UTCDateTime(), index=True),
    Column("paid_payment_id", ID, index=True),  # the payment that completed it (the CSV's)
    CheckConstraint(
        "subtotal >= 0 AND discount >= 0 AND discount <= subtotal AND tax >= 0 AND tip >= 0",
        name="figures_not_negative",
    ),
    CheckConstraint(
        "total = subtotal - discount + tip + CASE WHEN prices_include_tax THEN 0 ELSE tax END",
        name="total_adds_up",
    ),
    CheckConstraint("discount_percent IS NULL OR discount_fixed IS NULL", name="one_discount_kind"),
    CheckConstraint("tip_percent IS NULL OR tip_fixed IS NULL", name="one_tip_kind"),
)

# The numbers given to orders, in the database's order (an autoincrement key).
order_numbers = Table(
    "order_numbers",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=True),
    Column("order_id", ID, nullable=False, unique=True),
)

# An order's lines as sold: a snapshot of the item and its figures from price_order.
order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", ID, ForeignKey("orders.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("kind", _enum(LineKind), nullable=False),
    Column("product_id", ID, ForeignKey("products.id"), index=True),
    Column("service_id", ID, ForeignKey("services.id")),
    Column("name", String(120), nullable=False),
    Column("unit_amount", BigInteger, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("tax_rate_thousandths", Integer, nullable=False),
    # The line's own discount as given (a percent in thousandths, or an amount).
    Column("discount_percent", Integer),
    Column("discount_fixed", BigInteger),
    # Its figures: its own discount, its share of the order's, its tax, what it costs.
    Column("line_discount", BigInteger, nullable=False),
    Column("order_discount", BigInteger, nullable=False),
    Column("tax", BigInteger, nullable=False),
    Column("amount", BigInteger, nullable=False),
    CheckConstraint("quantity BETWEEN 1 AND 999", name="quantity_in_range"),
    CheckConstraint(
        "(kind = 'product' AND product_id IS NOT NULL AND service_id IS NULL) OR "
        "(kind = 'service' AND service_id IS NOT NULL AND product_id IS NULL)",
        name="one_item",
    ),
    CheckConstraint(
        "unit_amount >= 0 AND line_discount >= 0 AND order_discount >= 0 AND tax >= 0 "
        "AND line_discount + order_discount <= unit_amount * quantity",
        name="figures_in_range",
    ),
)

# Which lines a refund gives back, how many, and whether they go back on the shelf (0020);
# ``restocked`` says the shelf got them, once, when the refund succeeded.
refund_lines = Table(
    "refund_lines",
    metadata,
    Column("refund_id", ID, ForeignKey("refunds.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("quantity", Integer, nullable=False),
    Column("restock", Boolean, nullable=False),
    Column("restocked", Boolean, nullable=False, server_default=false()),
    CheckConstraint("quantity BETWEEN 1 AND 999", name="refund_quantity_in_range"),
)

Index("ix_payments_booking_status", payments.c.booking_id, payments.c.status)
Index("ix_payments_order_status", payments.c.order_id, payments.c.status)
Index("ix_bookings_resource_starts", bookings.c.resource_id, bookings.c.starts_at)
Index("ix_payments_status_paid_at", payments.c.status, payments.c.paid_at)
Index("ix_refunds_status_created_at", refunds.c.status, refunds.c.created_at)
# Report queries (migration 0006): recorded after their day closed; links created per day.
Index(
    "ix_payments_status_recorded_at",
    payments.c.status,
    payments.c.recorded_at,
    payments.c.paid_at,
)
Index(
    "ix_payments_method_created_status",
    payments.c.method,
    payments.c.created_at,
    payments.c.status,
)  # 0014: conversion counts from the index alone
Index(
    "ix_refunds_status_recorded_at",
    refunds.c.status,
    refunds.c.recorded_at,
    refunds.c.created_at,
)

# Money recorded after a close, found by its order number (migration 0008), with its date
# so that rows dated before a report's days are told apart in the index (0015).
Index(
    "ix_payments_status_seq_paid_at", payments.c.status, payments.c.record_seq, payments.c.paid_at
)
Index(
    "ix_refunds_status_seq_created_at", refunds.c.status, refunds.c.record_seq, refunds.c.created_at
)
Index("ix_refunds_reversed_seq", refunds.c.reversed_seq)
# Orders paid before a report's days but recorded after a close near them (0029).
Index("ix_orders_paid_seq_paid_at", orders.c.paid_seq, orders.c.paid_at)

# One customer per email address, any case (migration 0012): the database refuses what the
# service checks, so two stations saving at once cannot both add it. Without an email: no limit.
_EMAIL_GIVEN = customers.c.email != ""
_EMAIL_UNIQUE = Index(
    "ux_customers_email_lower",
    func.lower(customers.c.email),
    unique=True,
    sqlite_where=_EMAIL_GIVEN,
)


def describe_postgresql() -> None:
    """Add the PostgreSQL spelling of the partial index above (idempotent).

    Called when a PostgreSQL engine is made, not at import (naming a dialect's option loads
    it: 45 ms of a SQLite station's start). Migrations create the index either way.
    """
    _EMAIL_UNIQUE.dialect_kwargs["postgresql_where"] = _EMAIL_GIVEN


# One product per name and per SKU, in any case (0016): two stations adding the same at once
# cannot both succeed. Products without a SKU are not limited.
Index("ux_products_name_lower", func.lower(products.c.name), unique=True)
Index("ux_products_sku_lower", func.lower(products.c.sku), unique=True)
Index("ux_promo_codes_code_lower", func.lower(promo_codes.c.code), unique=True)
Index("ix_stock_adjustments_product_seq", stock_adjustments.c.product_id, stock_adjustments.c.seq)
