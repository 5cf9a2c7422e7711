"""Bookings: create, move, cancel, mark as no-show, and read them back for the day view.

Two bookings may not hold one staff member or room at the same time. The service checks
inside its write transaction and names the booking in the way; the database refuses the
overlap too (triggers on SQLite, an exclusion constraint on PostgreSQL), which catches what
a check cannot: another station committing between our check and our commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pos_app.domain import locale_format as lf
from pos_app.domain.audit import AuditAction, Day, Detail, DetailValue
from pos_app.domain.booking import CLOSING_CLAIM, Booking, BookingStatus
from pos_app.domain.booking_display import NOT_REFUNDED
from pos_app.domain.dates import check_days, instant_problem
from pos_app.domain.eligibility import can_cancel, can_mark_no_show, can_move
from pos_app.domain.errors import (
    FormErrors,
    InvalidStateError,
    NotFoundError,
    SlotTakenError,
    ValidationError,
)
from pos_app.domain.money import Money, parse_money, validate_chargeable
from pos_app.domain.payment import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    ensure_none_processing,
)
from pos_app.domain.people import Resource, ResourceKind
from pos_app.domain.ports import UnitOfWork
from pos_app.i18n import N_
from pos_app.i18n import gettext as _
from pos_app.services import audit, ledger, locks, payables
from pos_app.services import booking_words as words
from pos_app.services.booking_orders import price_service, store_order
from pos_app.services.checkout import CheckoutService
from pos_app.services.context import Deps
from pos_app.services.customers import check_contact, find_or_add
from pos_app.services.ids import new_id

log = logging.getLogger(__name__)

PAST_TIME = N_("That time is in the past. Choose a time from now on.")
LINK_OPENED_MEANWHILE = N_(
    "A card payment link was opened for this booking meanwhile, so nothing was changed. "
    "Try again: open links are closed first."
)
CHANGED_MEANWHILE = N_(
    "The booking's payments changed at another station meanwhile, so nothing was changed. "
    "Check the booking, then try again."
)


@dataclass(frozen=True)
class BookingRequest:
    """What the New booking form (or the CLI) sends, as typed."""

    customer_name: str
    service_id: str
    starts_at: datetime | None
    price_text: str | None = None  # None → the service's list price
    customer_email: str = ""
    customer_phone: str = ""
    resource_id: str | None = None  # the staff member or room; None → anyone (unassigned)
    customer_id: str | None = None  # a customer chosen from the suggestions; None → by email


@dataclass(frozen=True)
class BookingDetail:
    """A booking with its payments and refunds, for the detail panel and `status`."""

    booking: Booking
    payments: list[Payment]
    refunds: list[Refund]
    resource: Resource | None = None


@dataclass(frozen=True)
class DaySheet:
    """One day for the schedule: the columns (active resources) and the day's bookings."""

    day: date
    resources: list[Resource]
    bookings: list[Booking]


@dataclass(frozen=True)
class _Closing:
    """What step 1 of a cancel or no-show stored and saw: the claim's id, the open links
    to close (decided under the lock), what was paid then."""

    id: str
    links: tuple[str, ...]
    paid_before: int


@dataclass(frozen=True)
class CancelOutcome:
    """A cancelled booking and what the desk should be told about its money."""

    booking: Booking
    kept: Money  # money received and not refunded
    message: str


class BookingService:
    """Book, move, cancel and no-show slots; list and show bookings."""

    def __init__(self, deps: Deps, *, checkout: CheckoutService) -> None:
        self._d = deps
        # Cancelling or moving a booking closes its open payment links (app.py wires it).
        self._checkout = checkout

    # -- create -------------------------------------------------------------------------

    def create(self, request: BookingRequest) -> Booking:
        """Validate the form and save the booking, or raise FormErrors / SlotTakenError and
        save nothing. The customer is linked (chosen, same email, same phone) or created."""
        contact, errors = check_contact(
            request.customer_name, request.customer_email, request.customer_phone
        )
        now = self._d.clock.now()
        if request.starts_at is None:
            errors["starts_at"] = _("Choose a date and time.")
        elif request.starts_at.tzinfo is None:
            raise ValueError("starts_at must be timezone-aware")
        elif request.starts_at < now.replace(second=0, microsecond=0):
            errors["starts_at"] = PAST_TIME
        elif outside := instant_problem(request.starts_at):
            errors["starts_at"] = outside

        with self._d.uow(write=True) as uow:
            service = uow.services.get(request.service_id)
            price = None
            if service is None or not service.active:
                errors["service_id"] = _("Choose a service.")
            else:
                try:
                    if request.price_text is None or not request.price_text.strip():
                        price = service.price
                    else:
                        price = parse_money(request.price_text, service.currency)
                    validate_chargeable(price)
                    # The booking's price is its order's total: with tax added, the tax too.
                    totals, tip_base = price_service(uow, service, price)
                    price = Money(totals.total, price.currency)
                    validate_chargeable(price)
                except ValidationError as err:
                    errors["price"] = err.message
            resource = self._resource(uow, request.resource_id, errors)
            customer = None
            if request.customer_id:
                customer = uow.customers.get(request.customer_id)
                if customer is None:
                    errors["customer_name"] = _("That customer no longer exists; search again.")
            if errors:
                raise FormErrors(errors)
            assert service is not None and price is not None and request.starts_at is not None
            starts = request.starts_at
            ends = starts + timedelta(minutes=service.duration_minutes)
            if resource is not None:
                self._ensure_free(uow, resource, starts, ends, exclude_id=None)
            if customer is None:
                customer = find_or_add(uow, contact, now=now)
                # No ORM relationship orders the inserts: write the customer row first.
                uow.bookings.flush()
            actor = self._d.desk.actor
            booking = Booking(
                id=new_id("bk"),
                customer_name=contact.name,
                customer_email=contact.email or None,
                customer_phone=contact.phone or None,
                service_id=service.id,
                service_name=service.name,
                starts_at=starts,
                ends_at=ends,
                price_amount=price.amount,
                currency=price.currency,
                created_at=now,
                status=BookingStatus.NEW,
                resource_id=resource.id if resource is not None else None,
                customer_id=customer.id,
                created_by=actor.id,
            )
            uow.bookings.add(booking)

            def add_order() -> None:
                uow.bookings.flush()  # the order refers to the booking's row
                store_order(uow, booking, totals, tip_base, actor)

            audit.record(
                uow,
                at=now,
                actor=actor,
                action=AuditAction.BOOKING_CREATED,
                booking_id=booking.id,
                amount=price.amount,
                currency=price.currency,
                detail=words.booked(service.name, contact.name, self._when(booking, resource)),
            )
            self._commit(uow, resource, starts, ends, booking.id, first=add_order)
        log.info(
            "booking.created booking=%s service=%s resource=%s customer=%s amount=%s %s",
            booking.id,
            service.id,
            booking.resource_id,
            booking.customer_id,
            price.amount,
            price.currency,
        )
        return booking

    # -- move, cancel, no-show ----------------------------------------------------------

    def move(self, booking_id: str, starts_at: datetime, resource_id: str | None) -> Booking:
        """Move a booking to another time and/or person; price and service stay as they are.

        Raises FormErrors (starts_at, resource_id), SlotTakenError naming the booking in the
        way, or InvalidStateError for cancelled and no-show bookings.
        """
        if starts_at.tzinfo is None:
            raise ValueError("starts_at must be timezone-aware")
        now = self._d.clock.now()
        with self._d.uow(write=True) as uow:
            booking = self._get(uow, booking_id, for_update=True)
            can_move(booking).ensure()
            errors: dict[str, str] = {}
            if starts_at < now.replace(second=0, microsecond=0):
                errors["starts_at"] = PAST_TIME
            elif outside := instant_problem(starts_at):
                errors["starts_at"] = outside
            resource = self._resource(uow, resource_id, errors)
            if errors:
                raise FormErrors(errors)
            ends = starts_at + (booking.ends_at - booking.starts_at)
            new_resource_id = resource.id if resource is not None else None
            if booking.starts_at == starts_at and booking.resource_id == new_resource_id:
                return booking  # nothing to do
            old = uow.resources.get(booking.resource_id) if booking.resource_id else None
            before = self._when(booking, old)
            if resource is not None:
                self._ensure_free(uow, resource, starts_at, ends, exclude_id=booking.id)
            booking.starts_at = starts_at
            booking.ends_at = ends
            booking.resource_id = new_resource_id
            audit.record(
                uow,
                at=now,
                actor=self._d.desk.actor,
                action=AuditAction.BOOKING_MOVED,
                booking_id=booking.id,
                detail=Detail(
                    "{before} → {after}", {"before": before, "after": self._when(booking, resource)}
                ),
            )
            self._commit(uow, resource, starts_at, ends, booking.id)
        log.info(
            "booking.moved booking=%s starts_at=%s resource=%s",
            booking.id,
            starts_at.isoformat(),
            new_resource_id,
        )
        return booking

    def cancel(self, booking_id: str) -> CancelOutcome:
        """Cancel a booking and free its slot; an open payment link is closed first.

        Money already received stays received (the outcome says so; refunds are separate).
        """

        def cancelled(uow: UnitOfWork, booking: Booking) -> None:
            booking.cancelled = True
            booking.holds_slot = False
            ledger.recompute(uow, booking)
            kept = booking.net_paid if booking.net_paid.amount > 0 else None
            audit.record(
                uow,
                at=self._d.clock.now(),  # after the links' closing entries
                actor=self._d.desk.actor,
                action=AuditAction.BOOKING_CANCELLED,
                booking_id=booking.id,
                amount=kept.amount if kept else None,
                currency=booking.currency if kept else None,
                detail=words.for_customer(booking, kept),
            )

        booking = self._close(
            booking_id, doing="cancelling", check=lambda b: can_cancel(b).ensure(), change=cancelled
        )
        kept = Money(max(booking.paid_amount - booking.refunded_amount, 0), booking.currency)
        message = "Booking cancelled; the time is free again."
        if kept.amount:
            message = f"Booking cancelled. {kept} was paid. {NOT_REFUNDED}"
        log.info("booking.cancelled booking=%s kept=%s %s", booking_id, kept.amount, kept.currency)
        return CancelOutcome(booking, kept, message)

    def no_show(self, booking_id: str) -> Booking:
        """Mark that the customer did not come (only once the start time has passed); the
        slot is freed and an open payment link is closed."""
        now = self._d.clock.now()

        def marked(uow: UnitOfWork, booking: Booking) -> None:
            booking.no_show = True
            booking.holds_slot = False
            ledger.recompute(uow, booking)
            audit.record(
                uow,
                at=self._d.clock.now(),  # after the links' closing entries
                actor=self._d.desk.actor,
                action=AuditAction.BOOKING_NO_SHOW,
                booking_id=booking.id,
                detail=words.for_customer(booking),
            )

        booking = self._close(
            booking_id,
            doing="marking a no-show",
            check=lambda b: can_mark_no_show(b, now).ensure(),
            change=marked,
        )
        log.info("booking.no_show booking=%s", booking_id)
        return booking

    # -- reading ------------------------------------------------------------------------

    def list_day(self, day: date, resource_id: str | None = None) -> list[Booking]:
        """Bookings that start on ``day`` in the business's time zone, earliest first;
        only those of ``resource_id`` when given."""
        start, end = self._day_bounds(day)
        with self._d.uow() as uow:
            rows = uow.bookings.between(start, end)
        if resource_id is not None:
            rows = [b for b in rows if b.resource_id == resource_id]
        return rows

    def day_sheet(self, day: date) -> DaySheet:
        """The day's bookings with the active resources (the schedule's columns), in one read.

        A resource made inactive still gets its column when it has bookings that day.
        """
        start, end = self._day_bounds(day)
        with self._d.uow() as uow:
            rows = uow.bookings.between(start, end)
            resources = uow.resources.list(active_only=False)
        used = {b.resource_id for b in rows}
        shown = [r for r in resources if r.active or r.id in used]
        return DaySheet(day, shown, rows)

    def today(self) -> date:
        """Today's date in the business's time zone."""
        return self._d.clock.now().astimezone(self._d.policy.timezone).date()

    def detail(self, booking_id: str) -> BookingDetail:
        """A booking with its payments, refunds and resource, or NotFoundError."""
        with self._d.uow() as uow:
            booking = self._get(uow, booking_id)
            resource = uow.resources.get(booking.resource_id) if booking.resource_id else None
            return BookingDetail(
                booking,
                uow.payments.for_booking(booking_id),
                uow.refunds.for_booking(booking_id),
                resource,
            )

    # -- internals ----------------------------------------------------------------------

    def _day_bounds(self, day: date) -> tuple[datetime, datetime]:
        check_days(day=day)
        tz = self._d.policy.timezone
        start = datetime.combine(day, time(0), tzinfo=tz)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
        return start, end

    @staticmethod
    def _get(uow: UnitOfWork, booking_id: str, *, for_update: bool = False) -> Booking:
        booking = uow.bookings.get(booking_id, for_update=for_update)
        if booking is None:
            raise NotFoundError(_("There is no booking {id}.").format(id=booking_id))
        return booking

    @staticmethod
    def _resource(
        uow: UnitOfWork, resource_id: str | None, errors: dict[str, str]
    ) -> Resource | None:
        if not resource_id:
            return None
        resource = uow.resources.get(resource_id)
        if resource is None or not resource.active:
            errors["resource_id"] = _("Choose someone who works here now, or Anyone.")
            return None
        return resource

    def _ensure_free(
        self,
        uow: UnitOfWork,
        resource: Resource,
        starts: datetime,
        ends: datetime,
        *,
        exclude_id: str | None,
    ) -> None:
        holders = uow.bookings.overlapping(resource.id, starts, ends, exclude_id=exclude_id)
        if holders:
            raise SlotTakenError(self._taken_sentence(resource, holders[0]), holders[0].id)

    def _commit(
        self,
        uow: UnitOfWork,
        resource: Resource | None,
        starts: datetime,
        ends: datetime,
        booking_id: str,
        first: Callable[[], None] | None = None,
    ) -> None:
        """Commit (after ``first``, whose flush may meet the guard too); when the database
        refuses a double booking (another station won the race after our check), name the
        booking that holds the slot."""
        # Plain copies: a failed commit expires every object the session loaded.
        held = None if resource is None else Resource(resource.id, resource.name, resource.kind)
        try:
            if first is not None:
                first()
            uow.commit()
        except SlotTakenError as err:
            if held is None:  # pragma: no cover - only resources are guarded
                raise
            with self._d.uow() as fresh:
                holders = fresh.bookings.overlapping(held.id, starts, ends, exclude_id=booking_id)
            if not holders:
                sentence = (
                    _("{name} was booked at that time a moment ago. Choose another time or room.")
                    if held.kind is ResourceKind.ROOM
                    else _(
                        "{name} was booked at that time a moment ago. "
                        "Choose another time or person."
                    )
                )
                raise SlotTakenError(sentence.format(name=held.name)) from err
            log.info("booking.slot_taken_at_commit resource=%s holder=%s", held.id, holders[0].id)
            raise SlotTakenError(self._taken_sentence(held, holders[0]), holders[0].id) from err

    def _taken_sentence(self, resource: Resource, holder: Booking) -> str:
        tz = self._d.policy.timezone
        start = holder.starts_at.astimezone(tz)
        end = holder.ends_at.astimezone(tz)
        sentence = (
            _(
                "{name} is already booked {start}–{end} for {customer} ({service}). "
                "Choose another time or room."
            )
            if resource.kind is ResourceKind.ROOM
            else _(
                "{name} is already booked {start}–{end} for {customer} ({service}). "
                "Choose another time or person."
            )
        )
        return sentence.format(
            name=resource.name,
            start=lf.clock(start),
            end=lf.clock(end),
            customer=holder.customer_name,
            service=holder.service_name,
        )

    def _when(self, booking: Booking, resource: Resource | None) -> Detail:
        """ "Sun 06 Dec 10:00–10:45 with Sam", said in the audit log's reader's language
        (the business's wall clock)."""
        local = booking.starts_at.astimezone(self._d.policy.timezone)
        end = booking.ends_at.astimezone(self._d.policy.timezone)
        values: dict[str, DetailValue] = {
            "day": Day(local.date(), "weekday_day_month"),
            "start": local.time().replace(second=0, microsecond=0),
            "end": end.time().replace(second=0, microsecond=0),
        }
        if resource is None:
            return Detail(N_("{day} {start}–{end} with anyone"), values)
        return Detail(N_("{day} {start}–{end} with {who}"), {**values, "who": resource.name})

    # -- closing a booking (cancel, no-show) ---------------------------------------------
    #
    # Closing a link is a call to Stripe, made outside the database's write lock, so the steps
    # are those of cash (services/cash.py):
    # 1. under the booking's lock: check, decide which links are open, and store a claim
    #    ("being closed"); while it stands no card link opens and no cash is taken;
    # 2. without a lock: expire exactly those links at Stripe (each with its stored key);
    # 3. under the lock again: record the change only if the claim is still ours, no link is
    #    open or processing, and nothing was paid meanwhile.
    # With no open link, steps 1 and 3 are one transaction and no claim is stored.

    def _close(
        self,
        booking_id: str,
        *,
        doing: str,
        check: Callable[[Booking], None],
        change: Callable[[UnitOfWork, Booking], None],
    ) -> Booking:
        """Close the booking's open links, then ``change`` it under its lock (the caller's
        cancel or no-show); InvalidStateError, with nothing changed, when it cannot."""
        claim = self._claim_closing(booking_id, check, change)
        if isinstance(claim, Booking):
            return claim  # nothing to close: changed in step 1
        try:
            for link_id in claim.links:
                view = self._checkout.cancel(link_id, detail=Detail(words.CLOSED_BEFORE[doing]))
                if view.status is PaymentStatus.SUCCEEDED:
                    raise InvalidStateError(_(words.JUST_PAID[doing]).format(amount=view.amount))
            return self._finish_closing(booking_id, claim, doing, check, change)
        except BaseException:
            locks.release_claim(self._d, booking_id, claim.id)
            raise

    def _claim_closing(
        self,
        booking_id: str,
        check: Callable[[Booking], None],
        change: Callable[[UnitOfWork, Booking], None],
    ) -> _Closing | Booking:
        """Step 1: the links to close and the claim; or, with none open, the change itself."""
        now = self._d.server_now()  # the lease runs on Stripe's clock, as holds do
        with self._d.uow(write=True) as uow:
            booking = self._get(uow, booking_id, for_update=True)
            check(booking)
            payable = payables.require(uow, booking_id, for_update=True)  # the order's claim
            payable.ensure_no_cash_claim(now)
            payments = uow.payments.for_order(payable.id)
            # A bank payment on its way may still pay the booking.
            ensure_none_processing(payments)
            links = tuple(
                p.id for p in payments if p.method is PaymentMethod.CARD and not p.status.is_final
            )
            if not links:
                change(uow, booking)
                uow.commit()
                return booking
            claim = _Closing(new_id(CLOSING_CLAIM), links, booking.paid_amount)
            # The same lease as cash's claim: one station at a time closes or takes cash.
            payable.claim_for_cash(claim.id, now)
            payables.save_claim(uow, payable)
            uow.commit()
        log.info("booking.closing booking=%s claim=%s links=%d", booking_id, claim.id, len(links))
        return claim

    def _finish_closing(
        self,
        booking_id: str,
        claim: _Closing,
        doing: str,
        check: Callable[[Booking], None],
        change: Callable[[UnitOfWork, Booking], None],
    ) -> Booking:
        """Step 3: under the lock, re-read everything; change the booking and end the claim."""
        with self._d.uow(write=True) as uow:
            booking = self._get(uow, booking_id, for_update=True)
            payable = payables.require(uow, booking_id, for_update=True)  # the order's claim
            if payable.cash_claim != claim.id:
                # Our lease lapsed and another station took the booking meanwhile.
                raise InvalidStateError(
                    payable.claim_sentence() if payable.cash_claim else CHANGED_MEANWHILE
                )
            payments = uow.payments.for_order(payable.id)
            ensure_none_processing(payments)
            if any(p.open_card_link for p in payments):
                raise InvalidStateError(LINK_OPENED_MEANWHILE)
            if booking.paid_amount > claim.paid_before:
                more = Money(booking.paid_amount - claim.paid_before, booking.currency)
                raise InvalidStateError(_(words.JUST_PAID[doing]).format(amount=more))
            check(booking)
            payable.release_cash_claim(claim.id)
            payables.save_claim(uow, payable)
            change(uow, booking)
            uow.commit()
        return booking
