"""Several stations on one PostgreSQL: Stripe calls, propagation, takeover, connections.

    .venv/bin/python bench/stations.py                      # 1, 5 and 20 stations, 60 s windows
    .venv/bin/python bench/stations.py --stations 1 3 --seconds 20
    .venv/bin/python bench/stations.py --database-url postgresql+psycopg://postgres@host/postgres

Issue 13 item 10. A throwaway PostgreSQL 15 (tests/pg_server.py, or the server of
``--database-url``, an admin URL: a database per row is created there and dropped) and, for
each row, a fresh database (migrated) and a fresh sandbox in a process of its own, wrapped to
count the requests that reach it. Then N station processes: each runs exactly what
``pos-app sync --watch`` runs (``cli.watch.watch``: the poller, leader or standby, and the
station's heartbeat) plus the station's change feed (``AppContext.watch_changes``: LISTEN),
which timestamps every booking it hears. No Qt. Per N it prints:

1. Stripe calls a minute (requests counted by the sandbox, by kind): idle (no link open) and
   with ``--links`` payment links opened through one station's services, ``--seconds`` each;
2. propagation: ``--changes`` bookings made at the stations in turn, from the writer's call
   (its write and commit included: a feed may hear the commit before the writer's call
   returns) to each other station's feed hearing it (p50/p95/max over every pair);
3. takeover: the leader is SIGKILLed ``--tries`` times; the time until another station prints
   "This station now reads Stripe's updates." (a new station replaces the killed one before
   the next try);
4. database connections (``pg_stat_activity`` of the row's database, by application name),
   most seen while idle and while busy (links open, bookings being made).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.pg_server

ROOT = Path(__file__).resolve().parent.parent
# Issue 13's goals, printed beside the figures.
GOAL_CALLS_BUSY = 60.0  # Stripe calls a minute while links are open, whatever N
GOAL_CALLS_IDLE = 4.0  # … while none is
GOAL_TAKEOVER_SECONDS = 10.0
GOAL_PROPAGATION_P95_SECONDS = 1.0
GOALS = (
    f"Goals (issue 13): Stripe calls ≤ {GOAL_CALLS_BUSY:g}/min with links open and "
    f"≤ {GOAL_CALLS_IDLE:g}/min idle, whatever N; propagation p95 ≤ "
    f"{GOAL_PROPAGATION_P95_SECONDS:g} s; takeover ≤ {GOAL_TAKEOVER_SECONDS:g} s"
)
#: The sandbox answers the counts here (never counted itself).
COUNTS_PATH = "/_bench/requests"
#: How long N stations may take to start (imports, 20 at once on 2 cores).
START_SECONDS = 300.0
_ID = re.compile(r"/[a-z]+_[A-Za-z0-9]+")


# ---------------------------------------------------------------- the sandbox, counted


def request_kind(method: str, path: str) -> str | None:
    """What a request to the sandbox is, as a Stripe call; None for what is not one."""
    if not path.startswith("/v1/"):
        return None  # the health check, payment pages
    if path.startswith("/v1/events"):
        return "events feed"
    if method == "POST" and path == "/v1/checkout/sessions":
        return "link opened"
    return f"{method} {_ID.sub('/{id}', path)}"


class CountingApp:
    """The sandbox's ASGI app, counting each Stripe call by kind; GET ``COUNTS_PATH`` answers
    the counts so far as JSON."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.counts: Counter[str] = Counter()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            if scope["path"] == COUNTS_PATH:
                body = json.dumps(self.counts).encode()
                headers = [(b"content-type", b"application/json")]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            kind = request_kind(scope["method"], scope["path"])
            if kind is not None:
                self.counts[kind] += 1
        await self.app(scope, receive, send)


def sandbox_child(data_dir: Path) -> None:
    """``--sandbox DIR``: serve a counted sandbox until stdin closes; prints its URL first."""
    from pos_app.sandbox.app import create_app
    from pos_app.sandbox.runner import start_app_in_thread

    # uvicorn serves any ASGI app; the runner's hint names the sandbox's own (Starlette).
    handle = start_app_in_thread(
        lambda url: CountingApp(create_app(data_dir / "sandbox.sqlite3", public_base_url=url))  # type: ignore[arg-type,return-value]
    )
    print(handle.url, flush=True)
    sys.stdin.read()
    handle.stop()


@contextmanager
def counted_sandbox(tmp: Path) -> Iterator[str]:
    """A sandbox in a process of its own (as the app runs it); yields its URL."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--sandbox", str(tmp)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http"):
            raise RuntimeError("the sandbox did not start")
        yield url
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def sandbox_counts(url: str) -> Counter[str]:
    """The sandbox's Stripe calls so far, by kind."""
    with urllib.request.urlopen(url + COUNTS_PATH, timeout=10) as resp:
        return Counter(json.loads(resp.read()))


# ---------------------------------------------------------------- one station's process


def station_child() -> int:
    """``--station``: what `pos-app sync --watch` runs, plus the station's change feed and
    commands on stdin ("book", "links K"). Bench lines go to the pipe named by
    ``BENCH_FD`` (stdout is the watch's own, one line per role)."""
    from datetime import UTC, datetime, timedelta

    from pos_app.app import open_app
    from pos_app.cli.people import cli_actor
    from pos_app.cli.watch import watch
    from pos_app.config import resolve_config
    from pos_app.domain.changes import Change
    from pos_app.logs import setup_logging
    from pos_app.services.bookings import BookingRequest

    bench = os.fdopen(int(os.environ["BENCH_FD"]), "w", buffering=1, encoding="utf-8")
    lock = threading.Lock()

    def tell(line: str) -> None:
        with lock:
            bench.write(line + "\n")

    config = resolve_config()
    setup_logging(config.data_dir)
    ctx = open_app(config, sandbox="none")
    ctx.deps.desk.sign_in(cli_actor())

    def heard(change: Change) -> None:
        at = time.time()  # first: what follows is the bench's own cost
        ids = "*" if change.everything else ",".join(sorted(change.booking_ids)) or "-"
        tell(f"HEARD {at!r} {ids}")

    ctx.watch_changes(heard)
    service = ctx.catalog.find("Haircut")
    made = 0

    def book(name: str) -> str:
        nonlocal made
        made += 1
        when = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=1)
        request = BookingRequest(name, service.id, when + timedelta(minutes=made))
        return ctx.bookings.create(request).id

    def commands() -> None:
        for line in sys.stdin:
            words = line.split()
            try:
                if words[0] == "book":
                    asked = time.time()
                    booking_id = book(f"Guest {words[1]}")
                    tell(f"BOOKED {words[1]} {booking_id} {asked!r} {time.time()!r}")
                elif words[0] == "links":
                    for n in range(int(words[1])):
                        ctx.checkout.start(book(f"Link {n}"))
                    tell(f"LINKED {words[1]}")
            except Exception as err:  # the bench says it and stops
                tell(f"ERROR {type(err).__name__}: {err}")

    threading.Thread(target=commands, name="bench-commands", daemon=True).start()
    try:
        return watch(ctx)
    except KeyboardInterrupt:  # a second signal, as `pos-app` itself answers it
        return 130
    finally:
        ctx.close()


@dataclass
class Station:
    """One station process, seen from the bench."""

    name: str
    proc: subprocess.Popen[str]
    roles: queue.Queue[tuple[Station, str, float]]  # shared: (station, role line, monotonic)
    replies: queue.Queue[str] = field(default_factory=queue.Queue)
    heard: dict[str, float] = field(default_factory=dict)  # booking id → wall time
    feed_ready: threading.Event = field(default_factory=threading.Event)
    role: str = ""
    stopping: bool = False  # SIGTERM sent

    @classmethod
    def start(cls, name: str, env: dict[str, str], tmp: Path,
              roles: queue.Queue[tuple[Station, str, float]]) -> Station:  # fmt: skip
        """Start one; its lines are read on two daemon threads."""
        read_end, write_end = os.pipe()
        err = (tmp / f"{name}.err").open("w")
        proc = subprocess.Popen(
            [sys.executable, __file__, "--station"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            env={**env, "POS_DATA_DIR": str(tmp / name), "BENCH_FD": str(write_end)},
            pass_fds=(write_end,),
            encoding="utf-8",
            cwd=ROOT,
        )
        os.close(write_end)
        err.close()
        station = cls(name, proc, roles)
        assert proc.stdout is not None
        threading.Thread(target=station._read_roles, args=(proc.stdout,), daemon=True).start()
        pipe = os.fdopen(read_end, encoding="utf-8")
        threading.Thread(target=station._read_bench, args=(pipe,), daemon=True).start()
        return station

    def _read_roles(self, stream: TextIO) -> None:
        for line in stream:
            self.roles.put((self, line.rstrip("\n"), time.monotonic()))

    def _read_bench(self, stream: TextIO) -> None:
        for line in stream:
            kind, _, rest = line.rstrip("\n").partition(" ")
            if kind == "HEARD":
                at, ids = rest.split(" ", 1)
                if ids == "*":
                    self.feed_ready.set()
                for booking_id in ids.split(","):
                    self.heard.setdefault(booking_id, float(at))
            else:
                self.replies.put(line.rstrip("\n"))

    def send(self, command: str, within: float = 60.0) -> list[str]:
        """Send one command; its reply's words (an ERROR reply raises)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        reply = self.replies.get(timeout=within)
        if reply.startswith("ERROR"):
            raise RuntimeError(f"{self.name}: {reply}")
        return reply.split()

    def stop(self) -> None:
        """SIGTERM (a clean stop) unless sent already (a second one stops without letting
        the pass end), then SIGKILL if it hangs."""
        if self.proc.poll() is None and not self.stopping:
            self.proc.terminate()
        self.stopping = True
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---------------------------------------------------------------- the database's side


class ConnectionSampler:
    """Counts the database's connections (by application name) twice a second and keeps,
    per phase, the most seen at once."""

    def __init__(self, admin_url: str, database: str) -> None:
        import psycopg

        self._conn = psycopg.connect(admin_url.replace("postgresql+psycopg", "postgresql"),
                                     autocommit=True)  # fmt: skip
        self._database = database
        self.phase: str | None = None
        self.most: dict[str, tuple[int, dict[str, int]]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def sample(self) -> dict[str, int]:
        """Connections now, by application name (this sampler's own left out)."""
        rows = self._conn.execute(
            "SELECT coalesce(nullif(application_name, ''), 'pool'), count(*) "
            "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() GROUP BY 1",
            (self._database,),
        ).fetchall()
        return {str(name): int(n) for name, n in rows}

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            phase = self.phase
            if phase is None:
                continue
            now = self.sample()
            if sum(now.values()) > self.most.get(phase, (-1, {}))[0]:
                self.most[phase] = (sum(now.values()), now)

    def close(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join()
        self._conn.close()


# ---------------------------------------------------------------- one row: N stations


@dataclass
class Row:
    """The figures of one row."""

    stations: int
    idle: Counter[str] = field(default_factory=Counter)
    busy: Counter[str] = field(default_factory=Counter)
    seconds: float = 60.0
    propagation: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)  # the writer's own create, commit included
    missed: int = 0
    takeovers: list[float] = field(default_factory=list)
    connections: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # what the stations said on stderr


def measure(
    n: int,
    *,
    admin_url: str,
    database: str,
    seconds: float,
    links: int,
    changes: int,
    tries: int,
    say: Callable[[str], None],
) -> Row:
    """Start a sandbox and ``n`` stations on ``database`` (migrated) and measure one row."""
    from pos_app.cli.watch import ROLE_LINES
    from pos_app.domain.poll_pace import PollRole
    from tests.pg_fixtures import _url_for

    leader_line, standby_line = ROLE_LINES[PollRole.LEADER], ROLE_LINES[PollRole.STANDBY]
    row = Row(n, seconds=seconds)
    roles: queue.Queue[tuple[Station, str, float]] = queue.Queue()
    stations: list[Station] = []
    sampler = ConnectionSampler(admin_url, database)
    with tempfile.TemporaryDirectory() as tmp_name, counted_sandbox(Path(tmp_name)) as url:
        tmp = Path(tmp_name)
        env = {
            **os.environ,
            "POS_DATABASE_URL": _url_for(admin_url, database),
            "POS_STRIPE_API_BASE": url,
            "POS_TIMEZONE": "UTC",
            "PYTHONIOENCODING": "utf-8",
        }
        count = iter(range(1_000_000))

        def start(k: int) -> list[Station]:
            started = [Station.start(f"s{next(count)}", env, tmp, roles) for _ in range(k)]
            stations.extend(started)
            return started

        def settle(waiting: list[Station]) -> None:
            """Wait until each of ``waiting`` has said its role and its feed listens."""
            deadline = time.monotonic() + START_SECONDS
            while any(not s.role for s in waiting):
                try:
                    station, line, _ = roles.get(timeout=max(0.1, deadline - time.monotonic()))
                except queue.Empty:
                    raise RuntimeError(_stuck(waiting, tmp)) from None
                _note_role(station, line, leader_line, standby_line)
            for s in waiting:
                if not s.feed_ready.wait(max(0.1, deadline - time.monotonic())):
                    raise RuntimeError(_stuck([s], tmp))

        try:
            # All at once, as desks switched on in the morning (the catalogue's seeding and
            # the stations' rows are serialized by the app).
            settle(start(n))
            _first_pass(url)  # the leader's first pass is a full one: not the steady cost
            say(f"  {n} station(s) up; idle window of {seconds:g} s")
            sampler.phase = "idle"
            row.idle = _window(url, seconds)
            sampler.phase = "busy"
            stations[0].send(f"links {links}")
            say(f"  {links} links opened at {stations[0].name}; busy window of {seconds:g} s")
            row.busy = _window(url, seconds)
            if n >= 2:
                _propagate(row, stations, changes)
            sampler.phase = None
            for k in range(tries if n >= 2 else 0):
                replace = start if k < tries - 1 else None
                row.takeovers.append(
                    _takeover(stations, roles, leader_line, standby_line, replace, settle)
                )
            row.connections = dict(sampler.most)
        finally:
            sampler.close()
            for station in stations:  # all told first: each finishes its pass meanwhile
                if station.proc.poll() is None:
                    station.proc.terminate()
                    station.stopping = True
            for station in stations:
                station.stop()
            row.problems = [
                f"{err.stem}: {line}"
                for err in sorted(tmp.glob("*.err"))
                for line in err.read_text(encoding="utf-8", errors="replace").splitlines()
                if line.strip()
            ]
    return row


def _note_role(station: Station, line: str, leader_line: str, standby_line: str) -> None:
    if line == leader_line:
        station.role = "leader"
    elif line == standby_line:
        station.role = "standby"


def _stuck(stations: list[Station], tmp: Path) -> str:
    errors = "; ".join(
        f"{s.name}: {(tmp / f'{s.name}.err').read_text()[-400:]!r}" for s in stations
    )
    return f"stations did not start within {START_SECONDS:g} s ({errors})"


def _first_pass(url: str) -> None:
    """Wait until the leader's first pass has read the events feed, and a little more."""
    deadline = time.monotonic() + 60
    while not sandbox_counts(url)["events feed"] and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)


def _window(url: str, seconds: float) -> Counter[str]:
    """The Stripe calls made over ``seconds`` of real time."""
    before = sandbox_counts(url)
    time.sleep(seconds)
    after = sandbox_counts(url)
    after.subtract(before)
    return +after


def _propagate(row: Row, stations: list[Station], changes: int) -> None:
    """Bookings made at each station in turn, until every other station's feed hears each."""
    for k in range(changes):
        time.sleep(random.uniform(0.1, 0.4))  # not in step with the feeds' waits
        writer = stations[k % len(stations)]
        _, _tag, booking_id, asked, committed = writer.send(f"book {k}")
        row.writes.append(float(committed) - float(asked))
        listeners = [s for s in stations if s is not writer]
        deadline = time.monotonic() + 5.0
        while any(booking_id not in s.heard for s in listeners) and time.monotonic() < deadline:
            time.sleep(0.01)
        for s in listeners:
            if booking_id in s.heard:
                # From the writer's call: its commit's exact moment is not seen from outside
                # (a feed may hear it before the writer's call returns).
                row.propagation.append(s.heard[booking_id] - float(asked))
            else:
                row.missed += 1


def _takeover(
    stations: list[Station],
    roles: queue.Queue[tuple[Station, str, float]],
    leader_line: str,
    standby_line: str,
    start: Callable[[int], list[Station]] | None,
    settle: Callable[[list[Station]], None],
) -> float:
    """SIGKILL the leader; seconds until another station says it leads. With ``start``, a
    new station takes the killed one's place (it waits as a standby)."""
    while not roles.empty():  # lines said since: roles up to date
        _note_role(*roles.get_nowait()[:2], leader_line, standby_line)
    leader = next(s for s in stations if s.role == "leader" and s.proc.poll() is None)
    time.sleep(random.uniform(0.0, 2.5))  # at a random moment of the standbys' 2 s tries
    killed = time.monotonic()
    leader.proc.send_signal(signal.SIGKILL)
    while True:
        station, line, at = roles.get(timeout=60)
        _note_role(station, line, leader_line, standby_line)
        if station is not leader and line == leader_line:
            break
    leader.proc.wait()
    stations.remove(leader)
    if start is not None:
        settle(start(1))
    return at - killed


# ---------------------------------------------------------------- the report


def report(row: Row, links: int, changes: int) -> list[str]:
    """The four figure lines of one row."""
    from _common import percentile  # here: it loads the app, which the sandbox's child needs not

    said = "none" if not row.problems else f"{len(row.problems)}, e.g. {row.problems[:3]}"
    lines = [f"N = {row.stations} station(s); lines the stations printed on stderr: {said}"]

    def per_min(counts: Counter[str]) -> str:
        total = sum(counts.values()) * 60 / row.seconds
        feed = counts["events feed"] * 60 / row.seconds
        other = ", ".join(
            f"{kind} {c * 60 / row.seconds:.1f}" for kind, c in sorted(counts.items())
            if kind != "events feed"
        )  # fmt: skip
        return f"{total:.1f} (events feed {feed:.1f}{'; ' + other if other else ''})"

    idle = sum(row.idle.values()) * 60 / row.seconds
    busy = sum(row.busy.values()) * 60 / row.seconds
    met = idle <= GOAL_CALLS_IDLE and busy <= GOAL_CALLS_BUSY
    lines.append(
        f"  1. Stripe calls/min over {row.seconds:g} s: idle {per_min(row.idle)}; "
        f"{links} links open {per_min(row.busy)}  [{'met' if met else 'MISSED'}]"
    )
    if row.propagation:
        p95 = percentile(row.propagation, 95)
        lines.append(
            f"  2. propagation, booking made at one station (its write, median "
            f"{statistics.median(row.writes) * 1000:.0f} ms, included) → heard by each other "
            f"station's feed: p50 {percentile(row.propagation, 50) * 1000:.0f} ms, p95 "
            f"{p95 * 1000:.0f} ms, max {max(row.propagation) * 1000:.0f} ms "
            f"({len(row.propagation)} heard, {row.missed} not within 5 s; {changes} bookings)"
            f"  [{'met' if p95 <= GOAL_PROPAGATION_P95_SECONDS and not row.missed else 'MISSED'}]"
        )
    elif row.stations >= 2:
        lines.append(f"  2. propagation: none of {changes} bookings heard within 5 s  [MISSED]")
    else:
        lines.append("  2. propagation: n/a (one station: no other feed to hear it)")
    if row.takeovers:
        worst = max(row.takeovers)
        lines.append(
            f"  3. takeover after SIGKILL of the leader, {len(row.takeovers)} tries: median "
            f"{statistics.median(row.takeovers):.2f} s, max {worst:.2f} s "
            f"({', '.join(f'{t:.2f}' for t in row.takeovers)})"
            f"  [{'met' if worst <= GOAL_TAKEOVER_SECONDS else 'MISSED'}]"
        )
    else:
        lines.append("  3. takeover: n/a (one station: no standby to take over)")

    def conns(phase: str) -> str:
        total, by_app = row.connections.get(phase, (0, {}))
        detail = ", ".join(f"{name} {c}" for name, c in sorted(by_app.items()))
        return f"{total} ({detail})"

    lines.append(
        f"  4. database connections, most at once: idle {conns('idle')}; busy {conns('busy')}"
    )
    return lines


def run(
    counts: Sequence[int],
    *,
    seconds: float = 60.0,
    links: int = 5,
    changes: int = 40,
    tries: int = 3,
    database_url: str | None = None,
    template: str | None = None,
    say: Callable[[str], None] = print,
) -> list[Row]:
    """Every row, on a throwaway server or the one at ``database_url`` (an admin URL);
    ``template``: an already migrated database there to copy instead of migrating."""
    from tests.pg_fixtures import _create, _drop, _migrate, _url_for
    from tests.pg_server import start_server

    server = None if database_url else start_server()
    admin_url = database_url or server.admin_url  # type: ignore[union-attr]
    rows = []
    say(GOALS)
    try:
        for n in counts:
            database = f"pos_bench_stations_{n}_{os.getpid()}"
            _create(admin_url, database, template=template)
            try:
                if template is None:
                    _migrate(_url_for(admin_url, database))
                row = measure(
                    n, admin_url=admin_url, database=database, seconds=seconds,
                    links=links, changes=changes, tries=tries, say=say,
                )  # fmt: skip
            finally:
                _drop(admin_url, database)
            rows.append(row)
            for line in report(row, links, changes):
                say(line)
    finally:
        if server is not None:
            server.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--seconds", type=float, default=60.0, help="per Stripe calls window")
    parser.add_argument("--links", type=int, default=5, help="links opened for the busy window")
    parser.add_argument("--changes", type=int, default=40, help="bookings for propagation")
    parser.add_argument("--tries", type=int, default=3, help="takeovers to time")
    parser.add_argument(
        "--database-url",
        help="an admin URL of a PostgreSQL server to use (a database per row is made there)",
    )
    parser.add_argument(
        "--template", help="with --database-url: a migrated database there to copy per row"
    )
    parser.add_argument("--station", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.station:
        sys.exit(station_child())
    if args.sandbox is not None:
        sandbox_child(args.sandbox)
        return
    if min(args.stations) < 1:
        parser.error("--stations takes numbers of stations, 1 or more")
    run(
        args.stations,
        seconds=args.seconds,
        links=args.links,
        changes=args.changes,
        tries=args.tries,
        database_url=args.database_url,
        template=args.template,
        say=lambda line: print(line, flush=True),
    )


if __name__ == "__main__":
    main()
