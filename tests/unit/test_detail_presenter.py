"""The detail panel's presenter: the booking's lines and its actions, without a window."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pos_app.domain import eligibility as el
from pos_app.domain.booking import Booking, BookingStatus
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus
from pos_app.services.bookings import BookingDetail
from pos_app.ui.day.detail_presenter import (
    NOT_READY,
    ActionKey,
    booking_actions,
    no_booking_actions,
    present_detail,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
S = BookingStatus
K = ActionKey


def booking(status: BookingStatus = S.NEW, **kw: object) -> Booking:
    base = Booking(
        id="bk_1",
        customer_name="Ana Silva",
        service_id="svc_1",
        service_name="Cut & colour",
        starts_at=NOW + timedelta(hours=1),
        ends_at=NOW + timedelta(hours=2),
        price_amount=3500,
        currency="usd",
        created_at=NOW - timedelta(days=1),
        customer_email="ana@example.com",
        customer_id="cus_1",
        status=status,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def state(b: Booking, *, ready: bool = True, payments: list[Payment] | None = None):  # type: ignore[no-untyped-def]
    return present_detail(BookingDetail(b, payments or [], []), UTC, now=NOW, ready=ready)


def test_unpaid_primary_is_charge_with_the_balance_due() -> None:
    s = state(booking())
    assert s.primary.key is K.CHARGE
    assert s.primary.label == "Charge $35.00"
    assert s.primary.enabled and s.primary.why == ""
    assert [a.key for a in s.actions] == [
        K.REFUND, K.CASH, K.DEPOSIT, K.MOVE, K.NO_SHOW, K.CANCEL, K.RECEIPT,
    ]  # fmt: skip


def test_deposit_paid_charges_what_is_left_and_can_also_refund() -> None:
    s = state(booking(S.DEPOSIT_PAID, paid_amount=1000))
    assert s.primary.label == "Charge $25.00"
    assert s.action(K.REFUND).enabled
    assert s.action(K.RECEIPT).enabled


def test_paid_primary_is_refund_and_charge_says_why_not() -> None:
    s = state(booking(S.PAID, paid_amount=3500))
    assert s.primary.key is K.REFUND
    assert s.primary.label == "Refund…" and s.primary.enabled
    charge = s.action(K.CHARGE)
    assert not charge.enabled
    assert charge.why == "Already paid in full — nothing to charge."
    assert s.action(K.CASH).why == el.PAID_NO_CHARGE


def test_refunded_in_full_keeps_refund_first_disabled_with_the_rule() -> None:
    s = state(booking(S.REFUNDED, paid_amount=3500, refunded_amount=3500))
    assert s.primary.key is K.REFUND
    assert not s.primary.enabled and s.primary.why == el.REFUNDED_NO_REFUND


def test_disabled_actions_carry_the_domain_sentence() -> None:
    s = state(booking())  # starts in an hour, nothing paid
    assert s.action(K.NO_SHOW).why == el.NOT_STARTED_NO_SHOW
    assert s.action(K.REFUND).why == el.UNPAID_NO_REFUND
    assert s.action(K.RECEIPT).why == el.NO_RECEIPT
    assert s.action(K.MOVE).enabled and s.action(K.CANCEL).enabled


def test_cancelled_booking_offers_nothing_but_says_why() -> None:
    s = state(booking(S.CANCELLED, cancelled=True))
    assert not s.primary.enabled and s.primary.why == el.CANCELLED_NO_CHARGE
    assert s.action(K.MOVE).why == el.CANCELLED_NO_MOVE
    assert s.action(K.CANCEL).why == el.ALREADY_CANCELLED


def test_money_actions_wait_for_the_first_sync_but_move_and_receipt_do_not() -> None:
    s = state(booking(S.DEPOSIT_PAID, paid_amount=1000), ready=False)
    for key in (K.CHARGE, K.REFUND, K.CASH, K.DEPOSIT, K.CANCEL, K.NO_SHOW):
        assert not s.action(key).enabled and s.action(key).why == NOT_READY
    assert s.action(K.MOVE).enabled and s.action(K.RECEIPT).enabled


def test_nothing_allowed_before_the_app_is_attached() -> None:
    rules = booking_actions(booking(), now=NOW, ready=False, attached=False)
    assert not any(rules.values())
    assert not any(no_booking_actions().values())


@pytest.mark.parametrize("status", list(BookingStatus))
def test_actions_match_the_domain_rules_for_every_status(status: BookingStatus) -> None:
    b = booking(status, starts_at=NOW - timedelta(minutes=5), paid_amount=1000)
    rules = booking_actions(b, now=NOW, ready=True)
    assert rules[K.CHARGE] == el.can_charge(b)
    assert rules[K.REFUND] == el.can_refund(b)
    assert rules[K.NO_SHOW] == el.can_mark_no_show(b, NOW)


def test_lines_title_rows_and_payments() -> None:
    paid = Payment(
        id="pay_1",
        booking_id="bk_1",
        method=PaymentMethod.CASH,
        amount=3500,
        currency="usd",
        status=PaymentStatus.SUCCEEDED,
        idempotency_key="k1",
        created_at=NOW,
        paid_at=NOW,
    )
    s = state(booking(S.PAID, paid_amount=3500), payments=[paid])
    assert s.title == "Ana Silva" and s.status is S.PAID
    assert dict(s.rows)["Service"] == "Cut & colour"
    assert dict(s.rows)["Balance due"] == "$0.00"
    assert s.payments[0].text == "Cash · $35.00 · Paid · 12:00"
    assert s.refunds[0].text == "No refunds." and s.refunds[0].muted
    assert s.customer_id == "cus_1"
    assert s.customer_link == "All bookings of Ana Silva…"


def test_cancelled_with_money_kept_says_so() -> None:
    s = state(booking(S.PAID, paid_amount=3500, cancelled=True))
    assert s.notes[0].muted and s.notes[0].text.startswith("Cancelled.")


def test_state_is_frozen_and_equal_for_the_same_input() -> None:
    a, b = state(booking()), state(booking())
    assert a == b
    with pytest.raises(AttributeError):
        a.title = "x"  # type: ignore[misc]
