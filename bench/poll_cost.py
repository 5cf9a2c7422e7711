"""Stripe calls per minute spent keeping N open payment links in sync.

    .venv/bin/python bench/poll_cost.py

For 1, 10, 100 and 500 open Checkout Sessions, runs the app's background sync passes (the
events feed, at the default POS_POLL_SECONDS) and counts every call that reaches Stripe.
Beside it, in the same run, a per-session poller (what a naive app does: retrieve every open
session every 2 s). Target: the app's figure flat and ≤ 15 per minute at default settings.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CountingGateway, app, book, sandbox

from pos_app.app import wire_services

PASSES = 10
BASELINE_INTERVAL = 2.0


def main() -> None:
    print("open sessions | app calls/min (events feed) | per-session poller calls/min")
    with sandbox() as handle:
        for n in (1, 10, 100, 500):
            with app(handle) as ctx:
                payments = [ctx.checkout.start(book(ctx, f"Customer {i}")) for i in range(n)]
                counting = CountingGateway(ctx.deps.gateway)
                deps = dataclasses.replace(ctx.deps, gateway=counting)
                sync = wire_services(deps).sync
                sync.sync_once(full=True)  # startup reconciliation, not part of the steady cost
                counting.reset()
                for _ in range(PASSES):
                    sync.sync_once()
                per_minute = counting.total / PASSES * (60 / ctx.config.poll_seconds)

                counting.reset()
                for _ in range(2):
                    for view in payments:
                        assert view.session_id is not None
                        counting.retrieve_checkout_session(view.session_id)
                baseline = counting.total / 2 * (60 / BASELINE_INTERVAL)
            print(f"{n:>13} | {per_minute:>26.1f} | {baseline:>29.1f}")
    print(f"(app: one pass every {ctx.config.poll_seconds:g} s; {PASSES} passes counted per row)")


if __name__ == "__main__":
    main()
