"""What the charge screen shows when Stripe's answer to opening a link comes back late.

Station A presses Charge; its create call is slow. Meanwhile the attempt is replaced (its
window ran out), paid through another path, or cash settles the booking. When A's answer
finally lands, the screen must show the link the customer should use, or the attempt's
own end, never a closed link as if it were live, and Stripe must hold no second open
link (issue 11, item 14: the survivors of ``_send_create``, ``_live_attempt`` and
``regenerate``). The late create is made by a fake Stripe that does not enforce its
30-minute rule, as if our estimate of Stripe's clock were off.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import Booking
from pos_app.domain.payment import Payment, PaymentStatus
from pos_app.services import settle
from pos_app.services.checkout import REPLACED
from tests.unit.money_station import Station, make_station, open_money_app


@pytest.fixture(scope="module")
def money_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    yield from open_money_app(tmp_path_factory)


@pytest.fixture
def station(money_app: AppContext) -> Station:
    return make_station(money_app)


def _payments(station: Station, booking: Booking) -> list[Payment]:
    with station.deps.uow() as uow:
        return list(uow.payments.for_booking(booking.id))


def _open_sessions(station: Station) -> list[str]:
    return [s.id for s in station.stripe.sessions.values() if s.status == "open"]


def _replace_while_sending(station: Station, booking: Booking) -> list[str]:
    """While the first create travels, another station's look finds it unanswered past its
    window and replaces it; returns the replacement's session (if any, see below)."""
    made: list[str] = []

    def meanwhile() -> None:
        (first,) = _payments(station, booking)
        station.clock.at += timedelta(minutes=3)  # under 29 min left: it may be replaced
        replacement = station.services.checkout.refresh(first.id)
        assert replacement.payment_id != first.id and replacement.session_id is not None
        made.append(replacement.session_id)

    station.stripe.while_sending = meanwhile
    return made


def test_a_late_answer_of_a_replaced_attempt_shows_the_replacement(station: Station) -> None:
    booking = station.book("35.00")
    made = _replace_while_sending(station, booking)
    view = station.services.checkout.start(booking.id)
    first, second = _payments(station, booking)
    assert (view.payment_id, view.session_id) == (second.id, made[0])
    assert first.status is PaymentStatus.FAILED and first.failure_message == REPLACED
    assert _open_sessions(station) == made  # the late session was closed at Stripe


def test_a_late_answer_after_cash_settled_the_booking_shows_the_attempts_end(
    station: Station,
) -> None:
    """The replacement was closed by cash for the whole balance before the late answer: no
    link is live, so the screen shows the replaced attempt, not the closed replacement."""
    booking = station.book("35.00")
    replace_first = _replace_while_sending(station, booking)
    hook = station.stripe.while_sending

    def replace_then_take_cash() -> None:
        assert hook is not None
        hook()
        station.services.cash.record(booking.id)

    station.stripe.while_sending = replace_then_take_cash
    view = station.services.checkout.start(booking.id)
    first = _payments(station, booking)[0]
    assert replace_first and view.payment_id == first.id
    assert view.status is PaymentStatus.FAILED
    assert _open_sessions(station) == []


def test_a_late_answer_of_an_attempt_paid_meanwhile_shows_it_paid(station: Station) -> None:
    """The deposit link was found and paid before its own answer came back, and the desk
    opened a link for the rest: the late answer still shows the deposit as paid."""
    booking = station.book("35.00")
    rest: list[str] = []

    def paid_meanwhile() -> None:
        (deposit,) = _payments(station, booking)
        found = station.stripe.find_checkout_session(
            metadata_key="payment_id", metadata_value=deposit.id, created_after=deposit.created_at
        )
        assert found is None  # not made yet: make it as Stripe would, then pay it
        station.stripe.while_sending = None
        view = station.services.checkout.refresh(deposit.id)  # resends the same request
        assert view.session_id is not None
        settle.apply_session(station.deps, deposit.id, station.stripe.pay(view.session_id))
        following = station.services.checkout.start(booking.id)
        assert following.session_id is not None
        rest.append(following.payment_id)

    station.stripe.while_sending = paid_meanwhile
    view = station.services.checkout.start(booking.id, "10.00")
    (deposit,) = [p for p in _payments(station, booking) if p.amount == 1000]
    assert (view.payment_id, view.status) == (deposit.id, PaymentStatus.SUCCEEDED)
    assert rest and rest[0] != deposit.id


def test_a_new_link_after_cash_asks_only_for_what_is_still_due(station: Station) -> None:
    """A 35.00 link was closed, then 20.00 taken in cash: its "New link" asks for 15.00."""
    booking = station.book("35.00")
    old = station.services.checkout.start(booking.id)
    station.services.checkout.cancel(old.payment_id)
    station.services.cash.record(booking.id, "20.00")
    new = station.services.checkout.regenerate(old.payment_id)
    assert new.payment_id != old.payment_id
    assert station.stripe.requests[-1].amount == 1500


def test_an_unanswered_create_is_not_replaced_while_it_could_still_land(station: Station) -> None:
    """With exactly 29 minutes of its link left, a create sent in time may still reach
    Stripe: the attempt stays CREATING (no second link); a second later it is replaced."""
    from pos_app.domain.errors import GatewayUnavailable
    from pos_app.services.checkout import NOT_ANSWERED_YET, REPLACE_MAX_LIFETIME

    booking = station.book("35.00")
    station.stripe.lose_answer = True
    with pytest.raises(GatewayUnavailable):
        station.services.checkout.start(booking.id)
    (lost,) = _payments(station, booking)
    assert lost.expires_at is not None
    station.stripe.sessions.clear()  # the create never reached Stripe: nothing to find
    station.clock.at = lost.expires_at - REPLACE_MAX_LIFETIME
    with pytest.raises(GatewayUnavailable) as waiting:
        station.services.checkout.refresh(lost.id)
    assert waiting.value.message == NOT_ANSWERED_YET
    assert [p.status for p in _payments(station, booking)] == [PaymentStatus.CREATING]
    station.clock.at += timedelta(seconds=1)
    replaced = station.services.checkout.refresh(lost.id)
    assert replaced.payment_id != lost.id and replaced.status is PaymentStatus.OPEN
    (failed,) = [e for e in station.audit(booking.id) if e.action is AuditAction.PAYMENT_FAILED]
    assert (failed.payment_id, failed.amount, failed.currency, failed.detail) == (
        lost.id,
        3500,
        "usd",
        f"{REPLACED} New attempt {replaced.payment_id}",
    )
