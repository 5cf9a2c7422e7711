"""Plain bookings for the day table's tests: one shape, numbered, ``step`` minutes apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTableView

from pos_app.domain.booking import Booking


def plain_booking(
    n: int, *, day: int = 1, step: int = 15, prefix: str = "bk", **fields: Any
) -> Booking:
    """Booking ``n`` of 2030-06-``day``: a 30-minute haircut for $35.00, ``fields`` changed."""
    start = datetime(2030, 6, day, 8, 0, tzinfo=UTC) + timedelta(minutes=step * n)
    values: dict[str, Any] = {
        "id": f"{prefix}_{n:03d}",
        "customer_name": f"Customer {n}",
        "service_id": "svc_haircut",
        "service_name": "Haircut",
        "starts_at": start,
        "ends_at": start + timedelta(minutes=30),
        "price_amount": 3500,
        "currency": "usd",
        "created_at": start,
        "customer_email": f"c{n}@example.com",
    }
    values.update(fields)
    return Booking(**values)


def spoken_rows(table: QTableView) -> list[list[str]]:
    """What a screen reader is told for each cell of ``table`` (its accessible names, from
    Qt's own accessibility of the view), row by row."""
    view = QAccessible.queryAccessibleInterface(table)
    assert view is not None
    cells = (view.child(i) for i in range(view.childCount()))
    names = [c.text(QAccessible.Text.Name) for c in cells if c.role() == QAccessible.Role.Cell]
    width = table.model().columnCount()
    return [names[i : i + width] for i in range(0, len(names), width)]


def painted_alignment(table: QTableView, index: QModelIndex) -> int:
    """The alignment ``table``'s item delegate draws the cell at ``index`` with (the view's
    default, unless the cell has its own)."""
    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    QStyledItemDelegate().initStyleOption(option, index)
    return int(option.displayAlignment.value)
