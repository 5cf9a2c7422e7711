"""Currencies, minor units and how amounts are written for people.

Amounts are integers of minor units throughout; nothing here goes through floats.
"""

from __future__ import annotations

from typing import Final

from pos_app.sandbox import behaviour

ZERO_DECIMAL: Final = frozenset(
    (
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    )
)
THREE_DECIMAL: Final = frozenset(("bhd", "jod", "kwd", "omr", "tnd"))

#: ISO 4217 codes Stripe accepts for presentment (lowercase).
SUPPORTED_CURRENCIES: Final = frozenset(
    (
        "usd",
        "aed",
        "afn",
        "all",
        "amd",
        "ang",
        "aoa",
        "ars",
        "aud",
        "awg",
        "azn",
        "bam",
        "bbd",
        "bdt",
        "bgn",
        "bhd",
        "bif",
        "bmd",
        "bnd",
        "bob",
        "brl",
        "bsd",
        "bwp",
        "byn",
        "bzd",
        "cad",
        "cdf",
        "chf",
        "clp",
        "cny",
        "cop",
        "crc",
        "cve",
        "czk",
        "djf",
        "dkk",
        "dop",
        "dzd",
        "egp",
        "etb",
        "eur",
        "fjd",
        "fkp",
        "gbp",
        "gel",
        "gip",
        "gmd",
        "gnf",
        "gtq",
        "gyd",
        "hkd",
        "hnl",
        "htg",
        "huf",
        "idr",
        "ils",
        "inr",
        "isk",
        "jmd",
        "jod",
        "jpy",
        "kes",
        "kgs",
        "khr",
        "kmf",
        "krw",
        "kwd",
        "kyd",
        "kzt",
        "lak",
        "lbp",
        "lkr",
        "lrd",
        "lsl",
        "mad",
        "mdl",
        "mga",
        "mkd",
        "mmk",
        "mnt",
        "mop",
        "mur",
        "mvr",
        "mwk",
        "mxn",
        "myr",
        "mzn",
        "nad",
        "ngn",
        "nio",
        "nok",
        "npr",
        "nzd",
        "omr",
        "pab",
        "pen",
        "pgk",
        "php",
        "pkr",
        "pln",
        "pyg",
        "qar",
        "ron",
        "rsd",
        "rub",
        "rwf",
        "sar",
        "sbd",
        "scr",
        "sek",
        "sgd",
        "shp",
        "sle",
        "sos",
        "srd",
        "std",
        "szl",
        "thb",
        "tjs",
        "tnd",
        "top",
        "try",
        "ttd",
        "twd",
        "tzs",
        "uah",
        "ugx",
        "uyu",
        "uzs",
        "vnd",
        "vuv",
        "wst",
        "xaf",
        "xcd",
        "xof",
        "xpf",
        "yer",
        "zar",
        "zmw",
    )
)

#: Symbols as an en-US browser would show them; other currencies get their code.
_SYMBOLS: Final[dict[str, str]] = {
    "usd": "$",
    "eur": "€",
    "gbp": "£",
    "jpy": "¥",
    "aud": "A$",
    "cad": "CA$",
    "nzd": "NZ$",
    "hkd": "HK$",
    "mxn": "MX$",
    "inr": "₹",
    "krw": "₩",
    "cny": "CN¥",
    "ils": "₪",
    "vnd": "₫",
    "brl": "R$",
    "twd": "NT$",
    "php": "₱",
}


def exponent(currency: str) -> int:
    """Number of decimal places of ``currency`` (0, 2 or 3)."""
    cur = currency.lower()
    if cur in ZERO_DECIMAL:
        return 0
    if cur in THREE_DECIMAL:
        return 3
    return 2


def minimum_amount(currency: str) -> int:
    """Smallest chargeable amount in minor units."""
    cur = currency.lower()
    if cur in behaviour.MINIMUM_AMOUNTS:
        return behaviour.MINIMUM_AMOUNTS[cur]
    return behaviour.DEFAULT_MINIMUM_BY_EXPONENT[exponent(cur)]


def format_number(amount: int, currency: str) -> str:
    """``amount`` minor units as a grouped decimal string: 123456 usd → ``1,234.56``."""
    exp = exponent(currency)
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10**exp)
    text = f"{whole:,}"
    if exp:
        text += "." + str(frac).rjust(exp, "0")
    return sign + text


def format_amount(amount: int, currency: str) -> str:
    """Human form with symbol: ``$12.34``, ``¥3,500``, ``KWD 1.500``."""
    cur = currency.lower()
    number = format_number(amount, cur)
    sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
    symbol = _SYMBOLS.get(cur)
    if symbol is None:
        # No common symbol: ISO code and a no-break space, like browsers' Intl output.
        return f"{sign}{cur.upper()}\u00a0{digits}"
    return f"{sign}{symbol}{digits}"


def stripe_fee(amount: int) -> int:
    """Processing fee for a charge of ``amount`` minor units (2.9 % + 30, half up)."""
    # amount * 2.9 / 100 rounded half up == floor((amount * 29 + 500) / 1000), all integers.
    percent = (amount * behaviour.FEE_PERCENT_TENTHS + 500) // 1000
    return percent + behaviour.FEE_FIXED_MINOR
