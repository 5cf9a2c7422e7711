"""The report tables kept beside the rows they summarise: counted links of closed days,
sales and order figures per hour (kept by triggers) and closed days' CSV lines."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Integer, String, Table, Text

from pos_app.store.schema_types import ID, UTCDateTime, metadata

# A closed day's card payment links by status, counted once none was open (0016): reports
# read these, not a year's links. Written once (the day close, or a later sync pass).
day_link_counts = Table(
    "day_link_counts",
    metadata,
    Column("business_date", Date, primary_key=True),
    Column("timezone", String(64), nullable=False),  # the zone the day was counted in
    Column("counts", Text, nullable=False),  # JSON: {"succeeded": 812, "expired": 31, ...}
    Column("frozen_at", UTCDateTime(), nullable=False),  # shown only
)

# Counted payments, refunds and reversals per UTC hour and report key, kept by triggers (0022):
# open days read these, not every row (store/sales_hours.py). '' where there is no key.
sales_hours = Table(
    "sales_hours",
    metadata,
    Column("kind", String(16), primary_key=True),  # payment, refund or reversal
    Column("hour", UTCDateTime(), primary_key=True),  # the UTC hour the rows are dated in
    Column("currency", String(3), primary_key=True),
    Column("service_id", ID, primary_key=True),
    Column("service_name", String(120), primary_key=True),
    Column("resource_id", ID, primary_key=True),
    Column("method", String(32), primary_key=True),
    Column("n", BigInteger, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("fee", BigInteger, nullable=False),  # a NULL fee sums as 0
    Column("unfeed_n", BigInteger, nullable=False),  # payments whose fee is not known yet
    Column("unfeed_amount", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)

# The paid orders' figures per UTC hour, kept like sales_hours (0025: what the keys hold).
order_hours = Table(
    "order_hours",
    metadata,
    Column("kind", String(8), primary_key=True),
    Column("hour", UTCDateTime(), primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("key", ID, primary_key=True),
    Column("detail", String(32), primary_key=True),
    Column("rate", Integer, primary_key=True),
    Column("name", String(120), primary_key=True),
    Column("n", BigInteger, nullable=False),
    *(Column(c, BigInteger, nullable=False) for c in ("quantity", "amount", "discount", "tax")),
    Column("tip", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)

export_days = Table(  # closed days' CSV lines (0028, store/export_days.py), dropped by triggers
    "export_days",
    metadata,
    Column("business_date", Date, primary_key=True),
    Column("zone", String(64), nullable=False),
    Column("format", String(32), nullable=False),
    Column("ends", UTCDateTime(), nullable=False, index=True),  # the day's end in UTC
    Column("payments", Integer, nullable=False),
    Column("refunds", Integer, nullable=False),
    Column("lines", Text, nullable=False),
)
