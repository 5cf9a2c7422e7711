"""Every writer locks a booking and its payment in the same order (services/locks.py).

``checkout._renew_late_create`` locks the booking, then the payment; ``settle`` (a session
applied, a create marked refused) locked the payment, then the booking. Two stations doing
one each on the same attempt waited for each other, and PostgreSQL ended one of them with
"deadlock detected": a database error where the app owes a sentence. SQLite is not affected
(one write lock for the whole database). Found by the interleaving tests
(tests/integration/interleave.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from pos_app.sandbox.runner import SandboxHandle
from pos_app.services import settle
from pos_app.store.repositories import SqlBookingRepository
from tests.integration import interleave
from tests.integration.helpers import book


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def racing(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sandbox: SandboxHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[interleave.Desk, interleave.Desk]]:
    yield from interleave.two_desks(request.param, request, tmp_path, sandbox.url, monkeypatch)


def test_replacing_an_attempt_while_another_station_marks_it_refused_never_deadlocks(
    racing: tuple[interleave.Desk, interleave.Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A replaces an unanswered create and holds the booking's lock; B writes down that
    Stripe refused the same create (payment first). Both finish, one after the other."""
    one, other = racing
    booking = book(one.app)
    stored, _ = one.services.checkout._reserve(booking.id)  # stored, its create never sent
    for desk in racing:
        desk.clock.shift = timedelta(minutes=3)  # past the bound: it can be replaced
    pause = interleave.pause_after(monkeypatch, SqlBookingRepository, "get", caller="payables.lock")
    result = interleave.race(
        pause,
        lambda: one.services.checkout.refresh(stored.id),
        lambda: settle.mark_payment_failed(other.app.deps, stored.id, "Stripe refused it."),
    )
    assert [o.error for o in result.outcomes] == [None, None]
    (old, new) = one.app.bookings.detail(booking.id).payments
    assert old.id == stored.id and old.status.is_final and new.checkout_url
    assert result.second_waited
