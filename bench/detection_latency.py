"""From the customer's payment completing to the local database showing Paid.

    .venv/bin/python bench/detection_latency.py [N]

Default settings, as the desktop app runs them: the charge screen re-reads its own session
every second, and the app's own poller (``AppContext.poller``: the leader lock, and the pace
of ``domain/poll_pace.py``: every POS_POLL_SECONDS, 1 s, while a link is open anywhere, 20 s
when none is) reads the events feed.
N payments (default 200) are made through the sandbox's hosted page by 10 simulated front
desks at once, each with its charge screen open, at a random moment of the screen's and the
events feed's cycles. Prints p50/p95/max for the app as configured, and for the events feed
alone (no charge screen open). Target: p95 ≤ 2 s at default settings.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from _common import app, book, percentile, sandbox, submit_page

from pos_app.app import AppContext
from pos_app.domain.booking import BookingStatus

SCREEN_REFRESH_SECONDS = 1.0
DESKS = 10
CARD = {"card_number": "4242424242424242", "exp": "12 / 34", "cvc": "123", "name": "Bench"}


def _background_sync(ctx: AppContext, stop: threading.Event) -> None:
    poller = ctx.poller()
    delay = 0.0
    while not stop.wait(delay):
        tick = poller.tick()  # never raises: a failed pass is in tick.error
        if tick.error is not None:  # a bench keeps going; the figures show the cost
            print(f"sync failed: {tick.error}", file=sys.stderr)
        delay = tick.delay
    poller.stop()


def _one_payment(ctx: AppContext, web: httpx.Client, index: int, *, screen: bool) -> float:
    booking_id = book(ctx, f"Bench {index}")
    view = ctx.checkout.start(booking_id)
    assert view.url
    done = threading.Event()

    def charge_screen() -> None:
        while not done.wait(SCREEN_REFRESH_SECONDS):
            ctx.checkout.refresh(view.payment_id)

    if screen:
        threading.Thread(target=charge_screen, daemon=True).start()
    # Pay at a random moment of both cycles (the screen's and the events feed's): otherwise
    # each desk would pay just after the pass that detected its previous payment.
    time.sleep(random.uniform(0, ctx.config.poll_seconds))
    paid = submit_page(web, view.url, CARD)
    assert paid.status_code in (200, 303), paid.text  # 303: on to the success page
    paid_at = time.perf_counter()
    while ctx.bookings.detail(booking_id).booking.status is not BookingStatus.PAID:
        time.sleep(0.01)
    latency = time.perf_counter() - paid_at
    done.set()
    return latency


def _run(n: int, *, screen: bool) -> list[float]:
    with sandbox() as handle, app(handle) as ctx, httpx.Client(timeout=10) as web:
        stop = threading.Event()
        poller = threading.Thread(target=_background_sync, args=(ctx, stop), daemon=True)
        poller.start()
        try:
            with ThreadPoolExecutor(DESKS) as pool:
                return list(pool.map(lambda i: _one_payment(ctx, web, i, screen=screen), range(n)))
        finally:
            stop.set()
            poller.join()


def main(n: int) -> None:
    random.seed(1)
    for label, screen, count in (
        ("charge screen open (default)", True, n),
        ("events feed only", False, max(20, n // 4)),
    ):
        values = _run(count, screen=screen)
        print(
            f"{label:<30} n={len(values):<4} p50={percentile(values, 50):.2f} s  "
            f"p95={percentile(values, 95):.2f} s  max={max(values):.2f} s"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
