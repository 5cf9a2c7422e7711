"""Percentages held exactly: tax rates, discounts and tips, in thousandths of a percent.

A tax rate such as 8.875 % is ``Percent(8875)``: an int, never a float, so the rate stored,
shown, sent to a script and used in a sum is the one that was typed. Parsing goes through
``Decimal``; the arithmetic is integer only, rounding half-up (``div_half_up``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pos_app.domain.errors import ValidationError
from pos_app.domain.percent_words import REFUSALS, PercentWhat
from pos_app.i18n import gettext

# ``locale_format`` (babel) is imported inside the functions that format or read a
# percentage: the window's first frame shows none (see money.py).

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
        from pos_app.domain import locale_format as lf

        return lf.percent(self.as_decimal(), DECIMALS, language=language)

    def input_text(self) -> str:
        """What a person would type for it in the UI language ("8,875" in German)."""
        from pos_app.domain import locale_format as lf

        decimal_mark, _group = lf.separators()
        return self.plain().replace(".", decimal_mark)

    def of_amount(self, amount: int) -> int:
        """This percentage of ``amount`` (≥ 0), rounded half-up to a whole unit."""
        return div_half_up(amount * self.thousandths, HUNDRED)


#: 0 %: the tax rate of an untaxed item.
ZERO = Percent(0)


def parse_percent(
    text: str, *, field: str, what: PercentWhat = "percentage", maximum: int = 100
) -> Percent:
    """What a person typed ("8.875", "10 %") as a Percent, or ValidationError on ``field``.

    Up to three decimals, from 0 to ``maximum`` percent; ``what`` names the field, and so
    which whole sentences refuse it (``percent_words``), in the UI language.
    """
    from pos_app.domain import locale_format as lf

    words = REFUSALS[what]
    raw = (text or "").strip()
    decimal_mark, _group = lf.separators()
    example = "8" + decimal_mark + "875"
    not_a_number = ValidationError(field, gettext(words.enter).format(example=example))
    if not raw:
        raise not_a_number
    if lf.digits_problem(raw):
        digits = words.digits_native if lf.native_digits() else words.digits
        raise ValidationError(field, gettext(digits))
    raw = lf.latin_digits(raw)
    if raw.startswith("-"):
        raise ValidationError(field, gettext(words.below))
    if not re.match(_PERCENT_TEXT.format(d=re.escape(decimal_mark)), raw):
        raise not_a_number
    value = Decimal(raw.rstrip("%").strip().replace(decimal_mark, "."))
    scaled = value * PER_PERCENT
    if scaled != scaled.to_integral_value():
        decimals = gettext(words.decimals).format(count=lf.number(DECIMALS), example=example)
        raise ValidationError(field, decimals)
    if value > maximum:
        raise ValidationError(field, gettext(words.most).format(maximum=lf.number(maximum)))
    return Percent(int(scaled))
