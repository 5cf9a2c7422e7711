"""The pricing settings: stored for every station, changed by managers only, audited."""

from __future__ import annotations

import pytest

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.domain.errors import FormErrors, PermissionDeniedError
from pos_app.domain.people import Actor, Role
from pos_app.domain.percent import Percent
from pos_app.domain.ports import AuditQuery
from pos_app.domain.pricing import PricingPolicy, TipBase
from pos_app.services.pricing_settings import PricingSettingsService


def test_defaults_then_a_change_that_every_station_reads(app: AppContext) -> None:
    assert app.pricing.policy() == PricingPolicy(False, TipBase.BEFORE_TAX, Percent(20_000))
    saved = app.pricing.save(
        prices_include_tax=True, tip_base=TipBase.AFTER_TAX, manager_discount_text="12.5"
    )
    assert saved == PricingPolicy(True, TipBase.AFTER_TAX, Percent(12_500))
    # Another service over the same database (another station) reads the same.
    assert PricingSettingsService(app.deps).policy() == saved
    with app.deps.uow() as uow:
        entries = uow.audit.query(AuditQuery(actions=frozenset({AuditAction.SETTINGS_CHANGED})))
    assert [e.detail for e in entries] == [
        "Pricing: tax added to prices, tips before tax, manager for discounts above 20% → "
        "prices include tax, tips after tax, manager for discounts above 12.5%"
    ]


def test_staff_and_bad_limits_are_refused_and_change_nothing(app: AppContext) -> None:
    with pytest.raises(FormErrors) as bad:
        app.pricing.save(
            prices_include_tax=True, tip_base=TipBase.BEFORE_TAX, manager_discount_text="150"
        )
    assert bad.value.errors == {"manager_discount": "The discount limit can be at most 100 %."}
    app.deps.desk.sign_in(Actor("u_sam", "Sam", Role.STAFF))
    with pytest.raises(PermissionDeniedError):
        app.pricing.save(
            prices_include_tax=True, tip_base=TipBase.BEFORE_TAX, manager_discount_text="5"
        )
    assert app.pricing.policy() == PricingPolicy()
