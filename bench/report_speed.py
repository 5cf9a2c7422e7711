"""How fast the sales report and the CSV export are on three years of a busy shop.

    .venv/bin/python bench/report_speed.py [--payments 1000000] [--years 3] [--db PATH]

Fills a SQLite database (migrated like the app's) with ``--payments`` payment rows over
``--years`` years in America/New_York: two currencies (USD and EUR), five services, six staff
members and unassigned bookings, card and cash (some deposits by card with the balance in
cash), about 5 % of card links expired, failed or still open, refunds on about 4 % of card
payments (partial or full, often on a later day), and every day closed at 23:00 but the last
week, so the 23:xx payments become adjustments on the next day. Rows go in by executemany,
not through the ORM. ``--db PATH`` keeps the database and reuses it on the next run.

Then prints, after a warm-up, the median and p95 of the daily dashboard (``daily()`` of the
busiest day) and of a 30-day range through ReportService (targets ≤ 50 ms and ≤ 300 ms), and
the CSV export rate in rows/s over a 30-day and a 366-day range. Asserts nothing.
"""

from __future__ import annotations

import argparse
import bisect
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from _common import percentile
from sqlalchemy import Engine, text

from pos_app.app import SystemClock, wire_services
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import PaymentGateway
from pos_app.domain.report_data import day_start
from pos_app.services.context import Deps, Policy
from pos_app.services.reports import ReportService
from pos_app.store.database import make_engine, migrate, sqlite_url
from pos_app.store.repositories import SqlUnitOfWorkFactory

TZ = ZoneInfo("America/New_York")
LAST_DAY = date(2026, 11, 21)
SERVICES = [  # id, name, minutes, price, currency
    ("svc_cut", "Haircut", 30, 3500, "usd"),
    ("svc_colour", "Colour", 90, 9000, "usd"),
    ("svc_beard", "Beard trim", 15, 1500, "usd"),
    ("svc_kids", "Kids' cut", 20, 2000, "usd"),
    ("svc_schnitt", "Herrenschnitt", 30, 3000, "eur"),
]
STAFF = ["Priya", "Sam", "Zoë", "Mateo", "Aiyana", "Björn"]
NAMES = ["Ada Lovelace", "José Núñez", "Chloé Martin", "Łukasz Kowalski", "Mei 王", "Sam Ng"]
CHUNK = 50_000


def _ts(at: datetime) -> str:
    """The app's SQLite storage of a UTC time (SQLAlchemy's DateTime format, naive UTC)."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _fee(amount: int) -> int:
    return (amount * 29 + 500) // 1000 + 30


def fill(engine: Engine, payments: int, years: int) -> None:
    """Insert the shop's history; a few hundred thousand rows per second, by executemany."""
    rnd = random.Random(6)
    first = LAST_DAY - timedelta(days=365 * years - 1)
    n_days = (LAST_DAY - first).days + 1
    weights = [1.5 if (first + timedelta(days=i)).weekday() >= 5 else 1.0 for i in range(n_days)]
    per_weight = payments / sum(weights)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO services (id, name, duration_minutes, price_amount, currency, active) "
            "VALUES (?, ?, ?, ?, ?, 1)",
            SERVICES,
        )
        conn.exec_driver_sql(
            "INSERT INTO resources (id, name, kind, active, position) VALUES (?, ?, 'staff', 1, ?)",
            [(f"res_{i}", name, i) for i, name in enumerate(STAFF)],
        )
        conn.exec_driver_sql(
            "INSERT INTO users (id, name, role, pin_hash, created_at, active) "
            "VALUES (?, ?, ?, 'x', ?, 1)",
            [(f"usr_{i}", name, "staff", _ts(now)) for i, name in enumerate(STAFF)],
        )
    bookings: list[tuple[Any, ...]] = []
    pays: list[tuple[Any, ...]] = []
    refunds: list[tuple[Any, ...]] = []
    closes: list[tuple[Any, ...]] = []
    made = 0
    carry = 0.0
    seq = 0

    def flush(force: bool = False) -> None:
        if not force and len(pays) < CHUNK:
            return
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO bookings (id, customer_name, service_id, service_name, starts_at, "
                "ends_at, price_amount, currency, status, paid_amount, refunded_amount, "
                "cancelled, notes, created_at, resource_id, no_show, holds_slot) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, 'paid', ?, ?, 0, '', ?, ?, 0, 0)",
                bookings,
            )
            conn.exec_driver_sql(
                "INSERT INTO payments (id, booking_id, method, status, amount, currency, "
                "idempotency_key, created_at, stripe_session_id, stripe_payment_intent_id, "
                "stripe_charge_id, paid_at, stripe_balance_transaction_id, fee_amount, "
                "net_amount, created_by, recorded_at) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                pays,
            )
            conn.exec_driver_sql(
                "INSERT INTO refunds (id, payment_id, booking_id, amount, currency, reason, "
                "status, idempotency_key, created_at, stripe_refund_id, note, "
                "stripe_balance_transaction_id, fee_amount, net_amount, created_by, "
                "recorded_at) VALUES (?, ?, ?, ?, ?, 'requested_by_customer', 'succeeded', "
                "?, ?, ?, '', ?, 0, ?, ?, ?)",
                refunds,
            )
        bookings.clear()
        pays.clear()
        refunds.clear()

    for i in range(n_days):
        day = first + timedelta(days=i)
        carry += weights[i] * per_weight
        today = int(carry) if i < n_days - 1 else payments - made
        carry -= today
        k = 0
        while k < today:
            seq += 1
            svc_id, svc_name, minutes, price, currency = SERVICES[
                4 if rnd.random() < 0.15 else rnd.randrange(4)
            ]
            # 09:00–21:00 local, and now and then 23:xx (after the 23:00 close).
            minute = rnd.randrange(9 * 60, 21 * 60) if rnd.random() > 0.01 else 23 * 60 + 30
            paid = datetime.combine(day, datetime.min.time(), TZ) + timedelta(
                minutes=minute, seconds=rnd.randrange(60)
            )
            starts = paid - timedelta(minutes=minutes)
            staff = None if rnd.random() < 0.1 else f"res_{rnd.randrange(len(STAFF))}"
            bid = f"bk_{seq}"
            user = f"usr_{rnd.randrange(len(STAFF))}"
            split = k + 1 < today and rnd.random() < 0.1  # a card deposit, the balance in cash
            parts = [(price // 2, "card"), (price - price // 2, "cash")] if split else None
            if parts is None:
                parts = [(price, "cash" if rnd.random() < 0.15 else "card")]
            paid_total = 0
            for j, (amount, method) in enumerate(parts):
                pid = f"pay_{seq}_{j}"
                at = paid + timedelta(minutes=5 * j)
                status = "succeeded"
                if method == "card" and rnd.random() < 0.05:
                    status = rnd.choice(["expired", "expired", "failed", "open"])
                ok = status == "succeeded"
                card = method == "card"
                fee = _fee(amount) if card and ok else (0 if ok else None)
                late = rnd.random() < 0.001  # seen by the app only the next morning
                recorded = at + (timedelta(hours=10) if late else timedelta(seconds=2))
                pays.append(
                    (
                        pid,
                        bid,
                        method,
                        status,
                        amount,
                        currency,
                        f"key_{pid}",
                        _ts(at - timedelta(minutes=2)),
                        f"cs_{pid}" if card else None,
                        f"pi_{pid}" if card and ok else None,
                        f"ch_{pid}" if card and ok else None,
                        _ts(at) if ok else None,
                        f"txn_{pid}" if card and ok else None,
                        fee,
                        amount - fee if fee is not None else None,
                        user,
                        _ts(recorded) if ok else None,
                    )
                )
                if ok:
                    paid_total += amount
                if ok and card and rnd.random() < 0.04:
                    back = amount if rnd.random() < 0.6 else amount // 2
                    later = timedelta(days=rnd.randrange(0, 10), minutes=rnd.randrange(60))
                    when = at + later
                    rid = f"re_{pid}"
                    refunds.append(
                        (
                            rid,
                            pid,
                            bid,
                            back,
                            currency,
                            f"key_{rid}",
                            _ts(when),
                            rid,
                            f"txn_{rid}",
                            -back,
                            user,
                            _ts(when + timedelta(seconds=1)),
                        )
                    )
                k += 1
                made += 1
            bookings.append(
                (
                    bid,
                    rnd.choice(NAMES),
                    svc_id,
                    svc_name,
                    _ts(starts),
                    _ts(starts + timedelta(minutes=minutes)),
                    price,
                    currency,
                    paid_total,
                    0,
                    _ts(starts - timedelta(days=1)),
                    staff,
                )
            )
        if day <= LAST_DAY - timedelta(days=7):
            closed = _ts(datetime.combine(day, datetime.min.time(), TZ) + timedelta(hours=23))
            closes += [(day.isoformat(), c, closed) for c in ("usd", "eur")]
        flush()
    flush(force=True)
    with engine.begin() as conn:
        times = _number_recorded_money(conn)
        # Each close counts what was recorded by 23:00 (the database's order, by those times).
        conn.exec_driver_sql(
            "INSERT INTO day_closes (business_date, currency, closed_at, closed_by_name, "
            "card_net, cash_expected, cash_counted, report_json, note, covered_seq) "
            "VALUES (?, ?, ?, 'Bench', 0, 0, 0, '{}', '', ?)",
            [(*close, bisect.bisect_right(times, close[2])) for close in closes],
        )
        conn.exec_driver_sql("ANALYZE")


def _number_recorded_money(conn: Any) -> list[str]:
    """Give the rows their order numbers (store/money_order.py) in order of ``recorded_at``,
    as the stations would have; returns those times, oldest first (number i+1 at [i])."""
    conn.exec_driver_sql(
        "CREATE TEMP TABLE bench_order AS SELECT kind, id, at, "
        "ROW_NUMBER() OVER (ORDER BY at, kind, id) AS seq FROM ("
        " SELECT 'payment' AS kind, id, recorded_at AS at FROM payments"
        "  WHERE status = 'succeeded'"
        " UNION ALL SELECT 'refund', id, recorded_at FROM refunds WHERE status = 'succeeded')"
    )
    conn.exec_driver_sql("CREATE INDEX bench_order_id ON bench_order (kind, id)")
    for table, kind in (("payments", "payment"), ("refunds", "refund")):
        conn.exec_driver_sql(
            f"UPDATE {table} SET record_seq = (SELECT seq FROM bench_order o "
            f"WHERE o.kind = '{kind}' AND o.id = {table}.id) WHERE status = 'succeeded'"
        )
    times = [r[0] for r in conn.exec_driver_sql("SELECT at FROM bench_order ORDER BY seq")]
    conn.exec_driver_sql("UPDATE record_order SET last_seq = ?", (len(times),))
    conn.exec_driver_sql("DROP TABLE bench_order")
    return times


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of each run, after one warm-up run."""
    fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def busiest_day(engine: Engine) -> date:
    """The local day with most succeeded payments in the last 60 days (the dashboard's worst)."""
    since = _ts(day_start(LAST_DAY - timedelta(days=60), TZ))
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT date(paid_at, '-300 minutes') AS d, count(*) FROM payments "
                "WHERE status = 'succeeded' AND paid_at >= :since GROUP BY d "
                "ORDER BY count(*) DESC LIMIT 1"
            ),
            {"since": since},
        ).one()
    return date.fromisoformat(rows[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--payments", type=int, default=1_000_000)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--db", type=Path, help="keep the database here (reused when it exists)")
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "report-bench.sqlite3"
        fresh = not path.exists()
        engine = make_engine(sqlite_url(path))
        migrate(engine)
        if fresh:
            t0 = time.perf_counter()
            fill(engine, args.payments, args.years)
            print(f"filled {args.payments:,} payments in {time.perf_counter() - t0:.1f} s")
        with engine.connect() as conn:
            counts = {
                t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("bookings", "payments", "refunds", "day_closes")
            }
        print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
        deps = Deps(
            uow=SqlUnitOfWorkFactory(engine),
            gateway=cast(PaymentGateway, None),  # reports never call Stripe
            clock=SystemClock(),
            policy=Policy(station_id="bench", timezone=TZ),
        )
        deps.desk.sign_in(Actor(None, "Bench", Role.MANAGER))
        reports = ReportService(deps)
        day = busiest_day(engine)
        report = reports.daily(day)
        usd = report.currencies["usd"]
        print(
            f"busiest day {day}: {sum(t.count for t in report.currencies.values()):,} payments, "
            f"{sum(t.refund_count for t in report.currencies.values()):,} refunds, "
            f"{len(report.currencies)} currencies (USD gross {usd.gross / 100:,.2f})"
        )
        _print(
            "daily dashboard, busiest (closed) day",
            timed(lambda: reports.daily(day), args.runs),
            50,
        )
        today = reports.daily(LAST_DAY)
        n_today = sum(t.count for t in today.currencies.values())
        print(f"today {LAST_DAY} (not closed yet): {n_today:,} payments")
        _print("daily dashboard, today", timed(lambda: reports.daily(LAST_DAY), args.runs), 50)
        start = day - timedelta(days=29)
        _print(
            "30-day range", timed(lambda: reports.range(start, day), max(5, args.runs // 3)), 300
        )
        exporter = wire_services(deps).csv_export
        for label, first in (("30 days", start), ("366 days", day - timedelta(days=365))):
            out = Path(tmp) / "export.csv"
            t0 = time.perf_counter()
            result = exporter.export(first, day, out)
            seconds = time.perf_counter() - t0
            print(
                f"CSV export, {label}: {result.rows:,} rows in {seconds:.2f} s = "
                f"{result.rows / seconds:,.0f} rows/s ({out.stat().st_size / 1e6:.1f} MB)"
            )
        engine.dispose()


def _print(label: str, ms: list[float], target: float) -> None:
    print(
        f"{label}: median {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms "
        f"over {len(ms)} runs (target ≤ {target:.0f} ms)"
    )


if __name__ == "__main__":
    main()
