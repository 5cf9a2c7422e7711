"""Migration 0008 numbers the money already recorded in the order the old rule saw it: a row
recorded at or before a close's time is in that close, one recorded later is after it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.exc import DatabaseError

from pos_app.domain.payment import Payment, PaymentMethod, PaymentStatus
from pos_app.store.database import MIGRATIONS, make_engine, migrate
from pos_app.store.repositories import SqlUnitOfWorkFactory
from pos_app.store.schema import UTCDateTime
from tests.integration.interleave import DB_KINDS
from tests.migrate_to import empty_database_url

T = UTCDateTime()


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, 10, hour, minute, tzinfo=UTC)


# The tables as revision 0007 left them (only the columns written here).
services = sa.table(
    "services",
    *(sa.column(c) for c in ("id", "name", "duration_minutes", "price_amount", "currency")),
    sa.column("active", sa.Boolean()),
)
bookings = sa.table(
    "bookings",
    *(sa.column(c) for c in ("id", "customer_name", "service_id", "service_name")),
    sa.column("starts_at", T),
    sa.column("ends_at", T),
    *(sa.column(c) for c in ("price_amount", "currency", "status", "paid_amount")),
    sa.column("refunded_amount"),
    sa.column("cancelled", sa.Boolean()),
    sa.column("notes"),
    sa.column("created_at", T),
    sa.column("no_show", sa.Boolean()),
    sa.column("holds_slot", sa.Boolean()),
)
payments = sa.table(
    "payments",
    *(sa.column(c) for c in ("id", "booking_id", "method", "status", "amount", "currency")),
    sa.column("idempotency_key"),
    sa.column("created_at", T),
    sa.column("paid_at", T),
    sa.column("recorded_at", T),
    sa.column("record_seq"),
)
refunds = sa.table(
    "refunds",
    *(sa.column(c) for c in ("id", "payment_id", "booking_id", "amount", "currency", "status")),
    sa.column("idempotency_key"),
    sa.column("note"),
    sa.column("created_at", T),
    sa.column("recorded_at", T),
    sa.column("record_seq"),
    sa.column("reversed_seq"),
)
day_closes = sa.table(
    "day_closes",
    sa.column("business_date", sa.Date()),
    sa.column("currency"),
    sa.column("closed_at", T),
    *(sa.column(c) for c in ("closed_by_name", "card_net", "cash_expected", "cash_counted")),
    sa.column("report_json"),
    sa.column("note"),
    sa.column("covered_seq"),
)


def _upgrade_to(engine: sa.Engine, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _payment(conn: Any, pid: str, recorded: datetime, status: str = "succeeded") -> None:
    conn.execute(
        payments.insert().values(
            id=pid,
            booking_id="bk_1",
            method="cash",
            status=status,
            amount=1000,
            currency="usd",
            idempotency_key=f"key_{pid}",
            created_at=recorded,
            paid_at=recorded if status == "succeeded" else None,
            recorded_at=recorded if status == "succeeded" else None,
        )
    )


def _refund(conn: Any, rid: str, recorded: datetime, status: str = "succeeded") -> None:
    conn.execute(
        refunds.insert().values(
            id=rid,
            payment_id="pay_a",
            booking_id="bk_1",
            amount=100,
            currency="usd",
            status=status,
            idempotency_key=f"key_{rid}",
            note="",
            created_at=recorded,
            recorded_at=recorded,
        )
    )


@pytest.fixture(params=DB_KINDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each kind (``database_url``'s PostgreSQL one is already migrated)."""
    with empty_database_url(request.param, request, tmp_path) as url:
        yield url


def test_existing_money_is_numbered_in_the_old_rules_order(empty_url: str) -> None:
    engine = make_engine(empty_url)
    _upgrade_to(engine, "0007")
    with engine.begin() as conn:
        conn.execute(
            services.insert().values(
                id="svc", name="Cut", duration_minutes=30, price_amount=1000, currency="usd",
                active=True,
            )
        )  # fmt: skip
        conn.execute(
            bookings.insert().values(
                id="bk_1", customer_name="Ada", service_id="svc", service_name="Cut",
                starts_at=at(9), ends_at=at(10), price_amount=1000, currency="usd",
                status="paid", paid_amount=3000, refunded_amount=100, cancelled=False,
                notes="", created_at=at(8), no_show=False, holds_slot=True,
            )
        )  # fmt: skip
        _payment(conn, "pay_b", at(21, 0))  # inserted first, recorded second
        _payment(conn, "pay_a", at(20, 0))
        _refund(conn, "ref_tie", at(22, 0))  # recorded at the very time of the close
        _refund(conn, "ref_failed", at(21, 30), status="failed")  # when, unknown: left out
        _payment(conn, "pay_late", at(22, 1))  # after the close
        _payment(conn, "pay_open", at(21, 45), status="open")
        conn.execute(
            day_closes.insert().values(
                business_date=date(2026, 6, 10), currency="usd", closed_at=at(22, 0),
                closed_by_name="Morgan", card_net=0, cash_expected=0, cash_counted=0,
                report_json="{}", note="",
            )
        )  # fmt: skip
    migrate(engine)

    with engine.connect() as conn:
        seq = dict(conn.execute(sa.select(payments.c.id, payments.c.record_seq)).all())
        seq.update(conn.execute(sa.select(refunds.c.id, refunds.c.record_seq)).all())
        covered = conn.execute(sa.select(day_closes.c.covered_seq)).scalar_one()
        last = conn.execute(sa.text("SELECT last_seq FROM record_order")).scalar_one()
        reversed_seq = conn.execute(sa.select(refunds.c.reversed_seq)).scalars().all()
    assert seq["pay_open"] is None and seq["ref_failed"] is None and reversed_seq == [None, None]
    assert seq["pay_a"] < seq["pay_b"] < seq["ref_tie"] <= covered < seq["pay_late"] == last

    # The close is as final as before the backfill.
    for statement in ("UPDATE day_closes SET covered_seq = 0", "DELETE FROM day_closes"):
        with pytest.raises(DatabaseError, match="day_close_is_final"), engine.begin() as conn:
            conn.execute(sa.text(statement))

    # New money goes on from the last number.
    uow = SqlUnitOfWorkFactory(engine)
    with uow(write=True) as w:
        w.payments.add(
            Payment(
                id="pay_new",
                booking_id="bk_1",
                method=PaymentMethod.CASH,
                status=PaymentStatus.SUCCEEDED,
                amount=500,
                currency="usd",
                idempotency_key="key_pay_new",
                created_at=at(23),
                paid_at=at(23),
                recorded_at=at(23),
            )
        )
        w.commit()
    with uow() as r:
        new = r.payments.get("pay_new")
    assert new is not None and new.record_seq == last + 1
    engine.dispose()
