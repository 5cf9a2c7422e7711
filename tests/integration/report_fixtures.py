"""A small shop written row by row through a unit of work, with explicit times, for report
and export tests: no sandbox, no clock, every figure computable by hand."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import select

from pos_app.app import wire_services
from pos_app.domain.booking import Booking, Service
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus, Refund, RefundStatus
from pos_app.domain.people import Actor, Resource, Role, User
from pos_app.domain.ports import PaymentGateway
from pos_app.domain.reports import DayClose
from pos_app.services.context import Deps, Policy
from pos_app.services.reports import ReportService
from pos_app.store.database import make_engine, migrate, sqlite_url
from pos_app.store.repositories import SqlUnitOfWorkFactory
from pos_app.store.schema import payments, refunds

NEW_YORK = "America/New_York"
MANAGER = Actor("usr_boss", "Morgan", Role.MANAGER)


class FixedClock:
    """Reports never ask the time; tests of recording set it."""

    def __init__(self) -> None:
        self.at = datetime(2026, 12, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


class Shop:
    """A migrated SQLite database with services, staff and helpers to write money rows."""

    def __init__(self, tmp_path: Path, url: str | None = None, *, timezone: str = NEW_YORK) -> None:
        # ``url``: the conftest's ``database_url`` (a fresh PostgreSQL database when
        # POS_TEST_POSTGRES_URL is set), else SQLite in ``tmp_path``.
        self.url = url or sqlite_url(tmp_path / "shop.sqlite3")
        self.engine = make_engine(self.url)
        migrate(self.engine)
        self.uow = SqlUnitOfWorkFactory(self.engine)
        self.tz = ZoneInfo(timezone)
        self.clock = FixedClock()
        self.deps = Deps(
            uow=self.uow,
            gateway=cast(PaymentGateway, None),  # reports never call Stripe
            clock=self.clock,
            policy=Policy(station_id="st_test", timezone=self.tz),
        )
        self.deps.desk.sign_in(MANAGER)
        self.reports = ReportService(self.deps)
        self.export = wire_services(self.deps).csv_export
        self._ids = itertools.count(1)
        self._slots = itertools.count(0)
        with self.uow(write=True) as w:
            w.services.add(Service("svc_cut", "Haircut", 30, 3500, "usd"))
            w.services.add(Service("svc_colour", "Colour", 90, 9000, "usd"))
            w.services.add(Service("svc_schnitt", "Herrenschnitt", 30, 3000, "eur"))
            w.resources.add(Resource("res_priya", "Priya"))
            w.resources.add(Resource("res_sam", "Sam"))
            w.session.flush()  # type: ignore[attr-defined]
            w.users.add(User("usr_priya", "Priya", Role.STAFF, "x", self.local(2026, 1, 1, 9)))
            w.commit()

    def local(self, y: int, m: int, d: int, h: int, mi: int = 0, *, fold: int = 0) -> datetime:
        """A local wall-clock time (``fold=1``: the second 01:30 of a fall-back night), in UTC."""
        return datetime(y, m, d, h, mi, tzinfo=self.tz, fold=fold).astimezone(UTC)

    def booking(
        self,
        service_id: str = "svc_cut",
        *,
        resource_id: str | None = None,
        customer: str = "Ada Lovelace",
        price: int | None = None,
    ) -> str:
        """A booking (its own time does not matter to reports: each gets a free slot)."""
        prices = {"svc_cut": (3500, "usd"), "svc_colour": (9000, "usd")}
        amount, currency = prices.get(service_id, (3000, "eur"))
        names = {"svc_cut": "Haircut", "svc_colour": "Colour", "svc_schnitt": "Herrenschnitt"}
        starts = datetime(2030, 1, 1, tzinfo=UTC) + timedelta(hours=next(self._slots))
        booking_id = f"bk_{next(self._ids)}"
        with self.uow(write=True) as w:
            w.bookings.add(
                Booking(
                    id=booking_id,
                    customer_name=customer,
                    service_id=service_id,
                    service_name=names.get(service_id, service_id),
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=30),
                    price_amount=price if price is not None else amount,
                    currency=currency,
                    created_at=starts - timedelta(days=30),
                    resource_id=resource_id,
                )
            )
            w.commit()
        return booking_id

    def card(
        self,
        booking_id: str,
        amount: int,
        paid_at: datetime | None,
        *,
        fee: int | None = None,
        currency: str = "usd",
        status: PaymentStatus = PaymentStatus.SUCCEEDED,
        recorded_at: datetime | None = None,
        created_at: datetime | None = None,
        created_by: str | None = None,
    ) -> str:
        """A card payment (a Checkout link): paid at ``paid_at`` when it succeeded."""
        return self._payment(
            booking_id,
            PaymentMethod.CARD,
            amount,
            paid_at,
            fee=fee,
            currency=currency,
            status=status,
            recorded_at=recorded_at,
            created_at=created_at,
            created_by=created_by,
        )

    def cash(
        self,
        booking_id: str,
        amount: int,
        at: datetime,
        *,
        currency: str = "usd",
        recorded_at: datetime | None = None,
    ) -> str:
        """Cash taken at the desk at ``at``."""
        return self._payment(
            booking_id,
            PaymentMethod.CASH,
            amount,
            at,
            currency=currency,
            recorded_at=recorded_at,
        )

    def _payment(
        self,
        booking_id: str,
        method: PaymentMethod,
        amount: int,
        paid_at: datetime | None,
        *,
        fee: int | None = None,
        currency: str = "usd",
        status: PaymentStatus = PaymentStatus.SUCCEEDED,
        recorded_at: datetime | None = None,
        created_at: datetime | None = None,
        created_by: str | None = None,
    ) -> str:
        payment_id = f"pay_{next(self._ids)}"
        ok = status is PaymentStatus.SUCCEEDED
        card = method is PaymentMethod.CARD
        created = created_at or (paid_at - timedelta(minutes=3) if paid_at else None)
        assert created is not None
        with self.uow(write=True) as w:
            w.payments.add(
                Payment(
                    id=payment_id,
                    booking_id=booking_id,
                    method=method,
                    status=status,
                    amount=amount,
                    currency=currency,
                    idempotency_key=f"key_{payment_id}",
                    created_at=created,
                    stripe_session_id=f"cs_test_{payment_id}" if card else None,
                    stripe_payment_intent_id=f"pi_{payment_id}" if card and ok else None,
                    stripe_charge_id=f"ch_{payment_id}" if card and ok else None,
                    stripe_balance_transaction_id=(
                        f"txn_{payment_id}" if card and ok and fee is not None else None
                    ),
                    paid_at=paid_at if ok else None,
                    fee_amount=fee,
                    net_amount=amount - fee if fee is not None else None,
                    recorded_at=(recorded_at or paid_at) if ok else None,
                    created_by=created_by,
                )
            )
            w.commit()
        return payment_id

    def refund(
        self,
        payment_id: str,
        amount: int,
        at: datetime,
        *,
        fee: int | None = None,
        currency: str = "usd",
        status: RefundStatus = RefundStatus.SUCCEEDED,
        recorded_at: datetime | None = None,
        reason: str | None = "requested_by_customer",
        created_by: str | None = None,
    ) -> str:
        """A refund issued at ``at`` (``recorded_at``: when it was seen to succeed)."""
        refund_id = f"ref_{next(self._ids)}"
        with self.uow(write=True) as w:
            payment = w.payments.get(payment_id)
            assert payment is not None
            w.refunds.add(
                Refund(
                    id=refund_id,
                    payment_id=payment_id,
                    booking_id=payment.booking_id,
                    amount=amount,
                    currency=currency,
                    reason=reason,
                    status=status,
                    idempotency_key=f"key_{refund_id}",
                    created_at=at,
                    stripe_refund_id=f"re_{refund_id}",
                    stripe_balance_transaction_id=f"txn_{refund_id}" if fee is not None else None,
                    fee_amount=fee,
                    net_amount=-amount - fee if fee is not None else None,
                    recorded_at=(recorded_at or at) if status is RefundStatus.SUCCEEDED else None,
                    created_by=created_by,
                )
            )
            w.commit()
        return refund_id

    def close(self, day: date, closed_at: datetime, currency: str = "usd") -> None:
        """Close a business day (the Z report's row; its figures do not matter here), as if
        at ``closed_at``: it counts the rows written so far that were recorded by then (the
        database's order, store/money_order.py, stands for the times the rows carry)."""
        with self.uow(write=True) as w:
            covered = max(
                (
                    seq
                    for table in (payments, refunds)
                    for seq in w.session.execute(  # type: ignore[attr-defined]
                        select(table.c.record_seq).where(table.c.recorded_at <= closed_at)
                    ).scalars()
                    if seq is not None
                ),
                default=0,
            )
            w.day_closes.add(
                DayClose(
                    business_date=day,
                    currency=currency,
                    closed_at=closed_at,
                    closed_by_id=None,
                    closed_by_name="Morgan",
                    card_net=0,
                    cash_expected=0,
                    cash_counted=0,
                    report_json="{}",
                    covered_seq=covered,
                )
            )
            w.commit()
