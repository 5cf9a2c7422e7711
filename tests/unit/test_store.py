"""The schema: migrations match the tables, and a write unit of work serializes writers."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pos_app.domain.booking import Service
from pos_app.store.database import make_engine, migrate, sqlite_url
from pos_app.store.repositories import SqlUnitOfWorkFactory
from pos_app.store.schema import metadata


def test_migrations_produce_exactly_the_mapped_schema(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "db.sqlite3"))
    migrate(engine)
    migrate(engine)  # a second start is a no-op
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_times_come_back_as_aware_utc(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "db.sqlite3"))
    migrate(engine)
    uow = SqlUnitOfWorkFactory(engine)
    with uow(write=True) as w:
        assert w.events.mark_processed("evt_1", "x", datetime(2026, 1, 1, 12, tzinfo=UTC))
        assert not w.events.mark_processed("evt_1", "x", datetime(2026, 1, 1, 12, tzinfo=UTC))
        w.commit()


def test_write_units_of_work_serialize(tmp_path: Path) -> None:
    # Two writers doing read-modify-write on the same value must not lose an update.
    engine = make_engine(sqlite_url(tmp_path / "db.sqlite3"))
    migrate(engine)
    uow = SqlUnitOfWorkFactory(engine)
    with uow(write=True) as w:
        w.services.add(Service("s", "S", 10, 0, "usd"))
        w.commit()

    def bump() -> None:
        for _ in range(20):
            with uow(write=True) as w:
                svc = w.services.get("s")
                assert svc is not None
                value = svc.price_amount
                time.sleep(0.001)  # widen the race window
                svc.price_amount = value + 1
                w.commit()

    threads = [threading.Thread(target=bump) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with uow() as r:
        svc = r.services.get("s")
        assert svc is not None and svc.price_amount == 60


def test_every_connection_commits_durably(tmp_path: Path) -> None:
    """WAL with synchronous=FULL: a commit (the key stored before a Stripe call) survives
    power loss; NORMAL may roll the last ones back."""
    engine = make_engine(sqlite_url(tmp_path / "db.sqlite3"))
    with engine.connect() as first, engine.connect() as second:
        for conn in (first, second):
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
