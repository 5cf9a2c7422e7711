"""Promo codes and manual discounts: when a code may be used, and when a manager must approve.

Each rule returns an :class:`~pos_app.domain.eligibility.Eligibility` with the sentence the
desk sees, as ``domain.eligibility`` does for bookings. Validity dates are the business's
own calendar days (its time zone), inclusive at both ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pos_app.domain import locale_format
from pos_app.domain.eligibility import ALLOWED, Eligibility, refused
from pos_app.domain.money import Money
from pos_app.domain.people import Actor
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import DEFAULT_MANAGER_DISCOUNT, Discount
from pos_app.i18n import N_, gettext, ngettext

#: A code is 3 to 32 letters, digits, "-" or "_": what a customer can read out and type.
CODE_MIN, CODE_MAX = 3, 32
_CODE = re.compile(r"^[A-Za-z0-9_-]+$")
#: Uses one code may be given at most (a typo of 10^9 is refused).
MAX_USES_LIMIT = 1_000_000
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_words(day: date) -> str:
    """A day as the desk reads it, in the UI language: "31 Aug 2026", "31. Aug. 2026"."""
    return locale_format.date_text(day, "date_plain")


def record_day(day: date) -> str:
    """A day in the audit log's fixed English ("31 Aug 2026"), whatever the desk's language."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def code_key(code: str) -> str:
    """The form codes are compared in: any case finds the code ("summer10" is SUMMER10)."""
    return code.strip().casefold()


def code_problem(code: str) -> str | None:
    """The sentence refusing a new code's text, or None."""
    text = code.strip()
    if not CODE_MIN <= len(text) <= CODE_MAX or not _CODE.match(text) or not text.isascii():
        return gettext(
            "A promo code is {least} to {most} letters or digits (and - or _), like SUMMER10."
        ).format(least=CODE_MIN, most=CODE_MAX)
    return None


@dataclass(frozen=True, slots=True)
class PromoCode:
    """A code the customer gives for a discount on the order, with its limits."""

    id: str
    code: str  # as the manager typed it; found in any case (``code_key``)
    discount: Discount
    uses: int = 0
    max_uses: int | None = None  # None: no limit
    valid_from: date | None = None  # the business's local days, inclusive
    valid_until: date | None = None
    min_order: Money | None = None  # compared with the subtotal, before any discount
    active: bool = True

    @property
    def uses_left(self) -> int | None:
        """How many more times it can be used (None: no limit)."""
        return None if self.max_uses is None else max(0, self.max_uses - self.uses)


class PromoState(StrEnum):
    """Whether a code can be used today, whatever the order."""

    USABLE = "usable"
    SWITCHED_OFF = "switched_off"
    NOT_YET = "not_yet"
    ENDED = "ended"
    USED_UP = "used_up"


def promo_state(promo: PromoCode, *, today: date) -> PromoState:
    """The code's state on the business's ``today`` (its dates are inclusive)."""
    if not promo.active:
        return PromoState.SWITCHED_OFF
    if promo.valid_from is not None and today < promo.valid_from:
        return PromoState.NOT_YET
    if promo.valid_until is not None and today > promo.valid_until:
        return PromoState.ENDED
    if promo.uses_left == 0:
        return PromoState.USED_UP
    return PromoState.USABLE


def state_words(promo: PromoCode, *, today: date) -> str:
    """The state in a glyph and a few words, for a list ("✓ Usable", "Ended 3 Dec 2026")."""
    state = promo_state(promo, today=today)
    if state is PromoState.NOT_YET and promo.valid_from is not None:
        return gettext("◷ Starts {day}").format(day=day_words(promo.valid_from))
    if state is PromoState.ENDED and promo.valid_until is not None:
        return gettext("⊘ Ended {day}").format(day=day_words(promo.valid_until))
    return gettext(_STATE_WORDS[state])


_STATE_WORDS = {
    PromoState.USABLE: N_("✓ Usable"),
    PromoState.SWITCHED_OFF: N_("⊘ Switched off"),
    PromoState.NOT_YET: N_("◷ Not yet"),
    PromoState.ENDED: N_("⊘ Ended"),
    PromoState.USED_UP: N_("⊘ Used up"),
}


def availability(promo: PromoCode, *, today: date) -> Eligibility:
    """Whether ``promo`` can be used today at all (switched on, in its dates, a use left),
    whatever the order, with the sentence saying why not."""
    name = promo.code
    state = promo_state(promo, today=today)
    if state is PromoState.SWITCHED_OFF:
        return refused(gettext("Promo code {code} is switched off.").format(code=name))
    if state is PromoState.NOT_YET and promo.valid_from is not None:
        return refused(
            gettext("Promo code {code} starts on {day}.").format(
                code=name, day=day_words(promo.valid_from)
            )
        )
    if state is PromoState.ENDED and promo.valid_until is not None:
        return refused(
            gettext("Promo code {code} ended on {day}.").format(
                code=name, day=day_words(promo.valid_until)
            )
        )
    if state is PromoState.USED_UP:
        return refused(used_up(name, promo.max_uses))
    return ALLOWED


def can_redeem(promo: PromoCode, *, today: date, subtotal: Money) -> Eligibility:
    """Whether ``promo`` can be used today on an order whose subtotal is ``subtotal``.

    The uses counted here are a reading; the one that counts is taken when the order is
    paid, by the database (``PromoCodeRepository.take_use``), so two stations cannot both
    have the last one.
    """
    name = promo.code
    available = availability(promo, today=today)
    if not available.allowed:
        return available
    amount = promo.discount.amount
    if amount is not None and amount.currency != subtotal.currency:
        return refused(
            gettext(
                "Promo code {code} is for orders in {currency}; this one is in {order}."
            ).format(code=name, currency=amount.currency.upper(), order=subtotal.currency.upper())
        )
    minimum = promo.min_order
    if minimum is not None:
        if minimum.currency != subtotal.currency:
            return refused(
                gettext(
                    "Promo code {code} is for orders in {currency}; this one is in {order}."
                ).format(
                    code=name, currency=minimum.currency.upper(), order=subtotal.currency.upper()
                )
            )
        if subtotal < minimum:
            return refused(
                gettext("Promo code {code} needs an order of {minimum} or more.").format(
                    code=name, minimum=minimum
                )
            )
    return ALLOWED


def used_up(promo_code: str, max_uses: int | None) -> str:
    """The sentence when the database found no use left (another station took the last),
    or, for a code without a limit, found it switched off meanwhile."""
    if max_uses is None:
        return gettext("Promo code {code} is switched off.").format(code=promo_code)
    return ngettext(
        "Promo code {code} has been used up: its only use is taken.",
        "Promo code {code} has been used up: all {count} uses are taken.",
        max_uses,
    ).format(code=promo_code, count=f"{max_uses:,}")


def manager_needed(
    discount: int, subtotal: int, threshold: Percent = DEFAULT_MANAGER_DISCOUNT
) -> bool:
    """Whether a manual discount of ``discount`` on ``subtotal`` (minor units) is above
    ``threshold`` of the order, so a manager must give it."""
    # discount / subtotal > threshold, in integers: no rounding at the edge.
    return discount * 100_000 > threshold.thousandths * subtotal


def can_give_discount(
    discount: Money,
    subtotal: Money,
    actor: Actor,
    threshold: Percent = DEFAULT_MANAGER_DISCOUNT,
) -> Eligibility:
    """Whether ``actor`` may give a manual discount of ``discount`` on ``subtotal``: anyone
    up to ``threshold`` of the order, only a manager above it. Promo codes are not manual."""
    if actor.is_manager or not manager_needed(discount.amount, subtotal.amount, threshold):
        return ALLOWED
    return refused(
        f"A discount above {threshold} of the order needs a manager; "
        f"ask one to sign in and give it."
    )
