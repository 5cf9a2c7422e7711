"""The exact rows and audit entries a refund's moves write (issue 11, item 14).

``RefundService`` stores a refund and its key before Stripe is called; ``settle.apply_refund``
and ``settle.mark_refund_failed`` write what Stripe says of it. Mutation testing found that
no test read the entries whole, nor how the refund is split over a deposit and a balance.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction, AuditEntry
from pos_app.domain.booking import BookingStatus
from pos_app.domain.errors import (
    GatewayRejected,
    GatewayStoredFailure,
    InvalidStateError,
    PermissionDeniedError,
)
from pos_app.domain.overpaid import NOT_OVERPAID
from pos_app.domain.payment import Payment, Refund, RefundStatus
from pos_app.domain.people import STRIPE_ACTOR, Actor
from pos_app.services import settle
from pos_app.services.refunds import RefundService
from tests.unit.money_station import CLERK, MANAGER, Station, make_station, open_money_app


@pytest.fixture(scope="module")
def money_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    yield from open_money_app(tmp_path_factory)


@pytest.fixture
def station(money_app: AppContext) -> Station:
    st = make_station(money_app)
    st.deps.desk.sign_in(MANAGER)
    return st


class Pins:
    """The accounts' PIN check: "2468" is the manager's."""

    def verify_manager_pin(self, pin: str) -> Actor | None:
        return MANAGER if pin == "2468" else None


def _refunds(st: Station, booking_id: str) -> list[Refund]:
    with st.deps.uow() as uow:
        return sorted(uow.refunds.for_booking(booking_id), key=lambda r: r.created_at)


def _paid(st: Station) -> tuple[str, Payment]:
    booking = st.book()
    return booking.id, st.pay_by_card(booking.id)


def _stripe_entry(
    st: Station, refund: Refund, action: AuditAction, detail: str, intent: str
) -> AuditEntry:
    return AuditEntry(
        at=st.clock.at,
        actor_id=None,
        actor_name=STRIPE_ACTOR.name,
        action=action,
        booking_id=refund.booking_id,
        payment_id=refund.payment_id,
        refund_id=refund.id,
        amount=refund.amount,
        currency="usd",
        stripe_ids=f"{refund.stripe_refund_id} {intent}",
        detail=detail,
    )


# -- asked for -------------------------------------------------------------------------------


def test_a_refund_is_stored_with_its_own_key_and_its_request_entry(station: Station) -> None:
    booking_id, payment = _paid(station)
    outcome = station.services.refunds.refund(booking_id, None, note="Hair too short")
    (refund,) = outcome.refunds
    assert refund.idempotency_key == f"pos-app:refund:{refund.id}"
    assert (refund.amount, refund.status, refund.payment_id) == (
        3500,
        RefundStatus.PENDING,
        payment.id,
    )
    requested = station.audit(booking_id)[-1]
    assert requested == AuditEntry(
        at=station.clock.at,
        actor_id=MANAGER.id,
        actor_name=MANAGER.name,
        action=AuditAction.REFUND_REQUESTED,
        booking_id=booking_id,
        payment_id=payment.id,
        refund_id=refund.id,
        amount=3500,
        currency="usd",
        stripe_ids=payment.stripe_payment_intent_id or "",
        detail="Requested by customer; note: Hair too short; approved by Mara Manager",
    )
    # Pending at Stripe is no final state: no entry says succeeded or failed yet.
    assert station.actions(booking_id)[-2:] == [
        AuditAction.PAYMENT_SUCCEEDED,
        AuditAction.REFUND_REQUESTED,
    ]


def test_a_clerk_refunds_with_a_managers_pin(station: Station) -> None:
    booking_id, _ = _paid(station)
    station.deps.desk.sign_in(CLERK)
    refunds = RefundService(station.deps, managers=Pins())
    with pytest.raises(PermissionDeniedError):
        refunds.refund(booking_id, "5.00")
    refunds.refund(booking_id, "5.00", manager_pin="2468")
    requested = station.audit(booking_id)[-1]
    assert (requested.actor_name, requested.amount) == (CLERK.name, 500)
    assert requested.detail == "Requested by customer; approved by Mara Manager (manager PIN)"


def test_refunds_take_from_the_balance_first_then_the_deposit(station: Station) -> None:
    booking = station.book()
    deposit = station.pay_by_card(booking.id, "10.00")
    station.clock.at += timedelta(minutes=5)
    balance = station.pay_by_card(booking.id)
    assert (deposit.amount, balance.amount) == (1000, 2500)
    # Exactly the balance: one refund, the deposit untouched.
    first = station.services.refunds.refund(booking.id, "25.00").refunds
    assert [(r.payment_id, r.amount) for r in first] == [(balance.id, 2500)]
    # The balance is spent: the next refund skips it and takes from the deposit.
    second = station.services.refunds.refund(booking.id, "4.00").refunds
    assert [(r.payment_id, r.amount) for r in second] == [(deposit.id, 400)]
    # What is left, with no amount typed: all of it, from the deposit.
    rest = station.services.refunds.refund(booking.id, None).refunds
    assert [(r.payment_id, r.amount) for r in rest] == [(deposit.id, 600)]
    assert len(_refunds(station, booking.id)) == 3
    with pytest.raises(InvalidStateError):
        station.services.refunds.refund(booking.id, "0.01")


def test_a_blank_amount_refunds_everything_left(station: Station) -> None:
    booking_id, _ = _paid(station)
    (refund,) = station.services.refunds.refund(booking_id, "  ").refunds
    assert refund.amount == 3500


def test_one_click_refunds_exactly_an_overpaid_bookings_excess(station: Station) -> None:
    booking = station.book()
    view = station.services.checkout.start(booking.id)
    assert view.session_id is not None
    paid = station.stripe.pay(view.session_id)  # on the phone; the desk has not seen it
    station.cash_behind_the_links_back(booking.id)
    settle.apply_session(station.deps, view.payment_id, paid)
    with station.deps.uow() as uow:
        overpaid = uow.bookings.get(booking.id)
    assert overpaid is not None and overpaid.status is BookingStatus.OVERPAID
    station.deps.desk.sign_in(CLERK)
    refunds = RefundService(station.deps, managers=Pins())
    (refund,) = refunds.refund_excess(booking.id, manager_pin="2468").refunds
    assert (refund.amount, refund.reason, refund.note) == (
        3500,
        "duplicate",
        "Excess of an overpaid booking",
    )
    with pytest.raises(InvalidStateError, match=f"^{re.escape(NOT_OVERPAID)}$"):
        refunds.refund_excess(booking.id, manager_pin="2468")


def test_an_excess_refund_that_fails_after_all_flags_the_booking_overpaid_again_now(
    station: Station,
) -> None:
    booking = station.book()
    view = station.services.checkout.start(booking.id)
    assert view.session_id is not None
    paid = station.stripe.pay(view.session_id)
    station.cash_behind_the_links_back(booking.id)
    settle.apply_session(station.deps, view.payment_id, paid)
    (refund,) = station.services.refunds.refund_excess(booking.id).refunds
    assert refund.stripe_refund_id is not None
    station.clock.at += timedelta(minutes=10)
    settle.apply_refund(
        station.deps, refund.id, station.stripe.settle_refund(refund.stripe_refund_id, "succeeded")
    )
    # Days later the card's bank sends the money back (Stripe's test card 4000000000005126).
    station.clock.at += timedelta(days=2)
    info = station.stripe.settle_refund(refund.stripe_refund_id, "failed", "lost_or_stolen_card")
    settle.apply_refund(station.deps, refund.id, info)
    overpaid = [e for e in station.audit(booking.id) if e.action is AuditAction.PAYMENT_OVERPAID]
    assert [e.at for e in overpaid] == [
        station.clock.at - timedelta(days=2, minutes=10),
        station.clock.at,
    ]


# -- Stripe's answers ------------------------------------------------------------------------


def test_a_refund_that_succeeds_records_stripe_the_ids_and_the_reason(
    station: Station, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pos_app.services.settle")
    booking_id, payment = _paid(station)
    (refund,) = station.services.refunds.refund(booking_id, "5.00").refunds
    assert refund.stripe_refund_id is not None
    station.clock.at = station.clock.at.replace(minute=30)
    info = station.stripe.settle_refund(refund.stripe_refund_id, "succeeded")
    done = settle.apply_refund(station.deps, refund.id, info)
    assert done is not None and done.status is RefundStatus.SUCCEEDED
    assert station.audit(booking_id)[-1] == _stripe_entry(
        station,
        done,
        AuditAction.REFUND_SUCCEEDED,
        "Refunded (Requested by customer)",
        payment.stripe_payment_intent_id or "",
    )
    with station.deps.uow() as uow:
        booking = uow.bookings.get(booking_id)
    assert booking is not None and booking.refunded_amount == 500
    lines = [
        r.getMessage()
        for r in caplog.records
        if r.name == "pos_app.services.settle" and r.getMessage().startswith("refund.")
    ]
    assert lines == [
        f"refund.pending booking={booking_id} refund={refund.id} "
        f"stripe_refund={refund.stripe_refund_id} amount=500 usd",
        f"refund.succeeded booking={booking_id} refund={refund.id} "
        f"stripe_refund={refund.stripe_refund_id} amount=500 usd",
    ]
    # The same answer again: no entry, no line.
    settle.apply_refund(station.deps, refund.id, info)
    assert (
        len(
            [
                r
                for r in caplog.records
                if r.name == "pos_app.services.settle" and r.getMessage().startswith("refund.")
            ]
        )
        == 2
    )
    assert station.actions(booking_id).count(AuditAction.REFUND_SUCCEEDED) == 1


def test_a_refund_without_a_reason_says_refunded(station: Station) -> None:
    booking_id, payment = _paid(station)
    (refund,) = station.services.refunds.refund(booking_id, "5.00", reason=None).refunds
    assert refund.stripe_refund_id is not None
    info = station.stripe.settle_refund(refund.stripe_refund_id, "succeeded")
    done = settle.apply_refund(station.deps, refund.id, info)
    assert done is not None
    assert station.audit(booking_id)[-1] == _stripe_entry(
        station,
        done,
        AuditAction.REFUND_SUCCEEDED,
        "Refunded",
        payment.stripe_payment_intent_id or "",
    )


@pytest.mark.parametrize(
    ("status", "reason", "detail"),
    [
        ("failed", "expired_or_canceled_card", "Refund failed: expired_or_canceled_card"),
        ("canceled", None, "Refund canceled: no reason given"),
    ],
)
def test_a_refund_that_fails_records_why(
    station: Station, status: str, reason: str | None, detail: str
) -> None:
    booking_id, payment = _paid(station)
    (refund,) = station.services.refunds.refund(booking_id, "5.00").refunds
    assert refund.stripe_refund_id is not None
    info = station.stripe.settle_refund(refund.stripe_refund_id, status, reason)
    done = settle.apply_refund(station.deps, refund.id, info)
    assert done is not None and done.status is RefundStatus(status)
    assert station.audit(booking_id)[-1] == _stripe_entry(
        station, done, AuditAction.REFUND_FAILED, detail, payment.stripe_payment_intent_id or ""
    )


def test_a_refund_stripe_refuses_outright_is_failed_in_its_words(station: Station) -> None:
    booking_id, _ = _paid(station)
    station.stripe.refund_error = GatewayRejected("The charge was disputed.")
    with pytest.raises(GatewayRejected):
        station.services.refunds.refund(booking_id, "5.00")
    (refund,) = _refunds(station, booking_id)
    assert (refund.status, refund.failure_reason) == (
        RefundStatus.FAILED,
        "The charge was disputed.",
    )
    last = station.audit(booking_id)[-1]
    assert (last.actor_name, last.action, last.refund_id, last.amount, last.detail) == (
        "Stripe",
        AuditAction.REFUND_FAILED,
        refund.id,
        500,
        "Refund failed: The charge was disputed.",
    )
    # Said again about a refund no longer being created: nothing changes.
    settle.mark_refund_failed(station.deps, refund.id, "Other words")
    assert _refunds(station, booking_id)[0].failure_reason == "The charge was disputed."
    assert station.actions(booking_id).count(AuditAction.REFUND_FAILED) == 1


def test_a_replayed_failure_with_no_refund_at_stripe_says_stripe_could_not(
    station: Station,
) -> None:
    booking_id, _ = _paid(station)
    station.stripe.refund_error = GatewayStoredFailure("idempotent replay")
    with pytest.raises(GatewayStoredFailure):
        station.services.refunds.refund(booking_id, "5.00")
    (refund,) = _refunds(station, booking_id)
    assert refund.failure_reason == "Stripe could not make the refund."
    assert station.audit(booking_id)[-1].detail == (
        "Refund failed: Stripe could not make the refund."
    )
