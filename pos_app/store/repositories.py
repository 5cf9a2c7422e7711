"""SQLAlchemy implementations of the domain's repository and unit-of-work ports."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from types import TracebackType
from typing import Self

from sqlalchemy import Engine, exists, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from pos_app.domain.booking import Booking, Service
from pos_app.domain.errors import DuplicateError, SlotTakenError
from pos_app.domain.gateway_types import StripeCustomerLink
from pos_app.domain.people import Customer, Resource, User
from pos_app.domain.ports import (
    AuditLog,
    BookingRepository,
    CustomerRepository,
    DayCloseRepository,
    EventLog,
    OrderReportQueries,
    OrderRepository,
    PaymentRepository,
    PinAttemptRepository,
    ProductRepository,
    PromoCodeRepository,
    RefundRepository,
    ReportQueries,
    ResourceRepository,
    ServiceRepository,
    UserRepository,
)
from pos_app.domain.reports import DayClose
from pos_app.store import change_notes, money_order, retention_queries
from pos_app.store.audit_log import SqlAuditLog, contains
from pos_app.store.mapping import map_domain
from pos_app.store.money_repo import SqlPaymentRepository, SqlRefundRepository
from pos_app.store.order_report_queries import SqlOrderReportQueries
from pos_app.store.orders_repo import SqlOrderRepository
from pos_app.store.pin_attempts import SqlPinAttemptRepository
from pos_app.store.products_repo import SqlProductRepository, SqlPromoCodeRepository
from pos_app.store.report_queries import SqlReportQueries
from pos_app.store.schema import (
    bookings,
    customers,
    day_closes,
    processed_events,
    resources,
    services,
    settings,
    users,
    webhook_deliveries,
)


class SqlServiceRepository:
    """The catalogue in SQL."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def list(self, *, active_only: bool = True) -> list[Service]:
        """Services by name."""
        q = select(Service).order_by(services.c.name)
        if active_only:
            q = q.where(services.c.active.is_(True))
        return list(self._s.scalars(q))

    def get(self, service_id: str) -> Service | None:
        """One service, or None."""
        return self._s.get(Service, service_id)

    def add(self, service: Service) -> None:
        """Add a new service."""
        self._s.add(service)


class SqlBookingRepository:
    """Bookings in SQL."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, booking_id: str, *, for_update: bool = False) -> Booking | None:
        """One booking; ``for_update`` locks its row (PostgreSQL) and reads it afresh."""
        return self._s.get(
            Booking, booking_id, with_for_update=for_update or None, populate_existing=for_update
        )

    def add(self, booking: Booking) -> None:
        """Add a new booking."""
        self._s.add(booking)

    def between(self, start: datetime, end: datetime) -> list[Booking]:
        """Bookings starting in [start, end), earliest first."""
        q = (
            select(Booking)
            .where(bookings.c.starts_at >= start, bookings.c.starts_at < end)
            .order_by(bookings.c.starts_at, bookings.c.id)
        )
        return list(self._s.scalars(q))

    def overlapping(
        self, resource_id: str, start: datetime, end: datetime, *, exclude_id: str | None = None
    ) -> list[Booking]:
        """Bookings holding ``resource_id`` at some moment in [start, end), earliest first."""
        q = select(Booking).where(
            bookings.c.resource_id == resource_id,
            bookings.c.holds_slot.is_(True),
            bookings.c.starts_at < end,
            bookings.c.ends_at > start,
        )
        if exclude_id is not None:
            q = q.where(bookings.c.id != exclude_id)
        return list(self._s.scalars(q.order_by(bookings.c.starts_at)))

    def for_customer(self, customer_id: str, *, limit: int = 100) -> list[Booking]:
        """A customer's bookings, newest first."""
        q = (
            select(Booking)
            .where(bookings.c.customer_id == customer_id)
            .order_by(bookings.c.starts_at.desc())
            .limit(limit)
        )
        return list(self._s.scalars(q))

    def flush(self) -> None:
        """Flush now; the database's double-booking guard becomes SlotTakenError (and a second
        customer with one email DuplicateError)."""
        try:
            self._s.flush()
        except IntegrityError as err:
            if is_slot_taken(err):
                raise SlotTakenError("That time is already taken.") from err
            if (rule := duplicate_rule(err)) is not None:
                raise DuplicateError("Another station has just saved the same.", rule) from err
            raise


def topic_lock_key(topic: str) -> int:
    """The advisory lock key of a serialized topic: 64 signed bits of its name's hash."""
    digest = hashlib.blake2b(f"pos-app:{topic}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


# Unique indexes whose refusal is a rule the services put in words: index name → rule.
UNIQUE_RULES = {"ux_customers_email_lower": "customer_email"}


def duplicate_rule(err: IntegrityError) -> str | None:
    """The rule (UNIQUE_RULES) the database refused a row for; None for any other refusal.
    Both databases name the index in the message."""
    text = str(err.orig)
    return next((rule for index, rule in UNIQUE_RULES.items() if index in text), None)


def is_slot_taken(err: IntegrityError) -> bool:
    """Whether the database refused a booking because its resource is busy then."""
    text = str(err.orig)
    return "slot_taken" in text


class SqlResourceRepository:
    """Staff members and rooms in SQL."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def list(self, *, active_only: bool = True) -> list[Resource]:
        """Resources in display order."""
        q = select(Resource).order_by(resources.c.position, resources.c.name)
        if active_only:
            q = q.where(resources.c.active.is_(True))
        return list(self._s.scalars(q))

    def get(self, resource_id: str) -> Resource | None:
        """One resource, or None."""
        return self._s.get(Resource, resource_id)

    def add(self, resource: Resource) -> None:
        """Add a new resource."""
        self._s.add(resource)


class SqlUserRepository:
    """Accounts in SQL."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def list(self, *, active_only: bool = True) -> list[User]:
        """Accounts by name."""
        q = select(User).order_by(users.c.name)
        if active_only:
            q = q.where(users.c.active.is_(True))
        return list(self._s.scalars(q))

    def get(self, user_id: str, *, for_update: bool = False) -> User | None:
        """One account; ``for_update`` locks its row (PostgreSQL) and reads it afresh."""
        return self._s.get(
            User, user_id, with_for_update=for_update or None, populate_existing=for_update
        )

    def add(self, user: User) -> None:
        """Add a new account."""
        self._s.add(user)

    def count(self) -> int:
        """How many accounts exist, active or not."""
        return int(self._s.execute(select(func.count()).select_from(users)).scalar_one())


class SqlCustomerRepository:
    """Customers in SQL."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, customer_id: str) -> Customer | None:
        """One customer, or None."""
        return self._s.get(Customer, customer_id)

    def add(self, customer: Customer) -> None:
        """Add a new customer."""
        self._s.add(customer)

    def search(self, text: str, *, limit: int = 20) -> list[Customer]:
        """Customers whose name, email or phone contains every word typed, by name."""
        q = select(Customer)
        for word in text.casefold().split():
            digits = "".join(ch for ch in word if ch.isdigit())
            # "555-0100" or "(555)" is a piece of a phone number: match its digits.
            needle = digits if digits and not word.strip("+-().0123456789") else word
            q = q.where(customers.c.search_key.like(contains(needle), escape="\\"))
        return list(self._s.scalars(q.order_by(customers.c.name).limit(limit)))

    def by_email(self, email: str) -> Customer | None:
        """The customer with this email (case-insensitive), if any."""
        q = select(Customer).where(func.lower(customers.c.email) == email.casefold())
        return self._s.scalars(q).first()

    def add_or_same_email(self, customer: Customer) -> Customer:
        """Add a new customer and write it now; when another station has just added one with
        the same email (the unique index refuses this one), that customer instead."""
        try:
            with self._s.begin_nested():  # a refusal undoes only this insert
                self._s.add(customer)
        except IntegrityError as err:
            # On PostgreSQL the insert waited for the other station's commit: its row is
            # visible to the next statement.
            found = self.by_email(customer.email or "") if duplicate_rule(err) else None
            if found is None:
                raise
            return found
        return customer

    def stripe_customer(self, customer_id: str) -> StripeCustomerLink | None:
        """The customer's Stripe Customer key, request and id (None: none asked for yet)."""
        c = customers.c
        columns = (c.stripe_customer_key, c.stripe_customer_request, c.stripe_customer_id)
        row = self._s.execute(
            select(*columns, c.stripe_customer_synced).where(c.id == customer_id)
        ).first()
        if row is None or row[0] is None or row[1] is None:
            return None
        return StripeCustomerLink(row[0], row[1], row[2], row[3])

    def claim_stripe_customer(
        self, customer_id: str, idempotency_key: str, request: str
    ) -> StripeCustomerLink | None:
        """Store the key and request unless the row has them (one statement: two stations
        claiming at once end with one key); the row's link after."""
        c = customers.c
        self._s.execute(
            update(customers)
            .where(c.id == customer_id, c.stripe_customer_key.is_(None))
            .values(stripe_customer_key=idempotency_key, stripe_customer_request=request)
        )
        return self.stripe_customer(customer_id)

    def set_stripe_customer_id(self, customer_id: str, stripe_id: str) -> None:
        """Store Stripe's id for the customer, unless one is stored already."""
        c = customers.c
        self._s.execute(
            update(customers)
            .where(c.id == customer_id, c.stripe_customer_id.is_(None))
            .values(stripe_customer_id=stripe_id, stripe_customer_synced=c.stripe_customer_request)
        )

    def claim_stripe_customer_update(
        self, customer_id: str, applied: str, idempotency_key: str, request: str
    ) -> StripeCustomerLink | None:
        """Store an update's key and request unless the row moved on from ``applied``."""
        c = customers.c
        self._s.execute(
            update(customers)
            .where(c.id == customer_id, c.stripe_customer_request == applied)
            .values(stripe_customer_key=idempotency_key, stripe_customer_request=request)
        )
        return self.stripe_customer(customer_id)

    def set_stripe_customer_synced(self, customer_id: str, request: str) -> None:
        """Record that Stripe applied ``request``, if it is still the row's request."""
        c = customers.c
        self._s.execute(
            update(customers)
            .where(c.id == customer_id, c.stripe_customer_request == request)
            .values(stripe_customer_synced=request)
        )

    def forget_stripe_customer(self, customer_id: str, stripe_id: str) -> None:
        """Clear the row's Stripe Customer if its id is still ``stripe_id``."""
        c = customers.c
        self._s.execute(
            update(customers)
            .where(c.id == customer_id, c.stripe_customer_id == stripe_id)
            .values(
                stripe_customer_key=None,
                stripe_customer_request=None,
                stripe_customer_id=None,
                stripe_customer_synced=None,
            )
        )


class SqlDayCloseRepository:
    """Closed days in SQL (the database refuses updates and deletes)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, business_date: date, currency: str) -> DayClose | None:
        """The close of one day in one currency, or None."""
        return self._s.get(DayClose, (business_date, currency))

    def add(self, close: DayClose) -> None:
        """Record a close; it is written with the rest of the unit of work."""
        self._s.add(close)

    def between(self, start: date, end: date) -> list[DayClose]:
        """Closes of days in [start, end], oldest first."""
        q = (
            select(DayClose)
            .where(day_closes.c.business_date >= start, day_closes.c.business_date <= end)
            .order_by(day_closes.c.business_date, day_closes.c.currency)
        )
        return list(self._s.scalars(q))

    def hold_order(self) -> int:
        """Take the lock every writer of money takes; the last order number given."""
        return money_order.hold(self._s)

    def covers(self, since: date, seq: int) -> bool:
        """Whether the close of a day on or after ``since`` counted order number ``seq`` in
        its frozen report."""
        q = select(
            exists().where(day_closes.c.business_date >= since, day_closes.c.covered_seq >= seq)
        )
        return bool(self._s.execute(q).scalar())


class SqlEventLog:
    """Processed Stripe events and small key/value settings."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def mark_processed(self, event_id: str, event_type: str, processed_at: datetime) -> bool:
        """Insert the event id; a duplicate (even from another station) means already done."""
        try:
            with self._s.begin_nested():
                self._s.execute(
                    processed_events.insert().values(
                        event_id=event_id, type=event_type, processed_at=processed_at
                    )
                )
        except IntegrityError:
            return False
        return True

    def is_processed(self, event_id: str) -> bool:
        """Whether the event was already applied (here or by another station)."""
        q = select(processed_events.c.event_id).where(processed_events.c.event_id == event_id)
        return self._s.execute(q).first() is not None

    def record_delivery(
        self,
        *,
        received_at: datetime,
        event_id: str | None,
        event_type: str | None,
        outcome: str,
        detail: str,
    ) -> None:
        """Append one webhook delivery and its outcome."""
        self._s.execute(
            webhook_deliveries.insert().values(
                received_at=received_at,
                event_id=event_id,
                event_type=event_type,
                outcome=outcome,
                detail=detail[:2000],
            )
        )

    def prune_deliveries(
        self, *, events_before: datetime, rejected_before: datetime, limit: int
    ) -> int:
        """Delete up to ``limit`` deliveries past their window; how many went."""
        return retention_queries.prune_deliveries(
            self._s, events_before=events_before, rejected_before=rejected_before, limit=limit
        )

    def prune_processed(self, *, before: datetime, limit: int) -> int:
        """Delete up to ``limit`` processed-event ids older than ``before``; how many went."""
        return retention_queries.prune_processed(self._s, before=before, limit=limit)

    def get_setting(self, key: str) -> str | None:
        """A stored setting, or None."""
        return self._s.execute(
            select(settings.c.value).where(settings.c.key == key)
        ).scalar_one_or_none()

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting, replacing any earlier value."""
        updated = self._s.execute(
            settings.update().where(settings.c.key == key).values(value=value)
        )
        if updated.rowcount == 0:  # type: ignore[attr-defined]
            self._s.execute(settings.insert().values(key=key, value=value))


class SqlUnitOfWork:
    """One transaction over every repository."""

    session: Session
    services: ServiceRepository
    bookings: BookingRepository
    payments: PaymentRepository
    refunds: RefundRepository
    events: EventLog
    resources: ResourceRepository
    users: UserRepository
    customers: CustomerRepository
    audit: AuditLog
    day_closes: DayCloseRepository
    reports: ReportQueries
    order_reports: OrderReportQueries
    pin_attempts: PinAttemptRepository
    products: ProductRepository
    promo_codes: PromoCodeRepository
    orders: OrderRepository

    def __init__(self, factory: sessionmaker[Session], *, write: bool) -> None:
        self._factory = factory
        self._write = write

    def __enter__(self) -> Self:
        self.session = self._factory()
        if self._write:
            self.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        self.services = SqlServiceRepository(self.session)
        self.bookings = SqlBookingRepository(self.session)
        self.payments = SqlPaymentRepository(self.session)
        self.refunds = SqlRefundRepository(self.session)
        self.events = SqlEventLog(self.session)
        self.resources = SqlResourceRepository(self.session)
        self.users = SqlUserRepository(self.session)
        self.customers = SqlCustomerRepository(self.session)
        self.audit = SqlAuditLog(self.session)
        self.day_closes = SqlDayCloseRepository(self.session)
        self.reports = SqlReportQueries(self.session)
        self.order_reports = SqlOrderReportQueries(self.session)
        self.pin_attempts = SqlPinAttemptRepository(self.session)
        self.products = SqlProductRepository(self.session)
        self.promo_codes = SqlPromoCodeRepository(self.session)
        self.orders = SqlOrderRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            # Detach first: a rollback would expire every loaded object, and services hand
            # these objects to callers (and other threads) after the block ends.
            self.session.expunge_all()
            self.session.rollback()
        finally:
            self.session.close()

    def serialize(self, topic: str) -> None:
        """Wait for any other station's unit of work serialized on ``topic``; held until this
        one ends. Call it first, before reading what the rule checks.

        PostgreSQL: a transaction-level advisory lock (let go at commit or rollback, or when
        a station's connection drops). SQLite: a writing unit of work already holds the
        database's only write lock, so there is nothing more to take.
        """
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(
                text("SELECT pg_advisory_xact_lock(:k)"), {"k": topic_lock_key(topic)}
            )

    def commit(self) -> None:
        """Make the work permanent; a double booking caught by the database is SlotTakenError,
        a unique rule it enforces (UNIQUE_RULES) DuplicateError."""
        try:
            self.session.commit()
        except IntegrityError as err:
            if is_slot_taken(err):
                raise SlotTakenError("That time is already taken.") from err
            if (rule := duplicate_rule(err)) is not None:
                raise DuplicateError("Another station has just saved the same.", rule) from err
            raise


class SqlUnitOfWorkFactory:
    """Opens units of work on one engine."""

    def __init__(self, engine: Engine) -> None:
        map_domain()
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)
        money_order.install(self._factory)
        change_notes.install(self._factory)  # every commit tells the other stations

    def __call__(self, *, write: bool = False) -> SqlUnitOfWork:
        """A new unit of work."""
        return SqlUnitOfWork(self._factory, write=write)
