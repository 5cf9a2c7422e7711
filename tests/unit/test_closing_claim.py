"""The claim a station takes to cancel a booking or mark a no-show: the cash claim's lease,
told in its own words to a station that tries to charge or take cash meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pos_app.domain.booking import (
    CASH_CLAIM_LEASE,
    CASH_IN_PROGRESS,
    CLOSING_CLAIM,
    CLOSING_IN_PROGRESS,
    Booking,
    BookingStatus,
)
from pos_app.domain.errors import InvalidStateError

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def _booking() -> Booking:
    return Booking(
        id="bk_1",
        customer_name="Ada Lovelace",
        service_id="svc_haircut",
        service_name="Haircut",
        starts_at=NOW,
        ends_at=NOW + timedelta(minutes=30),
        price_amount=3500,
        currency="usd",
        created_at=NOW,
        status=BookingStatus.NEW,
    )


@pytest.mark.parametrize(
    ("claim_id", "sentence"),
    [
        (f"{CLOSING_CLAIM}_3f2a", CLOSING_IN_PROGRESS),
        ("claim_3f2a", CASH_IN_PROGRESS),
        (f"x{CLOSING_CLAIM}_3f2a", CASH_IN_PROGRESS),  # the prefix, not a word inside
    ],
)
def test_a_standing_claim_says_what_it_is_doing(claim_id: str, sentence: str) -> None:
    booking = _booking()
    booking.claim_for_cash(claim_id, NOW)
    assert booking.claim_sentence() == sentence
    with pytest.raises(InvalidStateError) as shut:
        booking.ensure_no_cash_claim(NOW + CASH_CLAIM_LEASE - timedelta(seconds=1))
    assert shut.value.message == sentence
    with pytest.raises(InvalidStateError) as second:
        booking.claim_for_cash("claim_other", NOW)  # one station at a time, whatever it does
    assert second.value.message == sentence
    booking.ensure_no_cash_claim(NOW + CASH_CLAIM_LEASE)  # lapsed
