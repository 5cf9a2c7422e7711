"""What the charge screen is told, and what checkout asks of Stripe (issue 11, item 14).

``CheckoutService`` over a real database and a scripted Stripe: the whole view of a link,
the last declined card, the keys and switches of each Stripe call, cancel and regenerate.
Mutation testing found fields of the view and arguments of calls no test looked at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction
from pos_app.domain.errors import (
    GatewayUnavailable,
    InvalidStateError,
    NotFoundError,
    ValidationError,
)
from pos_app.domain.gateway_types import PaymentAttemptError
from pos_app.domain.money import Money
from pos_app.domain.payment import PaymentStatus
from pos_app.services import failpoints, settle
from pos_app.services.checkout import RESEND_MIN_LIFETIME, CheckoutView
from tests.unit.money_station import CLERK, Station, make_station, open_money_app


@pytest.fixture(scope="module")
def money_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    yield from open_money_app(tmp_path_factory)


@pytest.fixture
def station(money_app: AppContext) -> Station:
    return make_station(money_app)


DECLINED = PaymentAttemptError("card_declined", "insufficient_funds", "Your card was declined.")


def _lost_create(st: Station) -> tuple[str, str]:
    """A booking whose create reached Stripe but whose answer was lost: (booking, payment)."""
    booking = st.book()
    st.stripe.lose_answer = True
    with pytest.raises(GatewayUnavailable):
        st.services.checkout.start(booking.id)
    with st.deps.uow() as uow:
        (payment,) = uow.payments.for_booking(booking.id)
    return booking.id, payment.id


def _decline(st: Station, session_id: str) -> None:
    """The customer's card was just declined on this session."""
    st.stripe.sessions[session_id] = replace(
        st.stripe.sessions[session_id], last_payment_error=DECLINED
    )


def test_the_view_of_an_open_link_says_everything_the_screen_shows(station: Station) -> None:
    booking = station.book("35.00", name="Grace Hopper")
    started = station.services.checkout.start(booking.id)
    with station.deps.uow() as uow:
        payment = uow.payments.get(started.payment_id)
    assert payment is not None and payment.hold_until is not None
    session = station.stripe.sessions[started.session_id or ""]
    expected = CheckoutView(
        payment_id=payment.id,
        booking_id=booking.id,
        status=PaymentStatus.OPEN,
        amount=Money(3500, "usd"),
        service_name="Haircut",
        customer_name="Grace Hopper",
        url=session.url,
        session_id=session.id,
        hold_until=payment.hold_until,
        expires_at=session.expires_at,
        clock_offset=0.0,
        failure_message=None,
        last_attempt_error=None,
        customer_email="ada@example.com",
        receipt_email="ada@example.com",
        order_id=started.order_id,
    )
    assert started.order_id.startswith("ord_")
    assert started == expected
    assert station.services.checkout.view(payment.id) == expected
    with pytest.raises(NotFoundError, match=r"^There is no payment pay_nope\.$"):
        station.services.checkout.view("pay_nope")


def test_a_failed_link_shows_stripes_reason(station: Station) -> None:
    booking = station.book()
    station.stripe.create_error = GatewayUnavailable("down")
    with pytest.raises(GatewayUnavailable):
        station.services.checkout.start(booking.id)
    with station.deps.uow() as uow:
        (payment,) = uow.payments.for_booking(booking.id)
    settle.mark_payment_failed(station.deps, payment.id, "Your account cannot take cards.")
    view = station.services.checkout.view(payment.id)
    assert (view.status, view.failure_message) == (
        PaymentStatus.FAILED,
        "Your account cannot take cards.",
    )


def test_a_declined_card_shows_while_the_link_is_open_and_not_after(station: Station) -> None:
    booking = station.book()
    started = station.services.checkout.start(booking.id)
    sid = started.session_id or ""
    station.stripe.sessions[sid] = replace(
        station.stripe.sessions[sid], last_payment_error=DECLINED
    )
    view = station.services.checkout.refresh(started.payment_id)
    assert view.last_attempt_error == DECLINED
    assert station.stripe.last_attempt_asked == [True]  # the decline comes in the same read
    # Paid with another card: the old decline is no longer news.
    station.stripe.pay(sid)
    station.stripe.sessions[sid] = replace(
        station.stripe.sessions[sid], last_payment_error=DECLINED
    )
    view = station.services.checkout.refresh(started.payment_id)
    assert (view.status, view.last_attempt_error) == (PaymentStatus.SUCCEEDED, None)


def test_refreshing_a_paid_link_only_fetches_a_fee_still_missing(station: Station) -> None:
    booking = station.book()
    started = station.services.checkout.start(booking.id)
    station.stripe.pay(started.session_id or "", fee=120)
    station.stripe.charge_error = GatewayUnavailable("slow")
    paid = station.services.checkout.refresh(started.payment_id)
    assert paid.status is PaymentStatus.SUCCEEDED
    station.stripe.charge_error = None
    calls = len(station.stripe.calls)
    station.services.checkout.refresh(started.payment_id)
    # A final payment's session is not read again; only the missing fee is asked for.
    assert station.stripe.calls[calls:] == ["retrieve_charge_details"]
    with station.deps.uow() as uow:
        payment = uow.payments.get(started.payment_id)
    assert payment is not None and (payment.fee_amount, payment.net_amount) == (120, 3380)
    calls = len(station.stripe.calls)
    station.services.checkout.refresh(started.payment_id)
    assert station.stripe.calls[calls:] == []


def test_cancel_expires_the_link_with_its_own_key_once(station: Station) -> None:
    booking = station.book()
    started = station.services.checkout.start(booking.id)
    view = station.services.checkout.cancel(started.payment_id)
    assert view.status is PaymentStatus.EXPIRED and view.url is None
    assert station.stripe.keys[-1] == f"pos-app:expire:{started.payment_id}"
    # Cancelled again (a second click): Stripe is not asked again.
    calls = len(station.stripe.calls)
    assert station.services.checkout.cancel(started.payment_id).status is PaymentStatus.EXPIRED
    assert station.stripe.calls[calls:] == []


def test_cancelling_a_link_paid_meanwhile_keeps_the_payment(station: Station) -> None:
    booking = station.book()
    started = station.services.checkout.start(booking.id)
    station.stripe.pay(started.session_id or "")
    view = station.services.checkout.cancel(started.payment_id)
    assert view.status is PaymentStatus.SUCCEEDED
    assert station.actions(booking.id)[-1] is AuditAction.PAYMENT_SUCCEEDED
    assert AuditAction.CHECKOUT_CANCELLED not in station.actions(booking.id)


def test_cancelling_a_link_whose_answer_was_lost_finds_it_and_closes_it(
    station: Station,
) -> None:
    booking_id, payment_id = _lost_create(station)
    view = station.services.checkout.cancel(payment_id)
    assert view.status is PaymentStatus.EXPIRED
    (session,) = station.stripe.sessions.values()  # the very session the first create made
    assert session.status == "expired"
    last = station.audit(booking_id)[-1]
    assert (last.action, last.actor_id) == (AuditAction.CHECKOUT_CANCELLED, CLERK.id)


def test_a_create_resent_at_the_last_safe_moment_is_resent_not_looked_up(
    station: Station,
) -> None:
    _, payment_id = _lost_create(station)
    with station.deps.uow() as uow:
        payment = uow.payments.get(payment_id)
    assert payment is not None and payment.expires_at is not None
    station.clock.at = payment.expires_at - RESEND_MIN_LIFETIME
    view = station.services.checkout.refresh(payment_id)
    assert view.status is PaymentStatus.OPEN
    assert station.stripe.calls.count("create_checkout_session") == 2
    assert station.stripe.keys == [payment.idempotency_key] * 2


def test_regenerate_replaces_the_link_and_says_so(station: Station) -> None:
    booking = station.book()
    old = station.services.checkout.start(booking.id, "10.00")
    station.clock.at += timedelta(minutes=1)
    new = station.services.checkout.regenerate(old.payment_id)
    assert new.payment_id != old.payment_id and new.amount == Money(1000, "usd")
    cancelled = [e for e in station.audit(booking.id) if e.payment_id == old.payment_id][-1]
    assert (cancelled.action, cancelled.actor_id, cancelled.detail) == (
        AuditAction.CHECKOUT_CANCELLED,
        CLERK.id,
        "Replaced by a new link",
    )


def test_a_different_amount_while_a_link_is_open_is_refused_in_words(station: Station) -> None:
    booking = station.book()
    station.services.checkout.start(booking.id)
    with pytest.raises(InvalidStateError) as refused:
        station.services.checkout.start(booking.id, "10.00")
    assert refused.value.message == (
        "A payment link for $35.00 is already open for this booking. "
        "Cancel it first to ask for a different amount."
    )


def test_a_bad_deposit_names_the_deposit_field(station: Station) -> None:
    booking = station.book()
    with pytest.raises(ValidationError) as refused:
        station.services.checkout.start(booking.id, "ten")
    assert refused.value.field == "deposit"


def test_a_link_passes_each_named_crash_point_in_order(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    hits: list[str] = []
    monkeypatch.setattr(failpoints, "hit", hits.append)
    booking = station.book()
    station.services.checkout.start(booking.id)
    assert hits == ["checkout.before_create", "checkout.after_create", "checkout.after_store"]


def test_a_link_reserved_before_requests_were_stored_gets_its_request_frozen_then(
    station: Station,
) -> None:
    booking = station.book()
    station.stripe.create_error = GatewayUnavailable("down")
    with pytest.raises(GatewayUnavailable):
        station.services.checkout.start(booking.id)
    with station.deps.uow(write=True) as uow:  # as an older version left the row
        (payment,) = uow.payments.for_booking(booking.id)
        payment.checkout_request = None
        uow.commit()
    view = station.services.checkout.refresh(payment.id)
    assert view.status is PaymentStatus.OPEN
    with station.deps.uow() as uow:
        stored = uow.payments.get(payment.id)
    assert stored is not None and stored.checkout_request is not None
    assert station.stripe.requests[-1].amount == 3500
