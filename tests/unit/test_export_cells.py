"""The CSV export's fast row path gives the same cells as guarding each one on its own.

The reference below is the export's row as it was written before the fast path (every text
cell through the first ``guard_cell``, times through strftime): random rows with formula starts,
control characters, bidi overrides, non-ASCII names and empty ids must come out identical.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from pos_app.domain.report_data import ExportRow, Movement
from pos_app.domain.text import printable
from pos_app.services.export_csv import FORMULA_START, _cells, amount_text

TZ = ZoneInfo("America/New_York")
PIECES = ["", "a", "Zoë", "王", "=1+1", "+x", "-3", "@SUM", "\t", "\r", "\n", "ok\r\nline",
          "\x1b[31m", "\x07", "\u202e", "\u200d", "\x7f", "＝", "pay_1", " ", "'", '"q"',
          "\x0b", "\x0c", "\x1f", "\x00"]  # fmt: skip


def _guard(text: str) -> str:
    """guard_cell as first written: every character looked at."""
    shown = "\r".join(printable(part) for part in text.split("\r"))
    return "'" + shown if shown.startswith(FORMULA_START) else shown


def _reference(row: ExportRow, tz: tzinfo, zone: str) -> list[str | int]:
    local = row.at.astimezone(tz)
    sign = 1 if row.kind is Movement.PAYMENT else -1
    amount = sign * row.amount
    fee = 0 if row.method == "cash" else row.fee
    text = _guard
    return [
        row.kind.value,
        row.business_date.isoformat(),
        local.strftime("%H:%M:%S"),
        row.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        zone,
        text(row.booking_id),
        text(row.customer),
        text(row.service),
        text(row.staff),
        row.method,
        row.currency.upper(),
        amount,
        amount_text(amount, row.currency),
        "" if fee is None else fee,
        "" if fee is None else amount - fee,
        row.status,
        "yes" if row.adjustment else "no",
        text(row.id),
        text(row.stripe_session_id or ""),
        text(row.stripe_payment_intent_id or ""),
        text(row.stripe_charge_id or ""),
        text(row.stripe_refund_id or ""),
        text(row.stripe_balance_transaction_id or ""),
        text(row.reason or ""),
        text(row.recorded_by),
    ]


def _text(rnd: random.Random) -> str:
    # Mostly plain ids (the fast path), now and then one odd piece in one cell of a row.
    if rnd.random() < 0.9:
        return f"id_{rnd.randrange(10**6)}"
    return "".join(rnd.choice(PIECES) for _ in range(rnd.randrange(1, 3)))


def _maybe(rnd: random.Random) -> str | None:
    return None if rnd.random() < 0.3 else _text(rnd)


def test_rows_come_out_as_cell_by_cell_guarding_gives_them() -> None:
    rnd = random.Random(13)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for _ in range(3000):
        kind = rnd.choice([Movement.PAYMENT, Movement.REFUND])
        at = start + timedelta(seconds=rnd.randrange(60 * 86400), microseconds=rnd.randrange(2))
        fee = rnd.choice([None, 0, 130, -20])
        row = ExportRow(
            kind,
            _text(rnd),
            _text(rnd),
            at,
            date(2026, 3, 1) + timedelta(days=rnd.randrange(60)),
            rnd.random() < 0.2,
            _text(rnd),
            _text(rnd),
            _text(rnd),
            rnd.choice(["card", "cash"]),
            rnd.choice(["usd", "eur", "jpy", "ugx"]),
            rnd.randrange(-500, 100000),
            fee,
            None,
            "succeeded",
            _maybe(rnd),
            _maybe(rnd),
            _maybe(rnd),
            _maybe(rnd),
            _maybe(rnd),
            _maybe(rnd),
            _text(rnd),
            at,
        )
        assert _cells(row, TZ, "America/New_York") == _reference(row, TZ, "America/New_York")
