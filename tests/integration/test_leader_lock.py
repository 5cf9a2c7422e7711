"""The leader lock on a real PostgreSQL (issue 13 item 2): one holder at a time, on a
connection of its own with keepalives both ways; a holder whose session ends (crash,
pulled cable, killed backend) loses it and another takes it; on SQLite everyone leads.
And the poller's one cheap read: is a payment link open anywhere?"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from pos_app.app import AppContext
from pos_app.services.bookings import BookingRequest
from pos_app.store.leader_lock import (
    KEEPALIVE_IDLE_SECONDS,
    POLLER_LOCK_KEY,
    AlwaysLeader,
    PostgresLeaderLock,
    leader_lock_for,
)
from pos_app.store.poll_queries import link_open_anywhere
from pos_app.store.repositories import SqlUnitOfWorkFactory


def _holders(url: str) -> list[tuple[int, str]]:
    """(pid, application_name) of the sessions holding the poller's advisory lock."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT a.pid, a.application_name FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                    "AND l.granted AND (l.classid::bigint << 32) | l.objid::bigint = :k"
                ),
                {"k": POLLER_LOCK_KEY},
            ).all()
    finally:
        engine.dispose()
    return [(int(r[0]), str(r[1])) for r in rows]


def _kill(url: str, pid: int) -> None:
    """Ends the session and waits until it is gone: pg_terminate_backend only signals,
    and the dying backend lets go of its locks a moment later (PostgreSQL 14+ waits
    for it when given a timeout)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            ended = conn.execute(
                text("SELECT pg_terminate_backend(:p, 10000)"), {"p": pid}
            ).scalar()
            assert ended is True
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_one_leader_at_a_time_and_a_dead_session_hands_over(postgres_url: str) -> None:
    a, b = PostgresLeaderLock(postgres_url), PostgresLeaderLock(postgres_url)
    try:
        assert a.try_lead() is True
        assert b.try_lead() is False
        assert a.try_lead() is True  # still alive: the check each pass
        holders = _holders(postgres_url)
        assert len(holders) == 1 and holders[0][1] == "pos-app poller"
        # The leader's session ends under it (as a crash or pulled cable ends it).
        _kill(postgres_url, holders[0][0])
        assert b.try_lead() is True
        assert a.try_lead() is False  # its check failed: it is a standby now
        assert b.try_lead() is True
        b.release()
        assert _holders(postgres_url) == []
        assert a.try_lead() is True  # a released lock is taken at the next try
        a.release()
        a.release()  # idempotent
    finally:
        a.release()
        b.release()


@pytest.mark.postgres
def test_the_lock_connection_has_keepalives_both_ways(postgres_url: str) -> None:
    lock = PostgresLeaderLock(postgres_url)
    try:
        assert lock.try_lead()
        conn = lock._conn
        assert conn is not None
        # The server's side: PostgreSQL drops a station whose cable was pulled.
        assert conn.execute(text("SHOW tcp_keepalives_idle")).scalar() == str(
            KEEPALIVE_IDLE_SECONDS
        )
        assert conn.execute(text("SHOW tcp_keepalives_count")).scalar() == "3"
        # The client's side (libpq) and no transaction left open on it.
        info = conn.connection.dbapi_connection.info  # type: ignore[union-attr]
        assert info.get_parameters().get("keepalives") == "1"
        assert (
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE state = "
                    "'idle in transaction' AND application_name = 'pos-app poller'"
                )
            ).scalar()
            == 0
        )
    finally:
        lock.release()


def test_on_sqlite_every_station_leads(tmp_path: object) -> None:
    lock = leader_lock_for("sqlite:///x.sqlite3")
    assert isinstance(lock, AlwaysLeader)
    assert lock.try_lead() and lock.try_lead()


def test_a_link_open_anywhere_is_seen_by_one_read(app: AppContext) -> None:
    uow = app.deps.uow
    assert isinstance(uow, SqlUnitOfWorkFactory)
    assert link_open_anywhere(uow.engine) is False
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    booking = app.bookings.create(
        BookingRequest(customer_name="Ada", service_id="svc_haircut", starts_at=starts)
    )
    app.cash.record(booking.id, "10.00")  # cash is no link
    assert link_open_anywhere(uow.engine) is False
    view = app.checkout.start(booking.id, None)
    assert link_open_anywhere(uow.engine) is True
    app.checkout.cancel(view.payment_id)
    assert link_open_anywhere(uow.engine) is False
