"""Restricted keys: the app's permission probes and Stripe's 403, against both backends.

With a full secret key every probe must come back "granted" (the write probes on made-up
objects answer ``resource_missing``, and create nothing). A key without a permission gets a
403 ``invalid_request_error`` whose message names the permission. Against real Stripe that
second part needs ``STRIPE_TEST_RESTRICTED_KEY``: a test-mode restricted key lacking at
least one of the permissions in ``pos_app/domain/stripe_permissions.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import stripe

from pos_app.domain.stripe_permissions import (
    OPTIONAL_PERMISSIONS,
    REQUIRED_PERMISSIONS,
    permission,
)
from pos_app.gateway import messages
from pos_app.gateway.permissions import probes
from pos_app.gateway.stripe_gateway import StripeGateway
from pos_app.sandbox.controls_client import ControlsClient
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.contract.conftest import Backend, make_client

RESTRICTED_ENV = "STRIPE_TEST_RESTRICTED_KEY"


@pytest.fixture(scope="module")
def controlled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    """A sandbox with test controls, to make restricted keys."""
    db: Path = tmp_path_factory.mktemp("restricted") / "sandbox.sqlite3"
    handle = start_in_thread(db, enable_controls=True)
    yield handle
    handle.stop()


def _newest_ids(client: stripe.StripeClient) -> tuple[list[str], list[str]]:
    refunds = client.v1.refunds.list({"limit": 1}).data
    sessions = client.v1.checkout.sessions.list({"limit": 1}).data
    return [r.id for r in refunds], [s.id for s in sessions]


def test_a_full_key_passes_every_probe_and_nothing_is_created(backend: Backend) -> None:
    mode = "sandbox" if backend.is_sandbox else "test"
    gateway = StripeGateway(backend.api_key, mode=mode, api_base=backend.url, max_network_retries=0)
    before = _newest_ids(backend.client)
    checks = gateway.check_permissions()
    assert [c.permission for c in checks] == [
        p.id for p in (*REQUIRED_PERMISSIONS, *OPTIONAL_PERMISSIONS)
    ]
    assert all(c.ok for c in checks), [c.detail for c in checks if not c.ok]
    assert _newest_ids(backend.client) == before


def test_a_missing_permission_is_a_403_that_names_it(
    backend: Backend, controlled: SandboxHandle
) -> None:
    if backend.is_sandbox:
        url: str | None = controlled.url
        with ControlsClient(controlled.url) as controls:
            key = controls.create_restricted_key(
                [
                    p.id
                    for p in (*REQUIRED_PERMISSIONS, *OPTIONAL_PERMISSIONS)
                    if p.id != "rak_event_read"
                ]
            )
    else:
        url = None
        key = os.environ.get(RESTRICTED_ENV, "")
        if not key:
            pytest.skip(f"{RESTRICTED_ENV} not set: the 403 is checked against the sandbox only")
    failed = [
        c
        for c in StripeGateway(
            key, mode="test", api_base=url, max_network_retries=0
        ).check_permissions()
        if not c.ok
    ]
    assert failed, "the restricted key should lack at least one of the app's permissions"
    if backend.is_sandbox:
        assert [c.permission for c in failed] == ["rak_event_read"]
    with pytest.raises(stripe.PermissionError) as info:
        probes(make_client(key, url))[failed[0].permission]()
    assert info.value.http_status == 403
    body = info.value.json_body or {}
    assert body["error"]["type"] == "invalid_request_error"
    named = messages.missing_permission(info.value.user_message)
    assert named is not None, info.value.user_message
    assert permission(named).label in failed[0].detail
