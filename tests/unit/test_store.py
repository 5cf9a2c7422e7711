"""The schema: migrations match the tables, and a write unit of work serializes writers."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import StatementError

from pos_app.domain.booking import Booking, Service
from pos_app.store.database import make_engine, migrate, sqlite_url
from pos_app.store.repositories import SqlUnitOfWorkFactory
from pos_app.store.schema import metadata

INDEX = "ux_customers_email_lower"


# SQLite cannot reflect the expression index on lower(email), so autogenerate leaves it out
# of the comparison (and says so); tests/integration/test_unique_constraints.py checks it.
@pytest.mark.filterwarnings("ignore:.*expression-based index:Warning")
def test_migrations_produce_exactly_the_mapped_schema(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "db.sqlite3"))
    migrate(engine)
    migrate(engine)  # a second start is a no-op
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_a_postgresql_engine_gets_the_partial_index_in_its_own_spelling() -> None:
    # schema.py leaves PostgreSQL's option out at import (naming it loads that dialect,
    # a SQLite station's start needs none); making a PostgreSQL engine adds it.
    from sqlalchemy.schema import CreateIndex

    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # connects to nothing
    (index,) = [i for i in metadata.tables["customers"].indexes if i.name == INDEX]
    ddl = str(CreateIndex(index).compile(dialect=engine.dialect))
    assert "WHERE email != ''" in ddl
    engine.dispose()


def test_times_come_back_as_aware_utc(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "db.sqlite3")
    engine = make_engine(url)
    migrate(engine)
    uow = SqlUnitOfWorkFactory(engine)
    # Written in zones far from UTC, on other calendar days than in UTC: an offset dropped,
    # or applied twice, lands hours (and a day) away.
    starts = datetime(2026, 1, 2, 0, 30, 15, 123456, tzinfo=ZoneInfo("Pacific/Kiritimati"))
    ends = datetime(2025, 12, 31, 23, 0, tzinfo=ZoneInfo("Pacific/Pago_Pago"))
    with uow(write=True) as w:
        w.services.add(Service("s", "S", 30, 3500, "usd"))
        w.session.flush()  # type: ignore[attr-defined]
        w.bookings.add(
            Booking(
                id="bk_tz",
                customer_name="Ada",
                service_id="s",
                service_name="S",
                starts_at=starts,
                ends_at=ends,
                price_amount=3500,
                currency="usd",
                created_at=datetime(2026, 1, 1, 12, tzinfo=UTC),
            )
        )
        assert w.events.mark_processed("evt_1", "x", datetime(2026, 1, 1, 12, tzinfo=UTC))
        assert not w.events.mark_processed("evt_1", "x", datetime(2026, 1, 1, 12, tzinfo=UTC))
        w.commit()

    # Read back through a new engine: nothing comes from the first session's objects.
    with SqlUnitOfWorkFactory(make_engine(url))() as r:
        got = r.bookings.get("bk_tz")
    assert got is not None
    for value in (got.starts_at, got.ends_at, got.created_at):
        assert value.tzinfo is UTC, value  # aware, and UTC itself
    assert got.starts_at == starts and got.ends_at == ends  # the same instants
    assert got.starts_at.replace(tzinfo=None) == datetime(2026, 1, 1, 10, 30, 15, 123456)
    assert got.ends_at.replace(tzinfo=None) == datetime(2026, 1, 1, 10, 0)
    assert got.created_at == datetime(2026, 1, 1, 12, tzinfo=UTC)
    # Stored as naive UTC: another station (or a query) reads the same wall time.
    with engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT starts_at FROM bookings WHERE id = 'bk_tz'").scalar()
    assert str(raw).startswith("2026-01-01 10:30:15.123456")
    # A naive time is refused, not guessed.
    with pytest.raises(StatementError, match="naive datetime"), uow(write=True) as w:
        w.events.mark_processed("evt_2", "x", datetime(2026, 1, 1, 12))


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


def test_the_quick_head_check_agrees_with_alembic() -> None:
    """Starts skip Alembic when the database is at the head read from the migration files;
    a wrong reading would leave a migration unapplied."""
    from alembic.script import ScriptDirectory

    from pos_app.store.database import MIGRATIONS, head_revision

    assert head_revision() == ScriptDirectory(str(MIGRATIONS)).get_current_head()


def test_a_migration_the_quick_reading_misses_hands_the_check_to_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from pos_app.store import database

    copy = tmp_path / "migrations"
    shutil.copytree(database.MIGRATIONS, copy)
    (copy / "versions" / "9999_odd.py").write_text(
        "revision = REVISION_FROM_ELSEWHERE\ndown_revision = '0012'\n", encoding="utf-8"
    )
    monkeypatch.setattr(database, "MIGRATIONS", copy)
    assert database.head_revision() is None
