"""Cash taken at one station while another opens a card link (issue 11, item 1).

Two stations share one database and one sandbox. The gap the defect lived in is the moment
the cash station is closing the booking's open link at Stripe (a network call, made outside
the database's write lock): the tests act in exactly that gap by wrapping the cash station's
``expire_checkout_session``.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from pos_app.app import AppContext, open_app, wire_services
from pos_app.config import load_config
from pos_app.domain.booking import CASH_IN_PROGRESS, BookingStatus
from pos_app.domain.errors import InvalidStateError
from pos_app.domain.payment import PaymentMethod
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from pos_app.services.cash import CashService
from pos_app.services.checkout import CheckoutService
from pos_app.services.payment_sync import SyncService
from tests.conftest import TEST_MANAGER
from tests.integration.helpers import MovableClock, book
from tests.payments import pay


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    """A sandbox with its test controls (bank debits), for this module."""
    h = start_in_thread(tmp_path_factory.mktemp("race") / "sandbox.sqlite3", enable_controls=True)
    yield h
    h.stop()


class HookedGateway:
    """A station's gateway that runs ``after_expire`` right after each expire call returns:
    the moment the cash station has closed the link and not yet written the cash."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.after_expire: Callable[[], None] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def expire_checkout_session(self, session_id: str, *, idempotency_key: str) -> Any:
        result = self.real.expire_checkout_session(session_id, idempotency_key=idempotency_key)
        hook, self.after_expire = self.after_expire, None
        if hook is not None:
            hook()
        return result


@dataclasses.dataclass
class Station:
    """One desk: the app, and services built on a clock and a gateway the test controls."""

    app: AppContext
    clock: MovableClock
    gateway: HookedGateway
    checkout: CheckoutService
    cash: CashService
    sync: SyncService


def _station(env: dict[str, str]) -> Station:
    app = open_app(load_config(env), sandbox="none")
    app.deps.desk.sign_in(TEST_MANAGER)
    clock, gateway = MovableClock(), HookedGateway(app.deps.gateway)
    deps = dataclasses.replace(app.deps, clock=clock, gateway=gateway)
    services = wire_services(deps)
    return Station(app, clock, gateway, services.checkout, services.cash, services.sync)


@pytest.fixture
def env(handle: SandboxHandle, tmp_path: Path) -> dict[str, str]:
    return {
        "POS_DATA_DIR": str(tmp_path / "one"),
        "POS_STRIPE_API_BASE": handle.url,
        "POS_TIMEZONE": "UTC",
    }


@pytest.fixture
def desks(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[Station, Station]]:
    """The cash station and a second station on the same database."""
    first = _station(env)
    second = _station(
        {
            **env,
            "POS_DATA_DIR": str(tmp_path / "two"),
            "POS_DATABASE_URL": first.app.config.database_url,
        }
    )
    assert first.app.deps.policy.station_id != second.app.deps.policy.station_id
    yield first, second
    second.app.close()
    first.app.close()


def _settle(station: Station, booking_id: str) -> None:
    """Read every payment of the booking back from Stripe (what the 2-second sync does)."""
    for p in station.app.bookings.detail(booking_id).payments:
        if p.method is PaymentMethod.CARD and p.stripe_session_id:
            station.checkout.refresh(p.id)


def test_no_link_opens_while_cash_is_taken(desks: tuple[Station, Station]) -> None:
    cash_desk, other = desks
    booking = book(cash_desk.app)
    cash_desk.checkout.start(booking.id)  # an open link the cash station must close first
    seen: list[str] = []

    def other_station_charges() -> None:
        # The cash station has closed its link and is about to write the cash: the second
        # station opens a link now, and the customer pays it on their phone.
        try:
            view = other.checkout.start(booking.id)
        except InvalidStateError as err:
            seen.append(err.message)
            return
        assert view.url
        pay(view.url)
        seen.append("paid by card")

    cash_desk.gateway.after_expire = other_station_charges
    cash = cash_desk.cash.record(booking.id)
    _settle(other, booking.id)

    assert seen == [CASH_IN_PROGRESS]
    b = other.app.bookings.detail(booking.id).booking
    assert (cash.amount, b.paid_amount, b.status) == (3500, 3500, BookingStatus.PAID)
    # The claim ended with the cash: card links open again (here: nothing is due).
    with pytest.raises(InvalidStateError, match="already paid in full"):
        other.checkout.start(booking.id)


def test_a_second_cash_station_waits_for_the_first(desks: tuple[Station, Station]) -> None:
    cash_desk, other = desks
    booking = book(cash_desk.app)
    cash_desk.checkout.start(booking.id)
    seen: list[str] = []

    def other_takes_cash() -> None:
        try:
            other.cash.record(booking.id)
        except InvalidStateError as err:
            seen.append(err.message)

    cash_desk.gateway.after_expire = other_takes_cash
    cash_desk.cash.record(booking.id)
    assert seen == [CASH_IN_PROGRESS]
    cash_rows = [
        p
        for p in cash_desk.app.bookings.detail(booking.id).payments
        if p.method is PaymentMethod.CASH
    ]
    assert [p.amount for p in cash_rows] == [3500]


def test_a_link_opened_after_the_claim_lapsed_stops_the_cash(
    desks: tuple[Station, Station],
) -> None:
    """The claim is a lease; a station whose clock says it lapsed may open a link. The cash
    station re-reads the payments under the lock and records nothing then."""
    cash_desk, other = desks
    booking = book(cash_desk.app)
    cash_desk.checkout.start(booking.id)
    urls: list[str] = []

    def lapsed_then_charges() -> None:
        other.clock.shift = timedelta(minutes=10)  # far past any lease
        view = other.checkout.start(booking.id)
        assert view.url
        urls.append(view.url)

    cash_desk.gateway.after_expire = lapsed_then_charges
    with pytest.raises(InvalidStateError, match="payment link was opened"):
        cash_desk.cash.record(booking.id)
    detail = cash_desk.app.bookings.detail(booking.id)
    assert all(p.method is PaymentMethod.CARD for p in detail.payments)
    assert detail.booking.paid_amount == 0
    pay(urls[0])  # the customer pays the link instead: paid once
    _settle(other, booking.id)
    assert other.app.bookings.detail(booking.id).booking.paid_amount == 3500


def test_money_paid_after_the_claim_lapsed_stops_the_cash(desks: tuple[Station, Station]) -> None:
    """A link opened once the lease lapsed, paid and settled before the cash is written: the
    cash station sees the booking's payments changed under the lock and says what happened."""
    cash_desk, other = desks
    booking = book(cash_desk.app)
    cash_desk.checkout.start(booking.id)

    def lapsed_then_paid() -> None:
        other.clock.shift = timedelta(minutes=10)
        view = other.checkout.start(booking.id)
        assert view.url
        pay(view.url)
        other.checkout.refresh(view.payment_id)

    cash_desk.gateway.after_expire = lapsed_then_paid
    with pytest.raises(InvalidStateError) as refused:
        cash_desk.cash.record(booking.id)
    assert refused.value.message == (
        "The customer has just paid $35.00 by card; check the balance before taking cash."
    )
    b = cash_desk.app.bookings.detail(booking.id).booking
    assert (b.paid_amount, b.status) == (3500, BookingStatus.PAID)


def test_a_refused_cash_ends_its_claim_at_once(desks: tuple[Station, Station]) -> None:
    """The deposit link was paid on the phone: cash is refused, and the balance can be
    charged by card straight away (no lease to wait out)."""
    cash_desk, other = desks
    booking = book(cash_desk.app)
    deposit = cash_desk.checkout.start(booking.id, "10.00")
    assert deposit.url
    pay(deposit.url)
    with pytest.raises(InvalidStateError, match=r"just paid \$10\.00 by card"):
        cash_desk.cash.record(booking.id)
    assert cash_desk.app.bookings.detail(booking.id).booking.cash_claim is None
    balance = other.checkout.start(booking.id)
    assert balance.url and balance.amount.amount == 2500


def test_a_bank_debit_found_while_closing_the_link_stops_the_cash(
    desks: tuple[Station, Station], handle: SandboxHandle
) -> None:
    """The customer paid the open link by bank debit a moment ago: closing the link finds it
    processing. Cash now could be paid twice once the debit arrives, so none is recorded."""
    cash_desk, _ = desks
    booking = book(cash_desk.app)
    view = cash_desk.checkout.start(booking.id)
    assert view.session_id
    _delayed(handle, view.session_id, "processing")  # the desk has not seen it yet
    with pytest.raises(InvalidStateError, match="still processing"):
        cash_desk.cash.record(booking.id)
    _delayed(handle, view.session_id, "succeeded")
    _settle(cash_desk, booking.id)
    b = cash_desk.app.bookings.detail(booking.id).booking
    assert (b.paid_amount, b.status) == (3500, BookingStatus.PAID)


def test_a_claim_left_by_a_crash_lapses(
    desks: tuple[Station, Station], env: dict[str, str]
) -> None:
    """A station killed while taking cash leaves its claim; links are refused until the lease
    runs out (by Stripe's clock, as holds are), then open again."""
    cash_desk, other = desks
    booking = book(cash_desk.app)
    full = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    full.update(env)
    full["POS_FAILPOINTS"] = "cash.after_claim"
    died = subprocess.run(
        [sys.executable, "-m", "pos_app", "pay-cash", booking.id],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert died.returncode != 0, died.stdout
    with pytest.raises(InvalidStateError) as refused:
        other.checkout.start(booking.id)
    assert refused.value.message == CASH_IN_PROGRESS
    other.clock.shift = timedelta(minutes=3)
    assert other.checkout.start(booking.id).url
    assert cash_desk.app.bookings.detail(booking.id).booking.paid_amount == 0


def _delayed(handle: SandboxHandle, session_id: str, outcome: str) -> None:
    r = httpx.post(
        f"{handle.url}/_sandbox/checkout/sessions/{session_id}/delayed_payment",
        json={"outcome": outcome},
    )
    assert r.status_code == 200, r.text


def test_a_part_in_cash_ends_its_claim_so_the_rest_can_go_on_a_card(
    desks: tuple[Station, Station],
) -> None:
    """After cash for part of the price, the other station charges the rest by card at once:
    the recorded cash ended the claim (no lease to wait out)."""
    cash_desk, other = desks
    booking = book(cash_desk.app)
    cash = cash_desk.cash.record(booking.id, "10.00")
    assert cash.amount == 1000
    assert cash_desk.app.bookings.detail(booking.id).booking.cash_claim is None
    rest = other.checkout.start(booking.id)
    assert rest.url and rest.amount.amount == 2500


def test_cash_taken_elsewhere_after_the_claim_lapsed_stops_this_cash(
    desks: tuple[Station, Station],
) -> None:
    """Another station, whose clock says this station's lease lapsed, takes cash itself: this
    station records nothing and says cash is being taken elsewhere."""
    cash_desk, other = desks
    booking = book(cash_desk.app)
    cash_desk.checkout.start(booking.id)

    def lapsed_then_cash() -> None:
        other.clock.shift = timedelta(minutes=10)
        other.cash.record(booking.id, "5.00")

    cash_desk.gateway.after_expire = lapsed_then_cash
    with pytest.raises(InvalidStateError) as refused:
        cash_desk.cash.record(booking.id)
    assert refused.value.message == CASH_IN_PROGRESS
    b = cash_desk.app.bookings.detail(booking.id).booking
    assert (b.paid_amount, b.balance_due.amount) == (500, 3000)


def test_the_card_money_named_is_only_what_came_in_meanwhile(
    desks: tuple[Station, Station],
) -> None:
    """A deposit was taken before; the sentence names only the card money paid during the
    cash, not the deposit with it."""
    cash_desk, other = desks
    booking = book(cash_desk.app)
    cash_desk.cash.record(booking.id, "10.00")  # paid before the cash for the rest
    cash_desk.checkout.start(booking.id)

    def lapsed_then_paid() -> None:
        other.clock.shift = timedelta(minutes=10)
        view = other.checkout.start(booking.id, "5.00")
        assert view.url
        pay(view.url)
        other.checkout.refresh(view.payment_id)

    cash_desk.gateway.after_expire = lapsed_then_paid
    with pytest.raises(InvalidStateError) as refused:
        cash_desk.cash.record(booking.id)
    assert refused.value.message == (
        "The customer has just paid $5.00 by card; check the balance before taking cash."
    )
    assert cash_desk.app.bookings.detail(booking.id).booking.paid_amount == 1500
