"""Creating bookings and reading them back for the day view."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.errors import FormErrors, NotFoundError, ValidationError
from pos_app.domain.money import parse_money, validate_chargeable
from pos_app.domain.payment import Payment, Refund
from pos_app.services.context import Deps
from pos_app.services.ids import new_id

log = logging.getLogger(__name__)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{6,20}$")


@dataclass(frozen=True)
class BookingRequest:
    """What the New booking form (or the CLI) sends, as typed."""

    customer_name: str
    service_id: str
    starts_at: datetime | None
    price_text: str | None = None  # None → the service's list price
    customer_email: str = ""
    customer_phone: str = ""


@dataclass(frozen=True)
class BookingDetail:
    """A booking with its payments and refunds, for the detail panel and `status`."""

    booking: Booking
    payments: list[Payment]
    refunds: list[Refund]


class BookingService:
    """Book a slot; list and show bookings."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    def create(self, request: BookingRequest) -> Booking:
        """Validate the form and save the booking, or raise FormErrors and save nothing."""
        errors: dict[str, str] = {}
        name = " ".join(request.customer_name.split())
        if not name:
            errors["customer_name"] = "Enter the customer's name."
        elif len(name) > 200:
            errors["customer_name"] = "The name is too long (200 characters at most)."
        email = request.customer_email.strip()
        if email and not _EMAIL.match(email):
            errors["customer_email"] = (
                "Enter an email address like name@example.com, or leave it empty."
            )
        phone = request.customer_phone.strip()
        if phone and not _PHONE.match(phone):
            errors["customer_phone"] = "Enter a phone number with digits only, or leave it empty."
        now = self._d.clock.now()
        if request.starts_at is None:
            errors["starts_at"] = "Choose a date and time."
        elif request.starts_at.tzinfo is None:
            raise ValueError("starts_at must be timezone-aware")
        elif request.starts_at < now.replace(second=0, microsecond=0):
            errors["starts_at"] = "That time is in the past. Choose a time from now on."

        with self._d.uow(write=True) as uow:
            service = uow.services.get(request.service_id)
            price = None
            if service is None or not service.active:
                errors["service_id"] = "Choose a service."
            else:
                try:
                    if request.price_text is None or not request.price_text.strip():
                        price = service.price
                    else:
                        price = parse_money(request.price_text, service.currency)
                    validate_chargeable(price)
                except ValidationError as err:
                    errors["price"] = err.message
            if errors:
                raise FormErrors(errors)
            assert service is not None and price is not None and request.starts_at is not None
            booking = Booking(
                id=new_id("bk"),
                customer_name=name,
                customer_email=email or None,
                customer_phone=phone or None,
                service_id=service.id,
                service_name=service.name,
                starts_at=request.starts_at,
                ends_at=request.starts_at + timedelta(minutes=service.duration_minutes),
                price_amount=price.amount,
                currency=price.currency,
                created_at=now,
                status=BookingStatus.NEW,
            )
            uow.bookings.add(booking)
            uow.commit()
        log.info(
            "booking.created booking=%s service=%s amount=%s %s",
            booking.id,
            service.id,
            price.amount,
            price.currency,
        )
        return booking

    def list_day(self, day: date) -> list[Booking]:
        """Bookings that start on ``day`` in the business's time zone."""
        tz = self._d.policy.timezone
        start = datetime.combine(day, time(0), tzinfo=tz)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
        with self._d.uow() as uow:
            return uow.bookings.between(start, end)

    def today(self) -> date:
        """Today's date in the business's time zone."""
        return self._d.clock.now().astimezone(self._d.policy.timezone).date()

    def detail(self, booking_id: str) -> BookingDetail:
        """A booking with its payments and refunds, or NotFoundError."""
        with self._d.uow() as uow:
            booking = uow.bookings.get(booking_id)
            if booking is None:
                raise NotFoundError(f"There is no booking {booking_id}.")
            return BookingDetail(
                booking, uow.payments.for_booking(booking_id), uow.refunds.for_booking(booking_id)
            )
