"""An open session of a payment already over is closed at Stripe at once (issue 11, item 14).

``settle.apply_session`` finds such an orphan (a stale or late snapshot: the payment is
EXPIRED or FAILED, its session still open) and expires it, so nobody can pay a link the app
no longer shows; a customer who paid it meanwhile still counts as paid. Mutation testing
found no unit test of that path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from pos_app.app import AppContext
from pos_app.domain.errors import GatewayUnavailable
from pos_app.domain.gateway_types import CheckoutSessionInfo
from pos_app.domain.payment import PaymentStatus
from pos_app.services import settle
from tests.unit.money_station import Station, make_station, open_money_app


@pytest.fixture(scope="module")
def money_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    yield from open_money_app(tmp_path_factory)


@pytest.fixture
def station(money_app: AppContext) -> Station:
    return make_station(money_app)


def _expired_locally(st: Station) -> tuple[str, CheckoutSessionInfo]:
    """A payment the app holds EXPIRED (from an expired snapshot) whose session Stripe still
    holds open: (payment id, the open snapshot, as a late read would bring it)."""
    booking = st.book()
    view = st.services.checkout.start(booking.id)
    open_snapshot = st.stripe.sessions[view.session_id or ""]
    gone = replace(open_snapshot, status="expired", url=None)
    expired = settle.apply_session(st.deps, view.payment_id, gone)
    assert expired is not None and expired.status is PaymentStatus.EXPIRED
    return view.payment_id, open_snapshot


def test_a_late_open_snapshot_of_an_expired_payment_closes_the_session(
    station: Station,
) -> None:
    payment_id, late = _expired_locally(station)
    payment = settle.apply_session(station.deps, payment_id, late)
    assert payment is not None and payment.status is PaymentStatus.EXPIRED
    assert payment.checkout_url is None
    assert station.stripe.sessions[late.id].status == "expired"
    assert station.stripe.keys[-1] == f"pos-app:expire:{payment_id}"


def test_an_orphan_paid_meanwhile_is_paid(station: Station) -> None:
    payment_id, late = _expired_locally(station)
    station.stripe.pay(late.id)  # the customer paid just before the close
    payment = settle.apply_session(station.deps, payment_id, late)
    assert payment is not None and payment.status is PaymentStatus.SUCCEEDED
    with station.deps.uow() as uow:
        stored = uow.payments.get(payment_id)
    assert stored is not None and stored.status is PaymentStatus.SUCCEEDED


def test_an_orphan_stripe_cannot_close_now_stays_hidden(station: Station) -> None:
    payment_id, late = _expired_locally(station)
    station.stripe.expire_error = GatewayUnavailable("Stripe is down")
    payment = settle.apply_session(station.deps, payment_id, late)
    assert payment is not None and payment.status is PaymentStatus.EXPIRED
    assert payment.checkout_url is None
    assert station.stripe.sessions[late.id].status == "open"  # tried again on the next read
