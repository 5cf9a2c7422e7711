"""The overpaid state and the cash claim (domain), and the overpaid banner's presenter (no Qt)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pos_app.domain.booking import (
    CASH_CLAIM_LEASE,
    CASH_IN_PROGRESS,
    Booking,
    BookingStatus,
    derive_status,
)
from pos_app.domain.errors import InvalidStateError, PermissionDeniedError
from pos_app.domain.money import Money
from pos_app.domain.overpaid import (
    NOT_OVERPAID,
    check_excess_refund,
    excess_to_refund,
    overpaid_headline,
)
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus, Refund, RefundStatus
from pos_app.services.bookings import BookingDetail
from pos_app.services.refunds import NEEDS_MANAGER, RefundOutcome
from pos_app.ui.payments.overpaid_state import OverpaidPresenter, OverpaidView, overpaid_view

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def _booking(paid: int = 7000, refunded: int = 0, price: int = 3500) -> Booking:
    return Booking(
        id="bk_1",
        customer_name="Ada Lovelace",
        service_id="svc_haircut",
        service_name="Haircut",
        starts_at=NOW,
        ends_at=NOW + timedelta(minutes=30),
        price_amount=price,
        currency="usd",
        created_at=NOW,
        paid_amount=paid,
        refunded_amount=refunded,
        status=BookingStatus.OVERPAID,
    )


def _payment(pid: str, method: PaymentMethod, amount: int = 3500) -> Payment:
    return Payment(
        id=pid,
        booking_id="bk_1",
        method=method,
        status=PaymentStatus.SUCCEEDED,
        amount=amount,
        currency="usd",
        idempotency_key=f"k-{pid}",
        created_at=NOW,
    )


def _refund(amount: int, status: RefundStatus, payment_id: str = "pay_card") -> Refund:
    return Refund(
        id=f"re_{amount}_{status.value}",
        payment_id=payment_id,
        booking_id="bk_1",
        amount=amount,
        currency="usd",
        reason="duplicate",
        status=status,
        idempotency_key="k",
        created_at=NOW,
    )


# -- the state ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paid", "refunded", "status"),
    [
        (3501, 0, "overpaid"),  # one cent over
        (3500, 0, "paid"),  # exactly the price
        (7000, 3499, "overpaid"),  # part of the excess back: still overpaid
        (7000, 3500, "paid"),  # the excess back: simply paid again
        (7000, 7000, "refunded"),
        (1000, 0, "deposit_paid"),
    ],
)
def test_overpaid_is_more_kept_than_the_price(paid: int, refunded: int, status: str) -> None:
    got = derive_status(
        price=3500, paid=paid, refunded=refunded, cancelled=False, has_open_checkout=False
    )
    assert got == BookingStatus(status)
    assert _booking(paid, refunded).overpaid.amount == max(paid - refunded - 3500, 0)


@pytest.mark.parametrize(("paid", "refunded"), [(7000, 0), (7000, 3500), (3500, 1000), (0, 0)])
def test_net_paid_is_received_less_settled_refunds(paid: int, refunded: int) -> None:
    assert _booking(paid, refunded).net_paid == Money(paid - refunded, "usd")


def test_overpaid_wins_over_cancelled_and_no_show() -> None:
    for flags in ({"cancelled": True}, {"cancelled": False, "no_show": True}):
        got = derive_status(price=3500, paid=7000, refunded=0, has_open_checkout=False, **flags)
        assert got is BookingStatus.OVERPAID


def test_the_excess_counts_refunds_on_their_way() -> None:
    booking = _booking()
    assert excess_to_refund(booking, []).amount == 3500
    pending = [_refund(2000, RefundStatus.PENDING)]
    assert excess_to_refund(booking, pending).amount == 1500
    failed = [_refund(3500, RefundStatus.FAILED)]  # holds no money: still all to refund
    assert excess_to_refund(booking, failed).amount == 3500
    on_its_way = [_refund(3500, RefundStatus.CREATING)]
    assert excess_to_refund(booking, on_its_way).amount == 0
    assert overpaid_headline(booking, on_its_way) == (
        "Overpaid by $35.00 — the refund of the excess is on its way"
    )
    assert overpaid_headline(booking, []) == "Overpaid by $35.00 — refund the excess"
    assert overpaid_headline(_booking(paid=3500), []) == ""


def test_the_excess_must_be_refundable_to_a_card() -> None:
    booking = _booking()
    check_excess_refund(booking.overpaid, booking.overpaid)
    with pytest.raises(InvalidStateError) as nothing:
        check_excess_refund(booking.overpaid - booking.overpaid, booking.overpaid)
    assert nothing.value.message == NOT_OVERPAID
    with pytest.raises(InvalidStateError, match=r"Only \$10\.00 of the \$35\.00 excess"):
        check_excess_refund(booking.overpaid, replace(booking.overpaid, amount=1000))


# -- the cash claim -------------------------------------------------------------------------


def test_a_claim_shuts_links_until_it_ends_or_lapses() -> None:
    booking = _booking(paid=0)
    booking.ensure_no_cash_claim(NOW)
    booking.claim_for_cash("claim_a", NOW)
    with pytest.raises(InvalidStateError) as shut:
        booking.ensure_no_cash_claim(NOW + CASH_CLAIM_LEASE - timedelta(seconds=1))
    assert shut.value.message == CASH_IN_PROGRESS
    with pytest.raises(InvalidStateError):
        booking.claim_for_cash("claim_b", NOW + timedelta(seconds=5))  # one station at a time
    booking.ensure_no_cash_claim(NOW + CASH_CLAIM_LEASE)  # lapsed: a dead station's claim
    assert not booking.release_cash_claim("claim_b")  # not ours: stays
    assert booking.cash_claim == "claim_a"
    assert booking.release_cash_claim("claim_a")
    assert booking.cash_claim is None and booking.cash_claim_until is None
    booking.ensure_no_cash_claim(NOW)


def test_a_lapsed_claim_can_be_taken_over() -> None:
    booking = _booking(paid=0)
    booking.claim_for_cash("claim_a", NOW)
    later = NOW + CASH_CLAIM_LEASE + timedelta(seconds=1)
    booking.claim_for_cash("claim_b", later)
    assert (booking.cash_claim, booking.cash_claim_until) == ("claim_b", later + CASH_CLAIM_LEASE)


# -- the presenter --------------------------------------------------------------------------


def _detail(refunds: list[Refund] | None = None, *, cash: int = 3500) -> BookingDetail:
    payments = [
        _payment("pay_cash", PaymentMethod.CASH, cash),
        _payment("pay_card", PaymentMethod.CARD),
    ]
    return BookingDetail(_booking(paid=cash + 3500), payments, refunds or [])


class FakeRefunds:
    """Records refund_excess calls; answers or fails as told."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []
        self.fail: Exception | None = None

    def refund_excess(self, booking_id: str, *, manager_pin: str | None = None) -> RefundOutcome:
        self.calls.append((booking_id, manager_pin))
        if self.fail is not None:
            raise self.fail
        return RefundOutcome(booking_id, [_refund(3500, RefundStatus.SUCCEEDED)])


class Deferred:
    """A task runner stand-in: keeps the work until the test lets it finish."""

    def __init__(self) -> None:
        self.pending: list[tuple[Callable[[], Any], Callable[..., None], Callable[..., None]]] = []

    def __call__(
        self,
        fn: Callable[[], Any],
        *,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> object:
        self.pending.append((fn, on_success, on_failure))
        return True

    def finish(self) -> None:
        fn, ok, failed = self.pending.pop(0)
        try:
            result = fn()
        except Exception as err:
            failed(err)
        else:
            ok(result)


@pytest.fixture
def parts() -> tuple[FakeRefunds, Deferred, list[OverpaidView | None], list[RefundOutcome]]:
    return FakeRefunds(), Deferred(), [], []


def _presenter(
    parts: tuple[FakeRefunds, Deferred, list[OverpaidView | None], list[RefundOutcome]],
    *,
    manager: bool = True,
) -> OverpaidPresenter:
    refunds, run, states, outcomes = parts
    return OverpaidPresenter(
        refunds,
        run,
        is_manager=lambda: manager,
        describe=lambda err: getattr(err, "message", "Something went wrong."),
        on_state=states.append,
        on_refunded=outcomes.append,
    )


def test_the_view_offers_exactly_the_excess() -> None:
    view = overpaid_view(_detail(), needs_pin=False)
    assert view is not None
    assert (view.headline, view.button_text, view.can_refund, view.reason) == (
        "Overpaid by $35.00 — refund the excess",
        "Refund $35.00 to the card",
        True,
        "",
    )
    assert overpaid_view(BookingDetail(_booking(paid=3500), [], []), needs_pin=False) is None
    # $50.00 in cash and $35.00 by card on a $35.00 booking: the card covers $35.00 only.
    short = overpaid_view(_detail(cash=5000), needs_pin=False)
    assert short is not None and not short.can_refund
    assert short.reason.startswith("Only $35.00 of the $50.00 excess was paid by card.")
    # A refund on its way: no button, and the headline says so.
    going = overpaid_view(_detail([_refund(3500, RefundStatus.PENDING)]), needs_pin=False)
    assert going is not None and not going.can_refund and going.reason == ""
    assert going.headline.endswith("the refund of the excess is on its way")


def test_one_click_refunds_through_the_runner(
    parts: tuple[FakeRefunds, Deferred, list[OverpaidView | None], list[RefundOutcome]],
) -> None:
    refunds, run, states, outcomes = parts
    presenter = _presenter(parts)
    presenter.show(_detail())
    presenter.refund()
    assert refunds.calls == []  # nothing runs on the caller's (GUI) thread
    busy = states[-1]
    assert busy is not None and busy.busy
    presenter.refund()  # a double click while busy: ignored
    presenter.show(_detail())  # the 2-second reload while busy: the answer decides
    assert len(run.pending) == 1 and states[-1] is busy
    run.finish()
    assert refunds.calls == [("bk_1", None)]
    done = states[-1]
    assert done is not None and not done.busy and not done.can_refund
    assert done.done == "Refund of $35.00 sent to the card."
    assert [o.amount.amount for o in outcomes] == [3500]
    presenter.show(BookingDetail(_booking(paid=7000, refunded=3500), [], []))
    assert states[-1] is None  # not overpaid any more: the flag goes


def test_staff_are_asked_for_a_manager_pin(
    parts: tuple[FakeRefunds, Deferred, list[OverpaidView | None], list[RefundOutcome]],
) -> None:
    refunds, run, states, _ = parts
    presenter = _presenter(parts, manager=False)
    presenter.show(_detail())
    assert states[-1] is not None and states[-1].needs_pin
    presenter.refund("  ")
    assert states[-1] is not None and states[-1].error == NEEDS_MANAGER and not run.pending
    presenter.refund("2580")
    refunds.fail = PermissionDeniedError("That PIN is not a manager's. Nothing was refunded.")
    run.finish()
    assert refunds.calls == [("bk_1", "2580")]
    failed = states[-1]
    assert failed is not None and failed.error.startswith("That PIN is not a manager's")
    assert failed.can_refund and not failed.busy  # try again with the right PIN
    presenter.show(_detail())
    assert states[-1] is not None and states[-1].error == failed.error  # kept over a reload
    presenter.show(None)
    assert states[-1] is None
