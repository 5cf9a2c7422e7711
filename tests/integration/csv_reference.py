"""The CSV export as it was written before the database made its cells: every row read
with ``export_rows`` and turned into cells in Python, cell by cell, then ``csv.writer``.

Kept as the reference the database-made export must equal byte for byte
(test_csv_bytes.py, test_export_cells.py).
"""

from __future__ import annotations

import csv
from datetime import UTC, tzinfo
from typing import TextIO

from pos_app.domain.csv_cells import FORMULA_START, amount_text
from pos_app.domain.report_data import ExportRow, Movement, ReportWindow
from pos_app.domain.text import printable
from pos_app.services.export_csv import COLUMNS
from pos_app.services.reports import zone_name
from pos_app.store.report_queries import SqlReportQueries


def guard(text: str) -> str:
    """guard_cell as first written: every character looked at."""
    shown = "\r".join(printable(part) for part in text.split("\r"))
    return "'" + shown if shown.startswith(FORMULA_START) else shown


def row_cells(row: ExportRow, tz: tzinfo, zone: str) -> list[str | int]:
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
    ]


def write_reference(queries: SqlReportQueries, window: ReportWindow, out: TextIO) -> int:
    """The header and every row of ``window`` the old way; returns the row count."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    zone = zone_name(window.tz)
    n = 0
    for row in queries.export_rows(window):
        writer.writerow(row_cells(row, window.tz, zone))
        n += 1
    return n
