"""Time the whole loop against a local sandbox and print the figures.

    .venv/bin/python bench/payment_loop.py [N] [--compare]

For N bookings: book, charge (session created through the stripe SDK), pay on the hosted page,
then how long until the event poller alone marks the booking Paid, and a full refund until it
is Refunded. Prints p50/p95/max in milliseconds per step. ``--compare`` runs the loop a second
time with SQLite's ``synchronous=NORMAL`` instead of the app's ``FULL``, to show what durable
commits cost.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from _common import submit_page

from pos_app.app import open_app
from pos_app.config import load_config
from pos_app.domain.booking import BookingStatus
from pos_app.domain.people import Actor, Role
from pos_app.sandbox.runner import start_in_thread
from pos_app.services.bookings import BookingRequest
from pos_app.store import database


def _until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        handle = start_in_thread(Path(tmp) / "sandbox.sqlite3")
        ctx = open_app(
            load_config(
                {"POS_DATA_DIR": tmp, "POS_STRIPE_API_BASE": handle.url, "POS_TIMEZONE": "UTC"}
            ),
            sandbox="none",
        )
        # Refunds need a manager, as at the desk.
        ctx.deps.desk.sign_in(Actor(None, "Bench manager", Role.MANAGER))
        haircut = ctx.catalog.find("Haircut")
        steps: dict[str, list[float]] = {
            k: []
            for k in (
                "book",
                "charge",
                "pay page",
                "detect paid (events)",
                "refund call",
                "detect refunded",
            )
        }
        web = httpx.Client(timeout=10)
        try:
            for i in range(n):
                t0 = time.perf_counter()
                booking = ctx.bookings.create(
                    BookingRequest(
                        f"Customer {i}", haircut.id, datetime.now(UTC) + timedelta(hours=1)
                    )
                )
                t1 = time.perf_counter()
                view = ctx.checkout.start(booking.id)
                t2 = time.perf_counter()
                assert view.url
                submit_page(
                    web,
                    view.url,
                    {
                        "card_number": "4242424242424242",
                        "exp": "12 / 34",
                        "cvc": "123",
                        "name": "x",
                    },
                )
                t3 = time.perf_counter()

                def status(booking_id: str = booking.id) -> BookingStatus:
                    return ctx.bookings.detail(booking_id).booking.status

                _until(lambda: ctx.sync.sync_once() is not None and status() is BookingStatus.PAID)
                t4 = time.perf_counter()
                ctx.refunds.refund(booking.id)
                t5 = time.perf_counter()
                _until(
                    lambda: ctx.sync.sync_once() is not None and status() is BookingStatus.REFUNDED
                )
                t6 = time.perf_counter()
                for key, (a, b) in zip(
                    steps, [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t5, t6)], strict=True
                ):
                    steps[key].append((b - a) * 1000)
        finally:
            web.close()
            ctx.close()
            handle.stop()
    print(f"payment loop over {n} bookings (ms), SQLite synchronous={database.SQLITE_SYNCHRONOUS}")
    print(f"{'step':<24}{'p50':>10}{'p95':>10}{'max':>10}")
    for key, values in steps.items():
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(f"{key:<24}{statistics.median(values):>10.1f}{p95:>10.1f}{values[-1]:>10.1f}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--compare"]
    count = int(args[0]) if args else 20
    main(count)
    if "--compare" in sys.argv[1:]:
        database.SQLITE_SYNCHRONOUS = "NORMAL"
        main(count)
