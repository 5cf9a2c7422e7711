"""The gateway's session reads (JSON, since session 20) against the SDK's objects, live.

Each session the app reads (open; a declined attempt on it; paid, with its charge and fee)
is read twice: through ``StripeGateway.retrieve_checkout_session`` (``raw_request``, plain
dicts) and through the SDK's ``sessions.retrieve`` mapped as the gateway did before
(``reference_session``). Both snapshots must be equal, in every read mode the app uses.
"""

from __future__ import annotations

from typing import Any

import pytest

from pos_app.domain.errors import GatewayRejected
from pos_app.gateway.stripe_gateway import StripeGateway
from tests.contract.conftest import Backend
from tests.unit.test_session_info import reference_session

MODES: dict[str, dict[str, Any]] = {
    "plain": {},
    "with_last_attempt": {"with_last_attempt": True},
    "with_charge": {"with_charge": True},
}
EXPANDS: dict[str, dict[str, Any]] = {
    "plain": {},
    "with_last_attempt": {"expand": ["payment_intent"]},
    "with_charge": {"expand": ["payment_intent.latest_charge.balance_transaction"]},
}


def _gateway(backend: Backend) -> StripeGateway:
    mode = "sandbox" if backend.is_sandbox else "test"
    return StripeGateway(backend.api_key, mode=mode, api_base=backend.url)


def _declined_session(backend: Backend) -> str:
    """An open session whose last attempt was declined (the sandbox's decline card)."""
    backend.require_sandbox()
    session = backend.create_session()
    backend.pay_page(session, "4000 0000 0000 0002")
    read = _gateway(backend).retrieve_checkout_session(session.id, with_last_attempt=True)
    assert read.last_payment_error is not None  # the shape these tests are about
    return str(session.id)


def _paid_session(backend: Backend) -> str:
    """A session paid on its page with the sandbox's test card."""
    backend.require_sandbox()
    session = backend.create_session()
    assert backend.pay_page(session, "4242 4242 4242 4242").status_code in (200, 303)
    return str(session.id)


def _same_both_ways(backend: Backend, session_id: str) -> None:
    gateway = _gateway(backend)
    for mode, flags in MODES.items():
        read = gateway.retrieve_checkout_session(session_id, **flags)
        sdk = backend.client.v1.checkout.sessions.retrieve(session_id, EXPANDS[mode])  # type: ignore[arg-type]
        assert read == reference_session(sdk), mode


def test_an_open_session_reads_the_same(backend: Backend) -> None:
    session = backend.create_session()
    _same_both_ways(backend, session.id)


def test_a_declined_attempt_reads_the_same(backend: Backend) -> None:
    session_id = _declined_session(backend)
    _same_both_ways(backend, session_id)


def test_a_paid_session_reads_the_same(backend: Backend) -> None:
    session_id = _paid_session(backend)
    read = _gateway(backend).retrieve_checkout_session(session_id, with_charge=True)
    assert read.is_paid and read.charge_details is not None  # the shape this test is about
    _same_both_ways(backend, session_id)


def test_an_unknown_session_is_refused_as_before(backend: Backend) -> None:
    with pytest.raises(GatewayRejected):
        _gateway(backend).retrieve_checkout_session("cs_test_missing")


def _listed_as_read(backend: Backend, session_id: str) -> None:
    """The full sync pass's list of open sessions gives each as the re-read it replaces
    (services/open_links.py): newest first, so a session just made is on the first page."""
    gateway = _gateway(backend)
    listed = {s.id: s for s in gateway.open_checkout_sessions(pages=1)}
    assert listed[session_id] == gateway.retrieve_checkout_session(
        session_id, with_last_attempt=True
    )


def test_an_open_session_is_listed_as_it_reads(backend: Backend) -> None:
    _listed_as_read(backend, backend.create_session().id)


def test_a_declined_attempt_is_listed_as_it_reads(backend: Backend) -> None:
    session_id = _declined_session(backend)
    _listed_as_read(backend, session_id)


def test_a_paid_session_is_not_among_the_open_ones(backend: Backend) -> None:
    session_id = _paid_session(backend)
    listed = _gateway(backend).open_checkout_sessions(pages=1)
    assert session_id not in {s.id for s in listed}  # its link is read alone
