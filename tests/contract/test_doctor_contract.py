"""`pos-app doctor`'s one mutation, against the sandbox and (with a key) Stripe test mode.

The doctor opens a session of the smallest amount Stripe accepts and expires it at once; a
run whose answer was lost is found again by its metadata and closed, never left open. The
app's own gateway and store do it here, as in the app; only the backend differs.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_app.app import SystemClock
from pos_app.domain.currency import minimum_charge
from pos_app.domain.errors import GatewayUnavailable
from pos_app.domain.gateway_types import CheckoutRequest, CheckoutSessionInfo
from pos_app.gateway.stripe_gateway import StripeGateway
from pos_app.services.context import Deps, Policy
from pos_app.services.doctor import MAX_CLOCK_SKEW_SECONDS
from pos_app.services.doctor_session import RUN_KEY, DoctorSession, SessionRun
from pos_app.store.database import make_engine, migrate, sqlite_url
from pos_app.store.repositories import SqlUnitOfWorkFactory
from tests.contract.conftest import Backend

SUCCESS_URL = "https://example.com/pos-app-contract/thanks"


@pytest.fixture
def deps(backend: Backend, tmp_path: Path) -> Iterator[Deps]:
    engine = make_engine(sqlite_url(tmp_path / "pos.sqlite3"))
    migrate(engine)
    gateway = StripeGateway(
        backend.api_key, mode="test", api_base=backend.url, max_network_retries=0
    )
    yield Deps(
        uow=SqlUnitOfWorkFactory(engine),
        gateway=gateway,
        clock=SystemClock(),
        policy=Policy(f"st_contract_{backend.run_id}", UTC, success_url=SUCCESS_URL),
    )
    engine.dispose()


@pytest.mark.parametrize("currency", ["usd", "eur", "gbp", "jpy"])
def test_the_minimum_session_opens_and_closes_at_once(
    backend: Backend, deps: Deps, currency: str
) -> None:
    run, session = DoctorSession(deps).open_and_close(currency, SUCCESS_URL)
    assert session is not None
    assert (session.status, session.payment_status, session.url) == ("expired", "unpaid", None)
    assert (session.amount_total, session.currency) == (minimum_charge(currency), currency)
    again = backend.client.v1.checkout.sessions.retrieve(session.id)
    assert again.status == "expired"
    assert again.metadata is not None and again.metadata["doctor_run"] == run.run_id
    # The Date header of these answers: this machine and the backend agree within the bound.
    assert abs(deps.gateway.server_clock_offset()) < MAX_CLOCK_SKEW_SECONDS


class _AnswerLost:
    """The app's gateway, except that the answer to a create never arrives."""

    def __init__(self, gateway: StripeGateway) -> None:
        self._gateway = gateway
        self.made: list[str] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self._gateway, name)

    def create_checkout_session(
        self, request: CheckoutRequest, *, idempotency_key: str
    ) -> CheckoutSessionInfo:
        made = self._gateway.create_checkout_session(request, idempotency_key=idempotency_key)
        self.made.append(made.id)
        raise GatewayUnavailable("Cannot reach Stripe right now.")


class _Later:
    """The real clock, moved on."""

    def __init__(self, shift: timedelta) -> None:
        self._shift = shift

    def now(self) -> datetime:
        return datetime.now(UTC) + self._shift


def test_a_run_whose_answer_was_lost_is_found_by_metadata_and_closed(
    backend: Backend, deps: Deps
) -> None:
    assert isinstance(deps.gateway, StripeGateway)
    lossy = _AnswerLost(deps.gateway)
    with pytest.raises(GatewayUnavailable):
        DoctorSession(dataclasses.replace(deps, gateway=lossy)).open_and_close("usd", SUCCESS_URL)  # type: ignore[arg-type]
    (left_open,) = lossy.made
    assert backend.client.v1.checkout.sessions.retrieve(left_open).status == "open"
    # Two minutes on, resending the create could only be refused (expires_at < 30 min
    # ahead): the next run looks the session up by its metadata and closes it.
    later = dataclasses.replace(deps, clock=_Later(timedelta(minutes=2)))
    run, session = DoctorSession(later).open_and_close("usd", SUCCESS_URL)
    assert session is not None and session.status == "expired" and session.id != left_open
    assert backend.client.v1.checkout.sessions.retrieve(left_open).status == "expired"
    assert (run.state, run.session_id) == ("done", session.id)
    assert DoctorSession(deps).load() == run


def test_a_run_that_never_reached_stripe_is_given_up_not_resent_too_late(
    backend: Backend, deps: Deps
) -> None:
    # Stored two minutes ago, then the process died before sending: its expires_at is now
    # under 30 minutes ahead, which Stripe refuses, so it must not be sent any more.
    now = datetime.now(UTC)
    stale = SessionRun(
        run_id=f"dr_contract_{backend.run_id}",
        amount=50,
        currency="usd",
        created_at=(now - timedelta(minutes=2)).isoformat(),
        expires_at=(now + timedelta(minutes=29)).isoformat(),
        success_url=SUCCESS_URL,
        state="creating",
    )
    with deps.uow(write=True) as uow:
        uow.events.set_setting(
            RUN_KEY.format(station=deps.policy.station_id), json.dumps(dataclasses.asdict(stale))
        )
        uow.commit()
    run, session = DoctorSession(deps).open_and_close("usd", SUCCESS_URL)
    assert session is not None and session.status == "expired"
    assert run.run_id != stale.run_id and run.state == "done"
