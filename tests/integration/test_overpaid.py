"""An overpaid booking is a first-class state: status, amount, audit, log, CLI, one-click refund.

Today's app no longer lets cash race a card link, so the state is made as a station of the
previous version made it: the customer pays the open link on their phone while that station
writes the cash straight into the database (no claim, no re-check); the card payment then
lands through the ordinary settle path, which is where the booking becomes overpaid.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
import stripe

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.errors import InvalidStateError, PermissionDeniedError
from pos_app.domain.overpaid import NOT_OVERPAID
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus, RefundStatus
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import AuditQuery
from pos_app.services import ledger
from pos_app.services.ids import idempotency_key, new_id
from pos_app.services.refunds import NEEDS_MANAGER
from tests.cli_here import run_here, run_json_here
from tests.integration.helpers import book
from tests.integration.test_cli import run
from tests.payments import pay

# Every key `status --json` printed before the overpaid state existed: all stay.
STATUS_KEYS = {
    "id",
    "status",
    "customer",
    "email",
    "phone",
    "service_id",
    "service",
    "starts_at",
    "amount",
    "paid_amount",
    "refunded_amount",
    "currency",
    "balance_due",
    "resource_id",
    "customer_id",
    "payments",
    "refunds",
}


def legacy_cash(app: AppContext, booking_id: str) -> None:
    """Cash for the balance, written as the previous version did once its link was closed:
    under the lock, with no look at what the customer might have paid meanwhile."""
    now = datetime.now(UTC)
    with app.deps.uow(write=True) as uow:
        booking = uow.bookings.get(booking_id, for_update=True)
        assert booking is not None
        payment_id = new_id("pay")
        uow.payments.add(
            Payment(
                id=payment_id,
                booking_id=booking_id,
                method=PaymentMethod.CASH,
                status=PaymentStatus.SUCCEEDED,
                amount=booking.balance_due.amount,
                currency=booking.currency,
                idempotency_key=idempotency_key("cash", payment_id),
                created_at=now,
                paid_at=now,
                recorded_at=now,
            )
        )
        ledger.recompute(uow, booking, at=now)
        uow.commit()


def overpaid_booking(app: AppContext) -> tuple[Booking, str]:
    """A $35.00 booking paid $35.00 by card and $35.00 in cash: (booking, card payment id)."""
    booking = book(app)
    link = app.checkout.start(booking.id)
    assert link.url
    pay(link.url)  # on the phone; the desk has not seen it
    legacy_cash(app, booking.id)
    assert app.bookings.detail(booking.id).booking.status is BookingStatus.PAID
    app.checkout.refresh(link.payment_id)  # the card payment lands
    return app.bookings.detail(booking.id).booking, link.payment_id


def _overpaid_entries(app: AppContext, booking_id: str) -> list[object]:
    query = AuditQuery(booking_id=booking_id, actions=frozenset({AuditAction.PAYMENT_OVERPAID}))
    return list(app.audit.query(query))


def test_a_card_payment_landing_after_cash_flags_the_booking(
    app: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pos_app.services.ledger")
    booking, card_id = overpaid_booking(app)
    assert booking.status is BookingStatus.OVERPAID
    assert (booking.paid_amount, booking.overpaid.amount, booking.balance_due.amount) == (
        7000,
        3500,
        0,
    )
    [entry] = _overpaid_entries(app, booking.id)
    assert entry.amount == 3500 and entry.payment_id == card_id  # type: ignore[attr-defined]
    assert entry.detail == (  # type: ignore[attr-defined]
        "Overpaid by $35.00: received $70.00 for a price of $35.00; refund the excess"
    )
    lines = [r.getMessage() for r in caplog.records if "booking.overpaid" in r.getMessage()]
    assert len(lines) == 1 and f"booking={booking.id}" in lines[0] and "overpaid=3500" in lines[0]
    # Read again (the sync, another refresh): still one entry, one line.
    app.sync.refresh_booking(booking.id)
    app.checkout.refresh(card_id)
    assert len(_overpaid_entries(app, booking.id)) == 1
    assert len([r for r in caplog.records if "booking.overpaid" in r.getMessage()]) == 1
    # The receipt says so too.
    assert app.receipts.receipt(booking.id).status_label == "Overpaid"


def test_status_json_shows_overpaid_and_keeps_every_key(
    app: AppContext, app_env: dict[str, str]
) -> None:
    booking, _ = overpaid_booking(app)
    data = run_json_here(app_env, "status", booking.id)
    assert data["status"] == "overpaid"
    assert data["overpaid_amount"] == 3500
    assert set(data) == STATUS_KEYS | {"overpaid_amount"}
    text = run_here(app_env, "status", booking.id)
    assert text.returncode == 0, text.stderr
    assert "Overpaid by $35.00 — refund the excess (refund --excess)" in text.stdout
    # Not overpaid: the key is there, at zero.
    plain = run_json_here(app_env, "status", book(app, name="Grace Hopper").id)
    assert (plain["status"], plain["overpaid_amount"]) == ("new", 0)


def test_one_click_refunds_exactly_the_excess_once(
    app: AppContext, stripe_client: stripe.StripeClient
) -> None:
    booking, card_id = overpaid_booking(app)
    outcome = app.refunds.refund_excess(booking.id)
    assert len(_overpaid_entries(app, booking.id)) == 1  # flagged once, not again on refund
    [refund] = outcome.refunds
    assert (refund.amount, refund.payment_id, refund.reason) == (3500, card_id, "duplicate")
    assert refund.idempotency_key == idempotency_key("refund", refund.id)
    card = next(p for p in app.bookings.detail(booking.id).payments if p.id == card_id)
    at_stripe = stripe_client.v1.refunds.list(
        {"payment_intent": str(card.stripe_payment_intent_id)}
    )
    assert [r.amount for r in at_stripe.data] == [3500]
    app.sync.refresh_booking(booking.id)
    after = app.bookings.detail(booking.id)
    assert [r.status for r in after.refunds] == [RefundStatus.SUCCEEDED]
    assert after.booking.overpaid.amount == 0
    assert after.booking.status is BookingStatus.PAID  # 70 paid, the 35 excess back
    # A second click (or another station) finds nothing left and changes nothing.
    with pytest.raises(InvalidStateError) as again:
        app.refunds.refund_excess(booking.id)
    assert again.value.message == NOT_OVERPAID
    assert len(app.bookings.detail(booking.id).refunds) == 1


def test_the_excess_refund_needs_a_manager(app: AppContext) -> None:
    booking, _ = overpaid_booking(app)
    app.deps.desk.sign_in(Actor("usr_staff", "Sam Lee", Role.STAFF))
    with pytest.raises(PermissionDeniedError) as refused:
        app.refunds.refund_excess(booking.id)
    assert refused.value.message == NEEDS_MANAGER
    assert app.bookings.detail(booking.id).refunds == []


def test_the_excess_refund_key_is_stored_before_stripe_is_called(
    app: AppContext, app_env: dict[str, str], stripe_client: stripe.StripeClient
) -> None:
    """The CLI dies right after Stripe made the refund (its answer lost): the stored row and
    its key are there, and a resend gets the very same refund."""
    booking, card_id = overpaid_booking(app)
    died = run(
        {**app_env, "POS_FAILPOINTS": "refund.after_create"}, "refund", booking.id, "--excess"
    )
    assert died.returncode != 0
    [stored] = app.bookings.detail(booking.id).refunds
    assert stored.status is RefundStatus.CREATING and stored.amount == 3500
    resent = app.refunds.resend(stored.id)
    card = next(p for p in app.bookings.detail(booking.id).payments if p.id == card_id)
    at_stripe = stripe_client.v1.refunds.list(
        {"payment_intent": str(card.stripe_payment_intent_id)}
    )
    assert [r.id for r in at_stripe.data] == [resent.stripe_refund_id]
