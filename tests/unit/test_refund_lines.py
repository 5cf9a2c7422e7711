"""Refunding lines of an order: each part is the line's own figure shared by quantity, and
the parts add up to the line exactly however it is split (domain.refund_lines)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pos_app.domain.errors import InvalidStateError
from pos_app.domain.money import Money
from pos_app.domain.orders import LineKind, Order
from pos_app.domain.payable import line_share
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import OrderLine, TipBase, price_order
from pos_app.domain.refund_lines import lines_to_refund


def test_line_share_rounds_half_up_and_adds_up() -> None:
    assert line_share(2613, 2, 1) == 1307  # 1306.5 → 1307
    assert line_share(2613, 2, 2) - line_share(2613, 2, 1) == 1306
    assert [line_share(1000, 3, k) for k in range(4)] == [0, 333, 667, 1000]
    with pytest.raises(ValueError):
        line_share(1000, 3, 4)


def _order() -> Order:
    lines = [
        OrderLine("Shampoo", Money(1200, "usd"), 2, Percent(8875)),
        OrderLine("Haircut", Money(3500, "usd"), 1),
    ]
    totals = price_order(
        lines, order_discount=None, tip=None, prices_include_tax=False, tip_base=TipBase.BEFORE_TAX
    )
    return Order.build(
        id="ord_x",
        items=[(LineKind.PRODUCT, "prd_sh"), (LineKind.SERVICE, "svc_cut")],
        totals=totals,
        tip_base=TipBase.BEFORE_TAX,
        created_at=datetime(2026, 12, 6, tzinfo=UTC),
        created_by_name="",
    )


def test_lines_to_refund_by_name_with_restock_for_products_only() -> None:
    order = _order()
    amount, lines = lines_to_refund(order, [("shampoo", 1), ("Haircut", 1)], {}, restock=True)
    assert amount == 1307 + 3500
    assert [(x.position, x.quantity, x.restock) for x in lines] == [(1, 1, True), (2, 1, False)]
    amount, _ = lines_to_refund(order, [("Shampoo", 1)], {1: 1}, restock=False)
    assert amount == 1306
    with pytest.raises(InvalidStateError, match="Only 1 × Shampoo left to refund"):
        lines_to_refund(order, [("Shampoo", 2)], {1: 1}, restock=False)
    with pytest.raises(InvalidStateError, match="has no line 'Gel'"):
        lines_to_refund(order, [("Gel", 1)], {}, restock=False)
