"""The CSV export's order columns (issue 14, docs/csv-export.md): which order a payment or
refund is for, and, on the row of the payment that paid an order in full, that order's
discount, tax, tip and promo code, so that their sums over a file tie out to the report's.

Each branch of the export joins ``orders`` once, by the completing payment's id
(``orders.paid_payment_id``, indexed); other rows get empty cells.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, String, cast, null

from pos_app.store.schema import orders

#: The columns' raw values, in the file's order (after ``recorded_by``).
ORDER_KEYS = ("order_id", "order_discount", "order_tax", "order_tip", "promo_code")

_paid_order = orders.alias("paid_order")


def with_order_cells(base: Any, table: Any, *, payment: bool) -> tuple[Any, dict[str, Any]]:
    """``base`` joined to the order a payment row completed, and the raw values of the
    order columns (NULL where a row has none: a refund, or a payment that did not pay its
    order in full)."""
    if not payment:
        # Typed NULLs: PostgreSQL's union and its text functions want to know their types.
        nothing = {k: cast(null(), BigInteger) for k in ORDER_KEYS[1:4]}
        return base, {
            "order_id": table.c.order_id,
            **nothing,
            "promo_code": cast(null(), String),
        }
    o = _paid_order.c
    joined = base.outerjoin(_paid_order, o.paid_payment_id == table.c.id)
    return joined, {
        "order_id": table.c.order_id,
        "order_discount": o.discount,
        "order_tax": o.tax,
        "order_tip": o.tip,
        "promo_code": o.promo_code,
    }
