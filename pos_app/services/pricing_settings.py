"""The business's pricing settings: prices include tax or not, what a percent tip is of, and
the manual discount a manager must give. Stored in the database, shared by every station."""

from __future__ import annotations

import logging

from pos_app.domain.audit import AuditAction
from pos_app.domain.errors import FormErrors, PermissionDeniedError, ValidationError
from pos_app.domain.percent import Percent, parse_percent
from pos_app.domain.ports import EventLog
from pos_app.domain.pricing import PricingPolicy, TipBase
from pos_app.i18n import N_
from pos_app.services import audit
from pos_app.services.audit_words import pricing_changed
from pos_app.services.context import Deps

log = logging.getLogger(__name__)

PRICES_INCLUDE_TAX_KEY = "pricing.prices_include_tax"
TIP_BASE_KEY = "pricing.tip_base"
MANAGER_DISCOUNT_KEY = "pricing.manager_discount"
MANAGERS_ONLY = N_("Only a manager can change how prices, tax and tips are worked out.")


def read_policy(events: EventLog) -> PricingPolicy:
    """The stored settings, each one missing or unreadable left at its default."""
    default = PricingPolicy()
    include = events.get_setting(PRICES_INCLUDE_TAX_KEY)
    tip = events.get_setting(TIP_BASE_KEY)
    threshold = events.get_setting(MANAGER_DISCOUNT_KEY)
    try:
        manager = Percent.of(threshold) if threshold else default.manager_discount
    except (ValueError, ArithmeticError):
        manager = default.manager_discount
    return PricingPolicy(
        prices_include_tax=include == "1" if include else default.prices_include_tax,
        tip_base=TipBase(tip) if tip in set(TipBase) else default.tip_base,
        manager_discount=manager,
    )


class PricingSettingsService:
    """Read and change the pricing settings (managers change them, audited)."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def policy(self) -> PricingPolicy:
        """The settings now."""
        with self._d.uow() as uow:
            return read_policy(uow.events)

    def save(
        self, *, prices_include_tax: bool, tip_base: TipBase, manager_discount_text: str
    ) -> PricingPolicy:
        """Store new settings (managers only), or FormErrors and nothing changes."""
        actor = self._d.desk.actor
        if not actor.is_manager:
            raise PermissionDeniedError(MANAGERS_ONLY)
        try:
            threshold = parse_percent(
                manager_discount_text, field="manager_discount", what="discount limit"
            )
        except ValidationError as err:
            raise FormErrors({err.field: err.message}) from err
        new = PricingPolicy(prices_include_tax, tip_base, threshold)
        with self._d.uow(write=True) as uow:
            old = read_policy(uow.events)
            if new == old:
                return old
            uow.events.set_setting(PRICES_INCLUDE_TAX_KEY, "1" if prices_include_tax else "0")
            uow.events.set_setting(TIP_BASE_KEY, tip_base.value)
            uow.events.set_setting(MANAGER_DISCOUNT_KEY, threshold.plain())
            audit.record(
                uow,
                at=self._d.clock.now(),
                actor=actor,
                action=AuditAction.SETTINGS_CHANGED,
                detail=pricing_changed(old, new),
            )
            uow.commit()
        log.info("pricing.settings_changed by=%s", actor.id)
        return new
