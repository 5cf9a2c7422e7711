"""Promo codes: managers add them; an order checks one and, when paid, takes one use.

The rules and their sentences are ``domain.promo``'s. A use is counted in one place,
:func:`take_use`, inside the caller's unit of work (the order flow's, so the use and the
order commit together): the database's conditional UPDATE decides, so two stations cannot
both take the last one, whatever each read before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date

from pos_app.domain import locale_format as lf
from pos_app.domain.audit import AuditAction
from pos_app.domain.dates import day_problem
from pos_app.domain.errors import (
    DuplicateError,
    FormErrors,
    InvalidStateError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from pos_app.domain.money import Money, parse_money
from pos_app.domain.percent import parse_percent
from pos_app.domain.ports import UnitOfWork
from pos_app.domain.pricing import Discount
from pos_app.domain.promo import (
    MAX_USES_LIMIT,
    PromoCode,
    can_redeem,
    code_problem,
    used_up,
)
from pos_app.domain.text import bounded
from pos_app.i18n import N_, gettext
from pos_app.services import audit
from pos_app.services.audit_words import promo_added, promo_switched
from pos_app.services.catalog import CATALOG, SUPPORTED_CURRENCIES
from pos_app.services.context import Deps
from pos_app.services.ids import new_id

log = logging.getLogger(__name__)

MANAGERS_ONLY = N_("Only a manager can add promo codes.")
MANAGERS_ONLY_SWITCH = N_("Only a manager can switch promo codes on or off.")


@dataclass(frozen=True)
class PromoForm:
    """The promo code editor's fields, as typed: a percent or an amount (not both)."""

    code: str
    currency: str
    percent_text: str | None = None
    amount_text: str | None = None
    max_uses: int | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    min_order_text: str | None = None
    active: bool = True


def unknown_code(code: str) -> str:
    """The sentence for a code nobody added."""
    return f"There is no promo code {bounded(code.strip(), 40)}; check the spelling."


def check_code(uow: UnitOfWork, code: str, *, today: date, subtotal: Money) -> PromoCode:
    """The code if it can be used today on an order of ``subtotal``; NotFoundError or
    InvalidStateError with the sentence that says why not."""
    promo = uow.promo_codes.by_code(code)
    if promo is None:
        raise NotFoundError(unknown_code(code))
    can_redeem(promo, today=today, subtotal=subtotal).ensure()
    return promo


def take_use(uow: UnitOfWork, code: str, *, today: date, subtotal: Money) -> PromoCode:
    """Check the code and count one use inside ``uow`` (the caller commits); the code as it
    is after the use, or the sentence that says why it cannot be used (nothing counted)."""
    promo = check_code(uow, code, today=today, subtotal=subtotal)
    uses = uow.promo_codes.take_use(promo.id)
    if uses is None:
        # Another station took the last use (or switched the code off) since it was read.
        raise InvalidStateError(used_up(promo.code, promo.max_uses))
    return PromoCode(
        promo.id,
        promo.code,
        promo.discount,
        uses,
        promo.max_uses,
        promo.valid_from,
        promo.valid_until,
        promo.min_order,
        promo.active,
    )


class PromoCodeService:
    """Add promo codes (managers), list them, check one, and count a use."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def today(self) -> date:
        """The business's date now (its time zone): what validity dates are compared with."""
        return self._d.clock.now().astimezone(self._d.policy.timezone).date()

    def list_codes(self) -> list[PromoCode]:
        """Every code, by code."""
        with self._d.uow() as uow:
            return uow.promo_codes.list()

    def check(self, code: str, subtotal: Money) -> PromoCode:
        """The code if it can be used now on an order of ``subtotal`` (nothing is counted)."""
        with self._d.uow() as uow:
            return check_code(uow, code, today=self.today(), subtotal=subtotal)

    def use(self, code: str, subtotal: Money) -> PromoCode:
        """Count one use of the code in a transaction of its own (the order flow calls
        :func:`take_use` inside its own transaction instead)."""
        with self._d.uow(write=True) as uow:
            promo = take_use(uow, code, today=self.today(), subtotal=subtotal)
            uow.commit()
        log.info("promo.used code=%s uses=%d", promo.id, promo.uses)
        return promo

    def add_code(self, form: PromoForm) -> PromoCode:
        """Add a promo code (managers only), or raise FormErrors and change nothing."""
        actor = self._d.desk.actor
        if not actor.is_manager:
            raise PermissionDeniedError(MANAGERS_ONLY)
        errors: dict[str, str] = {}
        promo = _promo(form, errors)
        with self._d.uow(write=True) as uow:
            uow.serialize(CATALOG)
            if promo is not None and (other := uow.promo_codes.by_code(promo.code)):
                errors["code"] = gettext("There is already a promo code {code}.").format(
                    code=other.code
                )
            if errors or promo is None:
                raise FormErrors(errors)
            now = self._d.clock.now()
            try:
                uow.promo_codes.add(promo, created_at=now)
            except DuplicateError as err:
                raise FormErrors({"code": err.message}) from err
            audit.record(
                uow,
                at=now,
                actor=actor,
                action=AuditAction.CATALOG_CHANGED,
                detail=promo_added(promo),
            )
            uow.commit()
        log.info("promo.added code=%s by=%s", promo.id, actor.id)
        return promo

    def set_active(self, promo_id: str, active: bool) -> PromoCode:
        """Switch a code off (no order can use it any more) or on again (managers only)."""
        actor = self._d.desk.actor
        if not actor.is_manager:
            raise PermissionDeniedError(MANAGERS_ONLY_SWITCH)
        with self._d.uow(write=True) as uow:
            uow.serialize(CATALOG)
            promo = next((p for p in uow.promo_codes.list() if p.id == promo_id), None)
            if promo is None or not uow.promo_codes.set_active(promo_id, active):
                raise NotFoundError(N_("That promo code no longer exists."))
            if promo.active == active:
                return promo
            now = self._d.clock.now()
            audit.record(
                uow,
                at=now,
                actor=actor,
                action=AuditAction.CATALOG_CHANGED,
                detail=promo_switched(promo.code, active),
            )
            uow.commit()
        log.info("promo.switched code=%s active=%s by=%s", promo_id, active, actor.id)
        return replace(promo, active=active)


def _promo(form: PromoForm, errors: dict[str, str]) -> PromoCode | None:
    """The code the form describes, or None with ``errors`` filled in."""
    code = form.code.strip()
    if problem := code_problem(code):
        errors["code"] = problem
    currency = form.currency.strip().lower()
    if currency not in SUPPORTED_CURRENCIES:
        errors["currency"] = gettext("Choose a currency from the list.")
        return None
    discount = _discount(form, currency, errors)
    if form.max_uses is not None and not 1 <= form.max_uses <= MAX_USES_LIMIT:
        errors["max_uses"] = gettext("Allow from 1 to {limit} uses (or leave it empty).").format(
            limit=lf.number(MAX_USES_LIMIT)
        )
    for field, day in (("valid_from", form.valid_from), ("valid_until", form.valid_until)):
        if day is not None and (problem := day_problem(day)):
            errors[field] = problem
    if form.valid_from and form.valid_until and form.valid_until < form.valid_from:
        errors["valid_until"] = gettext("The last day comes before the first; swap them.")
    minimum: Money | None = None
    if form.min_order_text:
        try:
            minimum = parse_money(form.min_order_text, currency, field="min_order")
        except ValidationError as err:
            errors["min_order"] = err.message
    if errors or discount is None:
        return None
    return PromoCode(
        id=new_id("promo"),
        code=code,
        discount=discount,
        max_uses=form.max_uses,
        valid_from=form.valid_from,
        valid_until=form.valid_until,
        min_order=minimum,
        active=form.active,
    )


def _discount(form: PromoForm, currency: str, errors: dict[str, str]) -> Discount | None:
    if (form.percent_text is None) == (form.amount_text is None):
        errors["discount"] = gettext(
            "Give the discount as a percent or as an amount (one of them)."
        )
        return None
    try:
        if form.percent_text is not None:
            percent = parse_percent(form.percent_text, field="percent", what="discount")
            if percent.is_zero():
                raise ValidationError("percent", "The discount must be more than 0 %.")
            return Discount.of_percent(percent)
        assert form.amount_text is not None
        return Discount.of_amount(parse_money(form.amount_text, currency, field="amount"))
    except ValidationError as err:
        errors[err.field] = err.message
        return None
