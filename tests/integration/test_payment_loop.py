"""The whole loop through the real stripe SDK against a sandbox on a free port."""

from __future__ import annotations

import threading

import pytest

from pos_app.app import AppContext
from pos_app.domain.booking import BookingStatus
from pos_app.domain.errors import FormErrors, InvalidStateError, ValidationError
from pos_app.domain.payment import PaymentStatus, RefundStatus
from pos_app.services.bookings import BookingRequest
from pos_app.services.ids import idempotency_key
from tests.integration.helpers import book, eventually
from tests.payments import DECLINED, pay


def _status(app: AppContext, booking_id: str) -> BookingStatus:
    return app.bookings.detail(booking_id).booking.status


def test_book_charge_pay_sync_refund(app: AppContext) -> None:
    booking = book(app)
    assert booking.status is BookingStatus.NEW
    assert booking.price_amount == 3500 and booking.currency == "usd"

    view = app.checkout.start(booking.id)
    assert view.status is PaymentStatus.OPEN
    assert view.url and view.session_id and view.session_id in view.url
    assert view.amount.amount == 3500
    assert _status(app, booking.id) is BookingStatus.AWAITING_PAYMENT
    # Charge again: the same open checkout comes back, no second session.
    assert app.checkout.start(booking.id).session_id == view.session_id

    response = pay(view.url)
    assert response.status_code == 200

    # The event poller alone (no direct read of the session) must find the payment.
    report = app.sync.sync_once()
    assert report.events_applied >= 1
    detail = app.bookings.detail(booking.id)
    assert detail.booking.status is BookingStatus.PAID
    assert detail.booking.paid_amount == 3500
    assert detail.payments[0].stripe_payment_intent_id

    outcome = app.refunds.refund(booking.id)
    assert outcome.amount.amount == 3500
    assert outcome.refunds[0].stripe_refund_id
    # Stripe (and the sandbox) answers "pending" first; Refunded only once it confirms.
    assert _status(app, booking.id) in (BookingStatus.PAID, BookingStatus.REFUNDED)

    def refunded() -> bool:
        app.sync.sync_once()
        return _status(app, booking.id) is BookingStatus.REFUNDED

    eventually(refunded)
    detail = app.bookings.detail(booking.id)
    assert detail.booking.refunded_amount == 3500
    assert [r.status for r in detail.refunds] == [RefundStatus.SUCCEEDED]


def test_charge_screen_refresh_sees_payment_directly(app: AppContext) -> None:
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    assert app.checkout.refresh(view.payment_id).status is PaymentStatus.SUCCEEDED
    assert _status(app, booking.id) is BookingStatus.PAID
    with pytest.raises(InvalidStateError, match="already paid"):
        app.checkout.start(booking.id)


def test_declined_card_leaves_the_session_open(app: AppContext) -> None:
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url
    page = pay(view.url, DECLINED)
    assert "declined" in page.text.lower()
    assert app.checkout.refresh(view.payment_id).status is PaymentStatus.OPEN
    assert _status(app, booking.id) is BookingStatus.AWAITING_PAYMENT
    pay(view.url)  # another card on the same link
    assert app.checkout.refresh(view.payment_id).status is PaymentStatus.SUCCEEDED


def test_partial_then_remaining_refund_and_over_refund_refused(app: AppContext) -> None:
    booking = book(app)
    view = app.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    app.checkout.refresh(view.payment_id)

    app.refunds.refund(booking.id, "10.00")
    assert app.refunds.refundable(booking.id).amount == 2500
    with pytest.raises(ValidationError, match=r"at most \$25\.00"):
        app.refunds.refund(booking.id, "25.01")

    def partially() -> bool:
        app.sync.sync_once()
        return _status(app, booking.id) is BookingStatus.PARTIALLY_REFUNDED

    eventually(partially)
    app.refunds.refund(booking.id)  # the rest
    eventually(lambda: app.sync.sync_once() and _status(app, booking.id) is BookingStatus.REFUNDED)
    with pytest.raises(InvalidStateError, match="nothing left"):
        app.refunds.refund(booking.id)


def test_cancel_expires_the_link_and_regenerate_opens_a_new_one(app: AppContext) -> None:
    booking = book(app)
    first = app.checkout.start(booking.id)
    cancelled = app.checkout.cancel(first.payment_id)
    assert cancelled.status is PaymentStatus.EXPIRED and cancelled.url is None
    assert _status(app, booking.id) is BookingStatus.NEW
    fresh = app.checkout.regenerate(first.payment_id)
    assert fresh.status is PaymentStatus.OPEN
    assert fresh.session_id != first.session_id
    assert _status(app, booking.id) is BookingStatus.AWAITING_PAYMENT


def test_retry_after_crash_reuses_the_stored_key_and_gets_the_same_session(
    app: AppContext,
) -> None:
    booking = book(app)
    # Simulate a crash after Stripe created the session but before the answer was stored:
    # reserve the payment (key stored), send the call, then throw the answer away.
    payment, action = app.checkout._reserve(booking.id)
    assert action == "create"
    from pos_app.services.checkout_request import thaw

    # What the app sends is what the reservation stored.
    assert payment.checkout_request is not None
    lost = app.deps.gateway.create_checkout_session(
        thaw(payment.checkout_request), idempotency_key=payment.idempotency_key
    )
    assert payment.idempotency_key == idempotency_key("checkout", payment.id)
    # Restart: the sync pass resends with the stored key and gets the very same session.
    app.sync.sync_once()
    detail = app.bookings.detail(booking.id)
    assert [p.stripe_session_id for p in detail.payments] == [lost.id]
    assert detail.payments[0].status is PaymentStatus.OPEN


def test_two_threads_charging_one_booking_open_one_session(app: AppContext) -> None:
    booking = book(app)
    results: list[str | None] = []
    errors: list[BaseException] = []

    def charge() -> None:
        try:
            results.append(app.checkout.start(booking.id).session_id)
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=charge) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    assert len(app.bookings.detail(booking.id).payments) == 1


def test_bad_booking_input_changes_nothing(app: AppContext) -> None:
    haircut = app.catalog.find("Haircut")
    from datetime import UTC, datetime, timedelta

    for price, field in (("abc", "price"), ("-5", "price"), ("10.001", "price")):
        with pytest.raises(FormErrors) as err:
            app.bookings.create(
                BookingRequest("Ada", haircut.id, datetime.now(UTC) + timedelta(hours=1), price)
            )
        assert field in err.value.errors
    with pytest.raises(FormErrors) as err:
        app.bookings.create(
            BookingRequest("  ", haircut.id, datetime.now(UTC) - timedelta(hours=1), "35")
        )
    assert set(err.value.errors) == {"customer_name", "starts_at"}
    assert app.bookings.list_day(app.bookings.today()) == []


def test_retry_with_changed_parameters_finds_the_session_the_key_made(app: AppContext) -> None:
    # The first attempt went out with other parameters (an older version, or the customer's
    # email edited before the retry): Stripe refuses the reused key with an idempotency
    # error; the app must find the session that key made, not mark the payment failed.
    booking = book(app)
    payment, action = app.checkout._reserve(booking.id)
    assert action == "create"
    from pos_app.domain.gateway_types import CheckoutRequest

    lost = app.deps.gateway.create_checkout_session(
        CheckoutRequest(
            amount=payment.amount,
            currency=payment.currency,
            product_name=booking.service_name,
            expires_at=payment.expires_at,  # type: ignore[arg-type]
            metadata={"booking_id": booking.id, "payment_id": payment.id, "app": "pos-app"},
            client_reference_id=booking.id,
            success_url="https://shop.example/thanks",
        ),
        idempotency_key=payment.idempotency_key,
    )
    app.sync.sync_once()
    detail = app.bookings.detail(booking.id)
    assert [p.stripe_session_id for p in detail.payments] == [lost.id]
    assert detail.payments[0].status is PaymentStatus.OPEN
