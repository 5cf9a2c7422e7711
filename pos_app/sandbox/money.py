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
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    )
)
THREE_DECIMAL: Final = frozenset(("bhd", "jod", "kwd", "omr", "tnd"))
#: Stripe's special cases: zero-decimal for people, but amounts are still sent with two
#: decimals that must be 00 ("to charge 5 UGX, provide an amount value of 500"; "evenly
#: divisible by 100"), https://docs.stripe.com/currencies#special-cases. HUF and TWD are
#: whole-unit only for payouts, which the sandbox does not have; their charges take cents.
WHOLE_UNITS_IN_HUNDREDTHS: Final = frozenset(("isk", "ugx"))

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
    """Decimal places of the API's ``amount`` for ``currency`` (0, 2 or 3; 2 for UGX)."""
    cur = currency.lower()
    if cur in ZERO_DECIMAL:
        return 0
    if cur in THREE_DECIMAL:
        return 3
    return 2


def display_exponent(currency: str) -> int:
    """Decimal places people see: as :func:`exponent`, except 0 for ISK and UGX."""
    return 0 if currency.lower() in WHOLE_UNITS_IN_HUNDREDTHS else exponent(currency)


def amount_step(currency: str) -> int:
    """Charge amounts must be a multiple of this: 100 for ISK/UGX, 10 for three-decimal."""
    cur = currency.lower()
    if cur in WHOLE_UNITS_IN_HUNDREDTHS:
        return 100
    return 10 if cur in THREE_DECIMAL else 1


def minimum_amount(currency: str) -> int:
    """Smallest chargeable amount in minor units (a whole number of steps)."""
    cur = currency.lower()
    if cur in behaviour.MINIMUM_AMOUNTS:
        return behaviour.MINIMUM_AMOUNTS[cur]
    minimum = behaviour.DEFAULT_MINIMUM_BY_EXPONENT[exponent(cur)]
    step = amount_step(cur)
    return -(-minimum // step) * step


def format_number(amount: int, currency: str) -> str:
    """``amount`` minor units as a grouped decimal string: 123456 usd → ``1,234.56``,
    500 ugx → ``5`` (the hundredths are shown only when they are not 00)."""
    api_exp = exponent(currency)
    exp = display_exponent(currency)
    if amount % 10 ** (api_exp - exp):
        exp = api_exp
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount) // 10 ** (api_exp - exp), 10**exp)
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
