"""Restricted keys: "Check key" names each missing permission, and a 403 met while working
says which permission is missing rather than that the key was refused."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_app.app import AppContext, open_app, wire_services
from pos_app.config import load_config
from pos_app.domain.errors import GatewayAuthError, GatewayPermissionError
from pos_app.domain.gateway_types import CustomerRequest
from pos_app.domain.payment import RefundStatus
from pos_app.domain.stripe_permissions import (
    OPTIONAL_PERMISSIONS,
    REQUIRED_PERMISSIONS,
    StripePermission,
    optional_missing_sentence,
)
from pos_app.gateway.stripe_gateway import REFUSAL_KEPT_SECONDS, StripeGateway
from pos_app.sandbox.controls_client import ControlsClient
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.conftest import TEST_MANAGER
from tests.integration.helpers import book
from tests.payments import pay

REQUIRED = [p.id for p in REQUIRED_PERMISSIONS]
OPTIONAL = [p.id for p in OPTIONAL_PERMISSIONS]
ALL = REQUIRED + OPTIONAL


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
    assert [c.permission for c in checks if c.optional] == OPTIONAL
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


# -- Customers: Write, optional -------------------------------------------------------------


def test_a_key_without_customers_write_is_accepted_and_told_what_it_loses(
    controlled: SandboxHandle,
) -> None:
    gateway = _gateway(controlled, _key(controlled, REQUIRED))
    checks = {c.permission: c for c in gateway.check_permissions()}
    customers = checks["rak_customer_write"]
    assert customers.optional and not customers.ok
    [wanted] = OPTIONAL_PERMISSIONS
    assert customers.detail == optional_missing_sentence(wanted)
    assert all(checks[p].ok and not checks[p].optional for p in REQUIRED)
    # The key is accepted; the sentence then says what works without it.
    assert gateway.verify_access() == (
        "Stripe accepted this key: the app can work in test mode. "
        + optional_missing_sentence(wanted)
    )


def test_a_key_with_customers_write_says_what_it_is_used_for(controlled: SandboxHandle) -> None:
    gateway = _gateway(controlled, _key(controlled, ALL))
    customers = {c.permission: c for c in gateway.check_permissions()}["rak_customer_write"]
    assert customers.ok and customers.optional
    assert customers.detail == (
        "Has Customers: Write (optional), used to email receipts in the customer's language."
    )


def test_settings_check_key_names_the_optional_permission_after_the_note(
    ctx: AppContext, controlled: SandboxHandle
) -> None:
    sentence = ctx.settings.check_key("test", _key(controlled, REQUIRED))
    assert sentence.startswith("Stripe accepted this key: the app can work in test mode. ")
    note = sentence.index("This restricted key has every permission the app needs")
    warning = sentence.index("This restricted key lacks Customers: Write, which is optional")
    assert note < warning
    assert ctx.settings.check_key("test", _key(controlled, ALL)).endswith(
        "Events: Read)."
    )  # nothing lacking: no warning after the note


def test_a_payment_without_customers_write_goes_ahead_with_one_log_line(
    ctx: AppContext, controlled: SandboxHandle, caplog: pytest.LogCaptureFixture
) -> None:
    booking = book(ctx, name="Greta")
    with ctx.deps.uow() as uow:
        stored = uow.bookings.get(booking.id)
    assert stored is not None and stored.customer_id is not None
    ctx.customers.set_language(stored.customer_id, "de")  # a Stripe Customer is wanted
    key = _key(controlled, REQUIRED)
    services = wire_services(dataclasses.replace(ctx.deps, gateway=_gateway(controlled, key)))
    with caplog.at_level(logging.INFO):
        view = services.checkout.start(booking.id)
    assert view.url  # the payment link was made all the same, without a Customer
    # The app's own lines (the SDK's request lines are held at WARNING in the app: logs.py).
    ours = [r for r in caplog.records if r.name.startswith("pos_app")]
    lines = [r.getMessage() for r in ours if "rak_customer_write" in r.getMessage()]
    assert lines == [
        f"stripe.customer.permission_missing permission=rak_customer_write "
        f"customer={stored.customer_id}: paying without a Stripe Customer, so Stripe's "
        "receipt follows the Dashboard's language"
    ]
    assert not [r for r in ours if r.levelno >= logging.ERROR]
    assert all(key not in r.getMessage() for r in ours)  # rule 7: never the key


def test_a_refused_optional_permission_is_not_asked_again_for_a_while(
    controlled: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each card payment for a customer with a language would otherwise send Stripe a
    Customer create it refuses again: one round trip more for every such payment."""
    gateway = _gateway(controlled, _key(controlled, REQUIRED))
    service = gateway._client.v1.customers  # the SDK keeps one service object per client
    sent: list[str] = []
    real_create = service.create

    def create(*args: object, **kwargs: object) -> object:
        sent.append("create")
        return real_create(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "create", create)
    request = CustomerRequest(email="greta@example.com", name="Greta", preferred_locales=("de",))
    for attempt in range(3):
        with pytest.raises(GatewayPermissionError) as refused:
            gateway.create_customer(request, idempotency_key=f"cus-key-{attempt}")
        assert refused.value.permission == "rak_customer_write"
    assert sent == ["create"]  # Stripe was asked once; the next two were answered here
    # Once the refusal is old, Stripe is asked again (the permission may have been added).
    gateway._refused["rak_customer_write"] -= REFUSAL_KEPT_SECONDS + 1  # aged, as if waited
    with pytest.raises(GatewayPermissionError):
        gateway.create_customer(request, idempotency_key="cus-key-3")
    assert sent == ["create", "create"]
