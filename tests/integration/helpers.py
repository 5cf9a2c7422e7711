"""Small waits and bookings for the integration tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from pos_app.app import AppContext
from pos_app.domain.booking import Booking
from pos_app.services.bookings import BookingRequest

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
