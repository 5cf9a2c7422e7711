"""The CSV export as it was written before the database made its cells: every row read
with ``export_rows`` and turned into cells in Python, cell by cell, then ``csv.writer``.

Kept as the reference the database-made export must equal byte for byte
(test_csv_bytes.py, test_export_cells.py).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_app.domain.csv_cells import FORMULA_START, amount_text
from pos_app.domain.report_data import ExportRow, Movement, ReportWindow
from pos_app.domain.text import printable
from pos_app.services.export_csv import COLUMNS
from pos_app.services.reports import zone_name
from pos_app.store.report_queries import SqlReportQueries
from pos_app.store.schema import orders, payments, refunds


@dataclass
class OrderCells:
    """The order columns (issue 14) looked up in Python: each payment's and refund's order,
    and the figures of the order a payment paid in full."""

    order_of: dict[str, str] = field(default_factory=dict)  # payment or refund id → order
    paid_by: dict[str, tuple[int, int, int, str]] = field(default_factory=dict)

    @classmethod
    def read(cls, session: Session) -> OrderCells:
        """Every payment's, refund's and paid order's values, read once."""
        found = cls()
        for table in (payments, refunds):
            for id_, order_id in session.execute(select(table.c.id, table.c.order_id)):
                if order_id is not None:
                    found.order_of[id_] = order_id
        o = orders.c
        q = select(o.paid_payment_id, o.discount, o.tax, o.tip, o.promo_code).where(
            o.paid_payment_id.is_not(None)
        )
        for pay, discount, tax, tip, promo in session.execute(q):
            found.paid_by[pay] = (discount, tax, tip, promo or "")
        return found

    def cells(self, row: ExportRow) -> list[str | int]:
        """The five order cells of ``row``."""
        figures: list[str | int] = ["", "", "", ""]
        if row.kind is Movement.PAYMENT and row.id in self.paid_by:
            discount, tax, tip, promo = self.paid_by[row.id]
            figures = [discount, tax, tip, guard(promo)]
        return [guard(self.order_of.get(row.id, "")), *figures]


def guard(text: str) -> str:
    """guard_cell as first written: every character looked at."""
    shown = "\r".join(printable(part) for part in text.split("\r"))
    return "'" + shown if shown.startswith(FORMULA_START) else shown


def row_cells(
    row: ExportRow, tz: tzinfo, zone: str, orders: OrderCells | None = None
) -> list[str | int]:
    """One row's cells as the first export wrote them (strftime, every cell guarded)."""
    local = row.at.astimezone(tz)
    sign = 1 if row.kind is Movement.PAYMENT else -1
    amount = sign * row.amount
    fee = 0 if row.method == "cash" else row.fee
    return [
        row.kind.value,
        row.business_date.isoformat(),
        local.strftime("%H:%M:%S"),
        row.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        zone,
        guard(row.booking_id),
        guard(row.customer),
        guard(row.service),
        guard(row.staff),
        row.method,
        row.currency.upper(),
        amount,
        amount_text(amount, row.currency),
        "" if fee is None else fee,
        "" if fee is None else amount - fee,
        row.status,
        "yes" if row.adjustment else "no",
        guard(row.id),
        guard(row.stripe_session_id or ""),
        guard(row.stripe_payment_intent_id or ""),
        guard(row.stripe_charge_id or ""),
        guard(row.stripe_refund_id or ""),
        guard(row.stripe_balance_transaction_id or ""),
        guard(row.reason or ""),
        guard(row.recorded_by),
        *(orders or OrderCells()).cells(row),
    ]


def write_reference(queries: SqlReportQueries, window: ReportWindow, out: TextIO) -> int:
    """The header and every row of ``window`` the old way; returns the row count."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    zone = zone_name(window.tz)
    n = 0
    known = OrderCells.read(queries._s)
    for row in queries.export_rows(window):
        writer.writerow(row_cells(row, window.tz, zone, known))
        n += 1
    return n
