"""The words and colours-status a booking is shown with (pos_app.domain.booking_display)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.booking_display import display_status, status_words


def _booking(**changes: object) -> Booking:
    base: dict[str, object] = {
        "id": "bk_1",
        "customer_name": "Maya Thompson",
        "service_id": "svc_haircut",
        "service_name": "Haircut",
        "starts_at": datetime(2026, 1, 5, 10, tzinfo=UTC),
        "ends_at": datetime(2026, 1, 5, 10, 30, tzinfo=UTC),
        "price_amount": 3500,
        "currency": "usd",
        "created_at": datetime(2026, 1, 5, 9, tzinfo=UTC),
    }
    base.update(changes)
    return Booking(**base)  # type: ignore[arg-type]


def test_a_booking_reads_its_status_label() -> None:
    assert status_words(_booking(status=BookingStatus.PAID, paid_amount=3500)) == "Paid"


def test_a_cancelled_booking_with_money_kept_says_how_much() -> None:
    booking = _booking(status=BookingStatus.PAID, paid_amount=3500, cancelled=True)
    assert status_words(booking) == "Cancelled · $35.00 kept"
    assert display_status(booking) is BookingStatus.CANCELLED


def test_one_cent_kept_is_still_money_kept() -> None:
    booking = _booking(status=BookingStatus.DEPOSIT_PAID, paid_amount=1, cancelled=True)
    assert status_words(booking) == "Cancelled · $0.01 kept"


def test_a_cancelled_booking_without_money_names_its_state() -> None:
    booking = _booking(status=BookingStatus.NEW, cancelled=True)
    assert status_words(booking) == "Cancelled · Not paid"


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (BookingStatus.NEW, BookingStatus.NO_SHOW),
        (BookingStatus.AWAITING_PAYMENT, BookingStatus.NO_SHOW),
        (BookingStatus.PAID, BookingStatus.PAID),  # paid, then didn't come: still paid
    ],
)
def test_a_no_show_is_shown_as_such_unless_money_came_in(
    status: BookingStatus, shown: BookingStatus
) -> None:
    assert display_status(_booking(status=status, no_show=True)) is shown


def test_every_status_has_its_own_glyph() -> None:
    from pos_app.domain.booking_display import STATUS_GLYPHS, status_glyph

    assert set(STATUS_GLYPHS) == set(BookingStatus)
    assert len(set(STATUS_GLYPHS.values())) == len(BookingStatus)
    assert status_glyph(BookingStatus.PAID) == "✓"
