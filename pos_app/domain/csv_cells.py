"""What a CSV export's text cell and amount look like: the rules, once.

The export's cells are made by the database (store/report_export.py builds the SQL from
the names below) and checked against these functions cell by cell in the tests. A text cell
holding anything but printable ASCII is shown as :func:`guard_cell` gives it: PostgreSQL
applies :func:`shown_pattern` (generated from the same rule) in SQL, SQLite's rows call
``guard_cell`` itself (store/report_export.py says why).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pos_app.domain import currency as cur
from pos_app.domain.text import FORBIDDEN_CATEGORIES, REPLACEMENT, is_forbidden, printable

# OWASP "CSV injection": cells starting with these are run as formulas by spreadsheets
# (the full-width forms too, which some normalise).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
#: The formula starts a cell of printable ASCII can begin with (the others fail that test).
ASCII_FORMULA_START = tuple(c for c in FORMULA_START if " " <= c <= "~")
#: Shown in place of a control character in a cell.
SHOWN_FOR_CONTROL = REPLACEMENT


def guard_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it: never as a formula it would run, and with every
    control character (ESC, BEL, bidi overrides…, from rows stored before they were
    refused) shown as U+FFFD. Line breaks and tabs stay: the csv module quotes them."""
    shown = _shown(text)
    return "'" + shown if shown.startswith(FORMULA_START) else shown


@lru_cache(maxsize=4096)  # names repeat on every row of their booking or staff member
def _shown(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text
    return "\r".join(printable(part) for part in text.split("\r"))


def _hidden(ch: str) -> bool:
    """Whether a cell shows ``ch`` as U+FFFD (a line break or tab stays: it is quoted)."""
    return ch != "\r" and is_forbidden(ch, multiline=True)


@lru_cache(maxsize=1)
def shown_ranges() -> tuple[tuple[int, int], ...]:
    """The code point ranges a cell shows as U+FFFD (surrogates left out: no database text
    holds one), for a regular expression's character class."""
    ranges: list[tuple[int, int]] = []
    category = unicodedata.category
    # Only a character of a forbidden category can be hidden: that one look first, and
    # _hidden's for those few (the whole of Unicode through _hidden cost 0.34 s of CPU on
    # the first PostgreSQL export of a process, as much as 12,000 of its rows; now 0.17).
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF or category(chr(code)) not in FORBIDDEN_CATEGORIES:
            continue
        if not _hidden(chr(code)):
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return tuple(ranges)


def shown_pattern() -> str:
    """A POSIX (PostgreSQL) regular expression matching each character ``shown_ranges``
    names, written with escapes only (``\\uXXXX``, ``\\UXXXXXXXX``)."""

    def esc(code: int) -> str:
        return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"

    parts = [esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in shown_ranges()]
    return "[" + "".join(parts) + "]"


@lru_cache(maxsize=8192)  # prices repeat on most rows
def amount_text(minor: int, currency: str) -> str:
    """Major units without symbol or grouping, exactly: 3500 usd → '35.00', -1000 → '-10.00',
    500 ugx → '5' (whole shillings, though Stripe counts hundredths)."""
    exp = cur.decimals_shown(minor, currency)
    sign = "-" if minor < 0 else ""
    # Drop the hundredths Stripe adds to UGX/ISK (decimals_shown keeps them unless all zero).
    whole, frac = divmod(abs(minor) // 10 ** (cur.exponent(currency) - exp), 10**exp)
    return f"{sign}{whole}.{frac:0{exp}d}" if exp else f"{sign}{whole}"


def exponent_groups() -> dict[tuple[int, int], tuple[str, ...]]:
    """The currencies whose (API, display) decimals differ from Stripe's default (2, 2),
    by those decimals: what SQL needs to write ``amount_text``."""
    groups: dict[tuple[int, int], list[str]] = {}
    for code, rule in sorted(cur.RULES.items()):
        key = (rule.api_exponent, rule.display_exponent)
        if key != (2, 2):
            groups.setdefault(key, []).append(code)
    return {k: tuple(v) for k, v in groups.items()}
