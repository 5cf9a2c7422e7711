"""The domain's eligibility rules: one test per rule and per refusal sentence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pos_app.domain import eligibility as el
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.errors import InvalidStateError

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
S = BookingStatus


def booking(status: BookingStatus = S.NEW, **kw: object) -> Booking:
    base = Booking(
        id="bk_1",
        customer_name="Ana Silva",
        service_id="svc_1",
        service_name="Cut",
        starts_at=NOW - timedelta(hours=1),
        ends_at=NOW - timedelta(minutes=30),
        price_amount=3500,
        currency="usd",
        created_at=NOW - timedelta(days=1),
        status=status,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


CHARGE_RULES = [el.can_charge, el.can_take_cash, el.can_take_deposit]


@pytest.mark.parametrize("rule", CHARGE_RULES)
@pytest.mark.parametrize("status", [S.NEW, S.AWAITING_PAYMENT, S.DEPOSIT_PAID])
def test_charge_cash_and_deposit_allowed_while_money_is_due(rule, status) -> None:  # type: ignore[no-untyped-def]
    result = rule(booking(status))
    assert result == el.ALLOWED
    assert result and result.reason == ""


@pytest.mark.parametrize("rule", CHARGE_RULES)
@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (S.PAID, el.PAID_NO_CHARGE),
        (S.OVERPAID, el.PAID_NO_CHARGE),
        (S.PARTIALLY_REFUNDED, el.PAID_NO_CHARGE),
        (S.REFUNDED, el.REFUNDED_NO_CHARGE),
        (S.PAYMENT_PROCESSING, el.PROCESSING_NO_CHARGE),
        (S.CANCELLED, el.CANCELLED_NO_CHARGE),
        (S.NO_SHOW, el.NO_SHOW_NO_CHARGE),
    ],
)
def test_charge_refused_by_status_with_its_sentence(rule, status, reason) -> None:  # type: ignore[no-untyped-def]
    result = rule(booking(status))
    assert not result
    assert result.reason == reason


@pytest.mark.parametrize("rule", CHARGE_RULES)
def test_charge_refused_for_cancelled_or_no_show_even_with_a_balance(rule) -> None:  # type: ignore[no-untyped-def]
    # A cancelled booking keeps its money status (deposit paid) but takes no more money.
    assert rule(booking(S.DEPOSIT_PAID, cancelled=True)).reason == el.CANCELLED_NO_CHARGE
    assert rule(booking(S.NEW, no_show=True)).reason == el.NO_SHOW_NO_CHARGE


def test_paid_sentence_is_the_front_desk_one() -> None:
    assert el.can_charge(booking(S.PAID)).reason == "Already paid in full — nothing to charge."


@pytest.mark.parametrize("status", [S.PAID, S.PARTIALLY_REFUNDED, S.DEPOSIT_PAID, S.OVERPAID])
def test_refund_allowed_once_money_was_kept(status: BookingStatus) -> None:
    assert el.can_refund(booking(status)) == el.ALLOWED


def test_refund_allowed_on_a_cancelled_booking_that_kept_money() -> None:
    assert el.can_refund(booking(S.PAID, cancelled=True)) == el.ALLOWED


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (S.NEW, el.UNPAID_NO_REFUND),
        (S.AWAITING_PAYMENT, el.UNPAID_NO_REFUND),
        (S.CANCELLED, el.UNPAID_NO_REFUND),
        (S.NO_SHOW, el.UNPAID_NO_REFUND),
        (S.PAYMENT_PROCESSING, el.PROCESSING_NO_REFUND),
        (S.REFUNDED, el.REFUNDED_NO_REFUND),
    ],
)
def test_refund_refused_with_its_sentence(status: BookingStatus, reason: str) -> None:
    result = el.can_refund(booking(status))
    assert not result
    assert result.reason == reason


def test_move_allowed_for_a_live_booking_even_when_paid() -> None:
    assert el.can_move(booking(S.PAID)) == el.ALLOWED


def test_move_refused_when_cancelled() -> None:
    assert el.can_move(booking(cancelled=True)).reason == el.CANCELLED_NO_MOVE


def test_move_refused_when_no_show() -> None:
    assert el.can_move(booking(no_show=True)).reason == el.NO_SHOW_NO_MOVE


def test_cancel_allowed_unless_already_cancelled() -> None:
    assert el.can_cancel(booking(S.PAID, no_show=True)) == el.ALLOWED
    assert el.can_cancel(booking(cancelled=True)).reason == el.ALREADY_CANCELLED


def test_no_show_allowed_once_started() -> None:
    assert el.can_mark_no_show(booking(), NOW) == el.ALLOWED
    # The very minute it starts counts as started.
    assert el.can_mark_no_show(booking(starts_at=NOW), NOW) == el.ALLOWED


def test_no_show_refused_before_the_start() -> None:
    later = booking(starts_at=NOW + timedelta(minutes=1))
    assert el.can_mark_no_show(later, NOW).reason == el.NOT_STARTED_NO_SHOW


def test_no_show_refused_when_cancelled() -> None:
    assert el.can_mark_no_show(booking(cancelled=True), NOW).reason == el.CANCELLED_NO_NO_SHOW


def test_no_show_refused_when_already_a_no_show() -> None:
    assert el.can_mark_no_show(booking(no_show=True), NOW).reason == el.ALREADY_NO_SHOW


def test_receipt_once_money_was_received() -> None:
    assert el.can_show_receipt(booking(S.REFUNDED, paid_amount=3500)) == el.ALLOWED
    assert el.can_show_receipt(booking(S.NEW)).reason == el.NO_RECEIPT
    # One cent received is a payment: it has a receipt.
    assert el.can_show_receipt(booking(S.DEPOSIT_PAID, paid_amount=1)) == el.ALLOWED


def test_ensure_raises_the_refusal_sentence_and_passes_when_allowed() -> None:
    el.ALLOWED.ensure()
    with pytest.raises(InvalidStateError, match="already cancelled"):
        el.can_cancel(booking(cancelled=True)).ensure()


def test_every_refusal_is_one_sentence() -> None:
    sentences = [v for k, v in vars(el).items() if k.isupper() and isinstance(v, str)]
    assert len(sentences) == 15
    for sentence in sentences:
        assert sentence[0].isupper() and sentence.endswith("."), sentence
