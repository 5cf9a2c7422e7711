"""The whole loop through the real stripe SDK against a sandbox on a free port."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction, AuditEntry
from pos_app.domain.booking import BookingStatus
from pos_app.domain.errors import FormErrors, InvalidStateError, ValidationError
from pos_app.domain.payment import PaymentStatus, RefundStatus
from pos_app.domain.ports import AuditQuery
from pos_app.sandbox.runner import SandboxHandle
from pos_app.services import settle
from pos_app.services.bookings import BookingRequest
from pos_app.services.ids import idempotency_key
from pos_app.store.repositories import SqlPaymentRepository, SqlRefundRepository
from tests.conftest import TEST_MANAGER
from tests.integration.helpers import book, eventually
from tests.integration.interleave import DB_KINDS, Desk, pause_after, race, two_desks
from tests.payments import DECLINED, REFUND_PENDING_FIRST, pay


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


# -- two stations interleaved at the rows' locks (tests/integration/interleave.py) ----------
# Each runs on SQLite (the lock: BEGIN IMMEDIATE, ``write=True``) and on PostgreSQL (the
# lock: SELECT ... FOR UPDATE, ``for_update=True``).


@pytest.fixture(params=DB_KINDS)
def racing(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sandbox: SandboxHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Desk, Desk]]:
    yield from two_desks(request.param, request, tmp_path, sandbox.url, monkeypatch)


def _audited(desk: Desk, booking_id: str, action: AuditAction) -> list[AuditEntry]:
    return desk.app.audit.query(AuditQuery(booking_id=booking_id, actions=frozenset({action})))


def test_two_stations_charging_at_once_open_one_link(
    racing: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A has read the booking's payments (none) under the booking's lock and is about to
    store a new attempt; B charges the same booking. B waits, then finds A's attempt and
    sends the same create: one payment row, one Stripe session."""
    one, other = racing
    booking = book(one.app)
    pause = pause_after(monkeypatch, SqlPaymentRepository, "for_order", caller="checkout._reserve")
    result = race(
        pause,
        lambda: one.services.checkout.start(booking.id),
        lambda: other.services.checkout.start(booking.id),
    )
    first, second = result.first.get(), result.second.get()
    assert (second.payment_id, second.session_id) == (first.payment_id, first.session_id)
    assert first.session_id
    assert [p.id for p in one.app.bookings.detail(booking.id).payments] == [first.payment_id]
    assert result.second_waited


def test_a_paid_session_applied_by_two_stations_at_once_is_recorded_once(
    racing: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both stations read the paid session back at once (each charge screen's refresh). A
    has read the payment (still open) under its lock; B waits, then finds it succeeded:
    one payment.succeeded entry, paid once."""
    one, other = racing
    booking = book(one.app)
    view = one.services.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    pause = pause_after(
        monkeypatch, SqlPaymentRepository, "get", caller="locks.payment_and_order", nth=2
    )
    result = race(
        pause,
        lambda: one.services.checkout.refresh(view.payment_id),
        lambda: other.services.checkout.refresh(view.payment_id),
    )
    assert [o.get().status for o in result.outcomes] == [PaymentStatus.SUCCEEDED] * 2
    assert len(_audited(one, booking.id, AuditAction.PAYMENT_SUCCEEDED)) == 1
    b = one.app.bookings.detail(booking.id).booking
    assert (b.paid_amount, b.status) == (3500, BookingStatus.PAID)
    assert result.second_waited


def test_a_refused_create_marked_failed_by_two_stations_is_audited_once(
    racing: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe refused to open a link, and two stations write that down at once: the attempt
    fails once, with one payment.failed entry."""
    one, other = racing
    booking = book(one.app)
    # An attempt stored with its key, its create refused (the first step of start()).
    payment, _ = one.services.checkout._reserve(booking.id)
    pause = pause_after(
        monkeypatch, SqlPaymentRepository, "get", caller="locks.payment_and_order", nth=2
    )
    refused = "Stripe refused: the amount is too small."
    result = race(
        pause,
        lambda: settle.mark_payment_failed(one.app.deps, payment.id, refused),
        lambda: settle.mark_payment_failed(other.app.deps, payment.id, refused),
    )
    assert [o.error for o in result.outcomes] == [None, None]
    assert [e.detail for e in _audited(one, booking.id, AuditAction.PAYMENT_FAILED)] == [
        f"Stripe did not open the payment link: {refused}"
    ]
    (failed,) = one.app.bookings.detail(booking.id).payments
    assert failed.status is PaymentStatus.FAILED
    assert result.second_waited


def test_a_refund_snapshot_applied_by_two_stations_at_once_is_recorded_once(
    racing: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pending refund is read back succeeded by two stations at once: refunded once, one
    refund.succeeded entry."""
    one, other = racing
    booking = book(one.app)
    view = one.services.checkout.start(booking.id)
    assert view.url
    pay(view.url, REFUND_PENDING_FIRST)
    one.services.checkout.refresh(view.payment_id)
    (refund,) = one.services.refunds.refund(booking.id, "10.00").refunds
    assert refund.status is RefundStatus.PENDING and refund.stripe_refund_id
    pending = one.app.deps.gateway.retrieve_refund(refund.stripe_refund_id)
    succeeded = dataclasses.replace(pending, status="succeeded")
    pause = pause_after(
        monkeypatch, SqlRefundRepository, "get", caller="locks.refund_and_order", nth=2
    )
    result = race(
        pause,
        lambda: settle.apply_refund(one.app.deps, refund.id, succeeded),
        lambda: settle.apply_refund(other.app.deps, refund.id, succeeded),
    )
    assert [o.get().status for o in result.outcomes] == [RefundStatus.SUCCEEDED] * 2  # type: ignore[union-attr]
    assert len(_audited(one, booking.id, AuditAction.REFUND_SUCCEEDED)) == 1
    assert one.app.bookings.detail(booking.id).booking.refunded_amount == 1000
    assert result.second_waited


def test_a_refused_refund_marked_failed_by_two_stations_is_audited_once(
    racing: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe refused a refund outright and two stations write that down at once: failed
    once, one refund.failed entry, nothing refunded."""
    one, other = racing
    booking = book(one.app)
    _paid(one, booking.id)
    # A refund stored with its key, its create refused (the first step of refund()).
    (refund,) = one.services.refunds._reserve(
        booking.id, "10.00", "requested_by_customer", "", TEST_MANAGER
    )
    pause = pause_after(
        monkeypatch, SqlRefundRepository, "get", caller="locks.refund_and_order", nth=2
    )
    refused = "Stripe refused the refund."
    result = race(
        pause,
        lambda: settle.mark_refund_failed(one.app.deps, refund.id, refused),
        lambda: settle.mark_refund_failed(other.app.deps, refund.id, refused),
    )
    assert [o.error for o in result.outcomes] == [None, None]
    assert len(_audited(one, booking.id, AuditAction.REFUND_FAILED)) == 1
    (failed,) = one.app.bookings.detail(booking.id).refunds
    assert failed.status is RefundStatus.FAILED
    assert one.app.bookings.detail(booking.id).booking.refunded_amount == 0
    assert result.second_waited


def _paid(desk: Desk, booking_id: str) -> None:
    view = desk.services.checkout.start(booking_id)
    assert view.url
    pay(view.url)
    desk.services.checkout.refresh(view.payment_id)


@pytest.mark.parametrize(
    "change", ["payment_failed", "link_cancelled", "refund_failed", "refund_snapshot_failed"]
)
def test_a_booking_summary_written_by_two_stations_at_once_loses_no_money(
    racing: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """A writes down a change that moves no money (an attempt refused, a link cancelled, a
    refund refused) and has summed the booking's rows under the booking's lock; B records a
    refund's success on the same booking at that moment. B waits for the booking's lock
    (A's payment or refund row lock does not cover it, nor does the money order, as A
    records no money), and the booking counts the refund.

    Without the booking's lock the totals still come out right today (A's summary changes
    no money column, and SQLAlchemy writes only changed columns): the wait is what is
    checked, so a later summary column cannot be lost this way."""
    one, other = racing
    booking = book(one.app)
    deposit = one.services.checkout.start(booking.id, "10.00")
    assert deposit.url
    pay(deposit.url, REFUND_PENDING_FIRST)  # its refunds stay pending at first
    one.services.checkout.refresh(deposit.payment_id)
    (first,) = one.services.refunds.refund(booking.id, "4.00").refunds
    assert first.status is RefundStatus.PENDING and first.stripe_refund_id
    gateway = one.app.deps.gateway
    succeeded = dataclasses.replace(
        gateway.retrieve_refund(first.stripe_refund_id), status="succeeded"
    )
    writer: Callable[[], object]
    if change == "payment_failed":
        attempt, _ = one.services.checkout._reserve(booking.id)  # its create refused
        writer = partial(settle.mark_payment_failed, one.app.deps, attempt.id, "Refused.")
    elif change == "link_cancelled":
        link = one.services.checkout.start(booking.id)
        writer = partial(one.services.checkout.cancel, link.payment_id)
    elif change == "refund_failed":
        (second,) = one.services.refunds._reserve(
            booking.id, "3.00", "requested_by_customer", "", TEST_MANAGER
        )
        writer = partial(settle.mark_refund_failed, one.app.deps, second.id, "Refused.")
    else:
        (second,) = one.services.refunds.refund(booking.id, "3.00").refunds
        assert second.status is RefundStatus.PENDING and second.stripe_refund_id
        failed = dataclasses.replace(
            gateway.retrieve_refund(second.stripe_refund_id), status="failed"
        )
        writer = partial(settle.apply_refund, one.app.deps, second.id, failed)
    pause = pause_after(monkeypatch, SqlRefundRepository, "for_order", caller="ledger.recompute")
    result = race(pause, writer, lambda: settle.apply_refund(other.app.deps, first.id, succeeded))
    assert [o.error for o in result.outcomes] == [None, None]
    b = one.app.bookings.detail(booking.id).booking
    assert (b.paid_amount, b.refunded_amount) == (1000, 400)
    assert result.second_waited


def _last_recorded(desk: Desk) -> int:
    from sqlalchemy import select

    from pos_app.store.schema import record_order

    with desk.app.deps.uow() as uow:
        return int(uow.session.execute(select(record_order.c.last_seq)).scalar_one())  # type: ignore[attr-defined]


def test_a_fee_filled_by_two_stations_at_once_records_the_payment_once(
    racing: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paid card payment still lacks its fee, and its time is the moment the app noticed,
    not Stripe's time of the charge. Two stations fetch the fee at once (a reconciliation and
    a charge screen): the payment is recorded anew once, at Stripe's time, not twice (a
    second recording could fall after a day close and be counted again as an adjustment)."""
    one, other = racing
    booking = book(one.app)
    view = one.services.checkout.start(booking.id)
    assert view.url
    pay(view.url)
    paid = one.services.checkout.refresh(view.payment_id)
    assert paid.status is PaymentStatus.SUCCEEDED
    with one.app.deps.uow(write=True) as uow:
        row = uow.payments.get(view.payment_id, for_update=True)
        assert row is not None and row.paid_at is not None and row.fee_amount is not None
        charged_at = row.paid_at
        row.paid_at = charged_at + timedelta(minutes=2)  # noticed late
        row.fee_amount = row.net_amount = None
        row.stripe_charge_id = row.stripe_balance_transaction_id = None
        uow.commit()
    before = _last_recorded(one)
    with one.app.deps.uow() as uow:
        stale = uow.payments.get(view.payment_id)
    assert stale is not None and stale.needs_charge_details
    pause = pause_after(
        monkeypatch, SqlPaymentRepository, "get", caller="settle.fill_charge_details"
    )
    result = race(
        pause,
        lambda: settle.fill_charge_details(one.app.deps, stale),
        lambda: settle.fill_charge_details(other.app.deps, stale),
    )
    filled = [o.get() for o in result.outcomes]
    assert [p.paid_at for p in filled] == [charged_at] * 2
    assert _last_recorded(one) == before + 1
    assert result.second_waited


def test_a_request_frozen_by_two_stations_at_once_is_frozen_once(
    racing: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An attempt reserved by a version that did not store its request yet is resent by two
    stations at once, each with its own settings: the first freezes the request under the
    payment's lock, the second waits and sends that very request (same key, same
    parameters), so both get the one session."""
    from pos_app.app import wire_services

    one, other = racing
    services = []
    for desk, site in ((one, "https://here.example/thanks"), (other, "https://there.example/")):
        deps = desk.app.deps
        policy = dataclasses.replace(deps.policy, success_url=site)
        services.append(wire_services(dataclasses.replace(deps, policy=policy)))
    booking = book(one.app)
    payment, action = services[0].checkout._reserve(booking.id)
    assert action == "create"
    with one.app.deps.uow(write=True) as uow:
        row = uow.payments.get(payment.id, for_update=True)
        assert row is not None
        row.checkout_request = None  # as an older version left it
        uow.commit()
    pause = pause_after(monkeypatch, SqlPaymentRepository, "get", caller="checkout._stored_request")
    result = race(
        pause,
        lambda: services[0].checkout.refresh(payment.id),
        lambda: services[1].checkout.refresh(payment.id),
    )
    first, second = result.first.get(), result.second.get()
    assert first.session_id and second.session_id == first.session_id
    with one.app.deps.uow() as uow:
        stored = uow.payments.get(payment.id)
    assert stored is not None and stored.checkout_request is not None
    assert "here.example" in stored.checkout_request
    assert result.second_waited
