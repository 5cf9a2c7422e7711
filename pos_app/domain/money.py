"""Money as an integer of minor units plus a currency; parsing and formatting without floats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

from pos_app.domain import currency as cur
from pos_app.domain.digits import OTHER_DIGITS
from pos_app.domain.errors import ValidationError
from pos_app.i18n import gettext, ngettext

# ``locale_format`` (babel, about 10 ms of CPU) is imported inside the functions that format
# or read an amount: the window's first frame shows none, and every screen imports Money.

#: The sentence for digits of another script (kept under its old name for callers).
ASCII_DIGITS_ONLY = OTHER_DIGITS


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An amount in the currency's minor units (cents for USD, yen for JPY)."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError("Money.amount must be an int of minor units")
        object.__setattr__(self, "currency", cur.normalize(self.currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero in the given currency."""
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def is_positive(self) -> bool:
        """True when the amount is above zero."""
        return self.amount > 0

    def as_decimal(self) -> Decimal:
        """The amount in major units, exactly."""
        return Decimal(self.amount).scaleb(-cur.exponent(self.currency))

    def plain(self) -> str:
        """Major units without symbol or grouping, e.g. '35.00', '3500', '5' for Money(500, 'ugx');
        the inverse of parse."""
        exp = cur.decimals_shown(self.amount, self.currency)
        return f"{self.as_decimal():.{exp}f}"

    def format(self, language: str | None = None) -> str:
        """Human display in the UI language (CLDR), or in ``language``: '$35.00', '¥3,500',
        'KWD\xa012.500' in English, '35,00\xa0€' in German, '35.00৳' in Bangla. The decimals
        are the app's (UGX and ISK in whole units although Stripe counts hundredths), not
        CLDR's."""
        from pos_app.domain import locale_format as lf

        exp = cur.decimals_shown(self.amount, self.currency)
        return lf.money(self.as_decimal(), self.currency, exp, language=language)

    def input_text(self) -> str:
        """What a person would type for this amount in the UI language, e.g. '35,00' in
        German ('35.00' in English): an edit field's starting text, which parse reads back."""
        from pos_app.domain import locale_format as lf

        exp = cur.decimals_shown(self.amount, self.currency)
        decimal_mark, _group = lf.separators()
        return f"{self.as_decimal():.{exp}f}".replace(".", decimal_mark)

    def __str__(self) -> str:
        return self.format()


def parse_money(text: str, currency: str, *, field: str = "price") -> Money:
    """Parse what a person typed into Money, or raise ValidationError.

    Typed the UI language's way ("19.99" and "1,000" in English, "19,99" and "1.000" in
    German, Bengali digits as well as 0–9 in Bangla; ASCII on the command line). Rejects
    negatives, more decimals than the currency has, amounts above Stripe's maximum (which
    also keeps every amount inside a 64-bit column), other scripts' digits, and anything
    that is not a number.
    """
    from pos_app.domain import locale_format as lf

    code = cur.normalize(currency)
    exp = cur.display_exponent(code)  # decimals a person may type
    raw = (text or "").strip()
    digits_problem = lf.digits_problem(raw)
    if digits_problem:
        raise ValidationError(field, digits_problem)
    raw = lf.latin_digits(raw)
    for symbol in _symbols(code):
        if symbol and raw.startswith(symbol):
            raw = raw[len(symbol) :].strip()
        if symbol and raw.endswith(symbol):
            raw = raw[: -len(symbol)].strip()
    if not raw:
        raise ValidationError(field, gettext("Enter an amount."))
    if raw.startswith("-"):
        raise ValidationError(field, gettext("The amount must be more than zero."))
    plain = lf.to_decimal_text(raw)
    if plain is None:
        example = lf.example_amount(exp)
        raise ValidationError(
            field, gettext("Enter an amount as a number, like {example}.").format(example=example)
        )
    try:
        value = Decimal(plain)
    except InvalidOperation:  # pragma: no cover - the regex already guards this
        raise ValidationError(field, gettext("Enter an amount as a number.")) from None
    if value.scaleb(exp) != value.scaleb(exp).to_integral_value():
        if exp == 0:
            msg = _whole_numbers(code)
        else:
            msg = ngettext(
                "{code} amounts have at most {count} decimal place.",
                "{code} amounts have at most {count} decimal places.",
                exp,
            ).format(code=code.upper(), count=lf.number(exp))
        raise ValidationError(field, msg)
    # Compared before converting: a typed 10^33 never becomes an int a column cannot hold.
    largest = cur.maximum_charge(code)
    if value > Decimal(largest).scaleb(-cur.exponent(code)):
        raise ValidationError(
            field,
            gettext("The largest amount you can enter is {amount}.").format(
                amount=Money(largest, code)
            ),
        )
    # Stripe's minor units, which may count more decimals than people do (5 UGX is 500).
    amount = int(value.scaleb(cur.exponent(code)))
    step_error = _step_error(amount, code)
    if step_error:
        raise ValidationError(field, step_error)
    return Money(amount, code)


def _symbols(code: str) -> set[str]:
    """What may stand before or after a typed amount: the code, and the symbol the UI
    language shows (copied from a receipt, say)."""
    shown = Money(0, code).format().replace("0", "").strip(" \u00a0.,")
    return {shown, code.upper(), code}


def _step_error(amount: int, currency: str) -> str | None:
    """The sentence for an amount Stripe refuses for its last digits, or None."""
    if amount % cur.amount_step(currency) == 0:
        return None
    if cur.display_exponent(currency) == 0:
        return _whole_numbers(currency)
    return gettext("{code} amounts must end in 0 (Stripe's rule).").format(code=currency.upper())


def _whole_numbers(currency: str) -> str:
    return gettext("{code} amounts are whole numbers, with no decimals.").format(
        code=currency.upper()
    )


def validate_chargeable(money: Money, *, field: str = "price") -> None:
    """Raise ValidationError unless Stripe would accept this as a charge amount."""
    if money.amount <= 0:
        raise ValidationError(field, gettext("The amount must be more than zero."))
    step_error = _step_error(money.amount, money.currency)
    if step_error:
        raise ValidationError(field, step_error)
    minimum = cur.minimum_charge(money.currency)
    if money.amount < minimum:
        raise ValidationError(
            field,
            gettext("The smallest amount you can charge is {amount}.").format(
                amount=Money(minimum, money.currency)
            ),
        )
    if money.amount > cur.maximum_charge(money.currency):
        largest = Money(cur.maximum_charge(money.currency), money.currency)
        raise ValidationError(
            field, gettext("The largest amount you can charge is {amount}.").format(amount=largest)
        )


class _Amounts(Protocol):
    """What :class:`PaidFigures` reads: the price and the money in and out, in minor units."""

    @property
    def price_amount(self) -> int: ...
    @property
    def paid_amount(self) -> int: ...
    @property
    def refunded_amount(self) -> int: ...
    @property
    def currency(self) -> str: ...


class PaidFigures:
    """The money figures of something paid for (a booking, an order as the payable), from
    its price and the amounts received and refunded: the one rule for what is still due,
    kept and overpaid."""

    __slots__ = ()

    @property
    def price(self: _Amounts) -> Money:
        """What it costs."""
        return Money(self.price_amount, self.currency)

    @property
    def paid(self: _Amounts) -> Money:
        """Money received (card and cash), before refunds."""
        return Money(self.paid_amount, self.currency)

    @property
    def refunded(self: _Amounts) -> Money:
        """Money given back, settled refunds only."""
        return Money(self.refunded_amount, self.currency)

    @property
    def balance_due(self: _Amounts) -> Money:
        """What is still to be paid (never below zero)."""
        return Money(max(self.price_amount - self.paid_amount, 0), self.currency)

    @property
    def net_paid(self: _Amounts) -> Money:
        """Money kept: received less settled refunds."""
        return Money(self.paid_amount - self.refunded_amount, self.currency)

    @property
    def overpaid(self: _Amounts) -> Money:
        """Money kept beyond the price; zero unless overpaid."""
        kept = self.paid_amount - self.refunded_amount
        return Money(max(kept - self.price_amount, 0), self.currency)
