"""How fast the sales report and the CSV export are on three years of a busy shop.

    .venv/bin/python bench/report_speed.py [--payments 1000000] [--years 3] [--db PATH]
    .venv/bin/python bench/report_speed.py --postgres [--payments 10000000]
    .venv/bin/python bench/report_speed.py --database-url postgresql+psycopg://…/empty_db

Fills a database (migrated like the app's: SQLite by default, ``--postgres`` a throwaway
PostgreSQL server started the way tests/pg_server.py does, ``--database-url`` one of yours,
filled on the first run and reused after) with ``--payments`` payment rows over ``--years``
years in America/New_York: two currencies (USD and EUR), five services, six staff members
and unassigned bookings, card and cash (some deposits by card with the balance in cash),
about 5 % of card links expired, failed or (in the open last week only) still open, refunds
on about 4 % of card payments (partial or full, often on a later day), and every day closed
at 23:00 but the last week, so the 23:xx payments (and the 0.1 % recorded the next morning)
become adjustments on the next day. Every sale is an order (issue 14, bench/_order_fill.py):
a booking's order is its service, 8 % of them with a tip; 3 % of sales are walk-ins of one to
three products with their tax, some with a promo code or a manual discount, 30 % tipped, so
the report's order figures (tips, discounts, tax, by product, by rate, tips by staff, promo
codes) and the CSV's order columns have their real cost. Rows go in by executemany on
SQLite and COPY on PostgreSQL, not through the ORM; their order numbers
(store/money_order.py) follow the time each was recorded. Each close then gets the frozen
report the app's close would have written (the day's live report, read after the fill;
the last 400 days: no report reaches further) and every closed day but the last its frozen
link counts (settled: the sync pass's LinkCountFreezer). ``--db PATH`` keeps a SQLite
database and reuses it on the next run.

Then prints, after a warm-up, the median and p95 (and the median CPU time of this process,
which a busy machine's waits for a core leave out) of the daily report (``daily()`` of the
busiest closed day, from its snapshot, and of today, open), of a 30-day and a 366-day range
through ReportService (closed days summed from their snapshots, the open week from the
per-hour sums the database's triggers keep, migrations 0022 and 0025 for the orders' figures;
the fill sums them once), the same ranges read the old way (every row again) once, whether
both ways agree, and the CSV export rate in rows/s (and per CPU second) over a 30-day and a
366-day range, each twice: the first export makes and keeps the closed days' lines (migration
0028; none are kept before it), the second copies them and makes only the open week.
Targets (issue 13 item 9): SQLite at 1,000,000 payments daily ≤ 10 ms, 30 days ≤ 50 ms;
PostgreSQL at 10,000,000 daily ≤ 20 ms, 30 days ≤ 100 ms, 366 days ≤ 500 ms; CSV ≥ 100,000
rows/s on both. Asserts nothing. ``--reports-only`` stops before the CSV exports;
``--csv-only`` skips the reports; ``--csv-runs N`` exports each range's "again" N times (one
line each, as above), so that a median can be taken on a busy machine.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from _common import percentile, server_cpu_seconds
from _order_fill import (
    LINE_COLS,
    NUMBER_COLS,
    ORDER_COLS,
    PRODUCT_COLS,
    PRODUCTS,
    PROMO_COLS,
    PROMOS,
    WALK_IN_SHARE,
    booking_sale,
    order_row,
    walk_in_sale,
)
from sqlalchemy import Engine, text

from pos_app.app import SystemClock, wire_services
from pos_app.domain.people import Actor, Role
from pos_app.domain.ports import PaymentGateway
from pos_app.domain.report_data import day_start
from pos_app.services.context import Deps, Policy
from pos_app.services.export_csv import keep_closed
from pos_app.services.link_counts import LinkCountFreezer
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
FROZEN_DAYS = 400  # closes given their report: the 366-day range reaches no further back
BOOKING_COLS = (
    "id, customer_name, service_id, service_name, starts_at, ends_at, price_amount, currency, "
    "status, paid_amount, refunded_amount, cancelled, notes, created_at, resource_id, no_show, "
    "holds_slot"
)
PAYMENT_COLS = (
    "id, booking_id, method, status, amount, currency, idempotency_key, created_at, "
    "stripe_session_id, stripe_payment_intent_id, stripe_charge_id, paid_at, "
    "stripe_balance_transaction_id, fee_amount, net_amount, created_by, recorded_at, record_seq, "
    "order_id"
)
REFUND_COLS = (
    "id, payment_id, booking_id, amount, currency, reason, status, idempotency_key, created_at, "
    "stripe_refund_id, note, stripe_balance_transaction_id, fee_amount, net_amount, created_by, "
    "recorded_at, record_seq, order_id"
)
CLOSE_COLS = (
    "business_date, currency, closed_at, closed_by_name, card_net, cash_expected, "
    "cash_counted, report_json, note, covered_seq"
)


def _ts(at: datetime) -> str:
    """The app's storage of a UTC time (SQLAlchemy's DateTime format, naive UTC)."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _seq(at: datetime) -> int:
    """The order number of money recorded at ``at``: microseconds since 1970, so the
    numbers follow the times rows were recorded, as the stations' commits would have."""
    return int(at.timestamp() * 1_000_000)


def _fee(amount: int) -> int:
    return (amount * 29 + 500) // 1000 + 30


def _put(conn: Any, table: str, cols: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows: executemany on SQLite, COPY on PostgreSQL (``conn`` is the driver's)."""
    if not rows:
        return
    if conn.__class__.__module__.startswith("sqlite3"):
        marks = ", ".join("?" for _ in cols.split(","))
        if not conn.in_transaction:  # the app's engine leaves sqlite3 in autocommit mode
            conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
        return
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def fill(engine: Engine, payments: int, years: int) -> None:
    """Insert the shop's history (see the module docstring), in chunks of CHUNK payments."""
    rnd = random.Random(6)
    first = LAST_DAY - timedelta(days=365 * years - 1)
    n_days = (LAST_DAY - first).days + 1
    weights = [1.5 if (first + timedelta(days=i)).weekday() >= 5 else 1.0 for i in range(n_days)]
    per_weight = payments / sum(weights)
    now = _ts(datetime.now(UTC))
    raw = engine.raw_connection()
    conn = cast(Any, raw.driver_connection)
    if engine.dialect.name == "postgresql":
        conn.execute("SET TIME ZONE 'UTC'")
    kept = [_migration("0022_sales_hours"), _migration("0025_order_hours")]
    kept_lines = _migration("0028_export_days")  # its triggers: nothing is kept while filling
    postgres = engine.dialect.name == "postgresql"
    # The per-hour sums' triggers (migrations 0022, 0025) would run once per row: summed at
    # the end.
    if postgres:
        for table, name in TRIGGERS:
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}_{table}")
    else:
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND (name LIKE 'sales_hours%' OR name LIKE 'order_hours%' "
            "OR name LIKE 'export_days%')"
        ).fetchall():
            conn.execute(f"DROP TRIGGER {name}")
    _put(conn, "services", "id, name, duration_minutes, price_amount, currency, active",
         [(*svc, True) for svc in SERVICES])  # fmt: skip
    _put(conn, "resources", "id, name, kind, active, position",
         [(f"res_{i}", name, "staff", True, i) for i, name in enumerate(STAFF)])  # fmt: skip
    _put(conn, "users", "id, name, role, pin_hash, created_at, active",
         [(f"usr_{i}", name, "staff", "x", now, True) for i, name in enumerate(STAFF)])  # fmt: skip
    _put(conn, "products", PRODUCT_COLS,
         [(i, n, i, p, c, r, 10_000, True, now) for i, n, p, c, r in PRODUCTS])  # fmt: skip
    _put(conn, "promo_codes", PROMO_COLS, [(*p, True, now) for p in PROMOS])
    bookings: list[tuple[Any, ...]] = []
    orders: list[tuple[Any, ...]] = []
    numbers: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    pays: list[tuple[Any, ...]] = []
    refunds: list[tuple[Any, ...]] = []
    closes: list[tuple[Any, ...]] = []
    made = 0
    carry = 0.0
    seq = 0

    def flush(force: bool = False) -> None:
        if not force and len(pays) < CHUNK:
            return
        _put(conn, "bookings", BOOKING_COLS, bookings)
        _put(conn, "orders", ORDER_COLS, orders)
        _put(conn, "order_numbers", NUMBER_COLS, numbers)
        _put(conn, "order_lines", LINE_COLS, lines)
        _put(conn, "payments", PAYMENT_COLS, pays)
        _put(conn, "refunds", REFUND_COLS, refunds)
        conn.commit()
        for rows in (bookings, orders, numbers, lines):
            rows.clear()
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
            # 09:00–21:00 local, and now and then 23:xx (after the 23:00 close).
            minute = rnd.randrange(9 * 60, 21 * 60) if rnd.random() > 0.01 else 23 * 60 + 30
            paid = datetime.combine(day, datetime.min.time(), TZ) + timedelta(
                minutes=minute, seconds=rnd.randrange(60)
            )
            user_n = rnd.randrange(len(STAFF))
            user = f"usr_{user_n}"
            bid: str | None = None
            if rnd.random() < WALK_IN_SHARE:  # a walk-in sale of products: no booking
                sale = walk_in_sale(rnd, seq, rnd.choice(NAMES), (user, STAFF[user_n]),
                                    _ts(paid - timedelta(minutes=3)))  # fmt: skip
                split = False
                cash_only = rnd.random() < 0.3
            else:
                svc = SERVICES[4 if rnd.random() < 0.15 else rnd.randrange(4)]
                svc_id, svc_name, minutes, price, currency = svc
                starts = paid - timedelta(minutes=minutes)
                staff = None if rnd.random() < 0.1 else f"res_{rnd.randrange(len(STAFF))}"
                bid = f"bk_{seq}"
                customer = rnd.choice(NAMES)
                created = _ts(starts - timedelta(days=1))
                sale = booking_sale(rnd, seq, bid, svc, customer, (user, STAFF[user_n]), created)
                split = k + 1 < today and rnd.random() < 0.1  # a card deposit, the rest in cash
                cash_only = rnd.random() < 0.15
            total = sale.totals.total
            currency = sale.currency
            if split:
                parts = [(price // 2, "card"), (total - price // 2, "cash")]
            else:
                parts = [(total, "cash" if cash_only else "card")]
            paid_total = 0
            completed: tuple[str, str, int] | None = None
            for j, (amount, method) in enumerate(parts):
                pid = f"pay_{seq}_{j}"
                at = paid + timedelta(minutes=5 * j)
                status = "succeeded"
                if method == "card" and rnd.random() < 0.05:
                    status = rnd.choice(["expired", "expired", "failed", "open"])
                    if status == "open" and day <= LAST_DAY - timedelta(days=7):
                        status = "expired"  # a link's hold ends within a day: only recent are open
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
                        _seq(recorded) if ok else None,
                        sale.id,
                    )
                )
                if ok:
                    paid_total += amount
                    if paid_total >= total:  # this payment paid the order in full
                        completed = (pid, _ts(at), _seq(recorded))
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
                            "requested_by_customer",
                            "succeeded",
                            f"key_{rid}",
                            _ts(when),
                            rid,
                            "",
                            f"txn_{rid}",
                            0,
                            -back,
                            user,
                            _ts(when + timedelta(seconds=1)),
                            _seq(when + timedelta(seconds=1)),
                            sale.id,
                        )
                    )
                k += 1
                made += 1
            if bid is not None:
                bookings.append(
                    (
                        bid,
                        sale.customer,
                        svc_id,
                        svc_name,
                        _ts(starts),
                        _ts(starts + timedelta(minutes=minutes)),
                        price,
                        currency,
                        "paid",
                        paid_total,
                        0,
                        False,
                        "",
                        sale.created_at,
                        staff,
                        False,
                        False,
                    )
                )
            orders.append(order_row(sale, paid_total, completed))
            numbers.append((sale.number, sale.id))
            lines.extend(sale.lines)
        if day <= LAST_DAY - timedelta(days=7):
            at = datetime.combine(day, datetime.min.time(), TZ) + timedelta(hours=23)
            # Each close counts what was recorded by 23:00 (the database's order).
            closes += [
                (day.isoformat(), c, _ts(at), "Bench", 0, 0, 0, "{}", "", _seq(at))
                for c in ("usd", "eur")
            ]
        flush()
    flush(force=True)
    _put(conn, "day_closes", CLOSE_COLS, closes)
    if engine.dialect.name == "sqlite" and not conn.in_transaction:
        conn.execute("BEGIN")
    conn.execute(
        "UPDATE record_order SET last_seq = "
        "(SELECT max(record_seq) FROM (SELECT record_seq FROM payments UNION ALL "
        "SELECT record_seq FROM refunds) AS s)"
    )
    for table, module in zip(("sales_hours", "order_hours"), kept, strict=True):
        conn.execute(f"DELETE FROM {table}")
        for statement in module.backfill(postgres):
            conn.execute(statement)
        if not postgres:
            for statement in module.create_triggers(postgres):
                conn.execute(statement)
    if not postgres:
        for statement in kept_lines.create_triggers(postgres):
            conn.execute(statement)
    if postgres:
        for table, name in TRIGGERS:
            conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER {name}_{table}")
    conn.commit()
    raw.close()
    with engine.begin() as c:
        c.exec_driver_sql("ANALYZE")


# The triggers keeping per-hour sums: (table, name prefix).
TRIGGERS = [(t, "sales_hours") for t in ("payments", "refunds", "bookings")] + [
    (t, "order_hours") for t in ("orders", "order_lines", "bookings")
]
# The triggers dropping kept CSV lines (0028): none is kept while filling.
TRIGGERS += [(t, "export_days") for t in ("payments", "refunds", "bookings", "orders", "users",
                                          "resources", "day_closes")]  # fmt: skip


def _migration(name: str) -> Any:
    """A migration's module (0022, 0025): its triggers and its backfill, run by the fill."""
    path = Path(__file__).resolve().parents[1] / "pos_app/store/migrations/versions"
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def freeze_closes(engine: Engine, reports: ReportService) -> None:
    """Give every close the report the app's close would have frozen: the day's live
    figures (money recorded after 23:00 is already an adjustment of a later day). The
    triggers that keep ``day_closes`` final are lifted for this one UPDATE."""
    # The reports measured reach back 366 days: older closes keep no report (read live).
    oldest = (LAST_DAY - timedelta(days=FROZEN_DAYS)).isoformat()
    with engine.connect() as c:
        days = [
            r[0]
            for r in c.execute(
                text(
                    "SELECT DISTINCT business_date FROM day_closes "
                    "WHERE business_date >= :d AND report_json = '{}'"
                ),
                {"d": oldest},
            )
        ]
    if not days:
        return
    frozen = []
    for raw_day in days:
        day = raw_day if isinstance(raw_day, date) else date.fromisoformat(str(raw_day))
        report = reports.range(day, day, from_snapshots=False)
        text_ = json.dumps(report.to_json(), separators=(",", ":"), sort_keys=True)
        frozen.append({"j": text_, "d": raw_day})
    with engine.begin() as c:
        if engine.dialect.name == "postgresql":
            c.exec_driver_sql("ALTER TABLE day_closes DISABLE TRIGGER USER")
            c.execute(
                text("UPDATE day_closes SET report_json = :j WHERE business_date = :d"), frozen
            )
            c.exec_driver_sql("ALTER TABLE day_closes ENABLE TRIGGER USER")
            return
        triggers = c.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'day_closes'"
        ).all()
        for name, _ in triggers:
            c.exec_driver_sql(f"DROP TRIGGER {name}")
        c.execute(text("UPDATE day_closes SET report_json = :j WHERE business_date = :d"), frozen)
        for _, sql in triggers:
            c.exec_driver_sql(sql)


def timed(fn: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Milliseconds of each run, after one warm-up run: wall clock, and this process's CPU
    time (on a busy machine the wall clock also counts the waits for a core; the database
    server's own CPU, on PostgreSQL, is in neither)."""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return wall, cpu


def busiest_day(engine: Engine) -> date:
    """The closed day with most succeeded payments in the 60 days before the open week."""
    since = _ts(day_start(LAST_DAY - timedelta(days=66), TZ))
    until = _ts(day_start(LAST_DAY - timedelta(days=6), TZ))
    local = (
        "date(paid_at, '-300 minutes')"
        if engine.dialect.name == "sqlite"
        else "CAST((paid_at - interval '5 hours') AS date)"
    )
    with engine.connect() as conn:
        row = conn.execute(
            text(
                f"SELECT {local} AS d, count(*) FROM payments WHERE status = 'succeeded' "
                "AND paid_at >= :since AND paid_at < :until GROUP BY d "
                "ORDER BY count(*) DESC LIMIT 1"
            ),
            {"since": since, "until": until},
        ).one()
    return row[0] if isinstance(row[0], date) else date.fromisoformat(row[0])


@contextlib.contextmanager
def database(args: argparse.Namespace, tmp: Path) -> Iterator[tuple[str, bool]]:
    """The URL to fill and read, and whether it is still empty."""
    if args.postgres:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests/pg_server.py
        from tests.pg_server import start_server

        server = start_server()
        try:
            yield server.admin_url, True
        finally:
            server.stop()
        return
    if args.database_url:
        yield args.database_url, True
        return
    path = args.db or tmp / "report-bench.sqlite3"
    yield sqlite_url(path), not path.exists()


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--payments", type=int, default=None, help="1,000,000 (PostgreSQL 10,000,000)")
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--db", type=Path, help="keep the SQLite database here (reused when it exists)")
    ap.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    ap.add_argument(
        "--database-url", help="a PostgreSQL database to fill (reused when it has payments)"
    )
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument(
        "--reports-only", action="store_true", help="stop after the reports (no CSV export)"
    )
    ap.add_argument(
        "--csv-only", action="store_true", help="skip the reports (fill, then the CSV exports)"
    )
    ap.add_argument(
        "--csv-runs",
        type=int,
        default=1,
        help="export each range again this many times (one line each, same format)",
    )
    args = ap.parse_args()
    pg = bool(args.postgres or args.database_url)
    payments = args.payments or (10_000_000 if pg else 1_000_000)
    with tempfile.TemporaryDirectory() as tmp_name, database(args, Path(tmp_name)) as (url, fresh):
        tmp = Path(tmp_name)
        engine = make_engine(url)
        migrate(engine)
        deps = Deps(
            uow=SqlUnitOfWorkFactory(engine),
            gateway=cast(PaymentGateway, None),  # reports never call Stripe
            clock=SystemClock(),
            policy=Policy(station_id="bench", timezone=TZ),
        )
        deps.desk.sign_in(Actor(None, "Bench", Role.MANAGER))
        reports = ReportService(deps)
        with engine.connect() as conn:  # a --database-url filled by an earlier run is reused
            fresh = fresh and conn.exec_driver_sql("SELECT count(*) FROM payments").scalar() == 0
        if fresh:
            t0 = time.perf_counter()
            fill(engine, payments, args.years)
            print(f"filled {payments:,} payments in {time.perf_counter() - t0:.1f} s")
        with engine.connect() as conn:
            unfrozen = conn.execute(
                text(
                    "SELECT count(*) FROM day_closes "
                    "WHERE report_json = '{}' AND business_date >= :d"
                ),
                {"d": (LAST_DAY - timedelta(days=FROZEN_DAYS)).isoformat()},
            ).scalar()
        if unfrozen:
            t0 = time.perf_counter()
            freeze_closes(engine, reports)
            print(f"froze the closed days' reports in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        if links := LinkCountFreezer(deps).freeze():  # as the leader's sync pass does
            print(f"froze {links:,} closed days' link counts in {time.perf_counter() - t0:.1f} s")
        with engine.connect() as conn:
            counts = {
                t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("bookings", "payments", "refunds", "day_closes")
            }
        print(f"{engine.dialect.name}: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
        if not args.csv_only:
            time_reports(engine, reports, pg, args.runs)
        if args.reports_only:
            engine.dispose()
            return
        exporter = wire_services(deps).csv_export
        with engine.begin() as c:  # a reused database: every closed day's lines made again
            c.exec_driver_sql("DELETE FROM export_days")
        # Once with nothing kept: the export makes and keeps the lines of its closed days (the
        # fallback when a close could not keep its day's). Then each close keeps its day's,
        # as the app's does, and each range is exported twice: the first export copies the
        # closed days (only the open week is made), the second the same.
        month = LAST_DAY - timedelta(days=29)
        for label, first in (("30 days, nothing kept", month), ("keep", LAST_DAY),
                             ("30 days, first", month),
                             *[("30 days, again", month)] * max(1, args.csv_runs),
                             ("366 days, first", LAST_DAY - timedelta(days=365)),
                             *[("366 days, again", LAST_DAY - timedelta(days=365))]
                             * max(1, args.csv_runs)):  # fmt: skip
            if label == "keep":
                keep_as_closes(engine, deps)
                continue
            out = tmp / "export.csv"
            server0 = server_cpu_seconds(engine)
            t0, c0 = time.perf_counter(), time.process_time()
            result = exporter.export(first, LAST_DAY, out)
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            server1 = server_cpu_seconds(engine)
            both = ""  # PostgreSQL: its server's CPU too, where most of the export's work is
            if server0 is not None and server1 is not None:
                both = (f", {result.rows / (cpu + server1 - server0):,.0f} per CPU second "
                        f"of both it and the server ({server1 - server0:.2f} s there)")  # fmt: skip
            print(
                f"CSV export, {label}: {result.rows:,} rows in {seconds:.2f} s = "
                f"{result.rows / seconds:,.0f} rows/s ({out.stat().st_size / 1e6:.1f} MB; "
                f"{result.rows / cpu:,.0f} rows per CPU second of this process{both})"
            )
        engine.dispose()


def time_reports(engine: Engine, reports: ReportService, pg: bool, runs: int) -> None:
    """The reports' part: the busiest closed day's and today's figures, then the daily
    reports' and the ranges' times (and the old way's, once)."""
    day = busiest_day(engine)
    report = reports.daily(day)
    usd = report.currencies["usd"]
    print(
        f"busiest closed day {day}: {sum(t.count for t in report.currencies.values()):,} "
        f"payments, {sum(t.refund_count for t in report.currencies.values()):,} refunds, "
        f"{len(report.currencies)} currencies (USD gross {usd.gross / 100:,.2f})"
    )
    for label, shown in (("busiest closed day", report), ("today", reports.daily(LAST_DAY))):
        f = shown.currencies["usd"].order_figures
        print(
            f"  {label}, USD orders paid {f.orders:,}: tips {f.tips / 100:,.2f}, discounts "
            f"{f.discounts / 100:,.2f}, tax {f.tax / 100:,.2f}, {len(f.by_product)} items, "
            f"{len(f.tips_by_staff)} staff tipped, {len(f.promo_codes)} promo codes"
        )
    target = (20, 100, 500) if pg else (10, 50, 500)
    _print("daily report, busiest closed day", timed(lambda: reports.daily(day), runs),
           target[0])  # fmt: skip
    today = reports.daily(LAST_DAY)
    n_today = sum(t.count for t in today.currencies.values())
    print(f"today {LAST_DAY} (not closed yet): {n_today:,} payments")
    _print("daily report, today", timed(lambda: reports.daily(LAST_DAY), runs), target[0])
    for label, start, aim in (
        ("30-day range", LAST_DAY - timedelta(days=29), target[1]),
        ("366-day range", LAST_DAY - timedelta(days=365), target[2]),
    ):
        ms = timed(partial(reports.range, start, LAST_DAY), max(5, runs // 3))
        _print(f"{label} (to today)", ms, aim)
        if aim == target[2] and pg:
            continue  # the old way takes minutes here
        t0 = time.perf_counter()
        old = reports.range(start, LAST_DAY, from_snapshots=False)
        took = (time.perf_counter() - t0) * 1000
        same = old == reports.range(start, LAST_DAY)
        print(f"  read the old way (every row): {took:,.0f} ms; same figures: {same}")


def keep_as_closes(engine: Engine, deps: Deps) -> None:
    """Empty ``export_days``, then keep the lines of each closed day of the 366-day range the
    way the app's close does right after it commits (export_csv.keep_closed), timed."""
    with engine.begin() as c:
        c.exec_driver_sql("DELETE FROM export_days")
        closed = [
            date.fromisoformat(str(d)[:10])
            for (d,) in c.execute(
                text(
                    "SELECT DISTINCT business_date FROM day_closes WHERE business_date >= :d "
                    "ORDER BY business_date"
                ),
                {"d": (LAST_DAY - timedelta(days=365)).isoformat()},
            )
        ]
    ms, cpu = [], []
    for day in closed:
        t0, c0 = time.perf_counter(), time.process_time()
        keep_closed(deps, day)
        ms.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    with engine.connect() as c:
        kept = c.exec_driver_sql("SELECT count(*) FROM export_days").scalar_one()
    print(
        f"kept each closed day's lines as its close does: {len(closed)} closes, {kept} days "
        f"kept, median {statistics.median(ms):.0f} ms, p95 {percentile(ms, 95):.0f} ms a close "
        f"(CPU of this process median {statistics.median(cpu):.0f} ms)"
    )


def _print(label: str, times: tuple[list[float], list[float]], target: float) -> None:
    ms, cpu = times
    print(
        f"{label}: median {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms "
        f"over {len(ms)} runs (target ≤ {target:.0f} ms); CPU of this process median "
        f"{statistics.median(cpu):.1f} ms"
    )


if __name__ == "__main__":
    main()
