"""CSV export: one row per payment received or refund that succeeded, for a spreadsheet.

UTF-8 with a byte-order mark (Excel then reads it as UTF-8, not the legacy code page) and
CRLF line ends, as the csv module writes them. Rows are streamed from the database in
business order, never loaded all at once, with every cell made by the database (the store's
report_export: PostgreSQL's COPY, SQLite's rows joined into lines; the rules come from
domain/csv_cells.py). Text that a spreadsheet would run as a formula ("=…", "+…", "-…",
"@…", tab, CR) is prefixed with a single quote, as OWASP recommends. The columns are
documented in docs/csv-export.md; nothing secret (keys, idempotency keys, payment links) is
in them.
"""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from pos_app.domain.csv_cells import FORMULA_START, amount_text, guard_cell
from pos_app.domain.errors import PermissionDeniedError
from pos_app.domain.people import Actor
from pos_app.domain.report_data import ReportWindow
from pos_app.i18n import N_
from pos_app.services import safe_file
from pos_app.services.context import Deps
from pos_app.services.reports import ReportService, zone_name

log = logging.getLogger(__name__)
__all__ = [
    "COLUMNS",
    "FORMULA_START",
    "CsvExportService",
    "ExportResult",
    "amount_text",
    "guard_cell",
]

COLUMNS: tuple[str, ...] = (
    "type",
    "business_date",
    "local_time",
    "utc_time",
    "timezone",
    "booking_id",
    "customer",
    "service",
    "staff",
    "method",
    "currency",
    "amount",
    "amount_display",
    "fee",
    "net",
    "status",
    "adjustment",
    "record_id",
    "stripe_session_id",
    "stripe_payment_intent_id",
    "stripe_charge_id",
    "stripe_refund_id",
    "stripe_balance_transaction_id",
    "refund_reason",
    "recorded_by",
    # issue 14: the order of the row, and the figures of the order its payment paid in full
    "order_id",
    "order_discount",
    "order_tax",
    "order_tip",
    "promo_code",
)
PROGRESS_EVERY = 5000
KEEP_DAYS = 31  # closed days' lines made and kept per transaction at most
KEEP_SECONDS = 0.5  # ...and about as long as one such transaction takes...
# ...but a week at least: each costs about 0.2 s whatever its size (the plan, its compiling),
# which on a loaded machine alone took longer, and a year then went one day at a time.
KEEP_MIN_DAYS = 7
MANAGERS_ONLY = N_("Only a manager can export sales.")


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    rows: int
    payments: int
    refunds: int
    seconds: float


class CsvExportService:
    """Export a range of business days' payments and refunds as CSV (managers only)."""

    def __init__(self, deps: Deps, *, reports: ReportService) -> None:
        self._d = deps
        self._reports = reports  # the same business-day windows as the sales report

    def export(
        self,
        start: date,
        end: date,
        path: Path,
        *,
        actor: Actor | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> ExportResult:
        """Write the CSV to ``path``, replaced whole: a failed export leaves no half file, and
        a link, device, pipe or folder at ``path`` is refused (see ``safe_file``)."""
        self._allow(actor)
        self._reports.window(start, end)  # a bad range is refused before any file is made
        began = time.perf_counter()
        with (
            safe_file.replacing(path, "CSV") as part,
            part.open("w", encoding="utf-8-sig", newline="") as out,
        ):
            counts = self._write(start, end, out, on_progress)
        seconds = time.perf_counter() - began
        result = ExportResult(path, counts[0] + counts[1], counts[0], counts[1], seconds)
        log.info("export.csv from=%s to=%s rows=%s seconds=%.2f", start, end, result.rows, seconds)
        return result

    def write(
        self,
        start: date,
        end: date,
        out: TextIO,
        *,
        actor: Actor | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> int:
        """Write the header and rows to an open text stream (opened with ``newline=""``);
        the caller chooses the encoding (``utf-8-sig`` for a file). Returns the row count."""
        self._allow(actor)
        payments, refunds = self._write(start, end, out, on_progress)
        return payments + refunds

    def _write(
        self,
        start: date,
        end: date,
        out: TextIO,
        on_progress: Callable[[int], None] | None,
    ) -> tuple[int, int]:
        window = self._reports.window(start, end)
        keep_days(self._d, window)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        payments = refunds = 0
        told = 0
        with self._d.uow() as uow:
            # Every cell is made by the database (store/report_export.py); batches stream
            # from it, each written before the next is read.
            for batch in uow.reports.export_csv(window, zone_name(window.tz)):
                out.write(batch.text)
                payments += batch.payments
                refunds += batch.refunds
                n = payments + refunds
                if on_progress is not None and n - told >= PROGRESS_EVERY:
                    told = n
                    on_progress(n)
        if on_progress is not None:
            on_progress(payments + refunds)
        return payments, refunds

    def _allow(self, actor: Actor | None) -> None:
        who = actor or self._d.desk.actor
        if not who.is_manager:
            raise PermissionDeniedError(MANAGERS_ONLY)


def keep_days(deps: Deps, window: ReportWindow) -> None:
    """Have the database keep the lines of the window's closed days that it does not keep
    yet (store/export_days.py), so that this export and later ones copy them.

    A week or more per transaction, as many days as take about KEEP_SECONDS: the writers of
    money wait for each (SQLite's write lock; PostgreSQL's lock on kept lines), so a busy
    shop's month, seconds to make, is not one wait."""
    zone = zone_name(window.tz)
    with deps.uow() as uow:
        days = uow.reports.unkept_export_days(window, zone)
    size = KEEP_MIN_DAYS
    while days:
        part, days = days[:size], days[size:]
        began = time.perf_counter()
        with deps.uow(write=True) as uow:
            if uow.reports.keep_export_days(ReportWindow(part[0], part[-1], window.tz), zone):
                uow.commit()
        took = max(time.perf_counter() - began, 0.001)
        size = max(KEEP_MIN_DAYS, min(KEEP_DAYS, int(len(part) * KEEP_SECONDS / took)))


def keep_closed(deps: Deps, day: date) -> None:
    """Keep the lines of ``day``, just closed, so that no export pays for making them (and
    those of the closed days of the week after it, which a close of an earlier day drops).

    Called once the close has committed, on the same worker: the close stands whatever
    happens here. On PostgreSQL nothing is kept while another station's write of money is
    in flight (store/export_days.py); then, or on any failure (logged), the first export
    that covers the day makes and keeps its lines, as it did before."""
    try:
        last = day + timedelta(days=KEEP_MIN_DAYS - 1)
        keep_days(deps, ReportWindow(day, last, deps.policy.timezone))
    except Exception:  # any: the close is committed, and the export makes the lines anyway
        log.warning("export.keep_failed date=%s", day, exc_info=True)
