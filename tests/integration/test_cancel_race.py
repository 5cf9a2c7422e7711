"""Cancel and no-show at one station while another charges the booking (issue 11 leftovers).

Two stations share one database and one sandbox. Cancelling or marking a no-show closes the
booking's open card links at Stripe, a network call made outside the database's write lock.
The tests act in exactly that gap, by wrapping the closing station's
``expire_checkout_session``: no new link may open there, and no link may be closed twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from pos_app.domain.booking import CASH_IN_PROGRESS, CLOSING_IN_PROGRESS, BookingStatus
from pos_app.domain.errors import InvalidStateError
from pos_app.domain.payment import PaymentMethod, PaymentStatus
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from tests.integration.helpers import book
from tests.integration.hooked_stations import Station, two_stations
from tests.payments import pay


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    """A sandbox for this module."""
    h = start_in_thread(tmp_path_factory.mktemp("close-race") / "sandbox.sqlite3")
    yield h
    h.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def desks(
    handle: SandboxHandle, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Station, Station]]:
    """The closing station and a second station on the same database: SQLite (a write
    transaction locks the whole file) and PostgreSQL (``SELECT ... FOR UPDATE`` locks the row)."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    yield from two_stations(handle.url, tmp_path, url)


def _close(station: Station, how: str, booking_id: str) -> None:
    if how == "cancel":
        station.bookings.cancel(booking_id)
    else:
        # The customer was due an hour from now: at this station it is two hours later.
        station.clock.shift = timedelta(hours=2)
        station.bookings.no_show(booking_id)


def _live_links(station: Station, booking_id: str) -> list[str]:
    return [
        p.id
        for p in station.app.bookings.detail(booking_id).payments
        if p.method is PaymentMethod.CARD and not p.status.is_final
    ]


@pytest.mark.parametrize("how", ["cancel", "no-show"])
def test_no_link_opens_while_a_booking_is_closed(desks: tuple[Station, Station], how: str) -> None:
    closing, other = desks
    booking = book(closing.app)
    closing.checkout.start(booking.id)  # an open link the closing station must close first
    seen: list[str] = []

    def other_station_charges() -> None:
        # The link is closed at Stripe and the booking not yet changed: the second station
        # opens a new link now, which the customer could pay for a cancelled booking.
        try:
            view = other.checkout.start(booking.id)
        except InvalidStateError as err:
            seen.append(err.message)
            return
        seen.append(f"link opened: {view.status}")

    closing.gateway.after_expire = other_station_charges
    _close(closing, how, booking.id)

    assert seen == [CLOSING_IN_PROGRESS]
    assert _live_links(other, booking.id) == []
    b = other.app.bookings.detail(booking.id).booking
    assert b.status is (BookingStatus.CANCELLED if how == "cancel" else BookingStatus.NO_SHOW)
    assert b.cash_claim is None  # the claim ended with the change


@pytest.mark.parametrize("how", ["cancel", "no-show"])
def test_a_link_is_closed_once_when_two_stations_close_the_booking(
    desks: tuple[Station, Station], how: str
) -> None:
    closing, other = desks
    booking = book(closing.app)
    closing.checkout.start(booking.id)
    seen: list[str] = []

    def other_station_closes_too() -> None:
        try:
            _close(other, how, booking.id)
        except InvalidStateError as err:
            seen.append(err.message)
            return
        seen.append("closed here too")

    closing.gateway.after_expire = other_station_closes_too
    _close(closing, how, booking.id)

    assert seen == [CLOSING_IN_PROGRESS]
    # One expire call in all: the second station did not close the link again.
    assert len(closing.gateway.expired) == 1 and other.gateway.expired == []
    assert _live_links(other, booking.id) == []


def test_cash_waits_for_a_cancel(desks: tuple[Station, Station]) -> None:
    """Cash taken at another station while this one cancels: refused, nothing recorded."""
    closing, other = desks
    booking = book(closing.app)
    closing.checkout.start(booking.id)
    seen: list[str] = []

    def other_takes_cash() -> None:
        try:
            other.cash.record(booking.id)
        except InvalidStateError as err:
            seen.append(err.message)
            return
        seen.append("cash recorded")

    closing.gateway.after_expire = other_takes_cash
    outcome = closing.bookings.cancel(booking.id)

    assert seen == [CLOSING_IN_PROGRESS]
    assert outcome.kept.amount == 0
    detail = other.app.bookings.detail(booking.id)
    assert [p.method for p in detail.payments] == [PaymentMethod.CARD]
    assert detail.payments[0].status is PaymentStatus.EXPIRED


def test_a_cancel_waits_for_cash(desks: tuple[Station, Station]) -> None:
    """A cancel asked while another station is taking cash is refused, changing nothing."""
    cash_desk, other = desks
    booking = book(cash_desk.app)
    cash_desk.checkout.start(booking.id)
    seen: list[str] = []

    def other_cancels() -> None:
        try:
            other.bookings.cancel(booking.id)
        except InvalidStateError as err:
            seen.append(err.message)
            return
        seen.append("cancelled")

    cash_desk.gateway.after_expire = other_cancels
    cash = cash_desk.cash.record(booking.id)

    assert seen == [CASH_IN_PROGRESS]
    b = other.app.bookings.detail(booking.id).booking
    assert (cash.amount, b.status) == (3500, BookingStatus.PAID)


def test_a_link_paid_while_closing_stops_the_cancel(desks: tuple[Station, Station]) -> None:
    """The customer paid the link a moment before it was closed: nothing changes, and the
    desk is told to check with them."""
    closing, _ = desks
    booking = book(closing.app)
    view = closing.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    with pytest.raises(InvalidStateError, match=r"just paid \$35\.00 by card"):
        closing.bookings.cancel(booking.id)
    b = closing.app.bookings.detail(booking.id).booking
    assert (b.status, b.cash_claim) == (BookingStatus.PAID, None)
