"""How long a payment link is held: 2 to 30 minutes, both edges, wherever it is set.

The hold is set in three places (the environment, Settings, the value stored in the
database by another station or an older version); each takes 30 and refuses 31, takes 2
and refuses 1, and the next charge holds exactly what was accepted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from pos_app.app import AppContext, open_app
from pos_app.config import ConfigError, load_config
from pos_app.domain.audit import AuditAction
from pos_app.domain.errors import FormErrors
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import AuditQuery
from pos_app.services.settings import SettingsChange, layer_business
from tests.integration.helpers import book

MANAGER = Actor("usr_hold", "Hana Manager", Role.MANAGER)
STORED_KEY = "business.hold_minutes"


@pytest.fixture
def env(app_env: dict[str, str]) -> dict[str, str]:
    return dict(app_env)


@pytest.fixture
def ctx(env: dict[str, str]) -> Iterator[AppContext]:
    context = open_app(load_config(env), sandbox="none")
    context.deps.desk.sign_in(MANAGER)
    yield context
    context.close()


def _held_for(ctx: AppContext) -> timedelta:
    """How long the next charge holds its link (the stored row, not the screen), to the
    second: Stripe answers ``expires_at`` in whole seconds."""
    view = ctx.checkout.start(book(ctx).id)
    with ctx.deps.uow() as uow:
        payment = uow.payments.get(view.payment_id)
    assert payment is not None and payment.hold_until and payment.expires_at
    # expires_at is Stripe's: the hold, or 31 minutes when the hold is shorter (Stripe's
    # least is 30). Both come from one "now"; Stripe's answer drops the fraction of a second.
    lifetime = max(payment.expires_at - payment.hold_until, timedelta())
    return timedelta(seconds=int((timedelta(minutes=31) - lifetime).total_seconds()))


# -- the environment ----------------------------------------------------------------------


@pytest.mark.parametrize("minutes", ["2", "30"])
def test_the_environment_takes_2_and_30(env: dict[str, str], minutes: str) -> None:
    config = load_config({**env, "POS_HOLD_MINUTES": minutes})
    assert config.hold_minutes == int(minutes)
    assert config.env_var("hold_minutes") == "POS_HOLD_MINUTES"


@pytest.mark.parametrize("minutes", ["1", "31", "0", "-5"])
def test_the_environment_refuses_1_and_31_with_a_sentence(
    env: dict[str, str], minutes: str
) -> None:
    with pytest.raises(ConfigError, match=r"^POS_HOLD_MINUTES must be between 2 and 30\.$"):
        load_config({**env, "POS_HOLD_MINUTES": minutes})


def test_a_charge_holds_the_30_minutes_the_environment_says(env: dict[str, str]) -> None:
    context = open_app(load_config({**env, "POS_HOLD_MINUTES": "30"}), sandbox="none")
    try:
        context.deps.desk.sign_in(MANAGER)
        assert context.deps.policy.hold_minutes == 30
        assert _held_for(context) == timedelta(minutes=30)
    finally:
        context.close()


# -- Settings -----------------------------------------------------------------------------


def _change(ctx: AppContext, minutes: int) -> SettingsChange:
    return replace(SettingsChange.from_view(ctx.settings.load()), hold_minutes=minutes)


def _settings_entries(ctx: AppContext) -> int:
    with ctx.deps.uow() as uow:
        query = AuditQuery(actions=frozenset({AuditAction.SETTINGS_CHANGED}))
        return len(uow.audit.query(query))


@pytest.mark.parametrize("minutes", [2, 30])
def test_settings_take_2_and_30_and_the_next_charge_holds_them(
    ctx: AppContext, minutes: int
) -> None:
    ctx.settings.save(_change(ctx, minutes))
    assert (ctx.config.hold_minutes, ctx.deps.policy.hold_minutes) == (minutes, minutes)
    with ctx.deps.uow() as uow:
        assert uow.events.get_setting(STORED_KEY) == str(minutes)
    assert _held_for(ctx) == timedelta(minutes=minutes)


@pytest.mark.parametrize("minutes", [1, 31])
def test_settings_refuse_1_and_31_and_change_nothing(ctx: AppContext, minutes: int) -> None:
    ctx.settings.save(_change(ctx, 30))
    entries = _settings_entries(ctx)
    with pytest.raises(FormErrors) as refused:
        ctx.settings.save(_change(ctx, minutes))
    assert refused.value.errors["hold_minutes"] == "Hold a payment link for 2 to 30 minutes."
    assert (ctx.config.hold_minutes, ctx.deps.policy.hold_minutes) == (30, 30)
    with ctx.deps.uow() as uow:
        assert uow.events.get_setting(STORED_KEY) == "30"
    assert _settings_entries(ctx) == entries  # nothing audited either


# -- the stored value ---------------------------------------------------------------------


def _store(ctx: AppContext, value: str) -> None:
    with ctx.deps.uow(write=True) as uow:
        uow.events.set_setting(STORED_KEY, value)
        uow.commit()


@pytest.mark.parametrize("stored", ["2", "30"])
def test_a_stored_2_or_30_is_used_at_start(
    ctx: AppContext, env: dict[str, str], stored: str
) -> None:
    _store(ctx, stored)
    ctx.close()
    again = open_app(load_config(env), sandbox="none")
    try:
        again.deps.desk.sign_in(MANAGER)
        assert (again.config.hold_minutes, again.deps.policy.hold_minutes) == (
            int(stored),
            int(stored),
        )
        assert _held_for(again) == timedelta(minutes=int(stored))
    finally:
        again.close()


@pytest.mark.parametrize("stored", ["1", "31", "0", "999"])
def test_a_stored_1_or_31_is_ignored_and_logged(
    ctx: AppContext, env: dict[str, str], stored: str, caplog: pytest.LogCaptureFixture
) -> None:
    _store(ctx, stored)
    ctx.close()
    with caplog.at_level(logging.WARNING):
        again = open_app(load_config(env), sandbox="none")
    try:
        assert (again.config.hold_minutes, again.deps.policy.hold_minutes) == (10, 10)
        assert f"settings.ignored key=business.hold_minutes value={int(stored)!r}" in caplog.text
    finally:
        again.close()


@pytest.mark.parametrize(("stored", "held"), [("30", 30), ("31", 10), ("2", 2), ("1", 10)])
def test_layering_a_stored_value_over_the_defaults(
    env: dict[str, str], stored: str, held: int
) -> None:
    config = layer_business(load_config(env), {"hold_minutes": stored})
    assert config.hold_minutes == held


def test_the_environment_wins_over_a_stored_30(env: dict[str, str]) -> None:
    config = layer_business(load_config({**env, "POS_HOLD_MINUTES": "12"}), {"hold_minutes": "30"})
    assert config.hold_minutes == 12


def test_nothing_outside_2_to_30_reaches_a_charge(tmp_path: Path, env: dict[str, str]) -> None:
    """Whatever is typed or stored, a charge's hold is within 2..30 minutes."""
    for stored in ("31", "1"):
        config = layer_business(load_config(env), {"hold_minutes": stored})
        assert 2 <= config.hold_minutes <= 30
