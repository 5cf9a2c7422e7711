"""The CSV export's text cells: the fast paths give what guarding each cell on its own gives.

The reference is ``guard_cell`` as first written (every character looked at) and the csv
module quoting the result: random texts with formula starts, control characters, bidi
overrides, non-ASCII names, quotes, commas and empty ids must come out identical, through
``guard_cell``, ``csv_field`` and SQLite's row path (``_sqlite_text``), whose ids of
printable ASCII skip both.
"""

from __future__ import annotations

import csv
import io
import random

from pos_app.domain.csv_cells import FORMULA_START, guard_cell, shown_ranges
from pos_app.domain.text import printable
from pos_app.store.report_export import _sqlite_text, csv_field

PIECES = ["", "a", "Zoë", "王", "=1+1", "+x", "-3", "@SUM", "\t", "\r", "\n", "ok\r\nline",
          "\x1b[31m", "\x07", "\u202e", "\u200d", "\x7f", "＝", "pay_1", " ", "'", '"q"',
          "\x0b", "\x0c", "\x1f", ",", "a,b", "\u2028", "\U000e0041", "\u00a0"]  # fmt: skip


def _guard(text: str) -> str:
    """guard_cell as first written: every character looked at."""
    shown = "\r".join(printable(part) for part in text.split("\r"))
    return "'" + shown if shown.startswith(FORMULA_START) else shown


def _line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


def _text(rnd: random.Random) -> str:
    # Mostly plain ids (the fast path), now and then one odd piece in one cell of a row.
    if rnd.random() < 0.9:
        return f"id_{rnd.randrange(10**6)}"
    return "".join(rnd.choice(PIECES) for _ in range(rnd.randrange(1, 3)))


def test_cells_come_out_as_cell_by_cell_guarding_gives_them() -> None:
    rnd = random.Random(13)
    for _ in range(5000):
        text = _text(rnd)
        assert guard_cell(text) == _guard(text)
        assert csv_field(text) == _line([_guard(text), "x"])[:-4]  # not alone: "" is


def test_sqlite_rows_come_out_as_the_csv_module_writes_the_guarded_cells() -> None:
    rnd = random.Random(7)
    rows, expected = [], []
    for _ in range(3000):
        texts = [_text(rnd) for _ in range(14)]  # the last two: the order id, the promo code
        kind = rnd.choice(["payment", "refund"])
        head, mid = "10:15:00,2026-06-10T14:15:00Z,America/New_York", "card,USD,3500,35.00,,,ok,no"
        figures = rnd.choice([",,,", ",500,294,300"])  # the order's discount, tax, tip joined
        rows.append((kind, "2026-06-10", head, *texts[:4], mid, *texts[4:13], figures, texts[13]))
        cells = [kind, "2026-06-10", *head.split(","), *map(_guard, texts[:4]), *mid.split(",")]
        cells += [_guard(t) for t in texts[4:13]] + figures[1:].split(",") + [_guard(texts[13])]
        expected.append(_line(cells))
    text, payments = _sqlite_text(rows)
    assert text == "".join(expected)
    assert payments == sum(r[0] == "payment" for r in rows)


def test_the_characters_shown_as_a_replacement_are_the_forbidden_ones() -> None:
    hidden = {chr(c) for a, b in shown_ranges() for c in range(a, b + 1)}
    assert {"\x00", "\x1b", "\x7f", "\u202e", "\u2028", "\U000e0041"} <= hidden
    assert not {"\t", "\n", "\r", "\u200d", "a", "王", "\u00a0"} & hidden
    for ch in hidden:
        assert printable("x" + ch) == "x\ufffd"
