"""The rows a sync pass loads are found by the database, not by loading every open link.

Issue 12: each pass loaded every unsettled payment twice (for ended holds, then for lost
answers), 100 ORM objects a time at a busy desk, in the worker whose GIL the GUI thread waits
for. ``holds_ended`` and ``creating`` ask for just the rows each step acts on; these tests
pin what they return against what the old filters over ``unsettled()`` returned.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from pos_app.app import AppContext
from pos_app.domain.errors import GatewayUnavailable
from pos_app.domain.payment import PaymentStatus
from tests.unit.money_station import Station, make_station, open_money_app


@pytest.fixture(scope="module")
def money_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    yield from open_money_app(tmp_path_factory)


@pytest.fixture
def station(money_app: AppContext) -> Station:
    return make_station(money_app)


def _set_hold(st: Station, payment_id: str, minutes: float | None) -> None:
    with st.deps.uow(write=True) as uow:
        payment = uow.payments.get(payment_id, for_update=True)
        assert payment is not None
        payment.hold_until = None if minutes is None else st.clock.at + timedelta(minutes=minutes)
        uow.commit()


def test_holds_ended_are_the_open_links_whose_hold_is_over(station: Station) -> None:
    views = [station.services.checkout.start(station.book().id) for _ in range(4)]
    ids = [v.payment_id for v in views]
    for payment_id, minutes in zip(ids, (-5, 0, 5, None), strict=True):
        _set_hold(station, payment_id, minutes)
    now = station.clock.at
    with station.deps.uow() as uow:
        found = [p.id for p in uow.payments.holds_ended(now)]
        old_filter = [
            p.id
            for p in uow.payments.unsettled()
            if p.status is PaymentStatus.OPEN and p.hold_until is not None and p.hold_until <= now
        ]
    assert found == old_filter
    assert ids[0] in found and ids[1] in found  # ended, and ending this very moment
    assert ids[2] not in found and ids[3] not in found  # still held; never held


def test_creating_are_the_unsettled_rows_whose_answer_was_lost(station: Station) -> None:
    station.services.checkout.start(station.book().id)  # an open link: not creating
    booking = station.book()
    station.stripe.lose_answer = True
    with pytest.raises(GatewayUnavailable):
        station.services.checkout.start(booking.id)
    with station.deps.uow() as uow:
        found = [p.id for p in uow.payments.creating()]
        old_filter = [p.id for p in uow.payments.unsettled() if p.status is PaymentStatus.CREATING]
        (lost,) = uow.payments.for_booking(booking.id)
    assert found == old_filter and lost.id in found
