"""Restricted keys made by the test control: refused with Stripe's 403 where they lack a
permission, served as usual where they hold it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import stripe

from pos_app.sandbox import behaviour
from pos_app.sandbox.controls_client import ControlsClient, ControlsError
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.sandbox.conftest import make_client

STRIPE_403 = re.compile(
    r"^The provided key 'rk_test_\*+[0-9A-Za-z]{4}' does not have the required permissions "
    r"for this endpoint on account 'acct_[0-9A-Za-z]+'\. Having the '(rak_[a-z_]+)' "
    r"permission would allow this request to continue\.$"
)


@pytest.fixture
def controlled(tmp_path: Path) -> Iterator[SandboxHandle]:
    handle = start_in_thread(tmp_path / "sandbox.sqlite3", enable_controls=True)
    yield handle
    handle.stop()


def _key(handle: SandboxHandle, *permissions: str) -> str:
    with ControlsClient(handle.url) as controls:
        return controls.create_restricted_key(list(permissions))


def test_a_missing_permission_is_a_403_worded_as_stripe_words_it(
    controlled: SandboxHandle,
) -> None:
    key = _key(controlled, "rak_checkout_session_write")
    assert key.startswith("rk_test_")
    response = httpx.get(
        f"{controlled.url}/v1/charges",
        params={"limit": 1},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert "code" not in error
    match = STRIPE_403.match(error["message"])
    assert match is not None, error["message"]
    assert match.group(1) == "rak_charge_read"
    assert key not in error["message"]  # the key is masked, never echoed


def test_the_sdk_raises_permission_error(controlled: SandboxHandle) -> None:
    client = make_client(controlled.url, _key(controlled, "rak_charge_read"))
    client.v1.charges.list({"limit": 1})  # held: served
    with pytest.raises(stripe.PermissionError) as info:
        client.v1.events.list({"limit": 1})
    assert info.value.http_status == 403
    assert "'rak_event_read'" in (info.value.user_message or "")


def test_write_includes_read_and_checkout_includes_payment_intents(
    controlled: SandboxHandle,
) -> None:
    client = make_client(controlled.url, _key(controlled, "rak_checkout_session_write"))
    client.v1.checkout.sessions.list({"limit": 1})
    # Checked before the object is looked up: the permission is there, the object is not.
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.payment_intents.retrieve("pi_doesnotexist")
    assert missing.value.code == "resource_missing"
    with pytest.raises(stripe.PermissionError) as denied:
        client.v1.payment_intents.update("pi_doesnotexist", {})
    assert "'rak_payment_intent_write'" in (denied.value.user_message or "")


def test_a_write_probe_on_a_made_up_object_tells_the_two_apart(
    controlled: SandboxHandle,
) -> None:
    holder = make_client(controlled.url, _key(controlled, "rak_refund_write"))
    with pytest.raises(stripe.InvalidRequestError) as held:
        holder.v1.refunds.create({"payment_intent": "pi_pos_app_permission_check"})
    assert held.value.code == "resource_missing"
    lacking = make_client(controlled.url, _key(controlled, "rak_refund_read"))
    with pytest.raises(stripe.PermissionError):
        lacking.v1.refunds.create({"payment_intent": "pi_pos_app_permission_check"})


def test_the_customer_write_probe_tells_the_two_apart(controlled: SandboxHandle) -> None:
    """The app's probe for its optional Customers: Write: an update with no parameters of a
    customer that cannot exist."""
    holder = make_client(controlled.url, _key(controlled, "rak_customer_write"))
    with pytest.raises(stripe.InvalidRequestError) as held:
        holder.v1.customers.update("cus_pos_app_permission_check", {})
    assert (held.value.http_status, held.value.code) == (404, "resource_missing")
    lacking = make_client(controlled.url, _key(controlled, "rak_customer_read"))
    with pytest.raises(stripe.PermissionError) as denied:
        lacking.v1.customers.update("cus_pos_app_permission_check", {})
    assert denied.value.http_status == 403
    assert "'rak_customer_write'" in (denied.value.user_message or "")


def test_balance_transaction_sources_include_balance(controlled: SandboxHandle) -> None:
    client = make_client(controlled.url, _key(controlled, "rak_balance_transaction_source_read"))
    client.v1.balance_transactions.list({"limit": 1})
    narrow = make_client(controlled.url, _key(controlled, "rak_balance_read"))
    with pytest.raises(stripe.PermissionError):
        narrow.v1.balance_transactions.list({"limit": 1})


def test_other_keys_keep_full_access(controlled: SandboxHandle) -> None:
    _key(controlled, "rak_event_read")
    for key in ("rk_test_51Htypedbyhand0001", "sk_test_whatever"):
        make_client(controlled.url, key).v1.charges.list({"limit": 1})


def test_the_control_refuses_what_is_not_a_permission(controlled: SandboxHandle) -> None:
    with ControlsClient(controlled.url) as controls, pytest.raises(ControlsError) as err:
        controls.create_restricted_key(["charges:read"])
    assert err.value.status == 400
    assert "charges:read" in str(err.value)


def test_every_app_endpoint_has_a_permission() -> None:
    from pos_app.sandbox.api import _endpoints, _webhook_endpoints

    for endpoint in [*_endpoints(), *_webhook_endpoints()]:
        assert f"{endpoint.method} {endpoint.path}" in behaviour.ENDPOINT_PERMISSIONS
