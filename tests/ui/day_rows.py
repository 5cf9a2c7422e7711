"""Plain bookings for the day table's tests: one shape, numbered, ``step`` minutes apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pos_app.domain.booking import Booking


def plain_booking(
    n: int, *, day: int = 1, step: int = 15, prefix: str = "bk", **fields: Any
) -> Booking:
    """Booking ``n`` of 2030-06-``day``: a 30-minute haircut for $35.00, ``fields`` changed."""
    start = datetime(2030, 6, day, 8, 0, tzinfo=UTC) + timedelta(minutes=step * n)
    values: dict[str, Any] = {
        "id": f"{prefix}_{n:03d}",
        "customer_name": f"Customer {n}",
        "service_id": "svc_haircut",
        "service_name": "Haircut",
        "starts_at": start,
        "ends_at": start + timedelta(minutes=30),
        "price_amount": 3500,
        "currency": "usd",
        "created_at": start,
        "customer_email": f"c{n}@example.com",
    }
    values.update(fields)
    return Booking(**values)
