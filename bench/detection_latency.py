"""From a customer's payment accepted by Stripe to the local database showing it Paid.

    .venv/bin/python bench/detection_latency.py [--payments 60] [--desks 10]
        [--db sqlite|postgresql|both] [--stripe-ms 0] [--screen]

Issue 13 item 4: "a payment reaches Paid through the events feed alone (no charge screen
open) at p95 ≤ 1.5 s". The app's own poller (``AppContext.poller``: the leader lock, and the
pace of ``domain/poll_pace.py``, every POS_POLL_SECONDS (1 s) while a link is open anywhere,
20 s when none is) reads the sandbox's events feed on a thread of its own; no charge screen
reads its session. The sandbox runs in its own process, as the desktop app runs it, so its
work does not share this process's interpreter lock with the poller.

``--desks`` front desks at once each open a payment link, wait a random moment of the
events feed's cycle, and have the customer pay it through the sandbox's hosted page, then
start the next one when the payment is seen: links are open all the time, so the pace is
the busy one. The clock starts when the page's POST (the card accepted by Stripe) returns
and stops when one watcher thread, reading the payments table every 5 ms, sees the payment
succeeded. Prints p50/p95/max; the poller's Stripe calls (the desks' own are not counted):
feed reads a minute (issue 13: ≤ 60 with links open) and the other calls per payment (the
re-read of each payment's session, with its fee; a first, full pass's re-reads); and the
number and length of its passes. ``--screen`` adds a row with each desk's charge screen
open as well (it re-reads its session every second; ten desks then meet the sandbox's
test-mode limit of 25 requests a second). ``--stripe-ms`` adds that many ms to every Stripe
call (a latency rule of the sandbox's test controls), as the internet's round trip to
Stripe does; 0 measures the sandbox on this machine.

PostgreSQL: a throwaway server as the tests start one (tests/pg_server.py); the poller then
holds the real leader lock.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.pg_server

from _common import book, percentile, submit_page

from pos_app.app import AppContext, open_app
from pos_app.config import load_config
from pos_app.domain.payment import PaymentStatus
from pos_app.gateway.stripe_gateway import StripeGateway
from pos_app.sandbox import discovery
from pos_app.sandbox.controls_client import ControlsClient, fault
from pos_app.services.event_batch import THREAD_PREFIX
from pos_app.store.repositories import SqlUnitOfWorkFactory
from pos_app.store.schema import payments

SCREEN_REFRESH_SECONDS = 1.0
WATCH_SECONDS = 0.005
#: Gateway methods that answer locally, without a call to Stripe.
LOCAL = frozenset({"server_clock_offset"})
CARD = {"card_number": "4242424242424242", "exp": "12 / 34", "cvc": "123", "name": "Bench"}


@dataclass
class PollerStats:
    """What the poller thread did: Stripe calls by method, pass lengths, elapsed time."""

    calls: Counter[str] = field(default_factory=Counter)
    passes: list[float] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def reads_per_minute(self) -> float:
        """Feed reads a minute, from the first pass's start to the last's."""
        span = self.starts[-1] - self.starts[0]
        return (len(self.starts) - 1) * 60 / span if span > 0 else 0.0


def _count_calls(gateway: Any, stats: PollerStats, thread: Callable[[], bool]) -> None:
    """Count the calls ``gateway`` makes on the poller's thread (instance attributes shadow
    the class's methods and the lazy wrapper's look-ups; the desks' calls on their own
    threads are not counted)."""
    for name in dir(StripeGateway):
        target = getattr(gateway, name)
        if name.startswith("_") or name in LOCAL or not callable(target):
            continue

        def counted(*args: Any, _t: Any = target, _n: str = name, **kwargs: Any) -> Any:
            if thread():
                stats.calls[_n] += 1
            return _t(*args, **kwargs)

        setattr(gateway, name, counted)


def _on_poller(poller: threading.Thread) -> bool:
    """Whether this thread works for the poller (its own, or one re-reading events)."""
    here = threading.current_thread()
    return here is poller or here.name.startswith(THREAD_PREFIX)


def _poll(ctx: AppContext, stop: threading.Event, stats: PollerStats) -> None:
    """The app's poller, ticked after the delay each tick returns (as the window does)."""
    poller = ctx.poller()
    started = time.perf_counter()
    delay = 0.0
    while not stop.wait(delay):
        began = time.perf_counter()
        tick = poller.tick()  # never raises: a failed pass is in tick.error
        if tick.report is not None:
            stats.passes.append(time.perf_counter() - began)
            stats.starts.append(began)
        if tick.error is not None:  # a bench keeps going; the figures show the cost
            print(f"sync failed: {tick.error}", file=sys.stderr)
        delay = tick.delay
    stats.seconds = time.perf_counter() - started
    poller.stop()


class Watcher:
    """One thread reading which awaited payments the database shows succeeded."""

    def __init__(self, ctx: AppContext) -> None:
        uow = ctx.deps.uow
        assert isinstance(uow, SqlUnitOfWorkFactory)
        self._engine = uow.engine
        self._lock = threading.Lock()
        self._waiting: dict[str, threading.Event] = {}
        self._seen: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def wait(self, payment_id: str) -> float:
        """Block until the payment is seen succeeded; returns when (perf_counter)."""
        event = threading.Event()
        with self._lock:
            self._waiting[payment_id] = event
        if not event.wait(120):
            raise RuntimeError(f"payment {payment_id} not Paid within 120 s")
        with self._lock:
            return self._seen.pop(payment_id)

    def _run(self) -> None:
        p = payments.c
        while not self._stop.wait(WATCH_SECONDS):
            with self._lock:
                ids = list(self._waiting)
            if not ids:
                continue
            query = select(p.id).where(p.id.in_(ids), p.status == PaymentStatus.SUCCEEDED)
            with self._engine.connect() as conn:
                done = [row[0] for row in conn.execute(query)]
            now = time.perf_counter()
            with self._lock:
                for payment_id in done:
                    self._seen[payment_id] = now
                    self._waiting.pop(payment_id).set()

    def stop(self) -> None:
        """End the thread."""
        self._stop.set()
        self._thread.join()


def _one_payment(
    ctx: AppContext, web: httpx.Client, watcher: Watcher, index: int, *, screen: bool
) -> float:
    booking_id = book(ctx, f"Bench {index}")
    view = ctx.checkout.start(booking_id)
    assert view.url
    done = threading.Event()

    def charge_screen() -> None:
        while not done.wait(SCREEN_REFRESH_SECONDS):
            ctx.checkout.refresh(view.payment_id)

    if screen:
        threading.Thread(target=charge_screen, daemon=True).start()
    # Pay at a random moment of the feed's cycle: otherwise each desk would pay just after
    # the pass that detected its previous payment.
    time.sleep(random.uniform(0, ctx.config.poll_seconds))
    paid = submit_page(web, view.url, CARD)
    assert paid.status_code in (200, 303), paid.text  # 303: on to the success page
    paid_at = time.perf_counter()
    latency = watcher.wait(view.payment_id) - paid_at
    done.set()
    return latency


@contextmanager
def _sandbox(tmp: Path, stripe_ms: float) -> Iterator[str]:
    """The sandbox in a process of its own (as the desktop app runs it), with test controls
    when every API call is to take ``stripe_ms`` longer (the internet's round trip)."""
    folder = tmp / "sandbox"
    cmd = [sys.executable, "-m", "pos_app.sandbox", "--data-dir", str(folder)]
    proc = subprocess.Popen(
        [*cmd, *(["--enable-test-controls"] if stripe_ms else [])],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while (found := discovery.read_record(discovery.record_path(folder))) is None or not (
            found.pid == proc.pid and discovery.is_alive(found.url)
        ):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.05)
        if stripe_ms:
            with ControlsClient(found.url) as controls:
                controls.set_faults(fault("latency", latency_ms=stripe_ms, path_prefix="/v1/"))
        yield found.url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def _database(db: str, tmp: Path) -> Iterator[str]:
    """The URL of an empty, migrated database (SQLite file, or a throwaway PostgreSQL)."""
    if db == "sqlite":
        yield f"sqlite:///{tmp / 'pos.sqlite3'}"
        return
    from tests.pg_fixtures import _create, _migrate, _url_for
    from tests.pg_server import start_server

    server = start_server()
    try:
        url = _url_for(server.admin_url, "pos_bench")
        _create(server.admin_url, "pos_bench")
        _migrate(url)
        yield url
    finally:
        server.stop()


def run(
    db: str, payments_n: int, desks: int, *, screen: bool, stripe_ms: float
) -> tuple[list[float], PollerStats]:
    """One row: latencies of ``payments_n`` payments, and what the poller did meanwhile."""
    stats = PollerStats()
    with (
        tempfile.TemporaryDirectory() as tmp,
        _sandbox(Path(tmp), stripe_ms) as api,
        _database(db, Path(tmp)) as url,
    ):
        env = {
            "POS_DATA_DIR": tmp,
            "POS_DATABASE_URL": url,
            "POS_STRIPE_API_BASE": api,
            "POS_TIMEZONE": "UTC",
        }
        ctx = open_app(load_config(env), sandbox="none")
        stop = threading.Event()
        poller = threading.Thread(target=_poll, args=(ctx, stop, stats), daemon=True)
        _count_calls(ctx.deps.gateway, stats, lambda: _on_poller(poller))
        watcher = Watcher(ctx)
        poller.start()
        try:
            with httpx.Client(timeout=10) as web, ThreadPoolExecutor(desks) as pool:
                values = list(
                    pool.map(
                        lambda i: _one_payment(ctx, web, watcher, i, screen=screen),
                        range(payments_n),
                    )
                )
        finally:
            stop.set()
            poller.join()
            watcher.stop()
            ctx.close()
    return values, stats


def main() -> None:
    """Parse the arguments and print one row per database (and per screen setting)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payments", type=int, default=60, help="payments per row (≥ 40)")
    parser.add_argument("--desks", type=int, default=10, help="desks paying at once")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument(
        "--screen", action="store_true", help="add a row with the charge screens open too"
    )
    parser.add_argument(
        "--stripe-ms",
        type=float,
        default=0.0,
        help="add this many ms to every Stripe call (the internet's round trip; 0: localhost)",
    )
    args = parser.parse_args()
    random.seed(1)
    dbs = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    rows = [("events feed only", False)] + ([("charge screen open", True)] if args.screen else [])
    print(
        f"{args.payments} payments per row, {args.desks} desks at once, Stripe calls "
        f"+{args.stripe_ms:g} ms; target p95 ≤ 1.5 s"
    )
    for db in dbs:
        for label, screen in rows:
            values, stats = run(
                db, args.payments, args.desks, screen=screen, stripe_ms=args.stripe_ms
            )
            reads = stats.calls["list_events"]
            print(
                f"{db:<10} {label:<18} p50={percentile(values, 50):.2f} s  "
                f"p95={percentile(values, 95):.2f} s  max={max(values):.2f} s\n"
                f"    poller: {stats.reads_per_minute:.0f} feed reads/min, "
                f"{(sum(stats.calls.values()) - reads) / len(values):.2f} other calls/payment "
                f"{dict(stats.calls)}; {len(stats.passes)} passes in {stats.seconds:.0f} s, "
                f"p50 {percentile(stats.passes, 50) * 1000:.0f} ms, "
                f"max {max(stats.passes) * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
