"""Numbers, money, percentages, dates and times the way the UI language writes them (CLDR).

Every human-facing format goes through here, with Babel's CLDR data for the language
``i18n.current_language()`` names: "35,00 €" in German, "35.00৳" in Bangla, "$35.00" in
English. How many decimals money shows stays the app's rule (``currency.decimals_shown``,
Stripe's exponents), never CLDR's ``currency_digits``. Machine output (``--json``, CSV cells,
the wire) never comes here: it stays ASCII and minor units.

Typing follows the language too (``to_decimal_text``): its decimal and grouping separators,
and in Bangla the Bengali digits ০–৯ as well as 0–9. The command line's options stay ASCII
(``set_ascii_input``), so a script types the same under every ``POS_LANGUAGE``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from copy import copy
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers

from pos_app import i18n
from pos_app.domain.digits import OTHER_DIGITS, OTHER_DIGITS_BN

#: The CLDR locale each shipped language formats with.
CLDR_LOCALES: dict[str, str] = {"en": "en", "bn": "bn", "es": "es", "de": "de"}
#: Digits typed besides 0–9, per language: Bangla's own script (CLDR's "beng" digits).
NATIVE_DIGITS: dict[str, str] = {"bn": "০১২৩৪৫৬৭৮৯"}
# Shown digits stay Latin in every language (CLDR's "latn" system, which Babel formats
# with): receipts, Stripe's page and the card terminal all show Latin digits.
_NUMBERING = "latn"
_NBSP = "\u00a0"

_state = {"ascii_input": False}


def set_ascii_input(on: bool) -> None:
    """Parse typed numbers as ASCII ("1,000.50") whatever the language: the CLI's options."""
    _state["ascii_input"] = on


@contextmanager
def ascii_input() -> Iterator[None]:
    """Numbers typed as ASCII inside the block (a script's "12.00"), as before it after."""
    before = _state["ascii_input"]
    _state["ascii_input"] = True
    try:
        yield
    finally:
        _state["ascii_input"] = before


@lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    return Locale.parse(CLDR_LOCALES.get(language, "en"))


def locale() -> Locale:
    """The CLDR locale of the UI language in use."""
    return _locale(i18n.current_language())


def tag_name(tag: str, *, language: str | None = None) -> str:
    """A language tag's name in the UI language ("German", "Deutsch" in German), or the tag
    (in ``language`` when given: the audit log's stored English)."""
    try:
        name = Locale.parse(tag, sep="-").get_display_name(
            _locale(language) if language else locale()
        )
    except (ValueError, TypeError):  # babel's UnknownLocaleError is a ValueError
        return tag
    return str(name or tag)


def language_name(code: str) -> str:
    """A shipped language's name in itself: "English", "বাংলা", "Español", "Deutsch"."""
    name = str(_locale(code).get_display_name(_locale(code)) or code)
    return name[:1].upper() + name[1:]


# -- numbers ---------------------------------------------------------------------------


def number(value: int | Decimal, decimals: int | None = None) -> str:
    """A plain number with the language's grouping and decimal mark ("1.234,5" in de)."""
    pattern = copy(locale().decimal_formats[None])
    if decimals is not None:
        pattern.frac_prec = (decimals, decimals)
    return str(pattern.apply(Decimal(value), locale(), numbering_system=_NUMBERING))


def percent(value: Decimal, decimals: int = 3, *, language: str | None = None) -> str:
    """``value`` percent ("8.875%", "8,875 %" in de), up to ``decimals`` shown, none forced
    (in ``language`` when given: the audit log's stored English, whatever the desk speaks)."""
    loc = _locale(language) if language else locale()
    pattern = copy(loc.percent_formats[None])
    pattern.frac_prec = (0, decimals)
    return str(pattern.apply(Decimal(value) / 100, loc, numbering_system=_NUMBERING))


def money(value: Decimal, currency: str, decimals: int, *, language: str | None = None) -> str:
    """``value`` major units of ``currency`` with exactly ``decimals`` decimals, as CLDR lays
    money out in the UI language ("$35.00", "35,00 €", "35.00৳", "CHF 35.00"), or in
    ``language`` when given."""
    return _money(language or i18n.current_language(), value, currency, decimals)


# Tables show many amounts, and Babel's pattern engine costs tens of microseconds a call: the
# layout (prefix, suffix, marks, grouping) is taken from CLDR once per language, currency and
# decimals, and each amount is then laid out in plain Python (pinned equal to Babel's output
# by tests/unit/test_locale_format.py).
def _money(language: str, value: Decimal, currency: str, decimals: int) -> str:
    pos_pre, pos_post, neg_pre, neg_post, mark, group, primary, secondary = _money_layout(
        language, currency, decimals
    )
    digits = f"{abs(value):.{decimals}f}"
    whole, _dot, fraction = digits.partition(".")
    number = _grouped(whole, group, primary, secondary) + (mark + fraction if fraction else "")
    if value < 0:
        return neg_pre + number + neg_post
    return pos_pre + number + pos_post


def _grouped(digits: str, group: str, primary: int, secondary: int) -> str:
    if len(digits) <= primary:
        return digits
    out, digits = digits[-primary:], digits[:-primary]
    while len(digits) > secondary:
        out, digits = digits[-secondary:] + group + out, digits[:-secondary]
    return digits + group + out


@lru_cache(maxsize=512)
def _money_layout(
    language: str, currency: str, decimals: int
) -> tuple[str, str, str, str, str, str, int, int]:
    loc = _locale(language)
    mark, group = _marks(loc)
    tail = mark + "0" * decimals if decimals else ""
    pos_pre, pos_post = _babel_money(loc, Decimal(0), currency, decimals).split("0" + tail, 1)
    neg_pre, neg_post = _babel_money(loc, Decimal(-1), currency, decimals).split("1" + tail, 1)
    grouping = loc.currency_formats["standard"].grouping
    return pos_pre, pos_post, neg_pre, neg_post, mark, group, int(grouping[0]), int(grouping[1])


def _marks(loc: Locale) -> tuple[str, str]:
    return (
        babel_numbers.get_decimal_symbol(loc, numbering_system=_NUMBERING),
        babel_numbers.get_group_symbol(loc, numbering_system=_NUMBERING),
    )


def _babel_money(loc: Locale, value: Decimal, currency: str, decimals: int) -> str:
    """CLDR's own rendering through Babel (the reference ``_money`` is pinned to)."""
    pattern = copy(loc.currency_formats["standard"])
    pattern.frac_prec = (decimals, decimals)
    # currency=None keeps the "¤" placeholder, so CLDR's currency spacing can be applied.
    text = pattern.apply(value, loc, currency=None, numbering_system=_NUMBERING)
    symbol = babel_numbers.get_currency_symbol(currency.upper(), loc)
    return _place_symbol(text, symbol)


def _place_symbol(text: str, symbol: str) -> str:
    """Put ``symbol`` where "¤" is, with CLDR's currencySpacing: a no-break space between a
    digit and a symbol whose facing character is not itself a symbol ("CHF 35.00" but
    "$35.00")."""
    at = text.find("¤")
    if at < 0:
        return text
    before, after = text[:at], text[at + 1 :]
    if after[:1].isdigit() and not unicodedata.category(symbol[-1]).startswith("S"):
        symbol = symbol + _NBSP
    if before[-1:].isdigit() and not unicodedata.category(symbol[0]).startswith("S"):
        symbol = _NBSP + symbol
    return before + symbol + after


def knows_currency(code: str) -> bool:
    """True when CLDR has ``code`` (a three-letter ISO 4217 code, any case)."""
    return code.upper() in _cldr_currencies()


@lru_cache(maxsize=1)
def _cldr_currencies() -> frozenset[str]:
    return frozenset(babel_numbers.list_currencies())


def currency_name(code: str) -> str | None:
    """CLDR's name for the currency in the UI language ("Euro", "ইউরো"), or None."""
    if not knows_currency(code):
        return None
    return babel_numbers.get_currency_name(code.upper(), locale=locale())


# -- dates and times -------------------------------------------------------------------

#: Each date style: (CLDR skeleton other languages use, English's own pattern). English keeps
#: the day-first house style it has always printed ("Sunday 6 December 2026"), written as a
#: CLDR pattern, so receipts and reports read as before; every other language gets CLDR's.
_DATE_STYLES: dict[str, tuple[str, str]] = {
    "day": ("full", "EEEE d MMMM y"),  # Sunday 6 December 2026 · Sonntag, 6. Dezember 2026
    "day_no_year": ("MMMMEd", "EEEE d MMMM"),  # Sunday 6 December · So., 6. Dezember
    "short_day": ("yMMMEd", "EEE dd MMM y"),  # Sun 06 Dec 2026 · So., 6. Dez. 2026
    "short_day_no_year": ("MMMEd", "EEE d MMM"),  # Sun 6 Dec · So., 6. Dez.
    "weekday_day_month": ("MMMEd", "EEE dd MMM"),  # Sun 06 Dec · So., 6. Dez.
    "day_month_short": ("MMMd", "dd MMM"),  # 06 Dec · 6. Dez.
    "long_date": ("yMMMMd", "d MMMM y"),  # 6 December 2026 · 6. Dezember 2026
    "short_date": ("yMMMEd", "EEE d MMM y"),  # Sun 6 Dec 2026 · So., 6. Dez. 2026
    "day_month_plain": ("MMMd", "d MMM"),  # 6 Dec · 6. Dez.
    "date_plain": ("yMMMd", "d MMM y"),  # 6 Dec 2026 · 6. Dez. 2026
    "short_month_year": ("yMMM", "MMM y"),  # Dec 2026 · Dez. 2026
    "weekday_day": ("Ed", "EEE d"),  # Sun 6 · So., 6.
    "month": ("=LLLL", "MMMM"),  # December · Dezember (a pattern: no skeleton is a month alone)
    "date": ("yMMMd", "dd MMM y"),  # 06 Dec 2026 · 6. Dez. 2026
    "month_day": ("MMMMd", "d MMMM"),  # 6 December · 6. Dezember
    "month_year": ("yMMMM", "MMMM y"),  # December 2026 · Dezember 2026
}


def date_text(value: date, style: str = "date", *, language: str | None = None) -> str:
    """``value`` in one of ``_DATE_STYLES`` ("day", "short_day", "date", …) in the UI language
    (or ``language``)."""
    day = value.date() if isinstance(value, datetime) else value
    return _date_text(language or i18n.current_language(), day, style)


@lru_cache(maxsize=1024)
def _date_text(language: str, value: date, style: str) -> str:
    skeleton, english = _DATE_STYLES[style]
    loc = _locale(language)
    if language == "en":
        return str(babel_dates.format_date(value, english, locale=loc))
    if skeleton == "full":
        return str(babel_dates.format_date(value, "full", locale=loc))
    if skeleton.startswith("="):
        return str(babel_dates.format_date(value, skeleton[1:], locale=loc))
    return str(babel_dates.format_skeleton(skeleton, value, locale=loc))


def period_text(start: date, end: date, *, year: bool = True) -> str:
    """A span of days as people say it: "16–22 November 2026", "28 October – 3 November
    2026", "November 2026" for a whole month (CLDR's interval formats outside English)."""
    if start == end:
        return date_text(start, "day" if year else "day_no_year")
    if start.day == 1 and (end + timedelta(days=1)).day == 1 and start.month == end.month:
        return date_text(start, "month_year" if year else "month")
    if i18n.current_language() != "en":
        skeleton = "yMMMMd" if year else "MMMMd"
        return str(babel_dates.format_interval(start, end, skeleton, locale=locale()))
    first, last = date_text(start, "month"), date_text(end, "month")
    suffix = f" {end.year}" if year else ""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {last}{suffix}"
    if start.year == end.year:
        return f"{start.day} {first} – {end.day} {last}{suffix}"
    return f"{start.day} {first} {start.year} – {end.day} {last} {end.year}"


def share(ratio: float) -> str:
    """A ratio as a percentage with one decimal: "4.5 %" in English's house style, CLDR's
    pattern otherwise ("4,5 %" in German, "4.5%" in Bangla)."""
    value = Decimal(str(round(ratio * 100, 1)))
    if i18n.current_language() == "en":
        return f"{value:.1f} %"
    pattern = copy(locale().percent_formats[None])
    pattern.frac_prec = (1, 1)
    return str(pattern.apply(value / 100, locale(), numbering_system=_NUMBERING))


def and_list(items: list[str]) -> str:
    """Items joined with "and" the language's way (CLDR's list pattern): "USD and EUR",
    "USD und EUR", "USD, EUR, and GBP"; "" for none."""
    if not items:
        return ""
    return str(babel_lists.format_list(items, locale=locale()))


def weekday(value: date, short: bool = False) -> str:
    """The weekday's name: "Sunday", "Sonntag", "রবিবার" ("Sun" when ``short``)."""
    names = babel_dates.get_day_names("abbreviated" if short else "wide", locale=locale())
    return str(names[value.weekday()])


def clock(value: datetime | time, seconds: bool = False, *, language: str | None = None) -> str:
    """A time of day on the 24-hour clock the front desk reads ("14:05"), as CLDR's "Hm"
    skeleton writes it in the UI language or ``language`` (the wall time of an aware
    datetime)."""
    wall = time(value.hour, value.minute, value.second if seconds else 0)
    return _clock(language or i18n.current_language(), wall, seconds)


@lru_cache(maxsize=2048)
def _clock(language: str, wall: time, seconds: bool) -> str:
    skeleton = "Hms" if seconds else "Hm"
    return str(babel_dates.format_skeleton(skeleton, wall, locale=_locale(language)))


def moment(value: datetime, style: str = "date") -> str:
    """A day and a time joined the language's way: "06 Dec 2026, 14:05" ("6. Dez. 2026, 14:05")."""
    glue = str(locale().datetime_formats["medium"]).replace("'", "")
    return glue.replace("{1}", date_text(value, style)).replace("{0}", clock(value))


# -- typing ----------------------------------------------------------------------------


def separators() -> tuple[str, str]:
    """The (decimal, group) marks a person types in the UI language; ASCII for the CLI."""
    if _state["ascii_input"]:
        return ".", ","
    return _marks(locale())


def native_digits() -> str:
    """The digits typed besides 0–9 ("০১২…" in Bangla; none on the command line)."""
    return "" if _state["ascii_input"] else NATIVE_DIGITS.get(i18n.current_language(), "")


def digits_problem(text: str) -> str | None:
    """The sentence refusing digits of a script the UI language does not type, or None."""
    native = native_digits()
    for ch in text:
        if ch.isdigit() and not "0" <= ch <= "9" and ch not in native:
            return i18n.gettext(OTHER_DIGITS_BN if native else OTHER_DIGITS)
    return None


def latin_digits(text: str) -> str:
    """``text`` with the UI language's own digits replaced by 0–9 (after ``digits_problem``)."""
    native = native_digits()
    if not native:
        return text
    return text.translate(str.maketrans(native, "0123456789"))


@lru_cache(maxsize=16)
def _number_shape(
    decimal_mark: str, group_mark: str, primary: int, secondary: int
) -> re.Pattern[str]:
    d, g = re.escape(decimal_mark), re.escape(group_mark)
    grouped = rf"[0-9]{{1,{secondary}}}(?:{g}[0-9]{{{secondary}}})*{g}[0-9]{{{primary}}}"
    return re.compile(rf"^(?:{grouped}|[0-9]+)(?:{d}[0-9]*)?$|^{d}[0-9]+$")


def to_decimal_text(text: str) -> str | None:
    """Typed number text (Latin digits already) as ASCII decimal text ("1.234,5" → "1234.5"
    in de), or None when it is not a number written the UI language's way."""
    decimal_mark, group_mark = separators()
    primary, secondary = (3, 3) if _state["ascii_input"] else _grouping()
    # A no-break space group mark (as in some locales) is typed as a plain space too.
    candidates = {group_mark, " "} if group_mark in (_NBSP, "\u202f") else {group_mark}
    for group in candidates:
        if _number_shape(decimal_mark, group, primary, secondary).match(text):
            return text.replace(group, "").replace(decimal_mark, ".")
    return None


def _grouping() -> tuple[int, int]:
    grouping = locale().decimal_formats[None].grouping
    return int(grouping[0]), int(grouping[1])


def example_amount(decimals: int) -> str:
    """An amount to show in "type it like …" sentences: "35.00", "35,00", "3500"."""
    decimal_mark, _group = separators()
    return "3500" if decimals == 0 else "35" + decimal_mark + "0" * decimals
