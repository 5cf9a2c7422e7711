"""The CSV export's order columns (issue 14, docs/csv-export.md): which order a payment or
refund is for, and, on the row of the payment that paid an order in full, that order's
discount, tax, tip and promo code, so that their sums over a file tie out to the report's.

The order a payment completed is the payment's own order (``orders.paid_payment_id`` is
always one of the order's payments: store/orders_repo.py, migration 0021), which each branch
joins already by its key for the customer's name: its figures are shown when that order's
``paid_payment_id`` is the row's id, without a second lookup of the orders by that index (a
search and a row read a payment: measured, about a microsecond a row on SQLite). Other rows
get empty cells.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, String, case, cast, null

#: The columns' raw values, in the file's order (after ``recorded_by``).
ORDER_KEYS = ("order_id", "order_discount", "order_tax", "order_tip", "promo_code")


def order_cells(table: Any, order: Any, *, payment: bool) -> dict[str, Any]:
    """The raw values of the order columns of a branch over ``table`` (payments or
    refunds) joined to its own order as ``order`` (NULL where a row has none: a refund, or
    a payment that did not pay its order in full)."""
    if not payment:
        # Typed NULLs: PostgreSQL's union and its text functions want to know their types.
        nothing = {k: cast(null(), BigInteger) for k in ORDER_KEYS[1:4]}
        return {"order_id": table.c.order_id, **nothing, "promo_code": cast(null(), String)}
    completed = order.c.paid_payment_id == table.c.id
    return {
        "order_id": table.c.order_id,
        "order_discount": case((completed, order.c.discount)),
        "order_tax": case((completed, order.c.tax)),
        "order_tip": case((completed, order.c.tip)),
        "promo_code": case((completed, order.c.promo_code)),
    }
