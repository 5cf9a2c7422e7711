"""Cash taken at one station while another opens a card link (issue 11, item 1).

Two stations share one database and one sandbox. The gap the defect lived in is the moment
the cash station is closing the booking's open link at Stripe (a network call, made outside
the database's write lock): the tests act in exactly that gap by wrapping the cash station's
``expire_checkout_session``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from pos_app.domain.booking import (
    CASH_IN_PROGRESS,
    CLOSING_CLAIM,
    CLOSING_IN_PROGRESS,
    BookingStatus,
)
from pos_app.domain.errors import GatewayUnavailable, InvalidStateError
from pos_app.domain.payment import PaymentMethod
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from pos_app.services import payables
from pos_app.store.repositories import SqlBookingRepository
from tests.integration.helpers import book
from tests.integration.hooked_stations import Station, two_stations
from tests.integration.interleave import DB_KINDS, Desk, pause_after, race, two_desks
from tests.payments import pay


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    """A sandbox with its test controls (bank debits), for this module."""
    h = start_in_thread(tmp_path_factory.mktemp("race") / "sandbox.sqlite3", enable_controls=True)
    yield h
    h.stop()


@pytest.fixture
def env(handle: SandboxHandle, tmp_path: Path) -> dict[str, str]:
    return {
        "POS_DATA_DIR": str(tmp_path / "one"),
        "POS_STRIPE_API_BASE": handle.url,
        "POS_TIMEZONE": "UTC",
    }


@pytest.fixture
def desks(handle: SandboxHandle, tmp_path: Path) -> Iterator[tuple[Station, Station]]:
    """The cash station and a second station on the same database."""
    yield from two_stations(handle.url, tmp_path)


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


def test_a_cancel_started_elsewhere_after_the_claim_lapsed_is_named_when_cash_is_refused(
    desks: tuple[Station, Station],
) -> None:
    """Another station, whose clock says this station's lease lapsed, starts cancelling the
    booking (its closing claim replaces ours): the cash is refused with the sentence that
    says a cancel is under way, not that cash is being taken."""
    cash_desk, other = desks
    booking = book(cash_desk.app)
    cash_desk.checkout.start(booking.id)

    def lapsed_then_closing() -> None:
        other.clock.shift = timedelta(minutes=10)
        with other.app.deps.uow(write=True) as uow:
            order = payables.require(uow, booking.id, for_update=True)  # the order's claim
            order.claim_for_cash(f"{CLOSING_CLAIM}_other", other.clock.now())
            payables.save_claim(uow, order)
            uow.commit()

    cash_desk.gateway.after_expire = lapsed_then_closing
    with pytest.raises(InvalidStateError) as refused:
        cash_desk.cash.record(booking.id)
    assert refused.value.message == CLOSING_IN_PROGRESS
    assert cash_desk.app.bookings.detail(booking.id).booking.paid_amount == 0


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


# -- two writers interleaved at the booking's lock (tests/integration/interleave.py) --------
# Each runs on SQLite (the lock: BEGIN IMMEDIATE, ``write=True``) and on PostgreSQL (the
# lock: SELECT ... FOR UPDATE, ``for_update=True``).

PAID_IN_FULL = "This booking is already paid in full."


@pytest.fixture(params=DB_KINDS)
def racing(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    handle: SandboxHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Desk, Desk]]:
    yield from two_desks(request.param, request, tmp_path, handle.url, monkeypatch)


def _cash_rows(desk: Desk, booking_id: str) -> list[int]:
    detail = desk.app.bookings.detail(booking_id)
    return [p.amount for p in detail.payments if p.method is PaymentMethod.CASH]


def test_two_stations_taking_the_last_cash_record_it_once(
    racing: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A has read the booking (30.00 due, no claim) under its lock and is about to claim it;
    B takes the same 30.00. B waits, then sees A's claim (or the booking paid): one cash
    row, and B refused with the app's sentence, never a database error."""
    one, other = racing
    booking = book(one.app)
    one.services.cash.record(booking.id, "5.00")
    pause = pause_after(monkeypatch, SqlBookingRepository, "get", caller="payables.lock")
    result = race(
        pause,
        lambda: one.services.cash.record(booking.id),
        lambda: other.services.cash.record(booking.id),
    )
    assert result.first.get().amount == 3000
    assert isinstance(result.second.error, InvalidStateError), result.second
    assert result.second.error.message in (CASH_IN_PROGRESS, PAID_IN_FULL)
    assert _cash_rows(one, booking.id) == [500, 3000]
    b = one.app.bookings.detail(booking.id).booking
    assert (b.paid_amount, b.status, b.cash_claim) == (3500, BookingStatus.PAID, None)
    assert result.second_waited


def test_cash_written_under_the_lock_is_not_written_twice(
    racing: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A holds its claim and has re-read the booking in the last step, about to write the
    cash; B's clock says A's lease lapsed, so B may claim. B waits for A's write, then finds
    the booking paid: never the cash twice (70.00 for a 35.00 booking)."""
    one, other = racing
    booking = book(one.app)
    other.clock.shift = timedelta(minutes=10)  # past A's lease
    pause = pause_after(monkeypatch, SqlBookingRepository, "get", caller="payables.lock", nth=2)
    result = race(
        pause,
        lambda: one.services.cash.record(booking.id),
        lambda: other.services.cash.record(booking.id),
    )
    assert result.first.get().amount == 3500
    assert isinstance(result.second.error, InvalidStateError), result.second
    assert result.second.error.message == PAID_IN_FULL
    assert _cash_rows(one, booking.id) == [3500]
    b = one.app.bookings.detail(booking.id).booking
    assert (b.paid_amount, b.status) == (3500, BookingStatus.PAID)
    assert result.second_waited


def test_a_released_claim_lets_the_next_station_take_cash(
    racing: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe cannot be reached while A closes the links: A gives its claim back. B, taking
    cash meanwhile, waits for that release and records the cash, instead of being told
    cash is being taken elsewhere by a claim that is already being given back."""
    one, other = racing
    booking = book(one.app)

    def unreachable(booking_id: str, *, detail: str) -> None:
        raise GatewayUnavailable("Stripe cannot be reached right now.")

    monkeypatch.setattr(one.services.checkout, "close_open_links", unreachable)
    # The claim locked the booking once; giving the claim back locks it again.
    pause = pause_after(monkeypatch, SqlBookingRepository, "get", caller="payables.lock", nth=2)
    result = race(
        pause,
        lambda: one.services.cash.record(booking.id),
        lambda: other.services.cash.record(booking.id),
    )
    assert isinstance(result.first.error, GatewayUnavailable), result.first
    assert result.second.get().amount == 3500
    assert _cash_rows(one, booking.id) == [3500]
    assert one.app.bookings.detail(booking.id).booking.cash_claim is None
    assert result.second_waited
