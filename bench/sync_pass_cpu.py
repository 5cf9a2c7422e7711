"""The CPU a sync pass costs its worker thread: the GIL the GUI thread may wait for (issue 12).

    .venv/bin/python bench/sync_pass_cpu.py [--open 100] [--repeat 5]

The main-window bench's world (``gui_responsiveness.seed``: 5000 bookings, ``--open`` open
Checkout Sessions on a sandbox in its own process), then, each timed in the calling thread's
own CPU time (``time.thread_time``, which a busy machine does not inflate; the sandbox's work
is in its process): a periodic pass (``sync_once()``), a full pass (``sync_once(full=True)``:
every open link re-read, as at start and when a station takes over) both ways: each open link
read alone (before session 23) and the open sessions listed (services/open_links.py, now),
with its wall time and Stripe calls (the wall time includes waiting out the sandbox's 429s, its
25 requests a second as at Stripe in test mode), one session read through the gateway, one
charge-screen refresh and one day-sheet load (the reload after each pass). Medians and
minimums over ``--repeat`` runs are printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gui_responsiveness
from _common import CountingGateway, sandbox_process

from pos_app.app import AppContext, open_app, wire_services
from pos_app.config import load_config
from pos_app.services import open_links


def thread_cpu(label: str, work: Callable[[], object], repeat: int) -> None:
    """Print the median and minimum thread CPU of ``work`` over ``repeat`` runs."""
    runs = []
    walls = []
    for _ in range(repeat):
        start, wall = time.thread_time(), time.monotonic()
        work()
        runs.append((time.thread_time() - start) * 1000)
        walls.append(time.monotonic() - wall)
    runs.sort()
    print(
        f"{label}: median {runs[len(runs) // 2]:.1f} ms, min {runs[0]:.1f} ms (thread CPU); "
        f"wall median {sorted(walls)[len(walls) // 2]:.2f} s"
    )


def full_passes(ctx: AppContext, open_links_count: int, repeat: int) -> None:
    """A full pass with each open link read alone (as before), then with the list (now)."""
    counting = CountingGateway(ctx.deps.gateway)
    sync = wire_services(dataclasses.replace(ctx.deps, gateway=counting)).sync
    for label, list_from in (("each link read alone", 10**9), ("open sessions listed", None)):
        kept = open_links.LIST_FROM
        open_links.LIST_FROM = list_from or kept
        try:
            counting.reset()
            thread_cpu(
                f"full sync pass ({open_links_count} open links, {label})",
                lambda: sync.sync_once(full=True),
                repeat,
            )
            per_pass = {name: n // repeat for name, n in sorted(counting.calls.items())}
            print(f"  Stripe calls a pass: {per_pass}")
        finally:
            open_links.LIST_FROM = kept
        time.sleep(1.0)  # the sandbox's rate-limit window: the next row starts afresh


def main() -> None:
    """Seed, time each piece, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=5000)
    parser.add_argument("--open", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with sandbox_process() as url, tempfile.TemporaryDirectory() as tmp:
        env = {"POS_DATA_DIR": tmp, "POS_STRIPE_API_BASE": url, "POS_TIMEZONE": "UTC"}
        ctx = open_app(load_config(env), sandbox="none")
        try:
            gui_responsiveness.seed(ctx, args.bookings, args.open)
            ctx.sync.sync_once(full=True)
            with ctx.deps.uow() as uow:
                payment = uow.payments.unsettled()[0]
            session_id = payment.stripe_session_id
            assert session_id is not None
            gateway = ctx.deps.gateway
            n = args.repeat
            thread_cpu("periodic sync pass", lambda: ctx.sync.sync_once(), n)
            full_passes(ctx, args.open, max(2, n // 2))
            thread_cpu(
                "one session read (PaymentIntent expanded)",
                lambda: gateway.retrieve_checkout_session(session_id, with_last_attempt=True),
                n * 4,
            )
            thread_cpu("one charge-screen refresh", lambda: ctx.checkout.refresh(payment.id), n * 4)
            thread_cpu(
                "the day's sheet (reload)", lambda: ctx.bookings.day_sheet(ctx.bookings.today()), n
            )
        finally:
            ctx.close()


if __name__ == "__main__":
    main()
