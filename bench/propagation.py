"""Cross-station propagation: a booking committed at one station, shown in another's window.

    .venv/bin/python bench/propagation.py [--changes 50] [--db sqlite|postgresql|both]

Station A is a separate process (its own app context) that makes one booking for today each
time it is asked, at a random moment (0.1–0.6 s apart, so SQLite's twice-a-second check is hit
at every phase), and reports the wall-clock time its commit returned. Station B is this
process: the real main window, attached offscreen, its sync loop stopped so only the change
feed (PostgreSQL LISTEN/NOTIFY, or SQLite's data_version) can bring a booking in. For each
booking the script records when B's feed heard it ("heard") and when the row is in B's day
list ("shown": the merged change handled, the day reloaded in the background, the rows
swapped in). Prints p50/p95/max of both. Target: shown p95 ≤ 1 s.

PostgreSQL: a throwaway server as the tests start one (tests/pg_server.py).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import percentile, sandbox

# Station A: reads a line per booking on stdin, prints "<id> <commit wall time>".
STATION_A = r"""
import sys, time
from datetime import datetime, timedelta
from pos_app.app import open_app
from pos_app.config import load_config
from pos_app.services.bookings import BookingRequest
import os
ctx = open_app(load_config(dict(os.environ)), sandbox="none")
print("READY", flush=True)
for n, _line in enumerate(sys.stdin):
    at = datetime.now(ctx.config.timezone).replace(second=0, microsecond=0)
    booking = ctx.bookings.create(
        BookingRequest(f"Guest {n}", "svc_haircut", at + timedelta(minutes=20 + n))
    )
    print(booking.id, repr(time.time()), flush=True)
ctx.close()
"""


def run(db: str, changes: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from pos_app.app import open_app
    from pos_app.config import load_config
    from pos_app.devtools.demo import morning_timezone
    from pos_app.domain.changes import Change
    from pos_app.ui.kit.tasks import TaskRunner
    from pos_app.ui.shell.main_window import MainWindow

    server = None
    with sandbox() as handle, tempfile.TemporaryDirectory() as tmp:
        if db == "postgresql":
            from tests.pg_fixtures import _create, _migrate, _url_for
            from tests.pg_server import start_server

            server = start_server()
            url = _url_for(server.admin_url, "pos_bench")
            _create(server.admin_url, "pos_bench")
            _migrate(url)
        else:
            url = f"sqlite:///{Path(tmp) / 'shared.sqlite3'}"
        env = {
            "POS_DATABASE_URL": url,
            "POS_STRIPE_API_BASE": handle.url,
            "POS_TIMEZONE": str(morning_timezone()),
        }
        try:
            app = QApplication.instance() or QApplication([])
            ctx_b = open_app(load_config({**env, "POS_DATA_DIR": f"{tmp}/b"}), sandbox="none")
            from tests.conftest import TEST_MANAGER

            ctx_b.deps.desk.sign_in(TEST_MANAGER)
            runner = TaskRunner()
            window = MainWindow(runner)
            window.resize(1366, 768)
            window.show()
            # When B's own feed hands a change over (on the feed's thread, before the queue
            # to the GUI thread): PostgreSQL names the booking, SQLite says "something".
            arrivals: list[tuple[float, Change]] = []
            lock = threading.Lock()

            def heard(change: object) -> None:
                if isinstance(change, Change):
                    with lock:
                        arrivals.append((time.time(), change))

            window.live.arrived.connect(heard, Qt.ConnectionType.DirectConnection)
            window.attach(ctx_b)
            _spin(app, lambda: not window.sync.first_pending and window.day_loads >= 1)
            window.sync.stop()

            station_a = subprocess.Popen(
                [sys.executable, "-c", STATION_A],
                env={**os.environ, **env, "POS_DATA_DIR": f"{tmp}/a"},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert station_a.stdin is not None and station_a.stdout is not None
            assert station_a.stdout.readline().strip() == "READY"
            shown: list[float] = []
            feed: list[float] = []
            for _ in range(changes):
                _spin(app, lambda: False, seconds=random.uniform(0.1, 0.6))
                with lock:
                    before = len(arrivals)
                station_a.stdin.write("book\n")
                station_a.stdin.flush()
                booking_id, committed = station_a.stdout.readline().split()
                committed_at = float(committed)
                _spin(app, lambda b=booking_id: window.model.row_of(b) >= 0, seconds=30)
                shown.append(time.time() - committed_at)
                with lock:
                    first = next(
                        (
                            at
                            for at, change in arrivals[before:]
                            if change.everything or booking_id in change.booking_ids
                        ),
                        None,
                    )
                if first is not None:
                    feed.append(first - committed_at)
            station_a.stdin.close()
            station_a.wait(timeout=30)
            window.detach()
            runner.shutdown(timeout=5)
            ctx_b.close()
            _report(db, changes, feed, shown)
        finally:
            if server is not None:
                server.stop()


def _spin(app: object, done: object, *, seconds: float = 60.0) -> None:
    """Run the Qt event loop until ``done()`` or ``seconds`` have passed."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication) and callable(done)
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.002)


def _report(db: str, changes: int, feed: list[float], shown: list[float]) -> None:
    def ms(values: list[float], q: float) -> str:
        return f"{percentile(values, q) * 1000:.0f} ms" if values else "n/a"

    print(f"{db}: {changes} bookings made at station A (another process)")
    print(
        f"  heard by B's feed: p50 {ms(feed, 50)}  p95 {ms(feed, 95)}  max {ms(feed, 100)}"
        f"  ({len(feed)} of {changes})"
    )
    print(
        f"  shown in B's day list: p50 {ms(shown, 50)}  p95 {ms(shown, 95)}  max {ms(shown, 100)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    for db in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        run(db, args.changes)


if __name__ == "__main__":
    main()
