"""Restricted keys: "Check key" names each missing permission, and a 403 met while working
says which permission is missing rather than that the key was refused."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_app.app import AppContext, open_app, wire_services
from pos_app.config import load_config
from pos_app.domain.errors import GatewayAuthError, GatewayPermissionError
from pos_app.domain.payment import RefundStatus
from pos_app.domain.stripe_permissions import REQUIRED_PERMISSIONS, StripePermission
from pos_app.gateway.stripe_gateway import StripeGateway
from pos_app.sandbox.controls_client import ControlsClient
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.conftest import TEST_MANAGER
from tests.integration.helpers import book
from tests.payments import pay

ALL = [p.id for p in REQUIRED_PERMISSIONS]


@pytest.fixture
def controlled(tmp_path: Path) -> Iterator[SandboxHandle]:
    handle = start_in_thread(tmp_path / "sandbox.sqlite3", enable_controls=True)
    yield handle
    handle.stop()


@pytest.fixture
def ctx(tmp_path: Path, controlled: SandboxHandle) -> Iterator[AppContext]:
    env = {
        "POS_DATA_DIR": str(tmp_path / "app"),
        "POS_STRIPE_API_BASE": controlled.url,
        "POS_TIMEZONE": "UTC",
    }
    app = open_app(load_config(env), sandbox="none")
    app.deps.desk.sign_in(TEST_MANAGER)
    yield app
    app.close()


def _key(handle: SandboxHandle, permissions: list[str]) -> str:
    with ControlsClient(handle.url) as controls:
        return controls.create_restricted_key(permissions)


def _gateway(handle: SandboxHandle, key: str, mode: str = "test") -> StripeGateway:
    return StripeGateway(key, mode=mode, api_base=handle.url, max_network_retries=0)


@pytest.mark.parametrize("lacking", REQUIRED_PERMISSIONS, ids=lambda p: p.id)
def test_check_permissions_names_each_missing_one(
    controlled: SandboxHandle, lacking: StripePermission
) -> None:
    key = _key(controlled, [p for p in ALL if p != lacking.id])
    gateway = _gateway(controlled, key)
    checks = gateway.check_permissions()
    assert [c.permission for c in checks] == ALL
    assert [c.permission for c in checks if not c.ok] == [lacking.id]
    [failed] = [c for c in checks if not c.ok]
    assert lacking.label in failed.detail
    with pytest.raises(GatewayAuthError) as err:
        gateway.verify_access()
    assert err.value.message.startswith(f"This restricted key lacks {lacking.label}.")


def test_a_key_with_every_permission_passes(controlled: SandboxHandle) -> None:
    gateway = _gateway(controlled, _key(controlled, ALL))
    assert all(c.ok for c in gateway.check_permissions())
    assert gateway.verify_access() == "Stripe accepted this key: the app can work in test mode."


def test_several_missing_are_named_together(controlled: SandboxHandle) -> None:
    key = _key(controlled, ["rak_checkout_session_write", "rak_payment_intent_write"])
    with pytest.raises(GatewayAuthError) as err:
        _gateway(controlled, key).verify_access()
    assert err.value.message == (
        "This restricted key lacks Charges: Read, Refunds: Write, Balance transaction "
        "sources: Read and Events: Read. Add them to the key in Stripe Dashboard › "
        "Developers › API keys, then check the key again."
    )


def test_settings_check_key_names_the_missing_permission(
    ctx: AppContext, controlled: SandboxHandle
) -> None:
    lacking_events = _key(controlled, [p for p in ALL if p != "rak_event_read"])
    with pytest.raises(GatewayAuthError) as err:
        ctx.settings.check_key("test", lacking_events)
    assert "Events: Read" in err.value.message
    sentence = ctx.settings.check_key("test", _key(controlled, ALL))
    assert "every permission the app needs" in sentence


def test_a_403_during_a_refund_names_the_permission_and_fails_nothing(
    ctx: AppContext, controlled: SandboxHandle
) -> None:
    booking = book(ctx)
    view = ctx.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    ctx.checkout.refresh(view.payment_id)
    key = _key(controlled, [p for p in ALL if p != "rak_refund_write"])
    deps = dataclasses.replace(ctx.deps, gateway=_gateway(controlled, key, "sandbox"))
    with pytest.raises(GatewayAuthError) as err:
        wire_services(deps).refunds.refund(booking.id, "10.00")
    assert err.value.message.startswith("This restricted key lacks Refunds: Write.")
    assert isinstance(err.value, GatewayPermissionError)
    assert err.value.permission == "rak_refund_write"
    assert "did not accept" not in err.value.message
    # Nothing was refused about the refund itself: it waits to be sent with a better key.
    [refund] = ctx.bookings.detail(booking.id).refunds
    assert refund.status is RefundStatus.CREATING
