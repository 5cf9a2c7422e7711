"""GUI-thread CPU per kind of main-window step, each step alone (issue 12).

    .venv/bin/python bench/gui_step_cpu.py [--steps 20] [--open 20]

The main window of ``gui_responsiveness.py`` (same seed, a sandbox in its own process), but
no sync passes and no timer: each step (select a random booking of today's list, switch list
and schedule, move a day) is made alone, with the window settled before it. For each step, in
the GUI thread's own CPU time (``time.thread_time``, which a busy machine does not inflate):
the action itself, the event-loop pass right after it (its repaint), and the heaviest pass
while its answers land (the detail, the day's reload) over the next 0.4 s. Medians and maxima
over ``--steps`` steps. What is here is the app's cost per step, apart from the GIL waits and
the sync passes that the full bench adds.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gui_responsiveness
from _common import sandbox_process
from _gui_meter import close_main_window, open_main_window, settle

from pos_app.app import open_app
from pos_app.config import load_config


def one_pass() -> float:
    """One pass of the event loop as the meter makes it; its GUI-thread CPU in ms."""
    from PySide6.QtWidgets import QApplication

    start = time.thread_time()
    QApplication.processEvents()
    QApplication.sendPostedEvents()
    return (time.thread_time() - start) * 1000


def measure(label: str, action: Callable[[int], object], steps: int) -> None:
    """Run ``action`` ``steps`` times, settled before each; print its figures."""
    acts, firsts, landings = [], [], []
    for n in range(steps):
        settle(0.3)
        start = time.thread_time()
        action(n)
        acts.append((time.thread_time() - start) * 1000)
        firsts.append(one_pass())
        worst, end = 0.0, time.monotonic() + 0.4
        while time.monotonic() < end:
            worst = max(worst, one_pass())
            time.sleep(0.0005)
        landings.append(worst)

    def med(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    print(
        f"{label}: action {med(acts):.1f} ms (max {max(acts):.1f}); the pass after it "
        f"{med(firsts):.1f} ms (max {max(firsts):.1f}); heaviest pass while its answers land "
        f"{med(landings):.1f} ms (max {max(landings):.1f})"
    )


def main() -> None:
    """Seed, attach the window, measure each kind of step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=5000)
    parser.add_argument("--open", type=int, default=20)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    with sandbox_process() as url, tempfile.TemporaryDirectory() as tmp:
        env = {"POS_DATA_DIR": tmp, "POS_STRIPE_API_BASE": url, "POS_TIMEZONE": "UTC"}
        ctx = open_app(load_config(env), sandbox="none")
        try:
            gui_responsiveness.seed(ctx, args.bookings, args.open)
            window, runner = open_main_window(ctx)
            settle(4.0)  # the start's full sync pass ends, its reload lands
            days = window.days
            for warm_up in (days.show_schedule, days.show_list, days.next_day, days.previous_day):
                warm_up()
                settle(0.5)
            rng = random.Random(3)

            def select(_n: int) -> None:
                booking = window.model.booking_at(rng.randrange(window.model.rowCount()))
                if booking is not None:
                    window.select_booking(booking.id)

            measure("select", select, args.steps)
            measure(
                "list/schedule",
                lambda n: (days.show_schedule if n % 2 == 0 else days.show_list)(),
                args.steps,
            )
            measure(
                "day", lambda n: (days.next_day if n % 2 == 0 else days.previous_day)(), args.steps
            )
            close_main_window(window, runner)
        finally:
            ctx.close()


if __name__ == "__main__":
    main()
