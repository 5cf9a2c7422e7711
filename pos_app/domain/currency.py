"""Currency facts Stripe applies: decimal exponents, minimum and maximum charge amounts."""

from __future__ import annotations

# Stripe treats these as zero-decimal: amounts are whole units (¥3500 is 3500).
ZERO_DECIMAL: frozenset[str] = frozenset(
    [
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
    ]
)
# Three-decimal currencies; Stripe requires the last digit to be 0.
THREE_DECIMAL: frozenset[str] = frozenset(["bhd", "jod", "kwd", "omr", "tnd"])

# Minimum charge per currency in minor units (Stripe's table; others default to 50).
MINIMUM_CHARGE: dict[str, int] = {
    "usd": 50,
    "eur": 50,
    "aud": 50,
    "cad": 50,
    "chf": 50,
    "nzd": 50,
    "sgd": 50,
    "gbp": 30,
    "jpy": 50,
    "dkk": 250,
    "nok": 300,
    "sek": 300,
    "mxn": 1000,
    "hkd": 400,
}
DEFAULT_MINIMUM_CHARGE = 50
MAXIMUM_CHARGE = 99_999_999

SYMBOLS: dict[str, str] = {
    "usd": "$",
    "eur": "€",
    "gbp": "£",
    "jpy": "¥",
    "aud": "A$",
    "cad": "CA$",
    "chf": "CHF ",
    "nzd": "NZ$",
    "sgd": "S$",
    "hkd": "HK$",
    "krw": "₩",
    "inr": "₹",
}


def normalize(currency: str) -> str:
    """Return the lowercase ISO code, raising ValueError for anything that is not three letters."""
    code = currency.strip().lower()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValueError(f"{currency!r} is not a three-letter currency code")
    return code


def exponent(currency: str) -> int:
    """Number of decimal places in the currency's major unit, as Stripe counts them."""
    code = normalize(currency)
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def minimum_charge(currency: str) -> int:
    """Smallest amount Stripe will charge in this currency, in minor units."""
    return MINIMUM_CHARGE.get(normalize(currency), DEFAULT_MINIMUM_CHARGE)
