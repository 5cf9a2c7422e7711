"""Split payment on the Sell screen, without a window: the cash part's limits (the domain's
``check_split``), the preview, saving the sale once, and the line a part-paid order shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from pos_app import i18n
from pos_app.domain.errors import InvalidStateError, ValidationError
from pos_app.domain.money import Money
from pos_app.domain.orders import LineKind, Order
from pos_app.domain.payable import OrderMoney, Payable
from pos_app.domain.payment import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    check_card_first,
    check_split,
)
from pos_app.domain.percent import Percent
from pos_app.domain.pricing import OrderLine, TipBase, price_order
from pos_app.services.orders import OrderMoneyDetail
from pos_app.ui.payments.amount_presenter import first_part, split_preview, split_summary
from pos_app.ui.sell.split_presenter import SplitPhase, SplitWork, split_state

TOTAL = Money(1307, "usd")  # 12.00 + 8.875 % tax (1.065 → 1.07)
AT = datetime(2026, 12, 6, 9, tzinfo=UTC)


def test_the_cash_part_leaves_a_card_part_stripe_can_charge() -> None:
    assert check_split(Money(500, "usd"), TOTAL) == Money(807, "usd")
    assert check_split(Money(1257, "usd"), TOTAL) == Money(50, "usd")  # $0.50: Stripe's least
    with pytest.raises(ValidationError, match="more than zero"):
        check_split(Money(0, "usd"), TOTAL)
    with pytest.raises(ValidationError) as whole:
        check_split(TOTAL, TOTAL)
    assert whole.value.message == (
        "A split leaves part for the card: take less than $13.07 in cash, "
        "or use Cash for all of it."
    )
    with pytest.raises(ValidationError) as small:
        check_split(Money(1258, "usd"), TOTAL)
    assert small.value.message == (
        "That leaves $0.49 for the card, less than the smallest card charge, $0.50. "
        "Take less in cash, or use Cash for all of it."
    )
    with pytest.raises(InvalidStateError):
        check_split(Money(100, "usd"), Money(0, "usd"))


def test_the_preview_says_both_parts_or_the_rule_s_sentence() -> None:
    assert split_summary(TOTAL) == "Total $13.07: part in cash, part by card (QR)."
    assert split_preview("5.00", TOTAL) == "$5.00 in cash now, then $8.07 by card (QR)."
    assert split_preview("", TOTAL) == ""
    assert split_preview("13.07", TOTAL).startswith("A split leaves part for the card")
    assert split_preview("five", TOTAL) == "Enter an amount as a number, like 35.00."
    assert split_preview("5.001", TOTAL) == "USD amounts have at most 2 decimal places."


def test_the_cash_part_is_typed_in_the_desk_s_language() -> None:
    try:
        i18n.set_language("de")
        assert first_part("5,00", TOTAL) == Money(500, "usd")
        assert first_part("1.000,00", Money(200_000, "usd")) == Money(100_000, "usd")
    finally:
        i18n.set_language("en")
    assert first_part("1,000.00", Money(200_000, "usd")) == Money(100_000, "usd")


def _order(number: int = 12) -> Order:
    totals = price_order(
        [OrderLine("Shampoo", Money(1200, "usd"), 1, Percent(8875))],
        order_discount=None,
        tip=None,
        prices_include_tax=False,
        tip_base=TipBase.BEFORE_TAX,
    )
    order = Order.build(
        id="ord_x",
        items=[(LineKind.PRODUCT, "prd_sh")],
        totals=totals,
        tip_base=TipBase.BEFORE_TAX,
        created_at=AT,
        created_by_name="",
    )
    return replace(order, number=number)


def _paid(method: PaymentMethod, amount: int, status: PaymentStatus) -> Payment:
    return Payment(
        id=f"pay_{method}_{amount}_{status}",
        booking_id=None,
        method=method,
        status=status,
        amount=amount,
        currency="usd",
        idempotency_key="k",
        created_at=AT,
        order_id="ord_x",
    )


def _detail(*payments: Payment, voided: bool = False) -> OrderMoneyDetail:
    paid = sum(p.amount for p in payments if p.status is PaymentStatus.SUCCEEDED)
    payable = Payable.of(_order(), None, OrderMoney(paid_amount=paid, voided=voided))
    return OrderMoneyDetail(payable, list(payments), [])


CASH_500 = _paid(PaymentMethod.CASH, 500, PaymentStatus.SUCCEEDED)


def test_cash_part_recorded_and_the_card_link_open() -> None:
    link = _paid(PaymentMethod.CARD, 807, PaymentStatus.OPEN)
    state = split_state(_detail(CASH_500, link), charging=True)
    assert state.phase is SplitPhase.CHARGING and not state.can_pay_rest
    assert state.text == "Sale 12: $5.00 paid, $8.07 still to pay (charge screen open)."
    assert (state.cash, state.card, state.due) == (
        Money(500, "usd"), Money(0, "usd"), Money(807, "usd"),
    )  # fmt: skip


def test_a_cancelled_link_leaves_the_cash_part_and_the_rest_chargeable_again() -> None:
    cancelled = _paid(PaymentMethod.CARD, 807, PaymentStatus.EXPIRED)
    state = split_state(_detail(CASH_500, cancelled), charging=False)
    assert state.phase is SplitPhase.PART_PAID and state.can_pay_rest
    assert state.text == "Sale 12 is partly paid: $5.00 of $13.07, $8.07 still to pay."
    assert state.paid == Money(500, "usd")
    # …unless the order was voided meanwhile (from the command line).
    assert not split_state(_detail(CASH_500, cancelled, voided=True), charging=False).can_pay_rest


def test_paid_in_full_by_both_says_each_part() -> None:
    card = _paid(PaymentMethod.CARD, 807, PaymentStatus.SUCCEEDED)
    state = split_state(_detail(CASH_500, card), charging=True)
    assert state.phase is SplitPhase.PAID and not state.can_pay_rest
    assert state.text == "Sale 12 paid: $5.00 in cash and $8.07 by card."
    # Card first, then cash for the rest: the same line.
    first = _paid(PaymentMethod.CARD, 500, PaymentStatus.SUCCEEDED)
    rest = _paid(PaymentMethod.CASH, 807, PaymentStatus.SUCCEEDED)
    assert split_state(_detail(first, rest), charging=False).text == (
        "Sale 12 paid: $8.07 in cash and $5.00 by card."
    )
    all_cash = _paid(PaymentMethod.CASH, 807, PaymentStatus.SUCCEEDED)
    assert split_state(_detail(CASH_500, all_cash), charging=False).text == (
        "Sale 12 paid: $13.07 in cash."
    )


def test_a_bank_payment_on_its_way_allows_nothing_else() -> None:
    processing = _paid(PaymentMethod.CARD, 807, PaymentStatus.PROCESSING)
    state = split_state(_detail(CASH_500, processing), charging=False)
    assert state.phase is SplitPhase.PROCESSING and not state.can_pay_rest


def test_the_sale_is_saved_once_however_often_the_cash_is_tried() -> None:
    saved: list[str] = []
    recorded: list[tuple[str, str]] = []
    refuse = [True]

    def save() -> Order:
        saved.append("saved")
        return _order()

    def record(order_id: str, amount_text: str) -> Payment:
        if refuse.pop() if refuse else False:
            raise InvalidStateError("Cash is being taken for this order right now.")
        recorded.append((order_id, amount_text))
        return CASH_500

    take = SplitWork(save, record)
    with pytest.raises(InvalidStateError):
        take("5.00")
    assert take("5.00").id == "ord_x"
    assert saved == ["saved"] and recorded == [("ord_x", "5.00")]
    # Card first: the sale is saved (once), nothing is recorded; the link asks for the part.
    card_first = SplitWork(save, record)
    assert card_first("5.00", cash_first=False).id == "ord_x"
    assert saved == ["saved", "saved"] and recorded == [("ord_x", "5.00")]


def test_card_first_is_a_charge_stripe_accepts_and_leaves_some_for_cash() -> None:
    assert check_card_first(Money(500, "usd"), TOTAL) == Money(807, "usd")
    assert check_card_first(Money(1306, "usd"), TOTAL) == Money(1, "usd")  # a cent in cash
    with pytest.raises(ValidationError, match="smallest amount you can charge is"):
        check_card_first(Money(49, "usd"), TOTAL)
    with pytest.raises(ValidationError) as whole:
        check_card_first(TOTAL, TOTAL)
    assert whole.value.message == (
        "A split leaves part for the cash: charge less than $13.07 by card, "
        "or use Charge (QR) for all of it."
    )
    assert split_preview("5.00", TOTAL, cash_first=False) == (
        "$5.00 by card (QR) now, then $8.07 in cash."
    )
    assert split_preview("0.49", TOTAL, cash_first=False) == (
        "The smallest amount you can charge is $0.50."
    )
    # The same 12.58 is refused cash first (it leaves 0.49 for a card) but fine card first.
    assert split_preview("12.58", TOTAL).startswith("That leaves $0.49 for the card")
    assert split_preview("12.58", TOTAL, cash_first=False).startswith("$12.58 by card")
