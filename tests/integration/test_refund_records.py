"""What a refund leaves behind, field by field: its row, its audit entry, how it splits over
a deposit and a balance, and who approved it. `make mutation` found these unasserted (a
refund's note, who asked, the audit entry's ids and amount, the split's edges)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import stripe

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction, AuditEntry
from pos_app.domain.errors import (
    GatewayRejected,
    InvalidStateError,
    PermissionDeniedError,
    ValidationError,
)
from pos_app.domain.payment import RefundStatus
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import AuditQuery
from pos_app.sandbox.runner import SandboxHandle
from pos_app.services.people import UserForm, WrongPinError
from pos_app.services.refunds import NEEDS_MANAGER
from pos_app.store.repositories import SqlRefundRepository
from tests.integration.helpers import book
from tests.integration.interleave import DB_KINDS, Desk, pause_after, race, two_desks
from tests.payments import pay

MANAGER_PIN = "8642"


@pytest.fixture
def desk(app: AppContext) -> Iterator[AppContext]:
    """The app with a real manager account (for PIN approvals) signed in."""
    manager = app.people.create_user(
        UserForm("Mia Manager", Role.MANAGER, MANAGER_PIN, MANAGER_PIN, takes_bookings=False)
    )
    app.deps.desk.sign_in(Actor(manager.id, manager.name, Role.MANAGER))
    yield app


def _charge(app: AppContext, booking_id: str, deposit: str | None = None) -> str:
    view = app.checkout.start(booking_id, deposit)
    assert view.url
    pay(view.url)
    app.checkout.refresh(view.payment_id)
    return view.payment_id


def _requested(app: AppContext, booking_id: str) -> list[AuditEntry]:
    with app.deps.uow() as uow:
        query = AuditQuery(booking_id=booking_id, actions=frozenset({AuditAction.REFUND_REQUESTED}))
        return list(reversed(uow.audit.query(query)))


def test_a_refund_row_and_its_audit_entry_say_everything(
    desk: AppContext, stripe_client: stripe.StripeClient
) -> None:
    booking = book(desk)
    payment_id = _charge(desk, booking.id)
    outcome = desk.refunds.refund(
        booking.id, "10.00", reason="duplicate", note="Charged twice at the desk"
    )
    assert outcome.booking_id == booking.id
    [refund] = outcome.refunds
    # What Stripe was sent: the reason chosen, and the ids that find it again.
    assert refund.stripe_refund_id
    at_stripe = stripe_client.v1.refunds.retrieve(refund.stripe_refund_id)
    assert (at_stripe.amount, at_stripe.reason) == (1000, "duplicate")
    assert at_stripe.metadata is not None
    assert at_stripe.metadata.to_dict() == {
        "booking_id": booking.id,
        "payment_id": payment_id,
        "refund_id": refund.id,
        "app": "pos-app",
    }
    actor = desk.deps.desk.actor
    assert (refund.booking_id, refund.payment_id, refund.amount, refund.currency) == (
        booking.id,
        payment_id,
        1000,
        "usd",
    )
    assert (refund.reason, refund.note, refund.created_by) == (
        "duplicate",
        "Charged twice at the desk",
        actor.id,
    )
    assert refund.id.startswith("re_") and refund.idempotency_key.endswith(refund.id)
    [stored] = desk.bookings.detail(booking.id).refunds
    assert (stored.note, stored.created_by, stored.reason) == (
        "Charged twice at the desk",
        actor.id,
        "duplicate",
    )
    [entry] = _requested(desk, booking.id)
    [payment] = desk.bookings.detail(booking.id).payments
    assert (entry.actor_id, entry.actor_name) == (actor.id, "Mia Manager")
    assert (entry.booking_id, entry.payment_id, entry.refund_id) == (
        booking.id,
        payment_id,
        refund.id,
    )
    assert (entry.amount, entry.currency) == (1000, "usd")
    assert payment.stripe_payment_intent_id in entry.stripe_ids
    assert entry.detail == (
        "Duplicate payment; note: Charged twice at the desk; approved by Mia Manager"
    )


def test_a_refund_spans_the_balance_first_then_the_deposit(desk: AppContext) -> None:
    booking = book(desk)  # 35.00
    deposit = _charge(desk, booking.id, "15.00")
    balance = _charge(desk, booking.id)  # the other 20.00
    # Exactly the balance: one refund, from the balance only.
    first = desk.refunds.refund(booking.id, "20.00")
    assert [(r.payment_id, r.amount) for r in first.refunds] == [(balance, 2000)]
    # The balance is spent: the next refund skips it and takes from the deposit.
    second = desk.refunds.refund(booking.id, "0.01")
    assert [(r.payment_id, r.amount) for r in second.refunds] == [(deposit, 1)]
    rest = desk.refunds.refund(booking.id)  # everything left: 14.99 of the deposit
    assert [(r.payment_id, r.amount) for r in rest.refunds] == [(deposit, 1499)]
    assert desk.refunds.refundable(booking.id).amount == 0
    with pytest.raises(InvalidStateError, match="nothing left to refund"):
        desk.refunds.refund(booking.id, "0.01")
    # Three refunds, each asked for once: none for nothing from the spent balance.
    assert [r.amount for r in desk.bookings.detail(booking.id).refunds] == [2000, 1, 1499]
    assert len(_requested(desk, booking.id)) == 3


def test_one_request_over_both_payments_makes_two_refunds(desk: AppContext) -> None:
    booking = book(desk)
    deposit = _charge(desk, booking.id, "15.00")
    balance = _charge(desk, booking.id)
    outcome = desk.refunds.refund(booking.id, "20.01", note="Both")
    assert [(r.payment_id, r.amount) for r in outcome.refunds] == [(balance, 2000), (deposit, 1)]
    assert outcome.amount.amount == 2001
    assert [e.amount for e in _requested(desk, booking.id)] == [2000, 1]


def test_refund_amounts_are_checked_under_the_lock(desk: AppContext) -> None:
    booking = book(desk)
    _charge(desk, booking.id)
    with pytest.raises(ValidationError) as too_much:
        desk.refunds.refund(booking.id, "35.01")
    assert too_much.value.field == "amount"
    with pytest.raises(ValidationError) as not_a_number:
        desk.refunds.refund(booking.id, "ten")
    assert not_a_number.value.field == "amount"
    with pytest.raises(ValidationError) as odd_reason:
        desk.refunds.refund(booking.id, "1.00", reason="because")
    assert odd_reason.value.field == "reason"
    assert desk.bookings.detail(booking.id).refunds == []


def test_a_booking_paid_in_cash_has_nothing_to_refund_by_card(desk: AppContext) -> None:
    booking = book(desk)
    desk.cash.record(booking.id)
    with pytest.raises(InvalidStateError, match=r"^This booking has no card payment to refund\.$"):
        desk.refunds.refund(booking.id, "1.00")
    assert desk.refunds.refundable(booking.id).amount == 0


def test_staff_need_a_managers_pin_and_it_is_recorded(desk: AppContext) -> None:
    booking = book(desk)
    _charge(desk, booking.id)
    desk.deps.desk.sign_in(Actor("usr_sam", "Sam Staff", Role.STAFF))
    with pytest.raises(PermissionDeniedError, match=f"^{NEEDS_MANAGER}$"):
        desk.refunds.refund(booking.id, "1.00")
    with pytest.raises(WrongPinError):
        desk.refunds.refund(booking.id, "1.00", manager_pin="0000")
    assert desk.bookings.detail(booking.id).refunds == []
    outcome = desk.refunds.refund(booking.id, "1.00", manager_pin=MANAGER_PIN)
    [refund] = outcome.refunds
    assert refund.created_by == "usr_sam"  # who asked; the approver is in the audit entry
    assert refund.note == ""  # none given
    [entry] = _requested(desk, booking.id)
    assert entry.actor_name == "Sam Staff"
    assert entry.detail == ("Requested by customer; approved by Mia Manager (manager PIN)")


def test_refundable_of_an_unknown_booking_is_a_sentence(desk: AppContext) -> None:
    from pos_app.domain.errors import NotFoundError

    with pytest.raises(NotFoundError, match=r"^There is no booking bk_nope\.$"):
        desk.refunds.refundable("bk_nope")
    with pytest.raises(NotFoundError, match=r"^There is no booking bk_nope\.$"):
        desk.refunds.refund("bk_nope", "1.00")
    with pytest.raises(NotFoundError, match=r"^There is no refund re_nope\.$"):
        desk.refunds.resend("re_nope")


def test_a_refund_without_a_reason_says_so_in_the_audit_log(desk: AppContext) -> None:
    booking = book(desk)
    _charge(desk, booking.id)
    desk.refunds.refund(booking.id, "1.00", reason=None)
    [entry] = _requested(desk, booking.id)
    assert entry.detail == "No reason given; approved by Mia Manager"


def test_a_refund_stripe_refuses_is_marked_failed_with_stripes_words(
    desk: AppContext, stripe_client: stripe.StripeClient
) -> None:
    """30.00 was refunded in Stripe's Dashboard, which this station has not read yet: its
    10.00 is more than Stripe has left, so Stripe refuses and makes nothing."""
    booking = book(desk)
    _charge(desk, booking.id)
    [payment] = desk.bookings.detail(booking.id).payments
    assert payment.stripe_payment_intent_id
    stripe_client.v1.refunds.create(
        {"payment_intent": payment.stripe_payment_intent_id, "amount": 3000}
    )
    with pytest.raises(GatewayRejected) as refused:
        desk.refunds.refund(booking.id, "10.00")
    [refund] = desk.bookings.detail(booking.id).refunds
    assert refund.status is RefundStatus.FAILED
    assert refund.failure_reason == refused.value.message and refund.failure_reason
    assert refund.stripe_refund_id is None  # Stripe made none


# -- two stations refunding at once (the booking's lock in refunds._reserve) ---------------


@pytest.fixture(params=DB_KINDS)
def two(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sandbox: SandboxHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Desk, Desk]]:
    yield from two_desks(request.param, request, tmp_path, sandbox.url, monkeypatch)


def test_two_refunds_racing_over_the_balance_never_refund_more_than_was_paid(
    two: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Station A has read the booking's refunds (none: 35.00 refundable) under the booking's
    lock; station B asks for 20.00 too. B waits for A's lock, then finds 15.00 left and is
    refused: never two refunds of 20.00 of a 35.00 payment, never a database error."""
    one, other = two
    booking = book(one.app)
    _charge(one.app, booking.id)
    pause = pause_after(monkeypatch, SqlRefundRepository, "for_order", caller="refunds._reserve")
    result = race(
        pause,
        lambda: one.services.refunds.refund(booking.id, "20.00"),
        lambda: other.services.refunds.refund(booking.id, "20.00"),
    )
    assert result.first.get().refunds[0].amount == 2000
    assert isinstance(result.second.error, ValidationError), result.second
    assert result.second.error.message == (
        "You can refund at most $15.00 (what is left of the payment)."
    )
    with one.app.deps.uow() as uow:
        refunds = uow.refunds.for_booking(booking.id)
    assert [r.amount for r in refunds] == [2000]
    assert [e.amount for e in _requested(one.app, booking.id)] == [2000]
    assert result.second_waited  # B could not read the balance while A held the lock
