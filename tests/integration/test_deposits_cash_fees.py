"""Deposits, cash at the desk, and Stripe's fee and net recorded on each card payment."""

from __future__ import annotations

import pytest
import stripe

from pos_app.app import AppContext
from pos_app.domain.booking import BookingStatus
from pos_app.domain.errors import InvalidStateError, ValidationError
from pos_app.domain.payment import PaymentMethod, PaymentStatus
from tests.integration.helpers import book, eventually
from tests.payments import pay


def _detail(app: AppContext, booking_id: str):  # type: ignore[no-untyped-def]
    return app.bookings.detail(booking_id)


def test_deposit_by_card_then_balance_by_card(app: AppContext) -> None:
    booking = book(app)
    deposit = app.checkout.start(booking.id, "10.00")
    assert deposit.amount.amount == 1000
    assert deposit.url
    pay(deposit.url)
    app.checkout.refresh(deposit.payment_id)
    b = _detail(app, booking.id).booking
    assert b.status is BookingStatus.DEPOSIT_PAID
    assert (b.paid_amount, b.balance_due.amount) == (1000, 2500)

    balance = app.checkout.start(booking.id)
    assert balance.amount.amount == 2500 and balance.session_id != deposit.session_id
    assert balance.url
    pay(balance.url)
    app.checkout.refresh(balance.payment_id)
    assert _detail(app, booking.id).booking.status is BookingStatus.PAID


def test_deposit_by_card_then_balance_in_cash(app: AppContext) -> None:
    booking = book(app)
    deposit = app.checkout.start(booking.id, "15")
    assert deposit.url
    pay(deposit.url)
    app.checkout.refresh(deposit.payment_id)
    with pytest.raises(ValidationError, match=r"balance due is \$20\.00"):
        app.cash.record(booking.id, "25.00")
    cash = app.cash.record(booking.id)
    assert cash.method is PaymentMethod.CASH and cash.amount == 2000
    detail = _detail(app, booking.id)
    assert detail.booking.status is BookingStatus.PAID
    assert [p.method for p in detail.payments] == [PaymentMethod.CARD, PaymentMethod.CASH]
    with pytest.raises(InvalidStateError, match="paid in full"):
        app.cash.record(booking.id, "1.00")
    # Only the card part can be refunded through Stripe.
    assert app.refunds.refundable(booking.id).amount == 1500


def test_cash_closes_an_open_link_first(app: AppContext) -> None:
    booking = book(app)
    link = app.checkout.start(booking.id)
    app.cash.record(booking.id)
    detail = _detail(app, booking.id)
    statuses = {p.method: p.status for p in detail.payments}
    assert statuses == {
        PaymentMethod.CARD: PaymentStatus.EXPIRED,
        PaymentMethod.CASH: PaymentStatus.SUCCEEDED,
    }
    assert detail.booking.status is BookingStatus.PAID
    assert link.url
    page = pay(link.url)
    assert "expired" in page.text.lower()


def test_cash_refused_when_the_customer_just_paid_by_card(app: AppContext) -> None:
    booking = book(app)
    link = app.checkout.start(booking.id)
    assert link.url
    pay(link.url)  # paid on the phone; the desk has not seen it yet
    with pytest.raises(InvalidStateError, match="just paid"):
        app.cash.record(booking.id)
    detail = _detail(app, booking.id)
    assert detail.booking.status is BookingStatus.PAID
    assert all(p.method is PaymentMethod.CARD for p in detail.payments)


@pytest.mark.parametrize(
    ("deposit", "fragment"),
    [("40.00", "at most the balance due"), ("0.10", "smallest amount"), ("abc", "number")],
)
def test_bad_deposits_change_nothing(app: AppContext, deposit: str, fragment: str) -> None:
    booking = book(app)
    with pytest.raises(ValidationError, match=fragment):
        app.checkout.start(booking.id, deposit)
    assert _detail(app, booking.id).payments == []


def test_a_different_amount_while_a_link_is_open_is_refused(app: AppContext) -> None:
    booking = book(app)
    app.checkout.start(booking.id)
    with pytest.raises(InvalidStateError, match="already open"):
        app.checkout.start(booking.id, "10.00")


def test_fee_and_net_come_from_stripes_balance_transaction(
    app: AppContext, stripe_client: stripe.StripeClient
) -> None:
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    app.checkout.refresh(view.payment_id)
    payment = _detail(app, booking.id).payments[0]
    assert payment.stripe_payment_intent_id
    pi = stripe_client.v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    charge = stripe_client.v1.charges.retrieve(str(pi.latest_charge))
    bt = stripe_client.v1.balance_transactions.retrieve(str(charge.balance_transaction))
    assert payment.stripe_charge_id == charge.id
    assert payment.stripe_balance_transaction_id == bt.id
    assert (payment.fee_amount, payment.net_amount) == (bt.fee, bt.net)
    assert payment.fee_amount is not None and 0 < payment.fee_amount < payment.amount


def test_refund_balance_transaction_is_recorded_once_settled(
    app: AppContext, stripe_client: stripe.StripeClient
) -> None:
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    app.checkout.refresh(view.payment_id)
    app.refunds.refund(booking.id, "10.00")

    def settled() -> bool:
        app.sync.sync_once()
        return _detail(app, booking.id).booking.status is BookingStatus.PARTIALLY_REFUNDED

    eventually(settled)
    (refund,) = _detail(app, booking.id).refunds
    assert refund.stripe_refund_id
    remote = stripe_client.v1.refunds.retrieve(refund.stripe_refund_id)
    bt = stripe_client.v1.balance_transactions.retrieve(str(remote.balance_transaction))
    assert refund.stripe_balance_transaction_id == bt.id
    assert (refund.fee_amount, refund.net_amount) == (bt.fee, bt.net)
    assert refund.net_amount is not None and refund.net_amount < 0


def test_regenerating_a_deposit_link_asks_for_the_same_deposit(app: AppContext) -> None:
    booking = book(app)
    first = app.checkout.start(booking.id, "10.00")
    again = app.checkout.regenerate(first.payment_id)
    assert again.session_id != first.session_id and again.amount.amount == 1000
    full = app.checkout.regenerate(again.payment_id)
    assert full.amount.amount == 1000  # still the deposit, not the whole balance
    app.checkout.cancel(full.payment_id)
    whole = app.checkout.start(booking.id)
    assert app.checkout.regenerate(whole.payment_id).amount.amount == 3500
