"""CSV export: one row per payment received or refund that succeeded, for a spreadsheet.

UTF-8 with a byte-order mark (Excel then reads it as UTF-8, not the legacy code page) and
CRLF line ends, written by the csv module. Rows are streamed from the database in business
order, never loaded all at once. Text that a spreadsheet would run as a formula ("=…",
"+…", "-…", "@…", tab, CR) is prefixed with a single quote, as OWASP recommends. The columns
are documented in docs/csv-export.md; nothing secret (keys, idempotency keys, payment links)
is in them.
"""

from __future__ import annotations

import csv
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import TextIO

from pos_app.domain import currency as cur
from pos_app.domain.errors import PermissionDeniedError
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.people import Actor
from pos_app.domain.report_data import ExportRow, Movement
from pos_app.domain.text import printable
from pos_app.services import safe_file
from pos_app.services.context import Deps
from pos_app.services.reports import ReportService, zone_name

log = logging.getLogger(__name__)

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
)
# OWASP "CSV injection": cells starting with these are run as formulas by spreadsheets
# (the full-width forms too, which some normalise).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
PROGRESS_EVERY = 5000
#: Rows written per writerows call: at most this many are held between database and file.
WRITE_CHUNK = 1000
MANAGERS_ONLY = "Only a manager can export sales."


def guard_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it: never as a formula it would run, and with every
    control character (ESC, BEL, bidi overrides…, from rows stored before they were
    refused) shown as U+FFFD. Line breaks and tabs stay: the csv module quotes them."""
    # Most cells are ids and plain names: ASCII with no control character is shown as it
    # is (the same answer ``printable`` gives, without its look at every character).
    plain = text.isascii() and _ASCII_CONTROL.search(text) is None
    shown = text if plain else _shown(text)
    return "'" + shown if shown.startswith(FORMULA_START) else shown


# The ASCII characters ``printable`` replaces: C0 controls and DEL, but tab and line breaks.
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@lru_cache(maxsize=4096)  # names repeat on every row of their booking or staff member
def _shown(text: str) -> str:
    return "\r".join(printable(part) for part in text.split("\r"))


@lru_cache(maxsize=8192)  # prices repeat on most rows
def amount_text(minor: int, currency: str) -> str:
    """Major units without symbol or grouping, exactly: 3500 usd → '35.00', -1000 → '-10.00',
    500 ugx → '5' (whole shillings, though Stripe counts hundredths)."""
    exp = cur.decimals_shown(minor, currency)
    sign = "-" if minor < 0 else ""
    # Drop the hundredths Stripe adds to UGX/ISK (decimals_shown keeps them unless all zero).
    whole, frac = divmod(abs(minor) // 10 ** (cur.exponent(currency) - exp), 10**exp)
    return f"{sign}{whole}.{frac:0{exp}d}" if exp else f"{sign}{whole}"


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
        tz = self._d.policy.timezone
        window = self._reports.window(start, end)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        counts = {Movement.PAYMENT: 0, Movement.REFUND: 0}
        zone = zone_name(tz)
        n = 0
        chunk: list[list[str | int]] = []
        with self._d.uow() as uow:
            # Rows stream from a server-side cursor (export_rows) and go out in chunks: one
            # writerows call per chunk, never the whole range in memory.
            for row in uow.reports.export_rows(window):
                chunk.append(_cells(row, tz, zone))
                counts[row.kind] += 1
                n += 1
                if len(chunk) >= WRITE_CHUNK or n % PROGRESS_EVERY == 0:
                    writer.writerows(chunk)
                    chunk.clear()
                    if on_progress is not None and n % PROGRESS_EVERY == 0:
                        on_progress(n)
            writer.writerows(chunk)
        if on_progress is not None:
            on_progress(n)
        return counts[Movement.PAYMENT], counts[Movement.REFUND]

    def _allow(self, actor: Actor | None) -> None:
        who = actor or self._d.desk.actor
        if not who.is_manager:
            raise PermissionDeniedError(MANAGERS_ONLY)


def _cells(row: ExportRow, tz: tzinfo, zone: str) -> list[str | int]:
    """One CSV row, in COLUMNS order."""
    at = row.at
    payment = row.kind is Movement.PAYMENT
    amount = row.amount if payment else -row.amount
    # Stripe's fee as its balance transaction reports it (a refund's is negative when fees
    # were returned); cash has none; a card row's is blank until Stripe reports it.
    fee: int | None = 0 if row.method == _CASH else row.fee
    # Every text cell is guarded; the numbers are the app's own (a "-" there is a sign).
    # Names repeat from row to row (one guard each, remembered); the ids and reason get one
    # look for the whole row: plain printable ASCII (no control character, tab or line
    # break) and no cell that starts like a formula (the usual row) needs no cell changed.
    texts = [
        row.booking_id,
        row.id,
        row.stripe_session_id or "",
        row.stripe_payment_intent_id or "",
        row.stripe_charge_id or "",
        row.stripe_refund_id or "",
        row.stripe_balance_transaction_id or "",
        row.reason or "",
    ]
    # Each cell after a space: " =" finds a formula start (or, harmlessly, a space inside a
    # cell before one: that row takes the slow path, which gives the same answer).
    joined = " " + " ".join(texts)
    if not (joined.isascii() and joined.isprintable()) or any(
        mark in joined for mark in _FORMULA_MARKS
    ):
        texts = [guard_cell(t) for t in texts]
    return [
        _KIND_TEXT[row.kind],
        row.business_date.isoformat(),
        _clock_time(at.astimezone(tz)),
        _utc_time(at),
        zone,
        texts[0],
        _guard_name(row.customer),
        _guard_name(row.service),
        _guard_name(row.staff),
        row.method,
        row.currency.upper(),
        amount,
        amount_text(amount, row.currency),
        "" if fee is None else fee,
        "" if fee is None else amount - fee,
        row.status,
        "yes" if row.adjustment else "no",
        *texts[1:],
        _guard_name(row.recorded_by),
    ]


#: A formula start after the space that joins the row's cells, for the one look at a row;
#: the other starts (tab, line breaks, full-width signs) fail the ASCII-printable test.
_FORMULA_MARKS = tuple(" " + c for c in FORMULA_START if c.isascii() and c.isprintable())
_guard_name = lru_cache(maxsize=4096)(guard_cell)  # customers, services, staff: they repeat
_CASH = PaymentMethod.CASH.value
_KIND_TEXT = {m: m.value for m in Movement}  # an enum's .value is a slow descriptor


def _clock_time(local: datetime) -> str:
    """``HH:MM:SS`` (isoformat is C code; strftime is several times slower per row)."""
    return local.time().isoformat()[:8]


def _utc_time(at: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` of an aware time."""
    if at.utcoffset():
        at = at.astimezone(UTC)
    if at.year < 1000:  # isoformat pads the year to four digits, strftime does not
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")
    # The seconds end at 19 whatever follows (microseconds, then "+00:00").
    return at.isoformat()[:19] + "Z"
