"""A full pass reads its open links from one list of Stripe's open sessions (issue 12).

One retrieve per open link cost a call and a database read each (100 links: beyond the
rate limit, ~4 s of 429 waits, ~350 ms of worker CPU). Now the open sessions are listed;
what the pass decides must not change: a listed snapshot is applied exactly as a retrieved
one would be, a link not on the list (paid or expired since) is read alone, a list that
fails leaves every link to be read alone, and each snapshot is judged on the row as stored
at that moment (read after the list, and again after any write of the pass).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from pos_app.app import AppContext, wire_services
from pos_app.domain.errors import GatewayUnavailable
from pos_app.domain.gateway_types import CheckoutSessionInfo
from pos_app.domain.payment import Payment, PaymentStatus
from pos_app.services import open_links
from pos_app.services.payment_sync import PaymentCompleted, SyncReport
from tests.unit.money_station import Station, make_station, open_money_app


@pytest.fixture
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Station]:
    apps: Iterator[AppContext] = open_money_app(tmp_path_factory)
    yield make_station(next(apps))
    next(apps, None)  # closes the app


def _links(st: Station, count: int) -> list[tuple[str, str]]:
    """``count`` open links, oldest first: (payment id, session id) each."""
    made = []
    for _ in range(count):
        st.clock.at += timedelta(seconds=1)  # the pass takes them oldest first: this order
        view = st.services.checkout.start(st.book().id)
        assert view.status is PaymentStatus.OPEN and view.session_id is not None
        made.append((view.payment_id, view.session_id))
    st.stripe.calls.clear()
    return made


def _stored(st: Station, payment_id: str) -> Payment:
    with st.deps.uow() as uow:
        payment = uow.payments.get(payment_id)
    assert payment is not None
    return payment


def _full_resend(st: Station) -> SyncReport:
    report = SyncReport()
    st.services.sync.settle_unsettled(report, reread_open=True)
    st.services.sync.take_changes(report)  # as sync_once hands them out
    return report


def _set_status(st: Station, payment_id: str, status: PaymentStatus) -> None:
    """Another station (or an older version) wrote this payment's status meanwhile."""
    with st.deps.uow(write=True) as uow:
        row = uow.payments.get(payment_id, for_update=True)
        assert row is not None
        row.status = status
        row.checkout_url = None
        uow.commit()


def test_open_links_are_read_from_one_list_not_one_call_each(station: Station) -> None:
    links = _links(station, 4)
    before = [_stored(station, p) for p, _ in links]
    opened: list[bool] = []
    real = station.deps.uow

    def uow(*args: Any, **kwargs: Any) -> Any:
        opened.append(bool(kwargs.get("write", False)))
        return real(*args, **kwargs)

    sync = wire_services(replace(station.deps, uow=uow)).sync
    report = SyncReport()
    sync.settle_unsettled(report, reread_open=True)
    assert station.stripe.calls == ["open_checkout_sessions"]
    assert report.payments_checked == 4 and report.errors == []
    assert [_stored(station, p) for p, _ in links] == before  # nothing to change: unchanged
    # The pass's own read and the rows the snapshots are judged on: not a read per link.
    assert opened == [False, False]


def test_a_link_paid_since_is_read_alone_and_seen_paid(station: Station) -> None:
    links = _links(station, 3)
    paid_id, paid_session = links[1]
    station.stripe.pay(paid_session)  # no longer open: not on the list
    report = _full_resend(station)
    assert station.stripe.calls.count("open_checkout_sessions") == 1
    assert station.stripe.calls.count("retrieve_checkout_session") == 1
    assert station.stripe.last_attempt_asked == [True]  # read as the re-read always read
    assert _stored(station, paid_id).status is PaymentStatus.SUCCEEDED
    assert [c.payment_id for c in report.newly_paid] == [paid_id]
    assert isinstance(report.newly_paid[0], PaymentCompleted)
    assert report.payments_checked == 3


def test_a_listed_snapshot_that_changes_the_link_is_written(station: Station) -> None:
    links = _links(station, 3)
    moved_id, moved_session = links[0]
    processing_id, processing_session = links[2]
    session = station.stripe.sessions[moved_session]
    later = session.expires_at + timedelta(minutes=5)
    station.stripe.sessions[moved_session] = replace(session, expires_at=later)
    # A bank debit under way on a session still open: the payment is processing.
    station.stripe.sessions[processing_session] = replace(
        station.stripe.sessions[processing_session], payment_intent_status="processing"
    )
    _full_resend(station)
    assert "retrieve_checkout_session" not in station.stripe.calls  # both from the list
    assert _stored(station, moved_id).expires_at == later
    assert _stored(station, processing_id).status is PaymentStatus.PROCESSING


def test_when_the_list_fails_every_link_is_read_alone(station: Station) -> None:
    links = _links(station, 3)
    paid_id, paid_session = links[0]
    station.stripe.pay(paid_session)
    station.stripe.list_error = GatewayUnavailable("Stripe did not answer.")
    report = _full_resend(station)
    assert station.stripe.calls.count("retrieve_checkout_session") == 3
    assert report.errors == [] and report.payments_checked == 3
    assert _stored(station, paid_id).status is PaymentStatus.SUCCEEDED


def test_one_open_link_is_read_alone(station: Station) -> None:
    (link,) = _links(station, 1)
    _full_resend(station)
    assert station.stripe.calls == ["retrieve_checkout_session"]
    assert _stored(station, link[0]).status is PaymentStatus.OPEN


def test_the_list_is_read_no_further_than_the_last_link(station: Station) -> None:
    links = _links(station, 3)
    found = [station.stripe.sessions[s] for _, s in reversed(links)]  # newest first
    read_on = []

    def pages(*, pages: int) -> Iterator[CheckoutSessionInfo]:
        yield from found
        read_on.append(True)  # asked for another page: other apps' sessions only

    station.stripe.open_checkout_sessions = pages  # type: ignore[method-assign]
    listed = open_links.listed_sessions(station.deps, [_stored(station, p) for p, _ in links])
    assert listed == {p: station.stripe.sessions[s] for p, s in links}
    assert read_on == []


def test_what_was_listed_before_the_list_failed_stands(station: Station) -> None:
    links = _links(station, 3)
    newest = station.stripe.sessions[links[2][1]]

    def pages(*, pages: int) -> Iterator[CheckoutSessionInfo]:
        yield newest
        raise GatewayUnavailable("Stripe did not answer.")

    station.stripe.open_checkout_sessions = pages  # type: ignore[method-assign]
    report = _full_resend(station)
    assert station.stripe.calls.count("retrieve_checkout_session") == 2  # the other two
    assert report.errors == [] and report.payments_checked == 3


def test_a_link_closed_after_the_list_is_judged_as_stored_then(station: Station) -> None:
    """The rows are read after the list: a link closed meanwhile (another station gave up
    on it) with its session still open at Stripe is an orphan, closed at Stripe, as the
    per-link re-read did; a judgement on the pass's earlier rows would leave it open."""
    links = _links(station, 3)
    closed_id, closed_session = links[2]
    real = station.stripe.open_checkout_sessions

    def list_then_close(*, pages: int) -> Iterator[object]:
        listed = list(real(pages=pages))
        _set_status(station, closed_id, PaymentStatus.EXPIRED)
        return iter(listed)

    station.stripe.open_checkout_sessions = list_then_close  # type: ignore[method-assign]
    _full_resend(station)
    assert station.stripe.sessions[closed_session].status == "expired"  # closed at Stripe
    assert station.stripe.calls.count("expire_checkout_session") == 1


def test_links_after_a_write_of_the_pass_are_judged_on_fresh_rows(station: Station) -> None:
    """A link read alone (paid since) is written; a row another writer changed meanwhile
    must then be judged as stored after that write, not as read before it."""
    links = _links(station, 3)
    _, paid_session = links[1]
    closed_id, closed_session = links[2]
    station.stripe.pay(paid_session)
    real = station.stripe.retrieve_checkout_session

    def retrieve_and_close(session_id: str, **kw: bool) -> object:
        _set_status(station, closed_id, PaymentStatus.EXPIRED)  # while the pass runs
        return real(session_id, **kw)

    station.stripe.retrieve_checkout_session = retrieve_and_close  # type: ignore[method-assign]
    _full_resend(station)
    assert station.stripe.sessions[closed_session].status == "expired"  # the orphan closed
