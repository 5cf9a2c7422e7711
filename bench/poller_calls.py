"""The business's one poller: Stripe calls a minute, and takeover time after a crash.

    .venv/bin/python bench/poller_calls.py                 # both, 60 s per calls row, 5 takeovers
    .venv/bin/python bench/poller_calls.py --calls --seconds 30
    .venv/bin/python bench/poller_calls.py --takeover --tries 5

``--calls``: one station's poller (the app's own pace, POS_POLL_SECONDS at its default) runs
in real time against the sandbox for ``--seconds`` with no payment link open, then as long
with one open, counting every call that reaches Stripe. Issue 13's targets: ≤ 4 a minute
idle, ≤ 60 a minute with links open (the charge screen's own one-a-second read of its
session is not included: it runs only while that screen shows).

``--takeover``: two `pos-app sync --watch` processes on a throwaway PostgreSQL (started as
tests/pg_server.py does) and the sandbox; the leader is SIGKILLed and the time until the
standby prints that it leads is measured; the killed one is started again (it waits), and so
on ``--tries`` times. Target: within 10 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import queue
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.pg_server

from _common import CountingGateway, app, book, sandbox

from pos_app.app import wire_services
from pos_app.cli.watch import ROLE_LINES
from pos_app.domain.poll_pace import PollRole
from pos_app.store.leader_lock import AlwaysLeader
from pos_app.store.poll_queries import link_open_anywhere
from pos_app.store.repositories import SqlUnitOfWorkFactory
from pos_app.sync.poller import Poller


def calls(seconds: float) -> None:
    """Stripe calls a minute of one leader, idle and with one link open."""
    print(f"Stripe calls/min of one station's poller ({seconds:g} s of real time per row)")
    with sandbox() as handle, app(handle) as ctx:
        counting = CountingGateway(ctx.deps.gateway)
        deps = dataclasses.replace(ctx.deps, gateway=counting)
        sync = wire_services(deps).sync
        uow = ctx.deps.uow
        assert isinstance(uow, SqlUnitOfWorkFactory)
        engine = uow.engine
        poller = Poller(
            AlwaysLeader(),
            sync,
            lambda: link_open_anywhere(engine),
            busy_seconds=ctx.config.poll_seconds,
        )
        poller.tick()  # the start's full pass, not part of the steady cost
        for label, link in (("idle (no link open)", False), ("one link open", True)):
            if link:
                ctx.checkout.start(book(ctx, "Ada"))
            counting.reset()
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                tick = poller.tick()
                time.sleep(min(tick.delay, max(0.0, end - time.monotonic())))
            per_minute = counting.total * 60 / seconds
            print(f"  {label:<20} {per_minute:6.1f} calls/min  ({dict(counting.calls)})")
    print(f"(busy pace POS_POLL_SECONDS={ctx.config.poll_seconds:g} s, idle 20 s)")


class Station:
    """One `pos-app sync --watch` process; its stdout lines arrive in a queue."""

    def __init__(self, env: dict[str, str], data_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pos_app.cli", "sync", "--watch"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**env, "POS_DATA_DIR": str(data_dir)},
            encoding="utf-8",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, line: str, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while (left := deadline - time.monotonic()) > 0:
            try:
                if self.lines.get(timeout=left) == line:
                    return
            except queue.Empty:
                break
        raise RuntimeError(f"no {line!r} within {within:g} s")

    def said(self) -> str:
        return self.lines.get(timeout=60)


def takeover(tries: int) -> None:
    """Seconds from SIGKILL of the leader to the standby saying it leads."""
    from tests.pg_fixtures import _create, _migrate, _url_for
    from tests.pg_server import start_server

    server = start_server()
    stations: list[Station] = []
    try:
        url = _url_for(server.admin_url, "pos_bench")
        _create(server.admin_url, "pos_bench")
        _migrate(url)
        with sandbox() as handle, tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "POS_DATABASE_URL": url,
                "POS_STRIPE_API_BASE": handle.url,
                "POS_TIMEZONE": "UTC",
                "PYTHONIOENCODING": "utf-8",
            }
            leader = Station(env, Path(tmp) / "s0")
            leader.wait_for(ROLE_LINES[PollRole.LEADER])
            standby = Station(env, Path(tmp) / "s1")
            standby.wait_for(ROLE_LINES[PollRole.STANDBY])
            stations += [leader, standby]
            times: list[float] = []
            for n in range(tries):
                # Kill at a random moment of the standby's 2 s between tries, not in step.
                time.sleep(random.uniform(0.0, 2.5))
                killed = time.monotonic()
                leader.proc.send_signal(signal.SIGKILL)
                standby.wait_for(ROLE_LINES[PollRole.LEADER], within=30)
                times.append(time.monotonic() - killed)
                leader.proc.wait()
                leader = Station(env, Path(tmp) / f"s{n + 2}")
                leader.wait_for(ROLE_LINES[PollRole.STANDBY])
                stations.append(leader)
                leader, standby = standby, leader
            print(
                f"takeover after SIGKILL, {tries} tries: median {statistics.median(times):.2f} s, "
                f"max {max(times):.2f} s  ({', '.join(f'{t:.2f}' for t in times)})"
            )
    finally:
        for station in stations:
            if station.proc.poll() is None:
                station.proc.terminate()
                station.proc.wait(timeout=30)
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", action="store_true", help="Stripe calls/min, idle and busy")
    parser.add_argument("--takeover", action="store_true", help="takeover after SIGKILL")
    parser.add_argument("--seconds", type=float, default=60.0, help="per calls row")
    parser.add_argument("--tries", type=int, default=5, help="takeovers to time")
    args = parser.parse_args()
    both = not (args.calls or args.takeover)
    if args.takeover or both:
        takeover(args.tries)
    if args.calls or both:
        calls(args.seconds)


if __name__ == "__main__":
    main()
