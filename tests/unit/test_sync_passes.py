"""What one sync pass reads from Stripe, what it counts, and what it carries to the next.

An event the sync cannot apply is skipped, said once, and made up for by one full re-read.

``poll_events`` must never stop the feed on one bad event (issue 5), and what the skipped
event could have changed is re-read from Stripe instead (``reconcile_all``): open links,
unsettled refunds and the refunds that succeeded lately. Mutation testing found the
sentence, the counts and the "re-read once, then stop" flag unchecked (issue 11, item 14).
An ordinary pass resends only what was never answered; a full pass re-reads every open link
and unsettled refund and fetches missing fees; ended holds are closed; the events feed is
read page by page and its cursor kept; an interrupted pass hands its counts to the next.
Each test opens its own database, so the counts are this test's rows alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from pos_app.app import AppContext
from pos_app.domain.errors import GatewayRejected, GatewayUnavailable
from pos_app.domain.gateway_types import EventInfo, EventPage
from pos_app.domain.money import Money
from pos_app.domain.payment import Payment, PaymentStatus, RefundStatus
from pos_app.services import event_batch, event_cursor
from pos_app.services.payment_sync import (
    TRY_AGAIN,
    PaymentCompleted,
    RefundFailed,
    SyncReport,
)
from tests.unit.money_station import MANAGER, NOW, Station, make_station, open_money_app


@pytest.fixture
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Station]:
    apps: Iterator[AppContext] = open_money_app(tmp_path_factory)
    yield make_station(next(apps))
    next(apps, None)  # closes the app


def _event(n: int, kind: str = "refund.updated") -> EventInfo:
    return EventInfo(f"evt_{n}", kind, 1_700_000_000 + n, "refund", f"re_{n}")


def _feed(station: Station, *pages: list[EventInfo]) -> list[str | None]:
    """Stripe's events: each call answers the next page (newest first); the cursors asked."""
    asked: list[str | None] = []
    queue = [EventPage(list(reversed(events)), has_more=False) for events in pages]

    def list_events(*, types: object, ending_before: str | None, limit: int) -> EventPage:
        asked.append(ending_before)
        return queue.pop(0) if queue else EventPage([], has_more=False)

    station.stripe.list_events = list_events  # type: ignore[attr-defined]
    return asked


def _failing(
    station: Station, monkeypatch: pytest.MonkeyPatch, errors: dict[str, Exception]
) -> None:
    def process_event(event: EventInfo) -> bool:
        raise errors[event.id]

    monkeypatch.setattr(station.services.sync, "process_event", process_event)


def test_each_skipped_event_gets_one_sentence_with_stripes_reason(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    _feed(station, [_event(1), _event(2, "charge.refunded")])
    _failing(
        station,
        monkeypatch,
        {
            # Stripe's reason ends in a full stop (and here an id ending in X): one is dropped.
            "evt_1": GatewayRejected("No such refund: re_3MtwBwLkdIwHu7iX."),
            "evt_2": KeyError("a bug"),  # no reason a person could act on: none is shown
        },
    )
    report = SyncReport()
    station.services.sync.poll_events(report)
    tail = (
        ", so it was skipped and the payments and refunds it may concern were re-read from "
        "Stripe instead; if this keeps happening send the log file to support."
    )
    assert report.errors == [
        "Stripe's update evt_1 (refund.updated) could not be applied "
        "(No such refund: re_3MtwBwLkdIwHu7iX)" + tail,
        "Stripe's update evt_2 (charge.refunded) could not be applied" + tail,
    ]
    assert (report.events_seen, report.events_applied, report.events_skipped) == (2, 0, 2)


def test_a_skipped_event_rereads_open_links_and_recent_refunds_once(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    station.deps.desk.sign_in(MANAGER)
    refunded = station.book()
    station.pay_by_card(refunded.id)
    for amount in ("5.00", "6.00"):
        (refund,) = station.services.refunds.refund(refunded.id, amount).refunds
        assert refund.stripe_refund_id is not None
        station.stripe.settle_refund(refund.stripe_refund_id, "succeeded")
        station.services.sync.refresh_booking(refunded.id)
    waiting = station.book()
    link = station.services.checkout.start(waiting.id)
    assert link.session_id is not None
    station.stripe.pay(link.session_id)  # paid at Stripe; its event is the one skipped
    _feed(station, [_event(1)])
    _failing(station, monkeypatch, {"evt_1": RuntimeError("a bug")})

    report = station.services.sync.sync_once()

    with station.deps.uow() as uow:
        payment = uow.payments.get(link.payment_id)
    assert payment is not None and payment.status is PaymentStatus.SUCCEEDED
    # The open link was read once (not again by the resend step), each refund once.
    assert (report.payments_checked, report.refunds_checked) == (1, 2)
    assert report.reread_all


def test_the_reread_is_done_once_not_on_every_later_pass(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync = station.services.sync
    fresh = SyncReport()
    _feed(station)
    sync.poll_events(fresh)
    assert not fresh.reread_all  # a new station has nothing to make up for

    _feed(station, [_event(1)], [])
    _failing(station, monkeypatch, {"evt_1": RuntimeError("a bug")})
    skipped, after = SyncReport(), SyncReport()
    sync.poll_events(skipped)
    sync.poll_events(after)
    assert skipped.reread_all
    assert not after.reread_all


# -- ordinary and full passes ----------------------------------------------------------------


def _pay_later(station: Station) -> str:
    """An open link the customer has paid at Stripe; its event not read yet. Its payment."""
    link = station.services.checkout.start(station.book().id)
    assert link.session_id is not None
    station.stripe.pay(link.session_id)
    return link.payment_id


def _status(station: Station, payment_id: str) -> PaymentStatus:
    with station.deps.uow() as uow:
        payment = uow.payments.get(payment_id)
    assert payment is not None
    return payment.status


def test_an_ordinary_pass_resends_only_what_was_never_answered(station: Station) -> None:
    station.deps.desk.sign_in(MANAGER)
    _feed(station)
    broken = station.services.checkout.start(station.book().id)  # Stripe lost it meanwhile
    assert broken.session_id is not None
    station.clock.at += timedelta(seconds=1)  # each row a second after the last: in order
    paid_meanwhile = _pay_later(station)
    station.clock.at += timedelta(seconds=1)
    station.stripe.lose_answer = True
    lost = station.book()
    with pytest.raises(GatewayUnavailable):
        station.services.checkout.start(lost.id)
    station.clock.at += timedelta(seconds=1)
    pending = station.book()
    station.pay_by_card(pending.id)
    (waiting,) = station.services.refunds.refund(pending.id, "5.00").refunds
    assert waiting.stripe_refund_id is not None
    station.stripe.settle_refund(waiting.stripe_refund_id, "succeeded")
    station.clock.at += timedelta(seconds=1)
    unsent = station.book()
    station.pay_by_card(unsent.id)
    station.stripe.refund_error = GatewayUnavailable("Stripe did not answer.")
    with pytest.raises(GatewayUnavailable):
        station.services.refunds.refund(unsent.id, "5.00")
    no_fee = station.book()
    feeless = station.pay_by_card(no_fee.id)
    with station.deps.uow(write=True) as uow:
        row = uow.payments.get(feeless.id, for_update=True)
        assert row is not None
        row.fee_amount = row.net_amount = None  # its fee was not reported yet
        uow.commit()
    del station.stripe.sessions[broken.session_id]

    ordinary = station.services.sync.sync_once()
    assert (ordinary.payments_checked, ordinary.refunds_checked) == (1, 1)  # the unanswered
    assert _status(station, paid_meanwhile) is PaymentStatus.OPEN  # waits for its event
    assert ordinary.newly_paid == [] and ordinary.errors == []
    with station.deps.uow() as uow:
        waiting_fee = uow.payments.get(feeless.id)
    assert waiting_fee is not None and waiting_fee.fee_amount is None  # only a full pass asks

    full = station.services.sync.sync_once(full=True)
    # Three open links (the one Stripe lost fails, alone) and two unsettled refunds.
    assert (full.payments_checked, full.refunds_checked) == (3, 2)
    assert [c.payment_id for c in full.newly_paid] == [paid_meanwhile]
    assert full.errors == [f"Checking payment {broken.payment_id} failed{TRY_AGAIN}"]
    with station.deps.uow() as uow:
        filled = uow.payments.get(feeless.id)
    assert filled is not None and filled.fee_amount == 100


@pytest.mark.parametrize("full", [False, True])
def test_a_pass_leaves_a_create_this_process_is_sending_to_that_call(
    station: Station, full: bool
) -> None:
    """With a pass every second, passes often meet a link whose create call a desk of this
    process has under way: resending it too would only repeat the call and lengthen the
    pass (the desk's call stores its answer). One whose call failed is resent."""
    _feed(station)
    passes: list[SyncReport] = []
    station.stripe.while_sending = lambda: passes.append(station.services.sync.sync_once(full=full))
    view = station.services.checkout.start(station.book().id)
    assert passes[0].payments_checked == 0 and passes[0].errors == []
    assert station.stripe.calls.count("create_checkout_session") == 1
    assert view.status is PaymentStatus.OPEN
    assert not station.services.checkout.sending(view.payment_id)  # over once answered

    station.stripe.create_error = GatewayUnavailable("Stripe did not answer.")
    unanswered = station.book()
    with pytest.raises(GatewayUnavailable):
        station.services.checkout.start(unanswered.id)
    assert station.services.sync.sync_once(full=full).payments_checked >= 1
    assert station.stripe.calls.count("create_checkout_session") == 3  # resent by the pass
    assert _status(station, _payments_of(station, unanswered.id)[0]) is PaymentStatus.OPEN


def _payments_of(station: Station, booking_id: str) -> list[str]:
    with station.deps.uow() as uow:
        return [p.id for p in uow.payments.for_booking(booking_id)]


def _link_at(station: Station, minutes: int) -> str:
    """A link opened ``minutes`` after NOW; its payment."""
    station.clock.at = NOW + timedelta(minutes=minutes)
    return station.services.checkout.start(station.book().id).payment_id


def test_ended_holds_are_closed_and_a_payment_made_meanwhile_stands(station: Station) -> None:
    first_try_fails = _link_at(station, 0)
    ended = _link_at(station, 1)
    paid = _pay_later_at(station, 2)
    ends_now = _link_at(station, 5)
    held = _link_at(station, 6)
    hold_until = station.deps.policy.hold_minutes
    station.clock.at = NOW + timedelta(minutes=5 + hold_until)  # the fourth's hold ends now
    station.stripe.expire_error = GatewayUnavailable("Stripe did not answer.")
    report = SyncReport()
    station.services.sync.expire_ended_holds(report)
    station.services.sync.take_changes(report)
    assert report.holds_expired == 2
    assert report.errors == ["Stripe did not answer."]
    assert [c.payment_id for c in report.newly_paid] == [paid]
    assert [_status(station, p) for p in (first_try_fails, ended, paid, ends_now, held)] == [
        PaymentStatus.OPEN,
        PaymentStatus.EXPIRED,
        PaymentStatus.SUCCEEDED,
        PaymentStatus.EXPIRED,
        PaymentStatus.OPEN,
    ]


def _pay_later_at(station: Station, minutes: int) -> str:
    station.clock.at = NOW + timedelta(minutes=minutes)
    return _pay_later(station)


# -- the events feed ---------------------------------------------------------------------------


def test_the_feed_is_read_page_by_page_and_every_event_applied_counted(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _feed(station, [_event(1), _event(2)], [_event(3)])
    pages = iter([True, False])
    real = station.stripe.list_events  # type: ignore[attr-defined]

    def list_events(**kwargs: object) -> EventPage:
        page: EventPage = real(**kwargs)
        return EventPage(page.events, has_more=next(pages, False))

    station.stripe.list_events = list_events  # type: ignore[attr-defined]
    applied: list[str] = []
    monkeypatch.setattr(
        station.services.sync, "process_event", lambda e: applied.append(e.id) or True
    )
    report = SyncReport()
    station.services.sync.poll_events(report)
    assert applied == ["evt_1", "evt_2", "evt_3"]
    assert (report.events_seen, report.events_applied) == (3, 3)
    assert asked == [None, "evt_2"]
    assert event_cursor.load(station.deps) == "evt_3"


def test_stripe_unreachable_mid_page_keeps_the_events_done(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    _feed(station, [_event(1), _event(2), _event(3)])
    _failing(station, monkeypatch, {"evt_2": GatewayUnavailable("Stripe did not answer.")})
    real = station.services.sync.process_event

    def process(event: EventInfo) -> bool:
        return True if event.id == "evt_1" else real(event)

    monkeypatch.setattr(station.services.sync, "process_event", process)
    event_cursor.save(station.deps, "evt_0")
    with pytest.raises(GatewayUnavailable):
        station.services.sync.poll_events(SyncReport())
    assert event_cursor.load(station.deps) == "evt_1"  # the next pass reads on from there


def test_an_event_left_untried_because_stripe_went_away_is_read_again_next_pass(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Objects are re-read side by side (event_batch): one that found Stripe unreachable
    leaves events not started yet untried (None), even ones before it in the feed. The pass
    keeps the cursor before the first of them and raises that error."""
    _feed(station, [_event(1), _event(2), _event(3)])
    gone = GatewayUnavailable("Stripe did not answer.")
    monkeypatch.setattr(event_batch, "process_page", lambda events, process: [True, None, gone])
    event_cursor.save(station.deps, "evt_0")
    report = SyncReport()
    with pytest.raises(GatewayUnavailable) as raised:
        station.services.sync.poll_events(report)
    assert raised.value is gone
    assert event_cursor.load(station.deps) == "evt_1"
    assert (report.events_seen, report.events_applied) == (1, 1)


@pytest.mark.parametrize(("skipped", "reread"), [(1, True), (0, False)])
def test_a_skip_before_stripe_went_away_is_made_up_for_by_the_next_pass(
    station: Station, monkeypatch: pytest.MonkeyPatch, skipped: int, reread: bool
) -> None:
    events = [_event(n) for n in range(1, skipped + 2)]
    _feed(station, events, [])
    errors: dict[str, Exception] = {e.id: RuntimeError("a bug") for e in events[:-1]}
    errors[events[-1].id] = GatewayUnavailable("Stripe did not answer.")
    _failing(station, monkeypatch, errors)
    with pytest.raises(GatewayUnavailable):
        station.services.sync.poll_events(SyncReport())
    after = SyncReport()
    station.services.sync.poll_events(after)
    assert after.reread_all is reread


def test_what_an_interrupted_pass_did_is_told_by_the_next(station: Station) -> None:
    station.services.checkout.start(station.book().id)
    station.clock.at = NOW + timedelta(minutes=station.deps.policy.hold_minutes)

    def unreachable(**kwargs: object) -> EventPage:
        raise GatewayUnavailable("Stripe did not answer.")

    station.stripe.list_events = unreachable  # type: ignore[attr-defined]
    with pytest.raises(GatewayUnavailable):
        station.services.sync.sync_once()  # the hold was closed all the same
    _feed(station)
    assert station.services.sync.sync_once().holds_expired == 1


# -- one event ---------------------------------------------------------------------------------


def _session_event(n: int, session_id: str, kind: str = "checkout.session.completed",
                   app: str | None = "pos-app") -> EventInfo:  # fmt: skip
    metadata = {} if app is None else {"app": app}
    return EventInfo(f"evt_s{n}", kind, 1_700_000_000 + n, "checkout.session", session_id, metadata)


def test_a_paid_session_event_is_applied_once_and_named_for_the_desk(station: Station) -> None:
    booking = station.book("35.00", name="Grace Hopper")
    link = station.services.checkout.start(booking.id)
    assert link.session_id is not None
    station.stripe.pay(link.session_id)
    sync = station.services.sync
    event = _session_event(1, link.session_id)
    assert sync.process_event(event) is True
    assert sync.process_event(event) is False  # the same delivery again: nothing re-read
    assert station.stripe.calls.count("retrieve_checkout_session") == 1
    report = SyncReport()
    sync.take_changes(report)
    assert report.newly_paid == [
        PaymentCompleted(booking.id, link.payment_id, Money(3500, "usd"), "Grace Hopper", "Haircut")
    ]


def test_a_paid_session_event_reads_its_fee_in_the_same_call(station: Station) -> None:
    """Issue 13 item 4: the feed's re-read of a paid session expands its charge, so the
    payment is Paid with its fee after one call to Stripe, not two."""
    link = station.services.checkout.start(station.book("35.00").id)
    assert link.session_id is not None
    station.stripe.pay(link.session_id, fee=105)
    station.stripe.calls.clear()
    assert station.services.sync.process_event(_session_event(1, link.session_id)) is True
    assert station.stripe.calls == ["retrieve_checkout_session"]
    with station.deps.uow() as uow:
        payment = uow.payments.get(link.payment_id)
    assert payment is not None and payment.status is PaymentStatus.SUCCEEDED
    assert (payment.fee_amount, payment.net_amount) == (105, 3395)


def test_events_that_are_not_ours_are_passed_over(station: Station) -> None:
    link = station.services.checkout.start(station.book().id)
    assert link.session_id is not None
    with station.deps.uow() as uow:
        payment = uow.payments.get(link.payment_id)
    assert payment is not None
    sync = station.services.sync
    station.stripe.calls.clear()
    others = [
        _session_event(2, link.session_id, app="another-app"),  # another app's metadata
        _session_event(3, "cs_never_stored"),  # a session this business never stored
        # A charge event type the app does not subscribe to, about one of its payments.
        EventInfo(
            "evt_c4",
            "charge.succeeded",
            1_700_000_004,
            "charge",
            "ch_4",
            {"app": "pos-app", "payment_id": payment.id},
        ),
    ]
    assert [sync.process_event(e) for e in others] == [False, False, False]
    assert station.stripe.calls == []


def test_a_refund_event_finds_its_refund_by_stripe_id_or_by_our_id(station: Station) -> None:
    station.deps.desk.sign_in(MANAGER)
    booking = station.book()
    station.pay_by_card(booking.id)
    (known,) = station.services.refunds.refund(booking.id, "5.00").refunds
    assert known.stripe_refund_id is not None
    station.stripe.settle_refund(known.stripe_refund_id, "succeeded")
    sync = station.services.sync
    # Known by Stripe's id: no metadata needed.
    by_stripe = EventInfo("evt_r1", "refund.updated", 1, "refund", known.stripe_refund_id)
    with station.deps.uow() as uow:
        row = uow.refunds.get(known.id)
    assert row is not None and row.status is RefundStatus.PENDING
    assert sync.process_event(by_stripe) is True
    unknown = EventInfo("evt_r2", "refund.updated", 2, "refund", "re_elsewhere")
    assert sync.process_event(unknown) is False
    with station.deps.uow() as uow:
        after = uow.refunds.get(known.id)
    assert after is not None and after.status is RefundStatus.SUCCEEDED


def test_a_refund_whose_answer_was_lost_is_found_by_our_id(station: Station) -> None:
    station.deps.desk.sign_in(MANAGER)
    booking = station.book()
    station.pay_by_card(booking.id)
    station.stripe.lose_refund_answer = True

    def unreachable(**kwargs: object) -> None:
        raise GatewayUnavailable("Stripe did not answer.")

    station.stripe.find_refund = unreachable  # type: ignore[method-assign]
    with pytest.raises(GatewayUnavailable):  # made at Stripe; the app cannot tell yet
        station.services.refunds.refund(booking.id, "5.00")
    (made,) = station.stripe.refunds.values()
    refund_id = made.metadata["refund_id"]
    event = EventInfo("evt_r3", "refund.created", 3, "refund", made.id, dict(made.metadata))
    assert station.services.sync.process_event(event) is True
    with station.deps.uow() as uow:
        row = uow.refunds.get(refund_id)
    assert row is not None and row.stripe_refund_id == made.id


def test_the_desks_notes_keep_the_latest_when_nobody_collects_them(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that receives webhooks but never runs a pass keeps only the newest notes."""
    from pos_app.services import payment_sync

    monkeypatch.setattr(payment_sync, "MAX_PENDING_CHANGES", 3)
    sync = station.services.sync
    paid = [station.pay_by_card(station.book().id) for _ in range(5)]
    for payment in paid:
        sync._note_payment(PaymentStatus.OPEN, payment)
    report = SyncReport()
    sync.take_changes(report)
    assert [c.payment_id for c in report.newly_paid] == [p.id for p in paid[-3:]]


# -- charge and refund events ----------------------------------------------------------------


def _feeless(station: Station) -> Payment:
    """A paid card payment whose fee Stripe has not reported yet (asynchronous capture)."""
    payment = station.pay_by_card(station.book().id, fee=None)  # type: ignore[arg-type]
    assert payment.needs_charge_details and payment.stripe_payment_intent_id is not None
    intent = payment.stripe_payment_intent_id
    station.stripe.charges[intent] = replace(
        station.stripe.charges[intent], balance_transaction_id="txn_later", fee=120, net=3380
    )
    return payment


def _fee(station: Station, payment_id: str) -> int | None:
    with station.deps.uow() as uow:
        payment = uow.payments.get(payment_id)
    assert payment is not None
    return payment.fee_amount


def _charge_event(n: int, intent: str | None, payment_id: str | None) -> EventInfo:
    metadata = {"app": "pos-app"} | ({"payment_id": payment_id} if payment_id else {})
    return EventInfo(f"evt_ch{n}", "charge.updated", n, "charge", f"ch_{n}", metadata, intent)


def test_a_charge_event_finds_its_payment_by_intent_first_then_by_our_id(
    station: Station,
) -> None:
    """Stripe always names the charge's PaymentIntent; our id in the charge's metadata is
    only a fallback (older charges), and never wins over the PaymentIntent."""
    by_intent, by_metadata, named_wrongly = (_feeless(station) for _ in range(3))
    sync = station.services.sync
    assert by_intent.stripe_payment_intent_id is not None
    # The PaymentIntent names one payment; stale metadata names another: the intent wins.
    assert sync.process_event(
        _charge_event(1, by_intent.stripe_payment_intent_id, named_wrongly.id)
    )
    assert sync.process_event(_charge_event(2, None, by_metadata.id))
    assert (_fee(station, by_intent.id), _fee(station, by_metadata.id)) == (120, 120)
    assert _fee(station, named_wrongly.id) is None
    assert sync.process_event(_charge_event(3, "pi_elsewhere", None)) is False
    other = EventInfo("evt_x", "charge.updated", 4, "invoice", "in_4", {"app": "pos-app"})
    assert sync.process_event(other) is False  # an object type the app does not read


def test_a_refund_stripe_fails_later_is_told_to_the_desk(station: Station) -> None:
    """charge.refunded (or refund.failed) re-reads the payment's refunds still open at
    Stripe; one that failed is handed to the desk once, naming the customer."""
    station.deps.desk.sign_in(MANAGER)
    booking = station.book(name="Ada Lovelace")
    paid = station.pay_by_card(booking.id)
    (settled,) = station.services.refunds.refund(booking.id, "1.00").refunds
    assert settled.stripe_refund_id is not None
    station.stripe.settle_refund(settled.stripe_refund_id, "succeeded")
    station.services.sync.refresh_booking(booking.id)  # known to have succeeded
    first, second = (station.services.refunds.refund(booking.id, "5.00").refunds[0] for _ in "ab")
    assert first.stripe_refund_id is not None and second.stripe_refund_id is not None
    station.stripe.settle_refund(first.stripe_refund_id, "failed", "lost_or_stolen_card")
    station.stripe.settle_refund(second.stripe_refund_id, "succeeded")
    sync = station.services.sync
    charge = EventInfo(
        "evt_cr1", "charge.refunded", 1, "charge", "ch_r1", {}, paid.stripe_payment_intent_id
    )
    station.stripe.calls.clear()
    assert sync.process_event(charge) is True
    assert station.stripe.calls == ["retrieve_refund"] * 2  # the two still open, not the third
    report = SyncReport()
    sync.take_changes(report)
    assert report.refunds_newly_failed == [
        RefundFailed(booking.id, first.id, Money(500, "usd"), "Ada Lovelace", "lost_or_stolen_card")
    ]
    with station.deps.uow() as uow:
        states = {r.id: r.status for r in uow.refunds.for_booking(booking.id)}
    assert states == {
        settled.id: RefundStatus.SUCCEEDED,
        first.id: RefundStatus.FAILED,
        second.id: RefundStatus.SUCCEEDED,
    }


def test_a_refund_failed_event_is_told_to_the_desk(station: Station) -> None:
    station.deps.desk.sign_in(MANAGER)
    booking = station.book(name="Ada Lovelace")
    station.pay_by_card(booking.id)
    (refund,) = station.services.refunds.refund(booking.id, "5.00").refunds
    assert refund.stripe_refund_id is not None
    station.stripe.settle_refund(refund.stripe_refund_id, "failed", "expired_or_canceled_card")
    event = EventInfo("evt_rf", "refund.failed", 1, "refund", refund.stripe_refund_id)
    assert station.services.sync.process_event(event) is True
    report = SyncReport()
    station.services.sync.take_changes(report)
    assert [f.refund_id for f in report.refunds_newly_failed] == [refund.id]
