"""What taking cash leaves behind, field by field: the payment row, the audit entry, the
link it closed (and why, in the audit log), and the sentences of a refusal. `make mutation`
found these unasserted; the race with a card link is test_cash_race.py's."""

from __future__ import annotations

import pytest

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction, AuditEntry
from pos_app.domain.errors import InvalidStateError, NotFoundError, ValidationError
from pos_app.domain.payment import PaymentMethod, PaymentStatus
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import AuditQuery
from tests.integration.helpers import book

STAFF = Actor("usr_sam", "Sam Staff", Role.STAFF)


def _entries(app: AppContext, booking_id: str, action: AuditAction) -> list[AuditEntry]:
    with app.deps.uow() as uow:
        query = AuditQuery(booking_id=booking_id, actions=frozenset({action}))
        return list(reversed(uow.audit.query(query)))


def test_cash_leaves_a_payment_row_and_an_audit_entry(app: AppContext) -> None:
    app.deps.desk.sign_in(STAFF)  # staff may take cash
    booking = book(app, name="Maya Thompson")
    payment = app.cash.record(booking.id, "20.00")
    assert (payment.method, payment.status, payment.amount, payment.currency) == (
        PaymentMethod.CASH,
        PaymentStatus.SUCCEEDED,
        2000,
        "usd",
    )
    assert payment.id.startswith("pay_") and payment.idempotency_key.endswith(payment.id)
    assert payment.created_by == "usr_sam"
    assert payment.paid_at is not None and payment.recorded_at == payment.paid_at
    [stored] = app.bookings.detail(booking.id).payments
    assert (stored.id, stored.created_by, stored.amount) == (payment.id, "usr_sam", 2000)
    detail = app.bookings.detail(booking.id).booking
    assert (detail.paid_amount, detail.balance_due.amount) == (2000, 1500)
    [entry] = _entries(app, booking.id, AuditAction.CASH_RECEIVED)
    assert (entry.actor_id, entry.actor_name) == ("usr_sam", "Sam Staff")
    assert (entry.booking_id, entry.payment_id, entry.amount, entry.currency) == (
        booking.id,
        payment.id,
        2000,
        "usd",
    )
    assert entry.detail == "Cash for Haircut, Maya Thompson"


def test_cash_closes_an_open_link_and_says_why(app: AppContext) -> None:
    booking = book(app)
    link = app.checkout.start(booking.id)
    app.cash.record(booking.id)
    [card, cash] = app.bookings.detail(booking.id).payments
    assert (card.id, card.status) == (link.payment_id, PaymentStatus.EXPIRED)
    assert cash.method is PaymentMethod.CASH and cash.amount == 3500
    [closed] = _entries(app, booking.id, AuditAction.CHECKOUT_CANCELLED)
    assert closed.detail == "Closed to take cash instead"


def test_cash_refusals_are_sentences_and_change_nothing(app: AppContext) -> None:
    booking = book(app)
    with pytest.raises(ValidationError) as too_much:
        app.cash.record(booking.id, "35.01")
    assert too_much.value.field == "amount"
    with pytest.raises(ValidationError) as not_a_number:
        app.cash.record(booking.id, "ten")
    assert not_a_number.value.field == "amount"
    with pytest.raises(NotFoundError, match=r"^There is no booking bk_nope\.$"):
        app.cash.record("bk_nope")
    app.bookings.cancel(booking.id)
    with pytest.raises(
        InvalidStateError, match=r"^This booking is cancelled, so it cannot be paid\.$"
    ):
        app.cash.record(booking.id)
    assert app.bookings.detail(booking.id).payments == []
    assert _entries(app, booking.id, AuditAction.CASH_RECEIVED) == []
