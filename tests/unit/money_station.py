"""A real app on SQLite with a scripted Stripe, for unit tests of the money services.

The database, the domain and the services are the real ones; only Stripe is a small fake
that keeps sessions, PaymentIntents and refunds in dicts and records every call, so a test
can set Stripe's answer, call a service's public entry point and read back the exact rows
and audit entries (issue 11, item 14: mutants of settle, checkout, cash, refunds, sync).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pos_app.app import AppContext, Services, open_app, wire_services
from pos_app.config import load_config
from pos_app.domain.audit import AuditAction, AuditEntry
from pos_app.domain.booking import Booking
from pos_app.domain.errors import GatewayError, GatewayRejected, GatewayUnavailable
from pos_app.domain.gateway_types import (
    ChargeDetails,
    CheckoutRequest,
    CheckoutSessionInfo,
    PaymentIntentInfo,
    RefundInfo,
    RefundRequest,
)
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus
from pos_app.domain.people import Actor, Role, User
from pos_app.domain.ports import AuditQuery
from pos_app.services import ledger, settle
from pos_app.services.bookings import BookingRequest
from pos_app.services.context import Deps, Desk
from pos_app.services.ids import idempotency_key, new_id

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
CLERK = Actor("usr_clerk", "Cleo Clerk", Role.STAFF)
MANAGER = Actor("usr_mara", "Mara Manager", Role.MANAGER)


class FixedClock:
    """The app's clock, at ``NOW`` plus whatever the test moves it by."""

    def __init__(self) -> None:
        self.at = NOW

    def now(self) -> datetime:
        return self.at


# Stripe's ids are unique in the module's one database, so they count on across tests.
_stripe_ids = itertools.count(1)


class FakeStripe:
    """Stripe's objects in dicts; ``calls`` names each call made, in order."""

    mode = "sandbox"

    def __init__(self) -> None:
        self.sessions: dict[str, CheckoutSessionInfo] = {}
        self.intents: dict[str, str] = {}  # PaymentIntent id -> status
        self.charges: dict[str, ChargeDetails] = {}
        self.charge_error: GatewayError | None = None
        self.create_error: GatewayError | None = None  # raised once by the next create
        self.refund_error: GatewayError | None = None  # raised once by the next refund
        self.expire_error: GatewayError | None = None  # raised once by the next expire
        self.list_error: GatewayError | None = None  # raised once by a list of sessions
        self.lose_answer = False  # the next create makes its session, then the answer is lost
        self.lose_refund_answer = False  # the same for the next refund
        self.refunds: dict[str, RefundInfo] = {}
        self.requests: list[CheckoutRequest] = []
        self.refund_requests: list[RefundRequest] = []
        self.calls: list[str] = []
        self.keys: list[str] = []  # the idempotency key of each create and expire call
        self.last_attempt_asked: list[bool] = []  # with_last_attempt of each session read
        self._by_key: dict[str, str] = {}
        # Run once right after the next expire: the moment cash has closed the link.
        self.after_expire: Callable[[], None] | None = None
        # Run once while the next create is on its way, before Stripe makes its session:
        # what other stations do while a request is slow.
        self.while_sending: Callable[[], None] | None = None

    def server_clock_offset(self) -> float:
        return 0.0

    def create_checkout_session(
        self, request: CheckoutRequest, *, idempotency_key: str
    ) -> CheckoutSessionInfo:
        self.calls.append("create_checkout_session")
        self.keys.append(idempotency_key)
        error, self.create_error = self.create_error, None
        if error is not None:
            raise error
        hook, self.while_sending = self.while_sending, None
        if hook is not None:
            hook()
        if idempotency_key in self._by_key:  # Stripe answers a key it knows with its session
            return self.sessions[self._by_key[idempotency_key]]
        self.requests.append(request)
        n = next(_stripe_ids)
        info = CheckoutSessionInfo(
            id=f"cs_{n}",
            status="open",
            payment_status="unpaid",
            amount_total=request.amount,
            currency=request.currency,
            url=f"https://pay.example/cs_{n}",
            expires_at=request.expires_at,
            payment_intent_id=f"pi_{n}",
            metadata=dict(request.metadata),
        )
        self.sessions[info.id] = info
        self._by_key[idempotency_key] = info.id
        if self.lose_answer:
            self.lose_answer = False
            raise GatewayUnavailable("Stripe's answer was lost")
        return info

    def find_checkout_session(
        self, *, metadata_key: str, metadata_value: str, created_after: datetime
    ) -> CheckoutSessionInfo | None:
        self.calls.append("find_checkout_session")
        found = [
            s for s in self.sessions.values() if s.metadata.get(metadata_key) == metadata_value
        ]
        return found[-1] if found else None

    def retrieve_checkout_session(
        self, session_id: str, *, with_last_attempt: bool = False, with_charge: bool = False
    ) -> CheckoutSessionInfo:
        self.calls.append("retrieve_checkout_session")
        self.last_attempt_asked.append(with_last_attempt)
        info = self.sessions[session_id]
        charge = self.charges.get(info.payment_intent_id or "")
        if with_charge and charge is not None and self.charge_error is None:
            return replace(info, charge_details=charge)  # the charge expanded, as Stripe does
        return info

    def open_checkout_sessions(self, *, pages: int) -> Iterator[CheckoutSessionInfo]:
        """The open sessions, newest first, 100 a page; ``list_error`` is raised (once)
        instead of the first page."""
        listed = [s for s in reversed(self.sessions.values()) if s.status == "open"]
        for page in range(pages):
            self.calls.append("open_checkout_sessions")
            if self.list_error is not None:
                error, self.list_error = self.list_error, None
                raise error
            yield from listed[page * 100 : (page + 1) * 100]
            if len(listed) <= (page + 1) * 100:
                return

    def expire_checkout_session(
        self, session_id: str, *, idempotency_key: str
    ) -> CheckoutSessionInfo:
        self.calls.append("expire_checkout_session")
        self.keys.append(idempotency_key)
        error, self.expire_error = self.expire_error, None
        if error is not None:
            raise error
        info = self.sessions[session_id]
        if info.status != "open":
            raise GatewayRejected("This Checkout Session is not open.")
        info = replace(info, status="expired", url=None)
        self.sessions[session_id] = info
        hook, self.after_expire = self.after_expire, None
        if hook is not None:
            hook()
        return info

    def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntentInfo:
        self.calls.append("retrieve_payment_intent")
        return PaymentIntentInfo(
            id=payment_intent_id,
            status=self.intents[payment_intent_id],
            amount=0,
            amount_received=0,
            currency="usd",
            latest_charge_id=None,
        )

    def retrieve_charge_details(self, payment_intent_id: str) -> ChargeDetails:
        self.calls.append("retrieve_charge_details")
        if self.charge_error is not None:
            raise self.charge_error
        return self.charges[payment_intent_id]

    def create_refund(self, request: RefundRequest, *, idempotency_key: str) -> RefundInfo:
        self.calls.append("create_refund")
        self.refund_requests.append(request)
        error, self.refund_error = self.refund_error, None
        if error is not None:
            raise error
        info = RefundInfo(
            id=f"re_{next(_stripe_ids)}",
            status="pending",
            amount=request.amount,
            currency="usd",
            payment_intent_id=request.payment_intent_id,
            failure_reason=None,
            metadata=dict(request.metadata),
        )
        self.refunds[info.id] = info
        if self.lose_refund_answer:
            self.lose_refund_answer = False
            raise GatewayUnavailable("Stripe's answer was lost")
        return info

    def find_refund(
        self, *, payment_intent_id: str, metadata_key: str, metadata_value: str
    ) -> RefundInfo | None:
        self.calls.append("find_refund")
        for info in self.refunds.values():
            if info.payment_intent_id == payment_intent_id and (
                info.metadata.get(metadata_key) == metadata_value
            ):
                return info
        return None

    def retrieve_refund(self, refund_id: str) -> RefundInfo:
        self.calls.append("retrieve_refund")
        return self.refunds[refund_id]

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the test did not expect Stripe's {name}")

    # -- what the test makes Stripe do -------------------------------------------------

    def pay(self, session_id: str, *, fee: int | None = 100) -> CheckoutSessionInfo:
        """The customer pays the session by card; its charge has ``fee`` (None: not known)."""
        info = replace(self.sessions[session_id], status="complete", payment_status="paid")
        self.sessions[session_id] = info
        assert info.payment_intent_id is not None
        self.charges[info.payment_intent_id] = ChargeDetails(
            payment_intent_id=info.payment_intent_id,
            charge_id=f"ch_{session_id[3:]}",
            balance_transaction_id=f"txn_{session_id[3:]}" if fee is not None else None,
            fee=fee,
            net=info.amount_total - fee if fee is not None else None,
        )
        return info

    def settle_refund(
        self, refund_id: str, status: str, failure_reason: str | None = None
    ) -> RefundInfo:
        """Stripe moves the refund on (succeeded, failed, canceled)."""
        info = replace(self.refunds[refund_id], status=status, failure_reason=failure_reason)
        self.refunds[refund_id] = info
        return info

    def complete_unpaid(self, session_id: str, intent_status: str) -> CheckoutSessionInfo:
        """The customer chose a bank method: the session completes unpaid."""
        info = replace(self.sessions[session_id], status="complete", url=None)
        self.sessions[session_id] = info
        assert info.payment_intent_id is not None
        self.intents[info.payment_intent_id] = intent_status
        return info


@dataclass
class Station:
    """The app's services over the fake Stripe and a fixed clock, with a clerk at the desk."""

    app: AppContext
    deps: Deps
    services: Services
    stripe: FakeStripe
    clock: FixedClock

    def book(self, price: str = "35.00", name: str = "Ada Lovelace") -> Booking:
        """A booking for the demo Haircut tomorrow, for ``price``."""
        haircut = self.services.catalog.find("haircut")
        return self.services.bookings.create(
            BookingRequest(
                customer_name=name,
                service_id=haircut.id,
                starts_at=NOW + timedelta(days=1, hours=next(_hours)),
                price_text=price,
                customer_email="ada@example.com",
            )
        )

    def pay_by_card(
        self, booking_id: str, deposit_text: str | None = None, fee: int = 100
    ) -> Payment:
        """Open a link for the booking (a deposit when given) and have the customer pay it."""
        view = self.services.checkout.start(booking_id, deposit_text)
        assert view.session_id is not None
        paid = settle.apply_session(
            self.deps, view.payment_id, self.stripe.pay(view.session_id, fee=fee)
        )
        assert paid is not None and paid.status is PaymentStatus.SUCCEEDED
        return paid

    def cash_behind_the_links_back(self, booking_id: str, amount: int | None = None) -> None:
        """Cash (the whole balance by default) written straight to the database, as an older
        version or another station did, without looking at the card links or the claims."""
        with self.deps.uow(write=True) as uow:
            booking = uow.bookings.get(booking_id, for_update=True)
            assert booking is not None
            payment_id = new_id("pay")
            uow.payments.add(
                Payment(
                    id=payment_id,
                    booking_id=booking_id,
                    method=PaymentMethod.CASH,
                    status=PaymentStatus.SUCCEEDED,
                    amount=booking.balance_due.amount if amount is None else amount,
                    currency=booking.currency,
                    idempotency_key=idempotency_key("cash", payment_id),
                    created_at=self.clock.at,
                    paid_at=self.clock.at,
                    recorded_at=self.clock.at,
                )
            )
            ledger.recompute(uow, booking, at=self.clock.at)
            uow.commit()

    def audit(self, booking_id: str) -> list[AuditEntry]:
        """The booking's audit entries, oldest first, without their row ids."""
        with self.deps.uow() as uow:
            entries = uow.audit.query(AuditQuery(booking_id=booking_id))
        in_order = sorted(entries, key=lambda e: e.id or 0)
        return [replace(e, id=None) for e in in_order]

    def actions(self, booking_id: str) -> list[AuditAction]:
        return [e.action for e in self.audit(booking_id)]


_hours = itertools.count(0)


def open_money_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    """One SQLite app for a module's tests (opening one takes half a second): each test makes
    its own bookings. A test module's module-scoped fixture yields from it."""
    data = Path(tmp_path_factory.mktemp("money")) / "data"
    env = {
        "POS_DATA_DIR": str(data),
        "POS_TIMEZONE": "UTC",
        "POS_STRIPE_API_BASE": "http://127.0.0.1:9",  # never called: the fake answers
    }
    ctx = open_app(load_config(env), sandbox="none")
    with ctx.deps.uow(write=True) as uow:  # the clerk has an account (audit names it)
        for actor in (CLERK, MANAGER):
            assert actor.id is not None and actor.role is not None
            uow.users.add(User(actor.id, actor.name, actor.role, "not-a-hash", NOW))
        uow.commit()
    yield ctx
    ctx.close()


def make_station(money_app: AppContext) -> Station:
    """Fresh services over the module's database, the fake Stripe and a fixed clock."""
    stripe = FakeStripe()
    clock = FixedClock()
    policy = replace(money_app.deps.policy, success_url="https://salon.example/thanks")
    deps = replace(money_app.deps, gateway=stripe, clock=clock, policy=policy, desk=Desk(CLERK))
    return Station(money_app, deps, wire_services(deps), stripe, clock)
