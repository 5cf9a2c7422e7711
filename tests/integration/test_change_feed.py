"""Live updates across desks, below the GUI (issue 13 item 5).

What a unit of work announces at commit (store/change_notes.py), on any database; SQLite's
``data_version`` watcher; and, on a real PostgreSQL, a commit in one app heard by another
app's listener, a rollback heard by nobody, and a listener whose connection is killed coming
back and saying "reload everything".
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.booking import Booking
from pos_app.domain.changes import Change, Topic
from pos_app.domain.orders import Order
from pos_app.services.bookings import BookingRequest
from pos_app.services.orders import SaleItem, SaleRequest
from pos_app.store import change_notes
from pos_app.store.change_feed import APPLICATION_NAME, SqliteChangeFeed, start_feed
from pos_app.store.database import make_engine
from tests.conftest import TEST_MANAGER
from tests.payments import pay

#: A bound on a hang, never a measure of speed.
STUCK_SECONDS = 30.0


def wait_for(predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + STUCK_SECONDS
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.01)


class Heard:
    """What a listener heard, from its thread."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self._lock = threading.Lock()

    def __call__(self, change: Change) -> None:
        with self._lock:
            self.changes.append(change)

    def snapshot(self) -> list[Change]:
        with self._lock:
            return list(self.changes)

    def clear(self) -> None:
        with self._lock:
            self.changes.clear()

    def naming(self, booking_id: str) -> list[Change]:
        return [c for c in self.snapshot() if booking_id in c.booking_ids]


def tomorrow(hour: int) -> datetime:
    day = datetime.now(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def book(ctx: AppContext, at: datetime, name: str = "Maya Thompson") -> Booking:
    return ctx.bookings.create(
        BookingRequest(
            customer_name=name,
            service_id="svc_haircut",
            starts_at=at,
            customer_email=f"{name.split()[0].lower()}@example.com",
        )
    )


# -- what a unit of work announces (any database) ----------------------------------------------


@pytest.fixture
def announced(monkeypatch: pytest.MonkeyPatch) -> list[Change]:
    """Every change the unit of work hands to ``send`` at commit (whatever the database)."""
    sent: list[Change] = []
    real = change_notes.send

    def capture(session: object, change: Change) -> None:
        sent.append(change)
        real(session, change)  # type: ignore[arg-type]

    monkeypatch.setattr(change_notes, "send", capture)
    return sent


def test_a_new_booking_is_announced_once_with_its_id_and_day(
    app: AppContext, announced: list[Change]
) -> None:
    booking = book(app, tomorrow(10))
    # The customer made with it rides in the same commit (a savepoint is not a commit).
    assert len(announced) == 1
    change = announced[0]
    assert change.booking_ids == {booking.id}
    assert {Topic.BOOKING, Topic.CUSTOMER} <= change.topics
    assert change.days == {tomorrow(10).date()}


def test_a_moved_booking_names_the_day_it_left_and_the_day_it_reached(
    app: AppContext, announced: list[Change]
) -> None:
    booking = book(app, tomorrow(10))
    announced.clear()
    later = tomorrow(10) + timedelta(days=2)
    app.bookings.move(booking.id, later, None)
    assert announced
    merged = announced[0]
    for change in announced[1:]:
        merged = merged.merge(change)
    assert booking.id in merged.booking_ids
    assert {tomorrow(10).date(), later.date()} <= merged.days


def test_cash_and_a_cancel_name_the_booking(app: AppContext, announced: list[Change]) -> None:
    booking = book(app, tomorrow(11))
    announced.clear()
    app.cash.record(booking.id)
    assert any(Topic.PAYMENT in c.topics and booking.id in c.booking_ids for c in announced)
    other = book(app, tomorrow(12), name="Daniel Okafor")
    announced.clear()
    app.bookings.cancel(other.id)
    assert any(Topic.BOOKING in c.topics and other.id in c.booking_ids for c in announced)


def test_a_rolled_back_unit_of_work_and_a_read_announce_nothing(
    app: AppContext, announced: list[Change]
) -> None:
    booking = book(app, tomorrow(10))
    announced.clear()
    with pytest.raises(RuntimeError), app.deps.uow(write=True) as uow:
        row = uow.bookings.get(booking.id)
        assert row is not None
        row.notes = "never saved"
        uow.session.flush()  # flushed, so noted; then the unit of work fails
        raise RuntimeError("the work failed")
    app.bookings.day_sheet(tomorrow(10).date())
    with app.deps.uow(write=True) as uow:
        uow.commit()  # a commit that wrote nothing
    assert announced == []
    # And what a failed unit of work noted is not carried into the next commit.
    fresh = book(app, tomorrow(14), name="Ana Lima")
    assert [c.booking_ids for c in announced] == [frozenset({fresh.id})]


def test_setting_what_a_row_already_holds_announces_nothing(
    app: AppContext, announced: list[Change]
) -> None:
    # The charge screen re-reads its payment every second: no station must reload for it.
    booking = book(app, tomorrow(10))
    announced.clear()
    with app.deps.uow(write=True) as uow:
        row = uow.bookings.get(booking.id)
        assert row is not None
        row.notes = row.notes
        row.starts_at = booking.starts_at
        uow.commit()
    assert announced == []


def test_each_transaction_of_one_unit_of_work_announces_only_its_own_rows(
    app: AppContext, announced: list[Change]
) -> None:
    first, second = book(app, tomorrow(10)), book(app, tomorrow(12), name="Ana Lima")
    announced.clear()
    with app.deps.uow(write=True) as uow:
        for booking_id in (first.id, second.id):
            row = uow.bookings.get(booking_id)
            assert row is not None
            row.notes = "seen"
            uow.commit()
        row = uow.bookings.get(first.id)
        assert row is not None
        row.notes = "rolled back"
        uow.session.flush()
        uow.session.rollback()
        uow.commit()  # nothing left to announce
    assert [c.booking_ids for c in announced] == [frozenset({first.id}), frozenset({second.id})]


# -- SQLite: data_version ------------------------------------------------------------------------


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "shared.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.close()
    return path


def test_the_sqlite_watcher_hears_another_connections_commit_and_not_a_commit_of_nothing(
    sqlite_file: Path,
) -> None:
    heard = Heard()
    feed = SqliteChangeFeed(str(sqlite_file), heard)
    feed.start()
    try:
        assert feed.ready.wait(STUCK_SECONDS)
        wait_for(lambda: len(heard.snapshot()) == 1, "the first 'connected'")
        assert heard.snapshot()[0].everything  # what was committed before it started
        heard.clear()
        other = sqlite3.connect(sqlite_file, isolation_level=None)
        other.execute("SELECT count(*) FROM t").fetchall()
        other.execute("BEGIN IMMEDIATE")
        other.execute("COMMIT")  # a write transaction that changed nothing
        checks = feed.checks
        wait_for(lambda: feed.checks >= checks + 3, "three more checks")
        assert heard.snapshot() == []
        other.execute("INSERT INTO t VALUES (1)")
        wait_for(lambda: len(heard.snapshot()) >= 1, "the commit heard")
        assert all(c.everything for c in heard.snapshot())
        other.close()
    finally:
        feed.stop()


@pytest.mark.sqlite_only
def test_an_apps_sqlite_database_is_watched_through_watch_changes(app: AppContext) -> None:
    heard = Heard()
    feed = app.watch_changes(heard)
    assert isinstance(feed, SqliteChangeFeed)
    assert feed.ready.wait(STUCK_SECONDS)
    wait_for(lambda: len(heard.snapshot()) == 1, "connected")
    heard.clear()
    book(app, tomorrow(9))  # the app's own connections are "another connection" here
    wait_for(lambda: len(heard.snapshot()) >= 1, "the booking heard")


# -- PostgreSQL: LISTEN / NOTIFY -----------------------------------------------------------------


@pytest.fixture
def pg_env(app_env: dict[str, str], postgres_url: str) -> dict[str, str]:
    return {**app_env, "POS_DATABASE_URL": postgres_url}


@pytest.fixture
def station_a(pg_env: dict[str, str]) -> Iterator[AppContext]:
    ctx = open_app(load_config(pg_env), sandbox="none")
    ctx.deps.desk.sign_in(TEST_MANAGER)
    yield ctx
    ctx.close()


@pytest.fixture
def listener(postgres_url: str) -> Iterator[tuple[Heard, object]]:
    """Station B's feed: its own engine, as another process would have."""
    engine = make_engine(postgres_url)
    heard = Heard()
    feed = start_feed(engine, heard)
    assert feed is not None
    wait_for(lambda: any(c.everything for c in heard.snapshot()), "the first LISTEN")
    heard.clear()
    yield heard, feed
    feed.stop()
    engine.dispose()


@pytest.mark.postgres
def test_a_commit_at_one_station_is_heard_at_another_naming_the_booking(
    station_a: AppContext, listener: tuple[Heard, object]
) -> None:
    heard, _feed = listener
    booking = book(station_a, tomorrow(10))
    wait_for(lambda: bool(heard.naming(booking.id)), "the booking announced")
    change = heard.naming(booking.id)[0]
    assert Topic.BOOKING in change.topics
    assert not change.everything
    assert change.days == {tomorrow(10).date()}
    station_a.cash.record(booking.id)
    wait_for(
        lambda: any(Topic.PAYMENT in c.topics for c in heard.naming(booking.id)),
        "the cash payment announced",
    )


@pytest.mark.postgres
def test_a_rolled_back_transaction_is_heard_by_nobody(
    station_a: AppContext, listener: tuple[Heard, object]
) -> None:
    heard, _feed = listener
    booking = book(station_a, tomorrow(10))
    wait_for(lambda: bool(heard.naming(booking.id)), "the booking announced")
    heard.clear()
    with pytest.raises(RuntimeError), station_a.deps.uow(write=True) as uow:
        row = uow.bookings.get(booking.id, for_update=True)
        assert row is not None
        row.notes = "never saved"
        uow.session.flush()
        # The NOTIFY is queued in this very transaction, as a commit would have queued it.
        change_notes.send(uow.session, change_notes.noted(uow.session))
        raise RuntimeError("the work failed")
    # Notifications arrive in commit order: once the next commit is heard, the rolled-back
    # one would have been heard before it.
    marker = book(station_a, tomorrow(12), name="Daniel Okafor")
    wait_for(lambda: bool(heard.naming(marker.id)), "the next commit announced")
    assert heard.naming(booking.id) == []


@pytest.mark.postgres
def test_a_killed_listener_reconnects_and_says_reload_everything(
    station_a: AppContext, listener: tuple[Heard, object], postgres_url: str
) -> None:
    heard, feed = listener
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            killed = conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": APPLICATION_NAME},
            ).fetchall()
        assert killed == [(True,)]
        wait_for(lambda: any(c.everything for c in heard.snapshot()), "reload everything")
        assert [c.reason for c in heard.snapshot() if c.everything] == ["reconnected"]
        assert getattr(feed, "connects", 0) == 2
        # And it listens again.
        booking = book(station_a, tomorrow(10))
        wait_for(lambda: bool(heard.naming(booking.id)), "the booking announced after")
    finally:
        admin.dispose()


# -- orders (issue 14): written with Core statements, announced by the repository -------------


def _sale(ctx: AppContext) -> Order:
    return ctx.orders.create_walk_in(SaleRequest([SaleItem("Haircut")]))


def _orders(changes: list[Change]) -> list[Change]:
    return [c for c in changes if Topic.ORDER in c.topics]


def test_an_order_is_announced_when_sold_paid_refunded_and_voided(
    app: AppContext, announced: list[Change]
) -> None:
    app.deps.desk.sign_in(TEST_MANAGER)  # a manager refunds
    sold = _sale(app)
    assert len(_orders(announced)) == 1  # sold: one commit, one announcement
    link = app.checkout.start(sold.id)
    assert link.url
    pay(link.url)
    announced.clear()
    app.checkout.refresh(link.payment_id)  # the card payment lands: paid
    assert _orders(announced)
    announced.clear()
    app.checkout.refresh(link.payment_id)  # read again: the order did not change
    assert _orders(announced) == []
    app.refunds.refund(sold.id, "5.00")
    assert _orders(announced)  # its refunded amount and status moved
    other = _sale(app)
    announced.clear()
    app.orders.void(other.id)
    assert _orders(announced)


@pytest.mark.sqlite_only
def test_a_sale_is_heard_through_sqlites_data_version(app: AppContext) -> None:
    heard = Heard()
    feed = app.watch_changes(heard)
    assert feed is not None and feed.ready.wait(STUCK_SECONDS)  # type: ignore[attr-defined]
    wait_for(lambda: len(heard.snapshot()) == 1, "connected")
    heard.clear()
    _sale(app)
    wait_for(lambda: any(c.concerns_orders() for c in heard.snapshot()), "the sale heard")
    feed.stop()


@pytest.mark.postgres
def test_a_sale_at_one_station_is_heard_at_another_as_an_order(
    station_a: AppContext, listener: tuple[Heard, object]
) -> None:
    heard, _feed = listener
    sold = _sale(station_a)
    wait_for(lambda: bool(_orders(heard.snapshot())), "the sale announced")
    change = _orders(heard.snapshot())[0]
    assert not change.everything and change.concerns_orders() and not change.concerns_money()
    heard.clear()
    station_a.orders.void(sold.id)
    wait_for(lambda: bool(_orders(heard.snapshot())), "the void announced")
