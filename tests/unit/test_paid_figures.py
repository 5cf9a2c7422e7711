"""The money figures and the cash claim of a booking and of an order as the payable come from
one rule each (``domain.money.PaidFigures``, ``domain.booking.CashClaim``): what is still
due, kept and overpaid, figured by hand; the claim's lease and its words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from pos_app.domain.booking import (
    CASH_CLAIM_LEASE,
    CASH_IN_PROGRESS,
    CLOSING_CLAIM,
    CLOSING_IN_PROGRESS,
    Booking,
)
from pos_app.domain.errors import InvalidStateError
from pos_app.domain.money import Money
from pos_app.domain.payable import ORDER_CASH_IN_PROGRESS, OrderMoney, Payable
from tests.unit.test_overpaid import _booking
from tests.unit.test_split_presenter import _order

#: The order's total: 1 × Shampoo at $12.00 with 8.875 % tax (1200 + 107); the booking's price.
PRICE = 1307


def _booking_paid(paid: int, refunded: int) -> Booking | Payable:
    return _booking(paid=paid, refunded=refunded, price=PRICE)


def _order_paid(paid: int, refunded: int) -> Booking | Payable:
    payable = Payable.of(_order(), None, OrderMoney(paid_amount=paid, refunded_amount=refunded))
    assert payable.price_amount == PRICE
    return payable


# (paid, refunded) -> (balance due, kept, overpaid), in cents, by hand.
CASES = [
    ((0, 0), (1307, 0, 0)),  # nothing paid yet
    ((500, 0), (807, 500, 0)),  # a part paid
    ((1307, 0), (0, 1307, 0)),  # paid in full
    ((2614, 0), (0, 2614, 1307)),  # paid twice: overpaid by the price
    ((2614, 1307), (0, 1307, 0)),  # the excess refunded
    ((1307, 1307), (0, 0, 0)),  # refunded in full: nothing due again
]


@pytest.mark.parametrize(("money", "expected"), CASES)
@pytest.mark.parametrize("make", [_booking_paid, _order_paid], ids=["booking", "order"])
def test_due_kept_and_overpaid_by_one_rule(
    make: Callable[[int, int], Booking | Payable],
    money: tuple[int, int],
    expected: tuple[int, int, int],
) -> None:
    paid, refunded = money
    thing = make(paid, refunded)
    due, kept, over = expected
    assert thing.price == Money(PRICE, "usd")
    assert thing.paid == Money(paid, "usd")
    assert thing.refunded == Money(refunded, "usd")
    assert thing.balance_due == Money(due, "usd")
    assert thing.net_paid == Money(kept, "usd")
    assert thing.overpaid == Money(over, "usd")


@pytest.mark.parametrize(
    ("make", "cash_words"),
    [(_booking_paid, CASH_IN_PROGRESS), (_order_paid, ORDER_CASH_IN_PROGRESS)],
    ids=["booking", "order"],
)
def test_the_cash_claim_is_one_rule_and_says_booking_or_order(
    make: Callable[[int, int], Booking | Payable], cash_words: str
) -> None:
    thing = make(0, 0)
    now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    thing.claim_for_cash("claim_1", now)
    assert thing.cash_claim_live(now) and thing.claim_sentence() == cash_words
    with pytest.raises(InvalidStateError, match="right now"):
        thing.claim_for_cash("claim_2", now + CASH_CLAIM_LEASE - timedelta(seconds=1))
    assert not thing.release_cash_claim("claim_2")  # only its own station ends it
    thing.ensure_no_cash_claim(now + CASH_CLAIM_LEASE)  # lapsed: links may open again
    assert thing.release_cash_claim("claim_1") and not thing.cash_claim_live(now)
    thing.claim_for_cash(f"{CLOSING_CLAIM}_1", now)
    assert thing.claim_sentence() == CLOSING_IN_PROGRESS
