"""A create Stripe has not answered yet is never replaced while it can still land; one that
lands after all on a replaced attempt is closed at Stripe and its link never shown. A create
Stripe refuses ends the attempt; a key answered with an error finds the session it made.

Against the sandbox, with a clock the test moves (the app's and the sandbox's together).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import stripe

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.audit import AuditAction, AuditEntry
from pos_app.domain.booking import BookingStatus
from pos_app.domain.errors import GatewayRejected, GatewayStoredFailure, GatewayUnavailable
from pos_app.domain.gateway_types import CheckoutRequest, CheckoutSessionInfo
from pos_app.domain.payment import PaymentStatus
from pos_app.domain.people import STRIPE_ACTOR
from pos_app.domain.ports import AuditQuery
from pos_app.gateway.backoff import BackoffHTTPClient
from pos_app.sandbox.controls_client import ControlsClient
from pos_app.sandbox.runner import SandboxHandle, start_in_thread
from pos_app.services.checkout import NOT_ANSWERED_YET, REPLACED, CheckoutService
from pos_app.store.repositories import SqlPaymentRepository
from tests.conftest import TEST_MANAGER
from tests.integration import interleave
from tests.integration.helpers import MovableClock, book

KEY = "sk_test_late_create"


class SlowGateway:
    """The app's gateway; its next create can be lost, or answered only after ``meanwhile``
    ran (what another station did while the request was in flight)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.created: list[CheckoutRequest] = []
        self.lose_next = False
        self.meanwhile: Callable[[], None] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def create_checkout_session(
        self, request: CheckoutRequest, *, idempotency_key: str
    ) -> CheckoutSessionInfo:
        self.created.append(request)
        if self.lose_next:
            self.lose_next = False
            raise GatewayUnavailable("Stripe could not be reached. Check the connection.")
        if self.meanwhile is not None:
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()
        result: CheckoutSessionInfo = self.real.create_checkout_session(
            request, idempotency_key=idempotency_key
        )
        return result


@dataclasses.dataclass
class Desk:
    app: AppContext
    clock: MovableClock
    gateway: SlowGateway
    checkout: CheckoutService


@pytest.fixture
def handle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    # One per test: tests move its clock.
    h = start_in_thread(tmp_path_factory.mktemp("late") / "sandbox.sqlite3", enable_controls=True)
    yield h
    h.stop()


@pytest.fixture
def desk(handle: SandboxHandle, tmp_path: Path) -> Iterator[Desk]:
    env = {"POS_DATA_DIR": str(tmp_path), "POS_STRIPE_API_BASE": handle.url, "POS_TIMEZONE": "UTC"}
    app = open_app(load_config(env), sandbox="none")
    app.deps.desk.sign_in(TEST_MANAGER)
    clock, gateway = MovableClock(), SlowGateway(app.deps.gateway)
    deps = dataclasses.replace(app.deps, clock=clock, gateway=gateway)
    yield Desk(app, clock, gateway, CheckoutService(deps))
    app.close()


def _sessions(handle: SandboxHandle, booking_id: str) -> list[dict[str, Any]]:
    client = stripe.StripeClient(
        KEY,
        base_addresses={"api": handle.url},
        http_client=BackoffHTTPClient(allow_sync_methods=True),
        max_network_retries=0,
    )
    listed = [s.to_dict() for s in client.v1.checkout.sessions.list({"limit": 100}).data]
    return [s for s in listed if s["metadata"].get("booking_id") == booking_id]


def test_a_create_unanswered_for_50_seconds_stays_creating_and_is_not_resent(
    desk: Desk, handle: SandboxHandle
) -> None:
    booking = book(desk.app)
    desk.gateway.lose_next = True
    with pytest.raises(GatewayUnavailable):
        desk.checkout.start(booking.id)
    (payment,) = desk.app.bookings.detail(booking.id).payments
    # 50 s later, for the station and for Stripe: too late to resend the stored request,
    # too early to be sure it will not land.
    desk.clock.shift = timedelta(seconds=50)
    with ControlsClient(handle.url) as controls:
        controls.advance_clock(50)
    with pytest.raises(GatewayUnavailable) as raised:
        desk.checkout.refresh(payment.id)  # the lookup finds nothing yet
    assert raised.value.message == NOT_ANSWERED_YET
    (still,) = desk.app.bookings.detail(booking.id).payments
    assert still.id == payment.id and still.status is PaymentStatus.CREATING
    assert len(desk.gateway.created) == 1 and _sessions(handle, booking.id) == []
    # The request lands after all (a slow retry, another station): found, not duplicated.
    desk.gateway.real.create_checkout_session(
        desk.gateway.created[0], idempotency_key=payment.idempotency_key
    )
    view = desk.checkout.refresh(payment.id)
    assert view.payment_id == payment.id and view.status is PaymentStatus.OPEN and view.url
    assert len(desk.app.bookings.detail(booking.id).payments) == 1
    assert [s["status"] for s in _sessions(handle, booking.id)] == ["open"]


def test_a_create_answered_after_its_replacement_is_closed_and_never_shown(
    desk: Desk, handle: SandboxHandle
) -> None:
    booking = book(desk.app)
    replaced: list[str] = []

    def another_station_replaces_it() -> None:
        (old,) = desk.app.bookings.detail(booking.id).payments
        desk.clock.shift = timedelta(minutes=3)  # past the safe bound: it gets replaced
        view = desk.checkout.refresh(old.id)
        assert view.payment_id != old.id and view.status is PaymentStatus.OPEN
        replaced.append(view.payment_id)

    desk.gateway.meanwhile = another_station_replaces_it
    view = desk.checkout.start(booking.id)  # the first create's answer arrives only now
    (replacement_id,) = replaced
    assert view.payment_id == replacement_id and view.url  # the screen shows the live link
    payments = {p.id: p for p in desk.app.bookings.detail(booking.id).payments}
    (old,) = [p for p in payments.values() if p.id != replacement_id]
    assert old.status is PaymentStatus.FAILED and old.failure_message == REPLACED
    assert old.checkout_url is None and old.stripe_session_id
    remote = {s["id"]: s for s in _sessions(handle, booking.id)}
    assert remote[old.stripe_session_id]["status"] == "expired"
    assert [s["metadata"]["payment_id"] for s in remote.values() if s["status"] == "open"] == [
        replacement_id
    ]


# Stripe refuses the create, or answers a resend of the key with an error: the attempt ends
# (booking chargeable again, one audit entry) or the session the key made is found. Stripe's
# refusal is injected by a gateway wrapper: the app validates what Stripe would refuse first.

GIVE_UP = "Stripe could not open the payment link. Try again."


class RefusingGateway:
    """The app's gateway; its next create fails with ``refusal`` (after really creating the
    session first when ``land_first``: the request was applied, the answer says otherwise)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.refusal: Exception | None = None
        self.land_first = False
        self.keys: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def create_checkout_session(
        self, request: CheckoutRequest, *, idempotency_key: str
    ) -> CheckoutSessionInfo:
        self.keys.append(idempotency_key)
        refusal, self.refusal = self.refusal, None
        if refusal is None:
            created: CheckoutSessionInfo = self.real.create_checkout_session(
                request, idempotency_key=idempotency_key
            )
            return created
        if self.land_first:
            self.real.create_checkout_session(request, idempotency_key=idempotency_key)
        raise refusal


@dataclasses.dataclass
class RefusingDesk:
    app: AppContext
    gateway: RefusingGateway
    checkout: CheckoutService


@pytest.fixture
def refusing(sandbox: SandboxHandle, tmp_path: Path) -> Iterator[RefusingDesk]:
    env = {"POS_DATA_DIR": str(tmp_path), "POS_STRIPE_API_BASE": sandbox.url, "POS_TIMEZONE": "UTC"}
    app = open_app(load_config(env), sandbox="none")
    app.deps.desk.sign_in(TEST_MANAGER)
    gateway = RefusingGateway(app.deps.gateway)
    checkout = CheckoutService(dataclasses.replace(app.deps, gateway=gateway))
    yield RefusingDesk(app, gateway, checkout)
    app.close()


def _failed_entries(app: AppContext, booking_id: str) -> list[AuditEntry]:
    with app.deps.uow() as uow:
        query = AuditQuery(booking_id=booking_id, actions=frozenset({AuditAction.PAYMENT_FAILED}))
        return list(uow.audit.query(query))


def test_a_refused_create_ends_the_attempt_and_the_booking_can_be_charged_again(
    refusing: RefusingDesk,
) -> None:
    booking = book(refusing.app, name="Maya Thompson")
    refusing.gateway.refusal = GatewayRejected("Not a valid URL", code="url_invalid")
    with pytest.raises(GatewayRejected):
        refusing.checkout.start(booking.id)
    (failed,) = refusing.app.bookings.detail(booking.id).payments
    assert failed.status is PaymentStatus.FAILED
    assert failed.failure_message == "Not a valid URL"
    assert refusing.app.bookings.detail(booking.id).booking.status is BookingStatus.NEW
    (entry,) = _failed_entries(refusing.app, booking.id)
    assert (entry.actor_id, entry.payment_id, entry.amount, entry.currency) == (
        STRIPE_ACTOR.id,
        failed.id,
        failed.amount,
        failed.currency,
    )
    assert entry.detail == "Stripe did not open the payment link: Not a valid URL"
    # The next try is a new attempt with its own key, and it opens a link.
    view = refusing.checkout.start(booking.id)
    assert view.status is PaymentStatus.OPEN and view.url and view.payment_id != failed.id
    assert refusing.gateway.keys[1] != refusing.gateway.keys[0]
    assert refusing.app.bookings.detail(booking.id).booking.status is BookingStatus.AWAITING_PAYMENT


@pytest.mark.parametrize(
    "refusal",
    [
        GatewayRejected("Keys for idempotent requests ...", code="idempotency_error"),
        GatewayStoredFailure("Stripe replayed a stored error"),
    ],
    ids=["idempotency_error", "stored_failure"],
)
def test_a_key_answered_with_an_error_finds_the_session_it_made(
    refusing: RefusingDesk, refusal: Exception
) -> None:
    booking = book(refusing.app)
    refusing.gateway.refusal, refusing.gateway.land_first = refusal, True
    view = refusing.checkout.start(booking.id)
    (payment,) = refusing.app.bookings.detail(booking.id).payments
    assert view.payment_id == payment.id and view.status is PaymentStatus.OPEN and view.url
    assert payment.status is PaymentStatus.OPEN and payment.stripe_session_id
    assert _failed_entries(refusing.app, booking.id) == []


@pytest.mark.parametrize(
    "refusal",
    [
        GatewayRejected("Keys for idempotent requests ...", code="idempotency_error"),
        GatewayStoredFailure("Stripe replayed a stored error"),
    ],
    ids=["idempotency_error", "stored_failure"],
)
def test_a_key_answered_with_an_error_and_no_session_gives_the_attempt_up(
    refusing: RefusingDesk, refusal: Exception
) -> None:
    booking = book(refusing.app)
    refusing.gateway.refusal = refusal
    view = refusing.checkout.start(booking.id)
    (payment,) = refusing.app.bookings.detail(booking.id).payments
    assert view.payment_id == payment.id and view.status is PaymentStatus.FAILED
    assert payment.status is PaymentStatus.FAILED and payment.failure_message == GIVE_UP
    (entry,) = _failed_entries(refusing.app, booking.id)
    assert entry.detail == f"Stripe did not open the payment link: {GIVE_UP}"
    assert refusing.app.bookings.detail(booking.id).booking.status is BookingStatus.NEW


# -- two stations replacing one unanswered create at once (tests/integration/interleave.py) -


@pytest.fixture(params=interleave.DB_KINDS)
def racing(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sandbox: SandboxHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[interleave.Desk, interleave.Desk]]:
    yield from interleave.two_desks(request.param, request, tmp_path, sandbox.url, monkeypatch)


def _replaceable_attempt(
    racing: tuple[interleave.Desk, interleave.Desk], monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Any, Any]:
    """A booking whose attempt was stored but its create never sent, both stations' clocks
    past the bound (it can be replaced), and a pause in the replacing station's read of it:
    (booking, stored attempt, pause)."""
    one, _other = racing
    booking = book(one.app)
    stored, _ = one.services.checkout._reserve(booking.id)
    for desk in racing:
        desk.clock.shift = timedelta(minutes=3)
    pause = interleave.pause_after(
        monkeypatch, SqlPaymentRepository, "get", caller="checkout._renew_late_create"
    )
    return booking, stored, pause


def test_two_stations_replacing_one_unanswered_create_replace_it_once(
    racing: tuple[interleave.Desk, interleave.Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A create that never reached Stripe, looked at by two stations once it can no longer
    land: A has read the attempt (still creating) under the locks and replaces it; B waits,
    then finds it replaced. One replacement, one link, one payment.failed entry."""
    one, other = racing
    booking, stored, pause = _replaceable_attempt(racing, monkeypatch)
    result = interleave.race(
        pause,
        lambda: one.services.checkout.refresh(stored.id),
        lambda: other.services.checkout.refresh(stored.id),
    )
    first, second = result.first.get(), result.second.get()
    payments = one.app.bookings.detail(booking.id).payments
    assert [(p.id, p.status) for p in payments] == [
        (stored.id, PaymentStatus.FAILED),
        (first.payment_id, PaymentStatus.OPEN),
    ]
    assert first.url and second.payment_id in (stored.id, first.payment_id)
    failed = one.app.audit.query(
        AuditQuery(booking_id=booking.id, actions=frozenset({AuditAction.PAYMENT_FAILED}))
    )
    assert len(failed) == 1
    assert result.second_waited


def test_charge_pressed_while_another_station_replaces_the_attempt_shows_the_new_link(
    racing: tuple[interleave.Desk, interleave.Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A replaces an unanswered attempt under the booking's lock; B presses Charge for the
    same booking at that moment. B waits for the booking, then gets A's new link, not the
    attempt A has just replaced (a charge screen showing a dead link)."""
    one, other = racing
    booking, stored, pause = _replaceable_attempt(racing, monkeypatch)
    result = interleave.race(
        pause,
        lambda: one.services.checkout.refresh(stored.id),
        lambda: other.services.checkout.start(booking.id),
    )
    replaced, charged = result.first.get(), result.second.get()
    assert replaced.payment_id != stored.id and replaced.url
    assert (charged.payment_id, charged.session_id) == (replaced.payment_id, replaced.session_id)
    assert result.second_waited
