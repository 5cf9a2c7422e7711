"""The sync pass's report and steps (issue 11, item 14).

``SyncReport.add_counts`` carries what an interrupted pass did into the next report; each
step of ``sync_once`` fails on its own with its own sentence; ``refresh_booking`` re-reads
exactly what is not settled. Mutation testing found no test of the sums or the step names.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pos_app.app import AppContext
from pos_app.domain.payment import PaymentStatus, RefundStatus
from pos_app.services.payment_sync import STEP_FAILED, TRY_AGAIN, SyncReport
from tests.unit.money_station import MANAGER, Station, make_station, open_money_app


def _report(base: int, cursor_reset: str | None = None) -> SyncReport:
    """A report whose six counts are base, base+1, … base+5 (each one told apart)."""
    return SyncReport(
        events_seen=base,
        events_applied=base + 1,
        payments_checked=base + 2,
        refunds_checked=base + 3,
        holds_expired=base + 4,
        errors=[f"error {base}"],
        cursor_reset=cursor_reset,
        events_skipped=base + 5,
    )


def test_add_counts_sums_every_count_and_leaves_the_errors() -> None:
    report = _report(10)
    report.add_counts(_report(100))
    assert report == SyncReport(
        events_seen=110,
        events_applied=112,
        payments_checked=114,
        refunds_checked=116,
        holds_expired=118,
        errors=["error 10"],
        events_skipped=120,
    )


def test_add_counts_keeps_a_cursor_reset_from_either_pass() -> None:
    report = _report(1)
    report.add_counts(_report(2, cursor_reset="evt_old was unknown"))
    assert report.cursor_reset == "evt_old was unknown"
    report = _report(1, cursor_reset="this pass")
    report.add_counts(_report(2, cursor_reset="earlier pass"))
    assert report.cursor_reset == "this pass"


@pytest.fixture(scope="module")
def money_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    yield from open_money_app(tmp_path_factory)


@pytest.fixture
def station(money_app: AppContext) -> Station:
    return make_station(money_app)


def test_each_step_that_breaks_says_which_in_its_own_sentence(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync = station.services.sync

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    for name in ("poll_events", "expire_ended_holds", "_resend"):
        monkeypatch.setattr(sync, name, broken)
    monkeypatch.setattr(sync._retention, "prune_if_due", broken)
    monkeypatch.setattr(sync._links, "freeze_if_due", broken)
    report = sync.sync_once()
    assert report.errors == [
        STEP_FAILED[step] + TRY_AGAIN for step in ("events", "holds", "resends", "prune", "links")
    ]


def test_an_ordinary_pass_is_not_a_full_reread(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync = station.services.sync
    asked: list[bool] = []
    monkeypatch.setattr(sync, "poll_events", lambda report: None)
    monkeypatch.setattr(sync, "_resend", lambda report, *, full: asked.append(full))
    sync.sync_once()
    sync.sync_once(full=True)
    assert asked == [False, True]


def test_refresh_booking_rereads_the_unsettled_payment_and_refund(station: Station) -> None:
    station.deps.desk.sign_in(MANAGER)
    booking = station.book()
    station.pay_by_card(booking.id, "10.00")
    (refund,) = station.services.refunds.refund(booking.id, "4.00").refunds
    link = station.services.checkout.start(booking.id)  # the balance, still open
    assert refund.stripe_refund_id is not None and link.session_id is not None
    station.stripe.settle_refund(refund.stripe_refund_id, "succeeded")
    station.stripe.pay(link.session_id)
    station.services.sync.refresh_booking(booking.id)
    with station.deps.uow() as uow:
        payment = uow.payments.get(link.payment_id)
        after = uow.refunds.get(refund.id)
    assert payment is not None and payment.status is PaymentStatus.SUCCEEDED
    assert after is not None and after.status is RefundStatus.SUCCEEDED
