"""Cash taken at the desk: the exact row, audit entry and refusals (issue 11, item 14).

``CashService.record`` claims the booking, closes its card links at Stripe, then writes the
cash under the lock. Mutation testing found no test of the stored row's fields, the audit
entry's, the claim's id, the named crash point, or the booking's payments changing meanwhile
(one cent more, or a payment corrected down).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pos_app.app import AppContext
from pos_app.domain.audit import AuditAction, AuditEntry
from pos_app.domain.errors import InvalidStateError
from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus
from pos_app.services import failpoints, ledger, payables
from tests.unit.money_station import CLERK, Station, make_station, open_money_app


@pytest.fixture(scope="module")
def money_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    yield from open_money_app(tmp_path_factory)


@pytest.fixture
def station(money_app: AppContext) -> Station:
    return make_station(money_app)


def test_cash_writes_one_succeeded_row_and_its_entry(station: Station) -> None:
    booking = station.book("35.00", name="Grace Hopper")
    payment = station.services.cash.record(booking.id, "20.00")
    assert payment.id.startswith("pay_") and len(payment.id) == len("pay_") + 32
    now = station.clock.at
    assert payment == Payment(
        id=payment.id,
        booking_id=booking.id,
        method=PaymentMethod.CASH,
        status=PaymentStatus.SUCCEEDED,
        amount=2000,
        currency="usd",
        idempotency_key=f"pos-app:cash:{payment.id}",
        created_at=now,
        paid_at=now,
        created_by=CLERK.id,
        recorded_at=now,
        record_seq=payment.record_seq,
        order_id=payment.order_id,
    )
    with station.deps.uow() as uow:
        stored = uow.payments.get(payment.id)
        after = uow.bookings.get(booking.id)
        order = uow.orders.for_booking(booking.id)
    # It pays the booking's order (issue 14).
    assert order is not None and payment.order_id == order.id
    assert stored is not None and (stored.paid_at, stored.created_by) == (now, CLERK.id)
    assert after is not None and (after.paid_amount, after.cash_claim) == (2000, None)
    assert station.audit(booking.id)[-1] == AuditEntry(
        at=now,
        actor_id=CLERK.id,
        actor_name=CLERK.name,
        action=AuditAction.CASH_RECEIVED,
        booking_id=booking.id,
        payment_id=payment.id,
        amount=2000,
        currency="usd",
        detail="Cash for Haircut, Grace Hopper",
    )


def test_cash_holds_the_booking_under_a_claim_while_it_closes_the_link(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking = station.book()
    station.services.checkout.start(booking.id)
    seen: list[str | None] = []

    def look() -> None:  # the claim is the booking's order's (docs/orders.md 2.3)
        with station.deps.uow() as uow:
            held = payables.read(uow, booking.id)
        assert held is not None
        seen.append(held.cash_claim)

    station.stripe.after_expire = look
    hits: list[str] = []
    monkeypatch.setattr(failpoints, "hit", hits.append)
    station.services.cash.record(booking.id)
    (claim,) = seen
    assert claim is not None and claim.startswith("claim_") and len(claim) == len("claim_") + 32
    assert hits == ["cash.after_claim"]


def test_a_card_payment_landing_as_the_link_closes_stops_the_cash_in_words(
    station: Station,
) -> None:
    booking = station.book()
    view = station.services.checkout.start(booking.id)
    station.stripe.pay(view.session_id or "")  # on the phone, just before the desk
    with pytest.raises(InvalidStateError) as refused:
        station.services.cash.record(booking.id)
    assert refused.value.message == (
        "The customer has just paid $35.00 by card; check the balance before taking cash."
    )


def test_one_cent_paid_by_another_station_meanwhile_is_named(station: Station) -> None:
    booking = station.book()
    station.services.checkout.start(booking.id)
    # Right as this station closes the link, another one records a cent (as an older
    # version could): the booking's payments changed under the claim.
    station.stripe.after_expire = lambda: station.cash_behind_the_links_back(booking.id, 1)
    with pytest.raises(InvalidStateError) as refused:
        station.services.cash.record(booking.id)
    assert refused.value.message == (
        "The customer has just paid $0.01 by card; check the balance before taking cash."
    )
    with station.deps.uow() as uow:
        after = uow.bookings.get(booking.id)
    assert after is not None and (after.paid_amount, after.cash_claim) == (1, None)


def test_a_payment_corrected_down_meanwhile_stops_the_cash_in_words(station: Station) -> None:
    booking = station.book()
    deposit = station.pay_by_card(booking.id, "10.00")
    station.services.checkout.start(booking.id)  # the balance's link, open

    def corrected() -> None:
        # Meanwhile reconciliation writes Stripe's amount over the deposit's (it differed):
        # the booking now holds less than when the cash was claimed.
        with station.deps.uow(write=True) as uow:
            held = uow.bookings.get(booking.id, for_update=True)
            paid = uow.payments.get(deposit.id, for_update=True)
            assert held is not None and paid is not None
            paid.amount = 900
            ledger.recompute(uow, held)
            uow.commit()

    station.stripe.after_expire = corrected
    with pytest.raises(InvalidStateError) as refused:
        station.services.cash.record(booking.id)
    assert refused.value.message == (
        "The booking's payments changed meanwhile, so no cash was recorded. Check the balance, "
        "then take cash again."
    )
