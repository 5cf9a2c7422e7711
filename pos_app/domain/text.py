"""Which characters text may hold: what people type, what Stripe sends, what is printed.

Invisible control characters do harm far from where they were typed: an ESC sequence
recolours or rewrites the terminal that prints a name, a bell rings, a bidi override
(U+202E) shows "Eve‮gnp.exe" as "Eveexe.png", and a lone surrogate (a byte the terminal
could not decode) makes the database refuse the row. The rules live here, once:

- names (customers, staff, rooms, services, the business) are *refused* with a sentence:
  a name is copied onto receipts, reports and the audit log, so the desk should see it;
- free text (notes, reasons) has the characters *stripped*, keeping line breaks only where
  the text is multi-line;
- text from Stripe (failure reasons, decline messages) is stripped and bounded before it
  is stored, so it always fits and never fails the write that records a money state;
- output (the terminal, CSV) shows what is already stored with the characters replaced,
  for rows written before these rules.

The zero-width joiner and non-joiner (U+200D, U+200C) are format characters too, but they
are part of how Persian, Indic scripts and emoji are written, so they are allowed.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from pos_app.i18n import N_, gettext

#: Unicode categories never allowed: controls (C0, DEL, C1: ESC, BEL, NUL…), format
#: characters (bidi overrides and isolates U+202A–202E and U+2066–2069, LRM/RLM,
#: zero-width space, BOM, tag characters), lone surrogates, line and paragraph separators.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
#: Format characters that writing systems need.
ALLOWED_FORMAT = frozenset({"\u200c", "\u200d"})
#: Shown in place of a forbidden character in output: visible, so tampering shows.
REPLACEMENT = "\ufffd"
#: Longest text from Stripe that is stored (a decline message is a sentence or two).
STRIPE_TEXT_MAX = 1000
ELLIPSIS = "…"


def is_forbidden(ch: str, *, multiline: bool = False) -> bool:
    """True for a character that text may not hold (``multiline`` allows newline and tab)."""
    if multiline and ch in "\n\t":
        return False
    if ch in ALLOWED_FORMAT:
        return False
    return unicodedata.category(ch) in FORBIDDEN_CATEGORIES


def has_forbidden(text: str, *, multiline: bool = False) -> bool:
    """True when ``text`` holds a character that :func:`is_forbidden` names."""
    return any(is_forbidden(ch, multiline=multiline) for ch in text)


def one_line(text: str) -> str:
    """``text`` on one line: runs of whitespace (tabs, line breaks) become one space."""
    return " ".join(text.split())


#: The fields a name is refused in; each has its own whole sentences (a field's name is never
#: pasted into a sentence: "Der Name", "die Steuernummer" agree with what follows).
NameField = Literal[
    "name", "customer's name", "service's name", "product's name", "business name",
    "station name", "tax id",
]  # fmt: skip
_CONTROL: dict[NameField, str] = {
    "name": N_(
        "The name has an invisible control character in it (it often comes with pasted "
        "text). Type it again by hand."
    ),
    "customer's name": N_(
        "The customer's name has an invisible control character in it (it often comes with "
        "pasted text). Type it again by hand."
    ),
    "service's name": N_(
        "The service's name has an invisible control character in it (it often comes with "
        "pasted text). Type it again by hand."
    ),
    "product's name": N_(
        "The product's name has an invisible control character in it (it often comes with "
        "pasted text). Type it again by hand."
    ),
    "business name": N_(
        "The business name has an invisible control character in it (it often comes with "
        "pasted text). Type it again by hand."
    ),
    "station name": N_(
        "The station name has an invisible control character in it (it often comes with "
        "pasted text). Type it again by hand."
    ),
    "tax id": N_(
        "The tax id has an invisible control character in it (it often comes with pasted "
        "text). Type it again by hand."
    ),
}
_TOO_LONG: dict[NameField, str] = {
    "name": N_("Keep the name to {limit} characters or fewer."),
    "customer's name": N_("Keep the customer's name to {limit} characters or fewer."),
    "service's name": N_("Keep the service's name to {limit} characters or fewer."),
    "product's name": N_("Keep the product's name to {limit} characters or fewer."),
    "business name": N_("Keep the business name to {limit} characters or fewer."),
    "station name": N_("Keep the station name to {limit} characters or fewer."),
    "tax id": N_("Keep the tax id to {limit} characters or fewer."),
}


def name_problem(name: str, what: NameField = "name", *, limit: int | None = None) -> str | None:
    """The sentence refusing a name that holds control characters (or is longer than
    ``limit``), in the UI language, or None when it is fine. ``what`` names the field."""
    if has_forbidden(name):
        return gettext(_CONTROL[what])
    if limit is not None and len(name) > limit:
        from pos_app.domain import locale_format as lf  # babel, not on the window's way

        return gettext(_TOO_LONG[what]).format(limit=lf.number(limit))
    return None


def strip_forbidden(text: str, *, multiline: bool = False) -> str:
    """``text`` without the forbidden characters, for free text such as notes.

    Single-line text has its whitespace collapsed (a pasted line break becomes a space);
    multi-line text keeps its line breaks and tabs, with Windows' CR LF made LF.
    """
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(
        (" " if ch.isspace() else "") if is_forbidden(ch, multiline=multiline) else ch
        for ch in text
    )
    return kept.strip() if multiline else one_line(kept)


def bounded(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" when it was cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ELLIPSIS))] + ELLIPSIS


def outside_text(text: str | None, limit: int = STRIPE_TEXT_MAX) -> str | None:
    """Text from Stripe as it may be stored: one line, no control characters, bounded."""
    if text is None:
        return None
    return bounded(strip_forbidden(text), limit)


def printable(text: str, *, multiline: bool = True) -> str:
    """``text`` safe for a terminal or a spreadsheet: every forbidden character shown as
    U+FFFD. Single-line output turns line breaks and tabs into spaces first."""
    if not multiline:
        text = "".join(" " if ch.isspace() and is_forbidden(ch) else ch for ch in text)
    if not has_forbidden(text, multiline=multiline):
        return text
    return "".join(REPLACEMENT if is_forbidden(ch, multiline=multiline) else ch for ch in text)
