"""The customer display's presenter and the amount previews, without a window."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pos_app.config import DEFAULT_BUSINESS_NAME
from pos_app.domain.errors import PosError
from pos_app.domain.money import Money, parse_money
from pos_app.domain.payment import check_cash, check_deposit, check_refund
from pos_app.ui.payments import display_presenter as d
from pos_app.ui.payments.amount_presenter import (
    amount_on_button,
    cash_preview,
    deposit_preview,
    refund_preview,
)
from pos_app.ui.payments.charge_presenter import ChargePhase, ChargeState
from pos_app.ui.payments.display_presenter import Business, View

DEADLINE = datetime(2026, 3, 2, 10, 10, tzinfo=UTC)
USD = "usd"


def _state(phase: ChargePhase, **kw: object) -> ChargeState:
    base: dict[str, object] = {
        "booking_id": "bk_1",
        "payment_id": "pay_1",
        "url": "https://pay.test/cs_1",
        "amount": "$35.00",
        "service": "Haircut",
        "deadline": DEADLINE,
        "total_seconds": 600.0,
    }
    base.update(kw)
    return ChargeState(phase, **base)  # type: ignore[arg-type]


# -- customer display -------------------------------------------------------------------


def test_pages_follow_the_charge() -> None:
    assert d.display_page(_state(ChargePhase.WAITING), thanking=False) is View.CHARGE
    assert d.display_page(_state(ChargePhase.DECLINED), thanking=False) is View.CHARGE
    assert d.display_page(_state(ChargePhase.WAITING, url=None), thanking=False) is View.WELCOME
    assert d.display_page(_state(ChargePhase.PREPARING), thanking=False) is View.PREPARING
    assert d.display_page(_state(ChargePhase.PAID), thanking=False) is View.THANKS
    assert d.display_page(_state(ChargePhase.EXPIRED), thanking=False) is View.WELCOME
    # The charge screen closing does not cut a thank-you short.
    assert d.display_page(_state(ChargePhase.CLOSED), thanking=True) is None


def test_business_name_logo_and_test_marker() -> None:
    shown = d.display_state(View.WELCOME, None, Business("Studio Nord", "/x/logo.png", "sandbox"))
    assert (shown.business_name, shown.logo_path) == ("Studio Nord", "/x/logo.png")
    assert shown.test_marker == "TEST MODE — no real money"
    assert d.display_state(View.WELCOME, None, Business("A", "", "test")).test_marker
    live = d.display_state(View.WELCOME, None, Business(DEFAULT_BUSINESS_NAME, "", "live"))
    assert live.test_marker == "" and live.business_name == ""  # the app's own name is no name


def test_charge_and_declined_states() -> None:
    business = Business("Studio Nord", "", "live")
    waiting = d.display_state(View.CHARGE, _state(ChargePhase.WAITING), business)
    assert (waiting.amount, waiting.service, waiting.url) == (
        "$35.00",
        "Haircut",
        "https://pay.test/cs_1",
    )
    assert waiting.deadline == DEADLINE and waiting.declined == ""
    declined = d.display_state(
        View.CHARGE,
        _state(ChargePhase.DECLINED, attempt_error="Your card was declined: lost card."),
        business,
    )
    # The customer reads what to do, never the bank's reason (Stripe asks not to say it).
    assert declined.declined == "✕ Card declined — please try again or pay another way"
    assert "lost" not in repr(declined)


def test_thanks_with_and_without_a_receipt() -> None:
    business = Business("Studio Nord")
    paid = _state(ChargePhase.PAID, url=None, deadline=None, receipt_to="m•••@e…")
    thanks = d.display_state(View.THANKS, paid, business)
    assert thanks.thanks_detail == "Your payment of $35.00 was received."
    assert thanks.receipt_line == "Receipt sent to m•••@e…"
    assert thanks.url is None and thanks.deadline is None
    no_receipt = d.display_state(View.THANKS, _state(ChargePhase.PAID), business)
    assert no_receipt.receipt_line == ""
    idle = d.display_state(View.WELCOME, paid, business)
    assert (idle.amount, idle.receipt_line, idle.payment_id) == ("", "", None)


# -- previews: exactly the domain's sentence ---------------------------------------------


def _domain_message(check: object, *args: object) -> str:
    with pytest.raises(PosError) as caught:
        check(*args)  # type: ignore[operator]
    return caught.value.message


@pytest.mark.parametrize("text", ["0", "50", "35.01"])
def test_cash_preview_is_the_domains_refusal(text: str) -> None:
    due = Money(3500, USD)
    expected = _domain_message(check_cash, parse_money(text, USD, field="amount"), due)
    assert cash_preview(text, due) == expected


def test_cash_preview_on_a_paid_booking_and_good_amounts() -> None:
    paid_off = Money(0, USD)
    assert cash_preview("10", paid_off) == "This booking is already paid in full."
    due = Money(3500, USD)
    assert cash_preview("35", due) == "Record $35.00 in cash — the booking will show Paid"
    assert cash_preview("10", due) == "Record $10.00 in cash — the booking will show Deposit paid"
    assert cash_preview("abc", due) == "Enter an amount as a number, like 35.00."


@pytest.mark.parametrize("text", ["0", "50"])
def test_deposit_preview_is_the_domains_refusal(text: str) -> None:
    due = Money(3500, USD)
    expected = _domain_message(check_deposit, parse_money(text, USD, field="deposit"), due)
    assert deposit_preview(text, due) == expected
    assert deposit_preview("10", due) == "Ask $10.00 by card now — $25.00 stays due"
    assert deposit_preview("  ", due) == ""


@pytest.mark.parametrize("text", ["0", "50", "35.01"])
def test_refund_preview_is_the_domains_refusal(text: str) -> None:
    left = Money(3500, USD)
    expected = _domain_message(check_refund, parse_money(text, USD, field="amount"), left, None)
    assert refund_preview(text, left) == expected
    nothing = Money(0, USD)
    assert refund_preview("1", nothing) == "There is nothing left to refund on this booking."
    assert refund_preview("10", left, "duplicate").endswith("Partially refunded")


def test_the_button_says_the_amount_only_when_it_can_be_taken() -> None:
    due = Money(3500, USD)
    assert amount_on_button("Record", "20", due, "amount") == "Record $20.00"
    assert amount_on_button("Record", "35", due, "amount") == "Record $35.00"
    assert amount_on_button("Record", "36", due, "amount") == "Record"
    assert amount_on_button("Record", "0", due, "amount") == "Record"
    assert amount_on_button("Record", "x", due, "amount") == "Record"
    assert amount_on_button("Record", "20", None, "amount") == "Record"
