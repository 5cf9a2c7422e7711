"""Which payments are an open link (domain.payment): the one rule the cash, booking,
checkout, ledger and order services ask, instead of each listing the statuses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus

OPEN = {PaymentStatus.CREATING, PaymentStatus.OPEN}  # being made, or the customer may pay


@pytest.mark.parametrize("status", list(PaymentStatus))
def test_a_link_is_open_while_being_made_or_payable_only(status: PaymentStatus) -> None:
    # PROCESSING is not final but no longer payable: the customer has paid, money on its way.
    assert status.link_open is (status in OPEN)


@pytest.mark.parametrize("method", list(PaymentMethod))
@pytest.mark.parametrize("status", list(PaymentStatus))
def test_an_open_card_link_is_a_card_payment_in_an_open_status(
    method: PaymentMethod, status: PaymentStatus
) -> None:
    payment = Payment(
        id="pay_1",
        booking_id=None,
        method=method,
        status=status,
        amount=1307,
        currency="usd",
        idempotency_key="k",
        created_at=datetime(2026, 12, 6, tzinfo=UTC),
    )
    assert payment.open_card_link is (method is PaymentMethod.CARD and status in OPEN)
