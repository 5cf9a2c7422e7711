"""Percentages held exactly: tax rates, discounts and tips, in thousandths of a percent.

A tax rate such as 8.875 % is ``Percent(8875)``: an int, never a float, so the rate stored,
shown, sent to a script and used in a sum is the one that was typed. Parsing goes through
``Decimal``; the arithmetic is integer only, rounding half-up (``div_half_up``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pos_app.domain import locale_format as lf
from pos_app.domain.errors import ValidationError

#: Thousandths of a percent in one percent, and in a hundred percent.
PER_PERCENT = 1000
HUNDRED = 100 * PER_PERCENT
#: Decimals a percentage may be typed with (8.875 %).
DECIMALS = 3
# Latin digits (after ``lf.latin_digits``), an optional fraction after the language's
# decimal mark, an optional "%" (spaces around it allowed).
_PERCENT_TEXT = r"^([0-9]{{1,3}}({d}[0-9]*)?|{d}[0-9]+)\s*%?$"


def div_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half-up (both ≥ 0; 2.5 → 3, 2.4999 → 2)."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("div_half_up takes a non-negative numerator and a positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True, slots=True, order=True)
class Percent:
    """A percentage in thousandths of a percent: ``Percent(8875)`` is 8.875 %."""

    thousandths: int

    def __post_init__(self) -> None:
        if isinstance(self.thousandths, bool) or not isinstance(self.thousandths, int):
            raise TypeError("Percent.thousandths must be an int")
        if self.thousandths < 0:
            raise ValueError("a percentage is never negative")

    @classmethod
    def of(cls, text: str) -> Percent:
        """A percentage from trusted text ("8.875", "20"); ValueError if it is not exact."""
        value = Decimal(text) * PER_PERCENT
        if value != value.to_integral_value():
            raise ValueError(f"{text!r} has more than {DECIMALS} decimals")
        return cls(int(value))

    def is_zero(self) -> bool:
        """True for 0 %."""
        return self.thousandths == 0

    def as_decimal(self) -> Decimal:
        """The percentage as a number of percent, exactly (8.875)."""
        return Decimal(self.thousandths).scaleb(-DECIMALS)

    def plain(self) -> str:
        """The shortest exact text: "8.875", "20", "7.5", "0" (the form JSON carries)."""
        whole, part = divmod(self.thousandths, PER_PERCENT)
        if not part:
            return str(whole)
        return f"{whole}.{part:03d}".rstrip("0")

    def __str__(self) -> str:
        """The percentage in the UI language: "8.875%", "8,875 %" in German."""
        return self.format()

    def format(self, language: str | None = None) -> str:
        """The percentage in the UI language, or in ``language``."""
        return lf.percent(self.as_decimal(), DECIMALS, language=language)

    def input_text(self) -> str:
        """What a person would type for it in the UI language ("8,875" in German)."""
        decimal_mark, _group = lf.separators()
        return self.plain().replace(".", decimal_mark)

    def of_amount(self, amount: int) -> int:
        """This percentage of ``amount`` (≥ 0), rounded half-up to a whole unit."""
        return div_half_up(amount * self.thousandths, HUNDRED)


#: 0 %: the tax rate of an untaxed item.
ZERO = Percent(0)


def parse_percent(
    text: str, *, field: str, what: str = "percentage", maximum: int = 100
) -> Percent:
    """What a person typed ("8.875", "10 %") as a Percent, or ValidationError on ``field``.

    Up to three decimals, from 0 to ``maximum`` percent; ``what`` names it in the sentence
    ("tax rate", "discount").
    """
    raw = (text or "").strip()
    decimal_mark, _group = lf.separators()
    example = "8" + decimal_mark + "875"
    if not raw:
        raise ValidationError(field, f"Enter the {what} as a number, like {example}.")
    if lf.digits_problem(raw):
        others = " or ০–৯" if lf.native_digits() else ""
        raise ValidationError(field, f"Type the {what} with the digits 0–9{others}.")
    raw = lf.latin_digits(raw)
    if raw.startswith("-"):
        raise ValidationError(field, f"The {what} cannot be below 0 %.")
    if not re.match(_PERCENT_TEXT.format(d=re.escape(decimal_mark)), raw):
        raise ValidationError(field, f"Enter the {what} as a number, like {example}.")
    value = Decimal(raw.rstrip("%").strip().replace(decimal_mark, "."))
    scaled = value * PER_PERCENT
    if scaled != scaled.to_integral_value():
        raise ValidationError(field, f"The {what} has at most {DECIMALS} decimals, like {example}.")
    if value > maximum:
        raise ValidationError(field, f"The {what} can be at most {maximum} %.")
    return Percent(int(scaled))
