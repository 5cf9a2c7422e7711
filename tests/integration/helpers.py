"""Small waits, bookings and set-ups the integration tests share: cash written straight into
the database, an app whose settings can be saved, and audit entries read in a language."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from pos_app import i18n
from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.audit import AuditAction, AuditEntry, detail_words
from pos_app.domain.booking import Booking
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import AuditQuery
from pos_app.keystore import KeyStore
from pos_app.services import ledger, payables
from pos_app.services.bookings import BookingRequest
from pos_app.services.ids import idempotency_key, new_id
from tests.unit.test_keystore import MemoryKeyring

T = TypeVar("T")


class MovableClock:
    """The real time plus a shift the test controls (the app's clock, moved by tests)."""

    def __init__(self) -> None:
        self.shift = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift


def eventually(fn: Callable[[], T], *, timeout: float = 10.0, interval: float = 0.1) -> T:
    """Call ``fn`` until it returns a truthy value or the deadline passes (then fail)."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last: {value!r})")
        time.sleep(interval)


def book(app: AppContext, *, price: str | None = None, name: str = "Ada Lovelace") -> Booking:
    """A booking for the demo Haircut an hour from now."""
    haircut = app.catalog.find("haircut")
    return app.bookings.create(
        BookingRequest(
            customer_name=name,
            service_id=haircut.id,
            starts_at=datetime.now(UTC) + timedelta(hours=1),
            price_text=price,
            customer_email="ada@example.com",
        )
    )


def cash_written_directly(app: AppContext, order_id: str, amount: int | None = None) -> None:
    """Cash of ``amount`` (default: the balance) for a walk-in, written under the order's lock
    as a station of the previous version did, with no look at an open link; the order's money
    is then followed (stock taken, overpayment flagged) by the ledger."""
    now = datetime.now(UTC)
    with app.deps.uow(write=True) as uow:
        payable = payables.require(uow, order_id, for_update=True)
        payment_id = new_id("pay")
        uow.payments.add(
            Payment(
                id=payment_id,
                booking_id=None,
                order_id=order_id,
                method=PaymentMethod.CASH,
                status=PaymentStatus.SUCCEEDED,
                amount=payable.balance_due.amount if amount is None else amount,
                currency=payable.currency,
                idempotency_key=idempotency_key("cash", payment_id),
                created_at=now,
                paid_at=now,
                recorded_at=now,
            )
        )
        ledger.recompute(uow, payable, at=now)
        uow.commit()


@contextmanager
def settings_app(app_env: dict[str, str]) -> Iterator[AppContext]:
    """An app whose station settings can be saved, a manager signed in: the business zone is
    its setting (not fixed by ``POS_TIMEZONE``) and its keys are kept in memory."""
    env = {k: v for k, v in app_env.items() if k != "POS_TIMEZONE"}
    store = KeyStore(Path(env["POS_DATA_DIR"]), MemoryKeyring())
    ctx = open_app(load_config(env), sandbox="none", secrets=store)
    try:
        ctx.deps.desk.sign_in(Actor(None, "Alex", Role.MANAGER))
        yield ctx
    finally:
        ctx.close()


def audit_entries(app: AppContext, *actions: AuditAction) -> list[AuditEntry]:
    """The stored audit entries of ``actions``, oldest first."""
    with app.deps.uow() as uow:
        found = uow.audit.query(AuditQuery(actions=frozenset(actions)))
    return sorted(found, key=lambda e: e.id or 0)


def said(entries: list[AuditEntry], language: str) -> list[str]:
    """What ``entries`` say to a reader of ``language`` (then English again)."""
    i18n.set_language(language)
    try:
        return [detail_words(e) for e in entries]
    finally:
        i18n.set_language("en")
