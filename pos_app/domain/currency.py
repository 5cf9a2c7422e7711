"""Currency facts Stripe applies: decimals on the wire and for people, amount steps, minimums.

One table, taken from Stripe's currencies page (``STRIPE_CURRENCIES_PAGE``); every entry is
pinned by ``tests/unit/test_currency_table.py``. ``Money.amount`` is always in the API's minor
units, so 5 UGX is ``Money(500, "ugx")``: what Stripe wants on the wire, never a conversion.
"""

from __future__ import annotations

from dataclasses import dataclass

STRIPE_CURRENCIES_PAGE = "https://docs.stripe.com/currencies"


@dataclass(frozen=True, slots=True)
class CurrencyRule:
    """How Stripe counts one currency (amounts in the API's minor units)."""

    code: str
    #: Decimals of the API's ``amount``: 2 for USD (cents), 0 for JPY, 3 for KWD, 2 for UGX.
    api_exponent: int = 2
    #: Decimals people write: 0 for ISK and UGX although the API counts hundredths.
    display_exponent: int = 2
    #: Every charge amount must be a multiple of this: 10 for three-decimal currencies (last
    #: digit 0), 100 for ISK and UGX (whole units sent with two decimals).
    step: int = 1
    #: Stripe's minimum charge in API minor units; None where the page lists none.
    minimum: int | None = None


def _rules() -> dict[str, CurrencyRule]:
    table: dict[str, CurrencyRule] = {}
    # Zero-decimal: the amount is whole units (¥500 is 500).
    zero = ("bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "vnd", "vuv")
    for code in (*zero, "xaf", "xof", "xpf"):
        table[code] = CurrencyRule(code, api_exponent=0, display_exponent=0)
    # Three-decimal: Stripe requires the last digit to be 0 (5.124 KWD is not accepted).
    for code in ("bhd", "jod", "kwd", "omr", "tnd"):
        table[code] = CurrencyRule(code, api_exponent=3, display_exponent=3, step=10)
    # Special cases: zero-decimal for people, but sent as two-decimal values ending in 00
    # "to maintain backwards compatibility" (5 UGX is amount=500).
    for code in ("isk", "ugx"):
        table[code] = CurrencyRule(code, api_exponent=2, display_exponent=0, step=100)
    # HUF and TWD: whole units only for payouts; charges may have two decimals.
    # Minimum charge amounts ("Minimum and maximum charge amounts"), in API minor units.
    minimums = {
        "usd": 50,
        "aed": 200,
        "aud": 50,
        "bgn": 100,
        "brl": 50,
        "cad": 50,
        "chf": 50,
        "czk": 1500,
        "dkk": 250,
        "eur": 50,
        "gbp": 30,
        "hkd": 400,
        "huf": 17500,
        "inr": 50,
        "jpy": 50,
        "mxn": 1000,
        "myr": 200,
        "nok": 300,
        "nzd": 50,
        "pln": 200,
        "ron": 200,
        "sek": 300,
        "sgd": 50,
        "thb": 1000,
    }
    for code, minimum in minimums.items():
        base = table.get(code, CurrencyRule(code))
        table[code] = CurrencyRule(
            code, base.api_exponent, base.display_exponent, base.step, minimum
        )
    return table


#: Every currency with a rule other than Stripe's default (two decimals, no minimum listed).
RULES: dict[str, CurrencyRule] = _rules()

#: Zero-decimal on the wire (UGX and ISK are not: they are sent with two decimals).
ZERO_DECIMAL: frozenset[str] = frozenset(c for c, r in RULES.items() if r.api_exponent == 0)
#: Three-decimal currencies; Stripe requires the last digit to be 0.
THREE_DECIMAL: frozenset[str] = frozenset(c for c, r in RULES.items() if r.api_exponent == 3)
#: Minimum charge per currency in minor units (only the currencies Stripe's page lists).
MINIMUM_CHARGE: dict[str, int] = {c: r.minimum for c, r in RULES.items() if r.minimum is not None}
#: Where Stripe lists no minimum its rule is "the equivalent of the settlement currency's
#: minimum", which needs an exchange rate; 50 minor units (one step at least) stands in.
DEFAULT_MINIMUM_CHARGE = 50
MAXIMUM_CHARGE = 99_999_999


def normalize(currency: str) -> str:
    """Return the lowercase ISO code, raising ValueError for anything that is not three letters."""
    code = currency.strip().lower()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValueError(f"{currency!r} is not a three-letter currency code")
    return code


def rule(currency: str) -> CurrencyRule:
    """Stripe's rule for ``currency`` (two decimals and no listed minimum when not in RULES)."""
    code = normalize(currency)
    return RULES.get(code) or CurrencyRule(code)


def exponent(currency: str) -> int:
    """Decimals of the API's minor unit, which is ``Money.amount``'s unit (2 for UGX)."""
    return rule(currency).api_exponent


def display_exponent(currency: str) -> int:
    """Decimals people write for this currency (0 for UGX and ISK)."""
    return rule(currency).display_exponent


def amount_step(currency: str) -> int:
    """Every charge amount must be a multiple of this many minor units."""
    return rule(currency).step


def decimals_shown(amount: int, currency: str) -> int:
    """Decimals to show ``amount`` exactly: the people's count when nothing is lost by it."""
    r = rule(currency)
    if amount % 10 ** (r.api_exponent - r.display_exponent) == 0:
        return r.display_exponent
    return r.api_exponent


def minimum_charge(currency: str) -> int:
    """Smallest amount Stripe will charge in this currency, in minor units."""
    r = rule(currency)
    minimum = r.minimum if r.minimum is not None else DEFAULT_MINIMUM_CHARGE
    return -(-minimum // r.step) * r.step  # rounded up to a whole step


def maximum_charge(currency: str) -> int:
    """Largest amount Stripe will charge in this currency (eight digits, in whole steps)."""
    step = amount_step(currency)
    return MAXIMUM_CHARGE // step * step
