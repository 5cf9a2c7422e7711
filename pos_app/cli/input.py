"""The command line's typed values, checked before a service sees them: dates, times,
cash counts and ports.

A value that cannot be understood is refused with one sentence (FormErrors keyed by the
service's field, which the CLI prints with its flag) or a UsageError (exit code 2), never a
traceback: Python's calendar runs to 9999-12-31, but the day after it, or a local midnight
of 0001-01-01 turned into UTC, overflows deep inside a report, so the app's calendar
(``domain.dates``) is checked here first.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, tzinfo

from pos_app.domain.dates import day_problem, instant_problem
from pos_app.domain.errors import FormErrors
from pos_app.i18n import gettext

PORT_RANGE = (0, 65535)  # 0: any free port
# A service's form field as the flag that gave it, so a refusal names what to retype.
FLAG_FOR_FIELD = {
    "customer_name": "--customer",
    "customer_email": "--email",
    "customer_phone": "--phone",
    "service_id": "--service",
    "starts_at": "--at",
    "price": "--price",
    "amount": "--amount",
    "date": "--date",
    "start": "--from",
    "end": "--to",
    # product and promo (cli/products.py)
    "sku": "--sku",
    "tax_rate": "--tax-rate",
    "stock": "--stock",
    "quantity": "--add",
    "code": "CODE",
    "percent": "--percent",
    "discount": "--percent/--amount",
    "max_uses": "--max-uses",
    "valid_from": "--from",
    "valid_until": "--until",
    "min_order": "--min-order",
}


class UsageError(Exception):
    """A command line that cannot be understood; exit code 2."""


def parse_date(text: str, field: str) -> date:
    """``YYYY-MM-DD`` as a date of the app's calendar, or FormErrors naming ``field``."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:  # also a surrogate from undecodable bytes (UnicodeEncodeError)
        raise FormErrors(
            {
                field: gettext("{text} is not a date; use YYYY-MM-DD, e.g. 2026-11-22.").format(
                    text=repr(text)
                )
            }
        ) from None
    problem = day_problem(day)
    if problem:
        raise FormErrors({field: problem})
    return day


def parse_when(text: str, tz: tzinfo) -> datetime:
    """An ISO 8601 date and time (``tz`` unless it has an offset) as aware UTC, or
    FormErrors on ``starts_at``."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise FormErrors(
            {
                "starts_at": gettext(
                    "{text} is not a date and time; use e.g. 2026-11-22T14:30."
                ).format(text=repr(text))
            }
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    problem = instant_problem(when)
    if problem:
        raise FormErrors({"starts_at": problem})
    return when.astimezone(UTC)


def counted(
    values: list[str], currencies: list[str], option: str = "--cash-counted"
) -> dict[str, str]:
    """``--cash-counted`` (or ``--float``) values by currency: ``usd=12.50``, or a bare amount
    for a day in one currency. A currency the day does not have, or one given twice, is a
    UsageError (a typo must not close the day as if no cash had been counted)."""
    from pos_app.domain import locale_format as lf  # babel: not on `pos-app`'s way to its window

    # Currency codes joined by "and" in the UI language ("USD und EUR"), CLDR's list pattern.
    days = lf.and_list([c.upper() for c in currencies]) or gettext("no sales")
    by_currency: dict[str, str] = {}
    for value in values:
        code, sep, amount = value.partition("=")
        if not sep:
            if len(currencies) != 1:
                raise UsageError(
                    gettext(
                        "this day has {currencies}: give {option} CURRENCY=AMOUNT for each"
                    ).format(currencies=days, option=option)
                )
            code, amount = currencies[0], value
        code = code.strip().lower()
        if code not in currencies:
            raise UsageError(
                gettext(
                    "this day has {currencies}, not {code}: give {option} CURRENCY=AMOUNT for each"
                ).format(
                    currencies=days,
                    code=code.upper() or gettext("an empty currency"),
                    option=option,
                )
            )
        if code in by_currency:
            raise UsageError(
                gettext("{option} gives {code} twice; give it once").format(
                    option=option, code=code.upper()
                )
            )
        by_currency[code] = amount
    return by_currency


def port_number(text: str) -> int:
    """An argparse type: a TCP port of ASCII digits (``int`` would also take "١٢١١١")."""
    low, high = PORT_RANGE
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise argparse.ArgumentTypeError(
            gettext("{text} is not a port number ({low}–{high})").format(
                text=repr(text), low=low, high=high
            )
        )
    return int(text)


def form_errors_sentence(err: FormErrors) -> str:
    """A service's refusal as one line, each message after the flag it is about."""
    # Each message translated here (a service's N_ sentence; one built with gettext is
    # already in the language): the same sentences the screens show under their fields.
    return " ".join(
        f"{FLAG_FOR_FIELD.get(field, field)}: {gettext(message)}"
        for field, message in err.errors.items()
    )
