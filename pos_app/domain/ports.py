"""Interfaces the services need from the outside world; adapters implement them."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from types import TracebackType
from typing import Protocol, Self

from pos_app.domain.audit import AuditAction, AuditEntry
from pos_app.domain.booking import Booking, Service
from pos_app.domain.gateway_types import (
    BalanceTransactionInfo,
    ChargeDetails,
    ChargeInfo,
    CheckoutLineItemInfo,
    CheckoutRequest,
    CheckoutSessionInfo,
    CustomerRequest,
    EventPage,
    PaymentIntentInfo,
    PermissionCheck,
    RefundInfo,
    RefundRequest,
    StripeCustomerLink,
)
from pos_app.domain.order_report import OrderFigures
from pos_app.domain.orders import Order
from pos_app.domain.payable import OrderMoney, RefundLine
from pos_app.domain.payment import Payment, Refund
from pos_app.domain.people import Customer, Resource, User
from pos_app.domain.products import Product, StockAdjustment
from pos_app.domain.promo import PromoCode
from pos_app.domain.report_data import ExportBatch, ExportRow, ReportWindow, SalesCell
from pos_app.domain.reports import DayClose
from pos_app.domain.sign_in import PinAttempts


class Clock(Protocol):
    """Source of the current time, always timezone-aware UTC."""

    def now(self) -> datetime: ...


class PaymentGateway(Protocol):
    """Stripe, seen from the services. Every mutation takes a key the caller stored first."""

    @property
    def mode(self) -> str:
        """'sandbox', 'test' or 'live'."""
        ...

    def server_clock_offset(self) -> float:
        """Seconds to add to the local clock to get Stripe's (from the last ``Date`` header)."""
        ...

    def create_checkout_session(
        self, request: CheckoutRequest, *, idempotency_key: str
    ) -> CheckoutSessionInfo: ...

    def retrieve_checkout_session(
        self, session_id: str, *, with_last_attempt: bool = False, with_charge: bool = False
    ) -> CheckoutSessionInfo:
        """The session now; ``with_last_attempt`` also reads its last declined card attempt,
        ``with_charge`` its PaymentIntent's charge details (fee and net), in the same call."""
        ...

    def open_checkout_sessions(self, *, pages: int) -> Iterator[CheckoutSessionInfo]:
        """The account's open sessions, newest first, as ``retrieve_checkout_session(...,
        with_last_attempt=True)`` reads each; at most ``pages`` calls of 100."""
        ...

    def expire_checkout_session(
        self, session_id: str, *, idempotency_key: str
    ) -> CheckoutSessionInfo: ...

    def find_checkout_session(
        self, *, metadata_key: str, metadata_value: str, created_after: datetime
    ) -> CheckoutSessionInfo | None:
        """The session created after ``created_after`` whose metadata has this key and value."""
        ...

    def list_checkout_line_items(self, session_id: str) -> list[CheckoutLineItemInfo]:
        """The session's line items as Stripe lists them, in the order they were sent."""
        ...

    def find_refund(
        self, *, payment_intent_id: str, metadata_key: str, metadata_value: str
    ) -> RefundInfo | None:
        """The refund on this PaymentIntent whose metadata has this key and value."""
        ...

    def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntentInfo: ...

    def set_receipt_email(
        self, payment_intent_id: str, email: str, *, idempotency_key: str
    ) -> PaymentIntentInfo:
        """Set the PaymentIntent's ``receipt_email``: Stripe then emails its receipt (in test
        mode only to the account's verified team members)."""
        ...

    def create_customer(self, request: CustomerRequest, *, idempotency_key: str) -> str:
        """Create a Stripe Customer (its receipts speak ``preferred_locales``); its id."""
        ...

    def update_customer(
        self, customer_id: str, request: CustomerRequest, *, idempotency_key: str
    ) -> None:
        """Set a Stripe Customer's email, name and ``preferred_locales``."""
        ...

    def retrieve_charge_details(self, payment_intent_id: str) -> ChargeDetails:
        """The PaymentIntent's latest charge with its balance transaction (fee, net)."""
        ...

    def create_refund(self, request: RefundRequest, *, idempotency_key: str) -> RefundInfo: ...

    def retrieve_refund(self, refund_id: str) -> RefundInfo: ...

    def list_events(
        self, *, types: Sequence[str], ending_before: str | None, limit: int
    ) -> EventPage:
        """Events newer than ``ending_before`` (all recent ones when None), newest first."""
        ...

    def list_charges(self, *, created_from: datetime, created_before: datetime) -> list[ChargeInfo]:
        """Every charge created in [created_from, created_before), all pages, newest first."""
        ...

    def list_refunds(self, *, created_from: datetime, created_before: datetime) -> list[RefundInfo]:
        """Every refund created in [created_from, created_before), all pages, newest first."""
        ...

    def list_balance_transactions(
        self, *, created_from: datetime, created_before: datetime
    ) -> list[BalanceTransactionInfo]:
        """Every balance transaction created in [created_from, created_before), all pages."""
        ...

    def check_permissions(self) -> list[PermissionCheck]:
        """Each permission the app needs, tried with a harmless call (see stripe_permissions)."""
        ...


class ServiceRepository(Protocol):
    """The catalogue."""

    def list(self, *, active_only: bool = True) -> list[Service]: ...
    def get(self, service_id: str) -> Service | None: ...
    def add(self, service: Service) -> None: ...


class BookingRepository(Protocol):
    """Bookings by id, day, resource and customer."""

    def get(self, booking_id: str, *, for_update: bool = False) -> Booking | None: ...
    def add(self, booking: Booking) -> None: ...
    def between(self, start: datetime, end: datetime) -> list[Booking]: ...

    def overlapping(
        self, resource_id: str, start: datetime, end: datetime, *, exclude_id: str | None = None
    ) -> list[Booking]:
        """Bookings holding ``resource_id`` at some moment in [start, end)."""
        ...

    def for_customer(self, customer_id: str, *, limit: int = 100) -> list[Booking]:
        """A customer's bookings, newest first."""
        ...

    def flush(self) -> None:
        """Send pending changes now, so the database's own rules run (may raise SlotTakenError)."""
        ...


class ResourceRepository(Protocol):
    """Staff members and rooms that bookings occupy."""

    def list(self, *, active_only: bool = True) -> list[Resource]: ...
    def get(self, resource_id: str) -> Resource | None: ...
    def add(self, resource: Resource) -> None: ...


class UserRepository(Protocol):
    """Accounts that sign in with a PIN."""

    def list(self, *, active_only: bool = True) -> list[User]: ...
    def get(self, user_id: str, *, for_update: bool = False) -> User | None: ...
    def add(self, user: User) -> None: ...
    def count(self) -> int: ...


class PinAttemptRepository(Protocol):
    """Wrong-PIN counts per station and subject (see ``domain.sign_in``)."""

    def for_update(self, station_id: str, subject: str) -> PinAttempts:
        """The count for (station, subject), created at zero if new, locked until commit."""
        ...

    def clear_subject(self, subject: str) -> None:
        """Forget every station's count for ``subject`` (its PIN was replaced)."""
        ...


class CustomerRepository(Protocol):
    """Customers, found by what the desk types."""

    def get(self, customer_id: str) -> Customer | None: ...
    def add(self, customer: Customer) -> None: ...
    def search(self, text: str, *, limit: int = 20) -> list[Customer]: ...
    def by_email(self, email: str) -> Customer | None: ...
    def add_or_same_email(self, customer: Customer) -> Customer: ...
    def stripe_customer(self, customer_id: str) -> StripeCustomerLink | None:
        """The customer's Stripe Customer key, request and id (None: none asked for yet)."""
        ...

    def claim_stripe_customer(
        self, customer_id: str, idempotency_key: str, request: str
    ) -> StripeCustomerLink | None:
        """Store ``idempotency_key`` and ``request`` unless the row has some already (another
        station's claim wins); the row's link after, None when the customer is gone."""
        ...

    def set_stripe_customer_id(self, customer_id: str, stripe_id: str) -> None:
        """Store the Stripe Customer's id, unless one is stored already."""
        ...

    def claim_stripe_customer_update(
        self, customer_id: str, applied: str, idempotency_key: str, request: str
    ) -> StripeCustomerLink | None:
        """Store an update's key and request unless the row's request is no longer
        ``applied`` (another station's update wins); the row's link after."""
        ...

    def set_stripe_customer_synced(self, customer_id: str, request: str) -> None:
        """Record that Stripe applied ``request`` (if it is still the row's request)."""
        ...

    def forget_stripe_customer(self, customer_id: str, stripe_id: str) -> None:
        """Clear the row's Stripe Customer (key, request, id) if its id is ``stripe_id``."""
        ...


class ProductRepository(Protocol):
    """Retail products; their stock changes only through ``change_stock`` (see domain.products)."""

    def list(self, *, active_only: bool = True) -> list[Product]: ...
    def get(self, product_id: str, *, for_update: bool = False) -> Product | None: ...

    def find(self, name_or_sku: str) -> Product | None:
        """The product with this name or SKU, in any case (active or not), or None."""
        ...

    def add(self, product: Product, *, created_at: datetime) -> None: ...

    def update(self, product: Product) -> None:
        """Write everything but the stock (name, SKU, price, tax rate, threshold, active)."""
        ...

    def change_stock(self, product_id: str, change: int) -> int | None:
        """Add ``change`` (negative: take) in one conditional UPDATE that never takes the
        stock below zero; the stock after it, or None when there was not enough."""
        ...

    def record(self, adjustment: StockAdjustment) -> int:
        """Append one stock adjustment (its ``seq`` is ignored); the number it was given."""
        ...

    def adjustments(self, product_id: str, *, limit: int = 100) -> builtins.list[StockAdjustment]:
        """A product's stock adjustments, newest first."""
        ...


class PromoCodeRepository(Protocol):
    """Promo codes; a use is counted only through ``take_use``."""

    def list(self) -> list[PromoCode]: ...
    def by_code(self, code: str) -> PromoCode | None: ...
    def add(self, promo: PromoCode, *, created_at: datetime) -> None: ...

    def set_active(self, promo_id: str, active: bool) -> bool:
        """Switch a code on or off; False when there is no such code."""
        ...

    def take_use(self, promo_id: str) -> int | None:
        """Count one use in one conditional UPDATE (active, and a use left); the uses
        after it, or None when none was left."""
        ...

    def give_back_use(self, promo_id: str) -> None:
        """Uncount one use (the order that took it was never paid)."""
        ...


class OrderRepository(Protocol):
    """Orders with their lines; written once, whole (see domain.orders)."""

    def add(self, order: Order) -> int:
        """Insert the order and its lines; the number the database gave it."""
        ...

    def get(self, order_id: str, *, for_update: bool = False) -> Order | None: ...

    def for_booking(self, booking_id: str) -> Order | None:
        """The order a booking owns, or None."""
        ...

    def part_paid_walk_ins(self, limit: int) -> list[str]:
        """Ids of walk-in orders still open with something paid, oldest first, ≤ ``limit``."""
        ...

    def set_money(self, order_id: str, *, paid: int, refunded: int, status: str) -> None:
        """Store the order's money summary and status (ledger.recompute's to write)."""
        ...

    def claim_stock(self, order_id: str) -> bool:
        """Mark the order's stock taken; False when it already was (take it once)."""
        ...

    def ensure_for_booking(self, booking_id: str) -> str:
        """The id of the booking's order, giving a booking stored without one its order."""
        ...

    def add_refund_lines(self, refund_id: str, lines: Sequence[RefundLine]) -> None:
        """Say which lines a refund gives back, and which go back on the shelf."""
        ...

    def refunded_quantities(self, order_id: str) -> dict[int, int]:
        """How many of each line (by position) refunds holding money give back."""
        ...

    def claim_restock(self, order_id: str) -> list[tuple[str, RefundLine]]:
        """The succeeded refunds' lines still to go back on the shelf, marked done."""
        ...

    def money(self, order_id: str) -> OrderMoney:
        """The order's stored money summary, claim and promo flag."""
        ...

    def set_claim(self, order_id: str, claim: str | None, until: datetime | None) -> None:
        """Store the order's "cash is being taken" claim (None ends it)."""
        ...

    def mark_promo_use(self, order_id: str, *, taken: bool) -> bool:
        """Flip the order's promo flag to ``taken``; False when it already was."""
        ...

    def void(self, order_id: str) -> bool:
        """Void an open order with nothing paid; False when it was not."""

    def mark_paid(self, order_id: str, *, at: datetime) -> bool:
        """Record once that the order is paid in full: the database's next money order
        number and its payment's time (``at`` when none is stored); False when it was."""
        ...

    def replace_lines(self, order: Order) -> None:
        """Store an unpaid order's new lines and figures (add-ons), in place of the old."""
        ...


@dataclass(frozen=True)
class AuditQuery:
    """A filter over the audit log; None means any."""

    start: datetime | None = None
    end: datetime | None = None
    actor_id: str | None = None
    actions: frozenset[AuditAction] | None = None
    booking_id: str | None = None
    text: str | None = None
    limit: int = 500


class ReportQueries(Protocol):
    """Sales figures summed by the database, for the local business days of a window.

    A payment counts on the local day of its ``paid_at``, a refund on that of its
    ``created_at``; one the database recorded after its own day was closed (a higher order
    number than the close's; a day is closed for all currencies at once) is an adjustment
    and counts on a later open day: that of its ``recorded_at``, the day after its own, or
    the day after the last day closed before it was recorded, whichever is latest.
    """

    def sales(self, window: ReportWindow) -> list[SalesCell]:
        """Succeeded payments and refunds grouped by currency, service, staff, method, hour."""
        ...

    def conversion(self, window: ReportWindow, *, frozen: bool = True) -> dict[str, int]:
        """Card payment links created in the window, counted by PaymentStatus value (a
        settled closed day's from its frozen counts when ``frozen``, else all live)."""
        ...

    def freeze_links(self, day: date, tz: tzinfo, now: datetime) -> bool:
        """Freeze closed ``day``'s link counts unless one of its links is still open; True
        when they are frozen (now or before)."""
        ...

    def unfrozen_closed_days(self, before: date | None, limit: int) -> list[date]:
        """Closed days (before ``before``) whose link counts are not frozen, newest first."""
        ...

    def export_rows(self, window: ReportWindow) -> Iterator[ExportRow]:
        """Every succeeded payment and refund of the window, by time; streamed, not loaded."""
        ...

    def export_csv(self, window: ReportWindow, zone: str) -> Iterator[ExportBatch]:
        """The same rows as ``export_rows`` with every CSV cell made by the database (times
        in ``zone``, named ``zone`` in its column), in batches; streamed, not loaded."""
        ...

    def unkept_export_days(self, window: ReportWindow, zone: str) -> list[date]:
        """The closed days of the window whose CSV lines are not kept yet."""
        ...

    def keep_export_days(self, window: ReportWindow, zone: str) -> int:
        """Make and keep the CSV lines of the window's closed days not kept yet (a writing
        unit of work, committed by the caller); how many days were kept (0: not now)."""
        ...


class DayCloseRepository(Protocol):
    """Closed business days (Z reports); written once, never changed."""

    def get(self, business_date: date, currency: str) -> DayClose | None: ...
    def add(self, close: DayClose) -> None: ...

    def between(self, start: date, end: date) -> list[DayClose]:
        """Closes of days in [start, end] (inclusive), oldest first."""
        ...

    def hold_order(self) -> int:
        """Take the lock every writer of money takes, until the transaction ends, and return
        the last order number given to recorded money (all of it committed)."""
        ...

    def covers(self, since: date, seq: int) -> bool:
        """Whether the close of a day on or after ``since`` counted the money numbered
        ``seq`` in its frozen report."""
        ...


class AuditLog(Protocol):
    """The append-only record of money actions and who took them."""

    def append(self, entry: AuditEntry) -> None: ...
    def query(self, query: AuditQuery) -> list[AuditEntry]:
        """Matching entries, newest first."""
        ...


class PaymentRepository(Protocol):
    """Payments by id, booking, Stripe id and state."""

    def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None: ...
    def add(self, payment: Payment) -> None: ...
    def for_booking(self, booking_id: str) -> list[Payment]: ...
    def for_order(self, order_id: str) -> list[Payment]: ...
    def by_session_id(self, session_id: str) -> Payment | None: ...
    def by_payment_intent_id(self, payment_intent_id: str) -> Payment | None: ...
    def unsettled(self) -> list[Payment]: ...
    def creating(self) -> list[Payment]: ...
    def holds_ended(self, now: datetime) -> list[Payment]: ...
    def missing_charge_details(self) -> list[Payment]: ...

    def card_paid_between(self, start: datetime, end: datetime) -> list[Payment]:
        """Succeeded card payments whose ``paid_at`` is in [start, end), oldest first."""
        ...


class RefundRepository(Protocol):
    """Refunds by id, booking, payment and state."""

    def get(self, refund_id: str, *, for_update: bool = False) -> Refund | None: ...
    def add(self, refund: Refund) -> None: ...
    def for_booking(self, booking_id: str) -> list[Refund]: ...
    def for_order(self, order_id: str) -> list[Refund]: ...
    def for_payment(self, payment_id: str) -> list[Refund]: ...
    def by_stripe_id(self, stripe_refund_id: str) -> Refund | None: ...
    def unsettled(self) -> list[Refund]: ...

    def succeeded_since(self, since: datetime) -> list[Refund]:
        """Refunds sent to Stripe and succeeded, asked for at or after ``since``."""
        ...

    def created_between(self, start: datetime, end: datetime) -> list[Refund]:
        """Refunds asked for in [start, end), in any state, oldest first."""
        ...


class EventLog(Protocol):
    """Which Stripe events were already processed, and the polling cursor."""

    def mark_processed(self, event_id: str, event_type: str, processed_at: datetime) -> bool:
        """Record the event; False if it was already recorded (then do nothing)."""
        ...

    def is_processed(self, event_id: str) -> bool: ...

    def record_delivery(
        self,
        *,
        received_at: datetime,
        event_id: str | None,
        event_type: str | None,
        outcome: str,
        detail: str,
    ) -> None:
        """Keep one webhook delivery and what became of it, for support."""
        ...

    def prune_deliveries(
        self, *, events_before: datetime, rejected_before: datetime, limit: int
    ) -> int:
        """Delete up to ``limit`` deliveries: naming an event and older than
        ``events_before``, or naming none and older than ``rejected_before``."""
        ...

    def prune_processed(self, *, before: datetime, limit: int) -> int:
        """Delete up to ``limit`` processed-event ids older than ``before``."""
        ...

    def get_setting(self, key: str) -> str | None: ...
    def set_setting(self, key: str, value: str) -> None: ...


class OrderReportQueries(Protocol):
    """The orders' figures of a window (docs/orders.md 4.5: an order counts on the business
    day it became paid in full, decided by the database's order of money)."""

    def figures(self, window: ReportWindow) -> dict[str, OrderFigures]:
        """Tips, discounts, tax, lines, tips by staff and promo codes per currency."""
        ...


class UnitOfWork(Protocol):
    """One database transaction; leaving the block without ``commit()`` rolls back."""

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

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...
    def serialize(self, topic: str) -> None:
        """Wait until no other unit of work serialized on ``topic`` is open (held until this
        one ends): a rule the service checks by reading, then writing, holds across stations."""
        ...


class UnitOfWorkFactory(Protocol):
    """Opens a unit of work; ``write=True`` takes the write lock up front (no lost updates)."""

    def __call__(self, *, write: bool = False) -> UnitOfWork: ...
