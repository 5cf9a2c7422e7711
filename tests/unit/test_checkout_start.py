"""Charge pressed again: which link the desk gets, and what is asked of Stripe.

``CheckoutService.start`` reuses the booking's open link while its hold runs, closes it and
opens a new one once the hold has ended (to the second), asks for a deposit when given, and
refuses before anything is stored until the business has a page to send customers to after
paying (issue 11, item 14: survivors of ``start`` and ``_reserve``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from pos_app.app import AppContext, wire_services
from pos_app.domain.errors import GatewayRejected, InvalidStateError
from pos_app.domain.payment import PaymentStatus
from pos_app.services.checkout_request import success_url_problem
from tests.unit.money_station import Station, make_station, open_money_app


@pytest.fixture(scope="module")
def money_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    yield from open_money_app(tmp_path_factory)


@pytest.fixture
def station(money_app: AppContext) -> Station:
    return make_station(money_app)


def _hold_until(station: Station, payment_id: str) -> object:
    with station.deps.uow() as uow:
        payment = uow.payments.get(payment_id)
    assert payment is not None and payment.hold_until is not None
    return payment.hold_until


def test_charge_again_during_the_hold_gives_the_same_link(station: Station) -> None:
    booking = station.book("35.00")
    first = station.services.checkout.start(booking.id)
    again = station.services.checkout.start(booking.id)
    assert (again.payment_id, again.session_id) == (first.payment_id, first.session_id)
    assert station.stripe.calls.count("create_checkout_session") == 1
    assert first.payment_id.startswith("pay_")


def test_charge_again_the_second_the_hold_ends_opens_a_new_link(station: Station) -> None:
    booking = station.book("35.00")
    first = station.services.checkout.start(booking.id)
    station.clock.at = _hold_until(station, first.payment_id)  # type: ignore[assignment]
    again = station.services.checkout.start(booking.id)
    assert again.payment_id != first.payment_id and again.payment_id.startswith("pay_")
    assert again.session_id != first.session_id and again.status is PaymentStatus.OPEN
    assert first.session_id is not None
    assert station.stripe.sessions[first.session_id].status == "expired"


def test_an_old_link_stripe_will_not_close_stops_the_new_one(station: Station) -> None:
    booking = station.book("35.00")
    first = station.services.checkout.start(booking.id)
    station.clock.at = _hold_until(station, first.payment_id)  # type: ignore[assignment]
    station.stripe.expire_error = GatewayRejected("This Checkout Session cannot be expired.")
    with pytest.raises(InvalidStateError) as refused:
        station.services.checkout.start(booking.id)
    assert refused.value.message == "The old payment link could not be closed. Try again."
    assert station.stripe.calls.count("create_checkout_session") == 1


def test_a_deposit_asks_stripe_for_the_deposit(station: Station) -> None:
    booking = station.book("35.00")
    view = station.services.checkout.start(booking.id, "10.00")
    assert station.stripe.requests[-1].amount == 1000
    assert view.amount.amount == 1000


def test_money_recorded_after_a_link_opened_does_not_open_a_second_one(station: Station) -> None:
    """Cash written by another station (or an older version) after the deposit link opened
    is not a live link: charging the same deposit again still finds the open one."""
    booking = station.book("35.00")
    first = station.services.checkout.start(booking.id, "10.00")
    station.clock.at += timedelta(seconds=1)  # recorded after the link, in the rows' order
    station.cash_behind_the_links_back(booking.id, 500)
    again = station.services.checkout.start(booking.id, "10.00")
    assert again.payment_id == first.payment_id
    assert station.stripe.calls.count("create_checkout_session") == 1


def test_no_link_opens_until_the_business_has_a_page_after_paying(station: Station) -> None:
    policy = replace(station.deps.policy, success_url=None)
    services = wire_services(replace(station.deps, policy=policy))
    booking = station.book("35.00")
    with pytest.raises(InvalidStateError) as refused:
        services.checkout.start(booking.id)
    assert refused.value.message == success_url_problem(policy)
    with station.deps.uow() as uow:
        assert uow.payments.for_booking(booking.id) == []
    assert station.stripe.calls == []


def test_a_deposit_link_past_its_hold_is_reopened_for_the_deposit(station: Station) -> None:
    booking = station.book("35.00")
    first = station.services.checkout.start(booking.id, "10.00")
    station.clock.at = _hold_until(station, first.payment_id)  # type: ignore[assignment]
    again = station.services.checkout.start(booking.id, "10.00")
    assert again.payment_id != first.payment_id
    assert [r.amount for r in station.stripe.requests] == [1000, 1000]
