"""The narrow service protocols the day's dialogs take (only the calls they make).

The running app's context satisfies them as it is, so the shell hands it over unchanged;
a test can hand a small fake instead.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Protocol

from pos_app.domain.booking import Booking, Service
from pos_app.domain.people import Customer, Resource
from pos_app.services.bookings import BookingRequest, DaySheet
from pos_app.services.customers import CustomerDetail


class HasTimezone(Protocol):
    """The business's settings, as far as a dialog needs them."""

    @property
    def timezone(self) -> tzinfo:
        """Where the business's wall clock is."""
        ...


class BookingWriter(Protocol):
    """Booking calls the New booking form makes."""

    def create(self, request: BookingRequest) -> Booking:
        """Save a booking or raise FormErrors / SlotTakenError."""
        ...

    def day_sheet(self, day: date) -> DaySheet:
        """The day's bookings and resources (for the free-slot chips)."""
        ...


class BookingMover(Protocol):
    """The one booking call the Move dialog makes."""

    def move(self, booking_id: str, starts_at: datetime, resource_id: str | None) -> Booking:
        """Move a booking or raise SlotTakenError / FormErrors."""
        ...


class CatalogReader(Protocol):
    """What the day's dialogs read from the catalogue."""

    def list_services(self, include_inactive: bool = False) -> list[Service]:
        """Services by name."""
        ...

    def list_resources(self, include_inactive: bool = False) -> list[Resource]:
        """Staff and rooms in display order."""
        ...


class CustomerFinder(Protocol):
    """Customer calls the New booking form makes."""

    def search(self, text: str, limit: int = 20) -> list[Customer]:
        """Customers matching every word typed."""
        ...

    def detail(self, customer_id: str) -> CustomerDetail:
        """A customer with their history (for Book again's notes)."""
        ...

    def set_notes(self, customer_id: str, notes: str) -> Customer:
        """Replace a customer's notes or raise FormErrors."""
        ...


class BookingDesk(Protocol):
    """What the New booking form needs: bookings, the catalogue, customers, the time zone."""

    @property
    def bookings(self) -> BookingWriter:
        """Creates bookings and reads a day."""
        ...

    @property
    def catalog(self) -> CatalogReader:
        """Services and staff."""
        ...

    @property
    def customers(self) -> CustomerFinder:
        """Suggestions and notes."""
        ...

    @property
    def config(self) -> HasTimezone:
        """The business's time zone."""
        ...


class MoveDesk(Protocol):
    """What the Move dialog needs."""

    @property
    def bookings(self) -> BookingMover:
        """Moves bookings."""
        ...

    @property
    def catalog(self) -> CatalogReader:
        """Staff and rooms."""
        ...

    @property
    def config(self) -> HasTimezone:
        """The business's time zone."""
        ...
