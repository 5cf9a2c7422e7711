"""The exact audit entries settle writes for each move of a card payment (issue 11, item 14).

Every path that learns Stripe's view ends in ``settle.apply_session``; these tests drive it
on a real database with a scripted Stripe and read back each entry whole: who, what, which
booking, payment and Stripe ids, the amount and the words. Mutation testing found that no
test looked past the action's name.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction, AuditEntry
from pos_app.domain.errors import GatewayRejected, GatewayUnavailable
from pos_app.domain.payment import BANK_PAYMENT_FAILED, Payment, PaymentStatus
from pos_app.domain.people import STRIPE_ACTOR, SYSTEM_ACTOR, Actor, Role
from pos_app.services import settle
from tests.unit.money_station import CLERK, Station, make_station, open_money_app


@pytest.fixture(scope="module")
def money_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    yield from open_money_app(tmp_path_factory)


@pytest.fixture
def station(money_app: AppContext) -> Station:
    return make_station(money_app)


OTTO = Actor("usr_otto", "Otto Other", Role.STAFF)  # no account: only ever at the desk


def _payment(st: Station, payment_id: str) -> Payment:
    with st.deps.uow() as uow:
        payment = uow.payments.get(payment_id)
    assert payment is not None
    return payment


def _open_link(st: Station, price: str = "35.00") -> tuple[str, str, str]:
    """A booking with an open card link: (booking id, payment id, session id)."""
    booking = st.book(price)
    view = st.services.checkout.start(booking.id)
    assert view.status is PaymentStatus.OPEN and view.session_id is not None
    return booking.id, view.payment_id, view.session_id


def _lost_create(st: Station) -> tuple[str, str, str]:
    """A booking whose link Stripe made but whose answer was lost: the payment is CREATING."""
    booking = st.book()
    st.stripe.lose_answer = True
    with pytest.raises(GatewayUnavailable):
        st.services.checkout.start(booking.id)
    (session_id,) = st.stripe.sessions
    with st.deps.uow() as uow:
        (payment,) = uow.payments.for_booking(booking.id)
    assert payment.status is PaymentStatus.CREATING
    return booking.id, payment.id, session_id


def entry(
    st: Station,
    ids: tuple[str, str],
    actor: Actor,
    action: AuditAction,
    stripe_ids: str,
    detail: str,
    amount: int = 3500,
) -> AuditEntry:
    """The entry settle should write now for (booking id, payment id)."""
    return AuditEntry(
        at=st.clock.at,
        actor_id=actor.id,
        actor_name=actor.name,
        action=action,
        booking_id=ids[0],
        payment_id=ids[1],
        amount=amount,
        currency="usd",
        stripe_ids=stripe_ids,
        detail=detail,
    )


def _ids(session_id: str, *kinds: str) -> str:
    """The session's id and those of its PaymentIntent, charge… ("cs_7 pi_7 ch_7")."""
    n = session_id[3:]
    return " ".join([session_id, *(f"{kind}_{n}" for kind in kinds)])


def _later(st: Station, minutes: int = 5) -> None:
    st.clock.at += timedelta(minutes=minutes)


# -- a link opened --------------------------------------------------------------------------


def test_opening_a_link_records_who_asked_for_how_much(station: Station) -> None:
    booking_id, payment_id, session_id = _open_link(station, "12.50")
    assert station.audit(booking_id)[1:] == [
        entry(
            station,
            (booking_id, payment_id),
            CLERK,
            AuditAction.CHECKOUT_CREATED,
            session_id,
            "Payment link for $12.50",
            amount=1250,
        )
    ]


def test_a_link_is_credited_to_the_account_that_asked_not_to_who_is_at_the_desk(
    station: Station,
) -> None:
    booking_id, payment_id, session_id = _lost_create(station)
    station.deps.desk.sign_in(OTTO)  # the clerk has left; Otto's refresh finds the session
    _later(station)
    settle.apply_session(station.deps, payment_id, station.stripe.sessions[session_id])
    created = station.audit(booking_id)[-1]
    assert (created.action, created.actor_id, created.actor_name) == (
        AuditAction.CHECKOUT_CREATED,
        CLERK.id,
        CLERK.name,
    )


def test_a_link_asked_for_by_someone_without_an_account_names_the_desk(
    station: Station,
) -> None:
    station.deps.desk.sign_in(OTTO)
    booking_id, payment_id, session_id = _lost_create(station)
    station.deps.desk.sign_in(CLERK)
    settle.apply_session(station.deps, payment_id, station.stripe.sessions[session_id])
    created = station.audit(booking_id)[-1]
    assert (created.action, created.actor_id, created.actor_name) == (
        AuditAction.CHECKOUT_CREATED,
        CLERK.id,
        CLERK.name,
    )


# -- paid -----------------------------------------------------------------------------------


def test_a_paid_link_records_stripe_the_ids_and_the_fee(station: Station) -> None:
    booking_id, payment_id, session_id = _open_link(station)
    _later(station)
    paid = station.stripe.pay(session_id, fee=130)
    payment = settle.apply_session(station.deps, payment_id, paid)
    assert payment is not None and payment.status is PaymentStatus.SUCCEEDED
    assert (payment.fee_amount, payment.net_amount, payment.stripe_charge_id) == (
        130,
        3370,
        "ch_" + session_id[3:],
    )
    # Paid and recorded now (the charge's own time is not known here).
    assert (payment.paid_at, payment.recorded_at) == (station.clock.at, station.clock.at)
    assert station.audit(booking_id)[-1] == entry(
        station,
        (booking_id, payment_id),
        STRIPE_ACTOR,
        AuditAction.PAYMENT_SUCCEEDED,
        _ids(session_id, "pi", "ch"),
        "Paid by card; Stripe fee $1.30, net $33.70",
    )
    assert station.actions(booking_id)[1:] == [
        AuditAction.CHECKOUT_CREATED,
        AuditAction.PAYMENT_SUCCEEDED,
    ]
    # The same snapshot again changes nothing and writes nothing, nor asks for the fee again.
    calls = len(station.stripe.calls)
    _later(station)
    settle.apply_session(station.deps, payment_id, paid)
    assert len(station.audit(booking_id)) == 3
    assert station.stripe.calls[calls:] == []


def test_a_fee_that_takes_the_whole_payment_leaves_a_net_of_zero(station: Station) -> None:
    booking_id, payment_id, session_id = _open_link(station, "0.50")
    settle.apply_session(station.deps, payment_id, station.stripe.pay(session_id, fee=50))
    assert station.audit(booking_id)[-1].detail == "Paid by card; Stripe fee $0.50, net $0.00"


def test_each_move_is_logged_once(station: Station, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pos_app.services.settle")
    booking_id, payment_id, session_id = _open_link(station)
    paid = station.stripe.pay(session_id)
    settle.apply_session(station.deps, payment_id, paid)
    settle.apply_session(station.deps, payment_id, paid)  # again: nothing moves
    lines = [
        r.getMessage()
        for r in caplog.records
        if r.name == "pos_app.services.settle" and r.getMessage().startswith("payment.")
    ]
    n = session_id[3:]
    assert lines == [
        f"payment.{status} booking={booking_id} payment={payment_id} session={session_id} "
        f"payment_intent=pi_{n}"
        for status in ("open", "succeeded")
    ]


def test_a_paid_link_whose_fee_stripe_cannot_give_yet_still_records_the_payment(
    station: Station,
) -> None:
    booking_id, payment_id, session_id = _open_link(station)
    paid = station.stripe.pay(session_id)
    station.stripe.charge_error = GatewayUnavailable("Stripe is slow")
    payment = settle.apply_session(station.deps, payment_id, paid)
    assert payment is not None and payment.status is PaymentStatus.SUCCEEDED
    assert payment.needs_charge_details and payment.stripe_charge_id is None
    assert station.audit(booking_id)[-1] == entry(
        station,
        (booking_id, payment_id),
        STRIPE_ACTOR,
        AuditAction.PAYMENT_SUCCEEDED,
        _ids(session_id, "pi"),
        "Paid by card",
    )


def test_a_paid_link_without_a_balance_transaction_yet_names_the_charge_only(
    station: Station,
) -> None:
    booking_id, payment_id, session_id = _open_link(station)
    paid = station.stripe.pay(session_id, fee=None)
    settle.apply_session(station.deps, payment_id, paid)
    assert station.audit(booking_id)[-1] == entry(
        station,
        (booking_id, payment_id),
        STRIPE_ACTOR,
        AuditAction.PAYMENT_SUCCEEDED,
        _ids(session_id, "pi", "ch"),
        "Paid by card",
    )


def test_a_link_paid_before_its_answer_arrived_records_both_the_link_and_the_payment(
    station: Station,
) -> None:
    booking_id, payment_id, session_id = _lost_create(station)
    paid = station.stripe.pay(session_id, fee=100)
    settle.apply_session(station.deps, payment_id, paid)
    assert station.audit(booking_id)[1:] == [
        entry(
            station,
            (booking_id, payment_id),
            CLERK,
            AuditAction.CHECKOUT_CREATED,
            session_id,
            "Payment link for $35.00",
        ),
        entry(
            station,
            (booking_id, payment_id),
            STRIPE_ACTOR,
            AuditAction.PAYMENT_SUCCEEDED,
            _ids(session_id, "pi", "ch"),
            "Paid by card; Stripe fee $1.00, net $34.00",
        ),
    ]


# -- bank payments: processing, then paid or failed ------------------------------------------


def test_a_bank_payment_on_its_way_then_failed_records_each_move(station: Station) -> None:
    booking_id, payment_id, session_id = _open_link(station)
    _later(station)
    unpaid = station.stripe.complete_unpaid(session_id, "processing")
    payment = settle.apply_session(station.deps, payment_id, unpaid)
    assert payment is not None and payment.status is PaymentStatus.PROCESSING
    assert station.stripe.calls[-1] == "retrieve_payment_intent"
    assert station.audit(booking_id)[-1] == entry(
        station,
        (booking_id, payment_id),
        STRIPE_ACTOR,
        AuditAction.PAYMENT_PROCESSING,
        _ids(session_id, "pi"),
        "The customer paid by a bank method; the money has not arrived yet",
    )
    _later(station)
    station.stripe.intents["pi_" + session_id[3:]] = "requires_payment_method"
    payment = settle.apply_session(station.deps, payment_id, unpaid)
    assert payment is not None and payment.status is PaymentStatus.FAILED
    assert station.audit(booking_id)[-1] == entry(
        station,
        (booking_id, payment_id),
        STRIPE_ACTOR,
        AuditAction.PAYMENT_FAILED,
        _ids(session_id, "pi"),
        BANK_PAYMENT_FAILED,
    )


def test_an_open_link_of_a_payment_seen_processing_asks_the_payment_intent(
    station: Station,
) -> None:
    _, payment_id, session_id = _open_link(station)
    settle.apply_session(
        station.deps, payment_id, station.stripe.complete_unpaid(session_id, "processing")
    )
    # The debit failed and Stripe reopened the link for another card: only the
    # PaymentIntent tells that from a debit still on its way.
    station.stripe.intents["pi_" + session_id[3:]] = "requires_payment_method"
    reopened = station.stripe.sessions[session_id].__class__(
        **{**station.stripe.sessions[session_id].__dict__, "status": "open"}
    )
    payment = settle.apply_session(station.deps, payment_id, reopened)
    assert payment is not None and payment.status is PaymentStatus.OPEN
    assert station.stripe.calls[-1] == "retrieve_payment_intent"


def test_an_open_link_of_an_open_payment_is_not_looked_up_again(station: Station) -> None:
    booking_id, payment_id, session_id = _open_link(station)
    calls = len(station.stripe.calls)
    payment = settle.apply_session(station.deps, payment_id, station.stripe.sessions[session_id])
    assert payment is not None and payment.status is PaymentStatus.OPEN
    assert station.stripe.calls[calls:] == []
    assert len(station.audit(booking_id)) == 2  # booking made, link made: nothing new


# -- closed: by Stripe, at the desk, by the hold -----------------------------------------------


def test_a_link_expired_at_stripe_is_stripes_doing(station: Station) -> None:
    booking_id, payment_id, session_id = _open_link(station)
    _later(station)
    expired = station.stripe.expire_checkout_session(session_id, idempotency_key="k")
    payment = settle.apply_session(station.deps, payment_id, expired)
    assert payment is not None and payment.status is PaymentStatus.EXPIRED
    assert station.audit(booking_id)[-1] == entry(
        station,
        (booking_id, payment_id),
        STRIPE_ACTOR,
        AuditAction.CHECKOUT_EXPIRED,
        session_id,
        "The link expired or was closed at Stripe",
    )


def test_a_link_cancelled_at_the_desk_names_who_and_why(station: Station) -> None:
    booking_id, payment_id, session_id = _open_link(station)
    _later(station)
    view = station.services.checkout.cancel(payment_id)
    assert view.status is PaymentStatus.EXPIRED
    assert station.audit(booking_id)[-1] == entry(
        station,
        (booking_id, payment_id),
        CLERK,
        AuditAction.CHECKOUT_CANCELLED,
        session_id,
        "Cancelled at the desk",
    )
    booking_id, payment_id, session_id = _open_link(station)
    station.services.checkout.cancel(payment_id, detail="Customer left")
    assert station.audit(booking_id)[-1].detail == "Customer left"


def test_a_link_closed_after_its_hold_ended_is_expired_by_the_app(station: Station) -> None:
    booking_id, payment_id, session_id = _open_link(station)
    hold_until = _payment(station, payment_id).hold_until
    assert hold_until is not None
    station.clock.at = hold_until  # the hold ends at this very moment
    station.services.checkout.cancel(payment_id)
    assert station.audit(booking_id)[-1] == entry(
        station,
        (booking_id, payment_id),
        SYSTEM_ACTOR,
        AuditAction.CHECKOUT_EXPIRED,
        session_id,
        "The hold ended",
    )


def test_a_link_closed_a_second_before_its_hold_ends_is_a_cancel(station: Station) -> None:
    booking_id, payment_id, _ = _open_link(station)
    hold_until = _payment(station, payment_id).hold_until
    assert hold_until is not None
    station.clock.at = hold_until - timedelta(seconds=1)
    station.services.checkout.cancel(payment_id)
    last = station.audit(booking_id)[-1]
    assert (last.action, last.actor_id) == (AuditAction.CHECKOUT_CANCELLED, CLERK.id)


# -- refused outright -------------------------------------------------------------------------


def test_a_link_stripe_refused_to_open_is_failed_with_stripes_words(station: Station) -> None:
    booking = station.book()
    station.stripe.create_error = GatewayRejected("Amount too small", code="amount_too_small")
    with pytest.raises(GatewayRejected):
        station.services.checkout.start(booking.id)
    with station.deps.uow() as uow:
        (payment,) = uow.payments.for_booking(booking.id)
        after = uow.bookings.get(booking.id)
    assert payment.status is PaymentStatus.FAILED
    assert payment.failure_message == "Amount too small"
    assert after is not None and after.balance_due.amount == 3500  # chargeable again
    assert station.audit(booking.id)[-1] == AuditEntry(
        at=station.clock.at,
        actor_id=None,
        actor_name="Stripe",
        action=AuditAction.PAYMENT_FAILED,
        booking_id=booking.id,
        payment_id=payment.id,
        amount=3500,
        currency="usd",
        stripe_ids="",
        detail="Stripe did not open the payment link: Amount too small",
    )
    # Said again (a stale retry) about a payment no longer being created: nothing changes.
    settle.mark_payment_failed(station.deps, payment.id, "Other words")
    assert _payment(station, payment.id).failure_message == "Amount too small"
    assert len(station.audit(booking.id)) == 2


def test_mark_payment_failed_leaves_an_open_payment_alone(station: Station) -> None:
    booking_id, payment_id, _ = _open_link(station)
    settle.mark_payment_failed(station.deps, payment_id, "late refusal")
    assert _payment(station, payment_id).status is PaymentStatus.OPEN
    assert len(station.audit(booking_id)) == 2


def test_a_snapshot_that_brings_its_payment_intents_status_is_not_looked_up_again(
    station: Station,
) -> None:
    _, payment_id, session_id = _open_link(station)
    # Read with the PaymentIntent expanded (the charge screen's refresh): its status is in.
    expanded = replace(
        station.stripe.sessions[session_id], status="complete", payment_intent_status="processing"
    )
    calls = len(station.stripe.calls)
    payment = settle.apply_session(station.deps, payment_id, expanded)
    assert payment is not None and payment.status is PaymentStatus.PROCESSING
    assert station.stripe.calls[calls:] == []
