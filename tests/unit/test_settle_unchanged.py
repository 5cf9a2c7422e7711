"""A snapshot that changes nothing is not written (issue 12): no write transaction, no locks.

The sync pass re-reads every open link and most answers are what is stored already; the
write transaction they cost held the GIL in a worker while the GUI thread waited. A snapshot
that changes any field of the payment (its link, its expiry, its status) is still written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from pos_app.app import AppContext
from pos_app.domain.payment import Payment, PaymentStatus
from pos_app.services import settle
from pos_app.services.context import Deps
from tests.unit.money_station import Station, make_station, open_money_app


@pytest.fixture(scope="module")
def money_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    yield from open_money_app(tmp_path_factory)


@pytest.fixture
def station(money_app: AppContext) -> Station:
    return make_station(money_app)


def _counting(deps: Deps) -> tuple[Deps, list[bool]]:
    """``deps`` whose units of work note whether each was for writing."""
    opened: list[bool] = []
    real = deps.uow

    def uow(*args: Any, **kwargs: Any) -> Any:
        opened.append(bool(kwargs.get("write", False)))
        return real(*args, **kwargs)

    return replace(deps, uow=uow), opened


def _stored(st: Station, payment_id: str) -> Payment:
    with st.deps.uow() as uow:
        payment = uow.payments.get(payment_id)
    assert payment is not None
    return payment


def _open_link(st: Station) -> tuple[str, str]:
    view = st.services.checkout.start(st.book().id)
    assert view.status is PaymentStatus.OPEN and view.session_id is not None
    return view.payment_id, view.session_id


def test_a_snapshot_that_changes_nothing_opens_no_write(station: Station) -> None:
    payment_id, session_id = _open_link(station)
    deps, opened = _counting(station.deps)
    applied = settle.apply_session(deps, payment_id, station.stripe.sessions[session_id])
    assert applied is not None and applied.status is PaymentStatus.OPEN
    assert opened and not any(opened)  # read, never written
    assert applied == _stored(station, payment_id)


def test_a_new_expiry_is_still_written(station: Station) -> None:
    payment_id, session_id = _open_link(station)
    session = station.stripe.sessions[session_id]
    later = replace(session, expires_at=session.expires_at + timedelta(minutes=5))
    deps, opened = _counting(station.deps)
    applied = settle.apply_session(deps, payment_id, later)
    assert any(opened)
    assert applied is not None and applied.expires_at == later.expires_at
    assert _stored(station, payment_id).expires_at == later.expires_at


def test_a_payment_is_still_written(station: Station) -> None:
    payment_id, session_id = _open_link(station)
    deps, opened = _counting(station.deps)
    applied = settle.apply_session(deps, payment_id, station.stripe.pay(session_id))
    assert any(opened)
    assert applied is not None and applied.status is PaymentStatus.SUCCEEDED
    assert _stored(station, payment_id).status is PaymentStatus.SUCCEEDED


def test_another_payments_session_is_refused_as_before(station: Station) -> None:
    payment_id, _ = _open_link(station)
    _, other_session = _open_link(station)
    with pytest.raises(ValueError):
        settle.apply_session(station.deps, payment_id, station.stripe.sessions[other_session])
