"""Checkout as a real account sees it: success_url, card only, bank debits, late resends."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from pos_app.app import AppContext, open_app, wire_services
from pos_app.config import load_config
from pos_app.domain.booking import BookingStatus
from pos_app.domain.errors import FormErrors, GatewayUnavailable, InvalidStateError
from pos_app.domain.gateway_types import CheckoutRequest, CheckoutSessionInfo
from pos_app.domain.payment import BANK_PAYMENT_FAILED, PaymentStatus
from pos_app.gateway.backoff import BackoffHTTPClient
from pos_app.sandbox.controls_client import ControlsClient
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from pos_app.services.cash import CashService
from pos_app.services.checkout import REPLACED, CheckoutService
from pos_app.services.checkout_request import SUCCESS_URL_MISSING
from pos_app.services.payment_sync import SyncReport, SyncService
from pos_app.services.settings import SettingsChange
from tests.conftest import TEST_MANAGER
from tests.integration.helpers import MovableClock, book
from tests.page_forms import with_token

KEY = "sk_test_real_checkout"


class CountingGateway:
    """The app's gateway, counting expire calls and able to lose create answers."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.expires = 0
        self.lose_creates = 0  # the next N creates fail as if the network dropped
        self.send_lost = False  # ... after Stripe made the session (answer lost)
        self.created: list[CheckoutRequest] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def create_checkout_session(
        self, request: CheckoutRequest, *, idempotency_key: str
    ) -> CheckoutSessionInfo:
        self.created.append(request)
        if self.lose_creates:
            self.lose_creates -= 1
            if self.send_lost:
                self.real.create_checkout_session(request, idempotency_key=idempotency_key)
            raise GatewayUnavailable("Stripe could not be reached. Check the connection.")
        result: CheckoutSessionInfo = self.real.create_checkout_session(
            request, idempotency_key=idempotency_key
        )
        return result

    def expire_checkout_session(self, session_id: str, *, idempotency_key: str) -> Any:
        self.expires += 1
        return self.real.expire_checkout_session(session_id, idempotency_key=idempotency_key)


@dataclasses.dataclass
class Desk:
    app: AppContext
    clock: MovableClock
    gateway: CountingGateway
    checkout: CheckoutService
    sync: SyncService
    cash: CashService


@pytest.fixture
def handle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    # One per test: tests move its clock.
    h = start_in_thread(tmp_path_factory.mktemp("real") / "sandbox.sqlite3", enable_controls=True)
    yield h
    h.stop()


@pytest.fixture
def desk(handle: SandboxHandle, tmp_path: Path) -> Iterator[Desk]:
    env = {"POS_DATA_DIR": str(tmp_path), "POS_STRIPE_API_BASE": handle.url, "POS_TIMEZONE": "UTC"}
    app = open_app(load_config(env), sandbox="none")
    app.deps.desk.sign_in(TEST_MANAGER)
    clock, gateway = MovableClock(), CountingGateway(app.deps.gateway)
    deps = dataclasses.replace(app.deps, clock=clock, gateway=gateway)
    services = wire_services(deps)
    yield Desk(app, clock, gateway, services.checkout, services.sync, services.cash)
    app.close()


def _client(handle: SandboxHandle) -> stripe.StripeClient:
    return stripe.StripeClient(
        KEY,
        base_addresses={"api": handle.url},
        http_client=BackoffHTTPClient(allow_sync_methods=True),
        max_network_retries=0,
    )


def _delayed(handle: SandboxHandle, session_id: str, outcome: str) -> None:
    r = httpx.post(
        f"{handle.url}/_sandbox/checkout/sessions/{session_id}/delayed_payment",
        json={"outcome": outcome},
    )
    assert r.status_code == 200, r.text


def _sessions_of(handle: SandboxHandle, payment_id: str) -> list[Any]:
    listed = _client(handle).v1.checkout.sessions.list({"limit": 100})
    return [s for s in listed.data if s.to_dict()["metadata"].get("payment_id") == payment_id]


# -- defect 1: success_url --------------------------------------------------------------------


def test_the_session_sends_customers_somewhere_and_takes_cards_only(
    desk: Desk, handle: SandboxHandle
) -> None:
    view = desk.checkout.start(book(desk.app).id)
    assert view.session_id
    session = _client(handle).v1.checkout.sessions.retrieve(view.session_id)
    base = desk.app.sandbox_pages
    assert session.success_url == f"{base}/c/thanks?session_id={{CHECKOUT_SESSION_ID}}"
    assert session.cancel_url == f"{base}/c/thanks?left=1"
    assert session.to_dict()["allowed_payment_method_types"] == ["card"]
    assert set(session.to_dict()["metadata"]) == {"booking_id", "payment_id", "app"}
    # The customer lands on the sandbox's own thank-you page.
    assert view.url
    with httpx.Client(follow_redirects=True, timeout=10) as customer:
        form = {"card_number": "4242424242424242", "exp": "12 / 34", "cvc": "123"}
        page = customer.post(view.url, data=with_token(customer, view.url, form))
    assert page.status_code == 200 and "Thank you" in page.text and "complete" in page.text


def test_without_a_website_test_mode_refuses_before_anything_is_stored(
    desk: Desk, handle: SandboxHandle
) -> None:
    booking = book(desk.app)
    policy = dataclasses.replace(desk.app.deps.policy, success_url=None, cancel_url=None)
    deps = dataclasses.replace(desk.app.deps, policy=policy, gateway=desk.gateway)
    with pytest.raises(InvalidStateError) as info:
        CheckoutService(deps).start(booking.id)
    assert info.value.message == SUCCESS_URL_MISSING
    assert desk.app.bookings.detail(booking.id).payments == []
    assert desk.gateway.created == []


def test_the_business_website_is_a_setting_every_station_shares(desk: Desk) -> None:
    settings = desk.app.settings
    change = dataclasses.replace(
        SettingsChange.from_view(settings.load()), success_url="https://salon.example/thanks"
    )
    result = settings.save(change)
    assert result.view.business.success_url == "https://salon.example/thanks"
    assert desk.app.deps.policy.success_url == "https://salon.example/thanks"
    assert any("after paying, customers go to" in w for w in result.changes)
    bad = dataclasses.replace(change, success_url="salon.example")
    with pytest.raises(FormErrors) as info:
        settings.save(bad)
    assert "https://" in info.value.errors["success_url"]


# -- defect 2: delayed payment methods ------------------------------------------------------


def _processing(desk: Desk, handle: SandboxHandle) -> tuple[str, str]:
    booking = book(desk.app)
    view = desk.checkout.start(booking.id)
    assert view.session_id
    _delayed(handle, view.session_id, "processing")
    report = desk.sync.sync_once()
    assert not report.errors, report.errors
    return booking.id, view.payment_id


def test_a_bank_debit_in_flight_is_processing_and_never_expired(
    desk: Desk, handle: SandboxHandle
) -> None:
    booking_id, _ = _processing(desk, handle)
    detail = desk.app.bookings.detail(booking_id)
    assert [p.status for p in detail.payments] == [PaymentStatus.PROCESSING]
    assert detail.booking.status is BookingStatus.PAYMENT_PROCESSING
    desk.clock.shift = timedelta(minutes=15)  # the hold is long over
    for _ in range(3):
        report = SyncReport()
        desk.sync.expire_ended_holds(report)
        assert report.holds_expired == 0 and not report.errors
    assert desk.gateway.expires == 0
    # Charging again now could take the money twice: refused in a sentence.
    with pytest.raises(InvalidStateError, match="still processing"):
        desk.checkout.start(booking_id)
    with pytest.raises(InvalidStateError, match="still processing"):
        desk.cash.record(booking_id, "25.00")
    assert len(desk.app.bookings.detail(booking_id).payments) == 1


def test_a_bank_debit_that_arrives_pays_the_booking(desk: Desk, handle: SandboxHandle) -> None:
    booking_id, payment_id = _processing(desk, handle)
    session_id = desk.app.bookings.detail(booking_id).payments[0].stripe_session_id
    assert session_id
    _delayed(handle, session_id, "succeeded")
    report = desk.sync.sync_once()
    assert [p.payment_id for p in report.newly_paid] == [payment_id]
    detail = desk.app.bookings.detail(booking_id)
    assert detail.payments[0].status is PaymentStatus.SUCCEEDED
    assert detail.booking.status is BookingStatus.PAID


def test_a_bank_debit_that_bounces_fails_and_frees_the_booking(
    desk: Desk, handle: SandboxHandle
) -> None:
    booking_id, payment_id = _processing(desk, handle)
    session_id = desk.app.bookings.detail(booking_id).payments[0].stripe_session_id
    assert session_id
    _delayed(handle, session_id, "failed")
    desk.sync.sync_once()
    detail = desk.app.bookings.detail(booking_id)
    assert detail.payments[0].status is PaymentStatus.FAILED
    assert detail.payments[0].failure_message == BANK_PAYMENT_FAILED
    assert detail.booking.status is BookingStatus.NEW
    again = desk.checkout.start(booking_id)  # chargeable again, with a fresh link
    assert again.status is PaymentStatus.OPEN and again.payment_id != payment_id


# -- defect 7 and the rule: resends come from stored data --------------------------------------


def test_a_resend_is_the_stored_request_even_after_the_booking_changed(desk: Desk) -> None:
    booking = book(desk.app)
    desk.gateway.lose_creates, desk.gateway.send_lost = 1, True
    with pytest.raises(GatewayUnavailable):
        desk.checkout.start(booking.id)
    _edit_email(desk, booking.id, "grace@example.com")  # edited at the desk meanwhile
    view = desk.checkout.start(booking.id)  # the same key, the same parameters: no conflict
    assert view.status is PaymentStatus.OPEN
    first, resent = desk.gateway.created
    assert first == resent and resent.customer_email == "ada@example.com"


def _edit_email(desk: Desk, booking_id: str, email: str) -> None:
    with desk.app.deps.uow(write=True) as uow:
        row = uow.bookings.get(booking_id, for_update=True)
        assert row is not None
        row.customer_email = email
        uow.commit()


def _late(desk: Desk, handle: SandboxHandle, *, stripe_made_it: bool) -> tuple[str, str]:
    booking = book(desk.app)
    desk.gateway.lose_creates, desk.gateway.send_lost = 1, stripe_made_it
    with pytest.raises(GatewayUnavailable):
        desk.checkout.start(booking.id)
    (payment,) = desk.app.bookings.detail(booking.id).payments
    assert payment.status is PaymentStatus.CREATING
    # Two minutes pass, for Stripe and for the station, before anyone retries.
    desk.clock.shift = timedelta(minutes=2)
    with ControlsClient(handle.url) as controls:
        controls.advance_clock(120)
    return booking.id, payment.id


def test_a_create_resent_after_its_window_opens_a_new_attempt(
    desk: Desk, handle: SandboxHandle
) -> None:
    booking_id, old_id = _late(desk, handle, stripe_made_it=False)
    view = desk.checkout.refresh(old_id)  # the charge screen's tick (or the sync pass)
    assert view.status is PaymentStatus.OPEN and view.payment_id != old_id
    assert view.expires_at and view.expires_at - desk.app.deps.server_now() > timedelta(minutes=30)
    payments = {p.id: p for p in desk.app.bookings.detail(booking_id).payments}
    assert payments[old_id].status is PaymentStatus.FAILED
    assert payments[old_id].failure_message == REPLACED
    assert payments[view.payment_id].idempotency_key != payments[old_id].idempotency_key
    assert _sessions_of(handle, old_id) == [] and len(_sessions_of(handle, view.payment_id)) == 1


def test_a_late_create_that_stripe_made_is_found_not_duplicated(
    desk: Desk, handle: SandboxHandle
) -> None:
    booking_id, old_id = _late(desk, handle, stripe_made_it=True)
    view = desk.checkout.refresh(old_id)
    assert view.status is PaymentStatus.OPEN and view.payment_id == old_id
    assert len(desk.app.bookings.detail(booking_id).payments) == 1
    assert len(_sessions_of(handle, old_id)) == 1


def test_reconciliation_re_reads_a_processing_payment(desk: Desk, handle: SandboxHandle) -> None:
    booking_id, _ = _processing(desk, handle)
    session_id = desk.app.bookings.detail(booking_id).payments[0].stripe_session_id
    assert session_id
    _delayed(handle, session_id, "succeeded")
    # The events are missed (a station that was off): the full pass still finds the money.
    desk.sync.settle_unsettled(SyncReport(), reread_open=True)
    assert desk.app.bookings.detail(booking_id).booking.status is BookingStatus.PAID
