"""GUI-thread CPU of a fresh main window's first booking selected, and of the selects after it.

    .venv/bin/python bench/first_select.py [--rounds 3] [--selects 10] [--profile 8]

The main window of ``gui_responsiveness.py`` (same seed, a sandbox in its own process, the same
warm-up: schedule, list, next and previous day), then, with the window settled and no sync
passes, one booking selected (the round's **first**: the detail panel has never shown a
booking) and ``--selects`` more, each settled before it. For each select, in the GUI thread's
own CPU time (``time.thread_time``): the select itself, then every event-loop pass over the
next 0.4 s (the detail lands, the panel lays out and paints); printed: the action, the
heaviest pass and the sum. ``--rounds`` fresh windows in one process, as the full bench makes
them. With ``--profile MS``, every pass of a first select (with ``--later``, of every select)
over MS ms is printed with its cProfile (cumulative), GUI thread only; profiling inflates the
figures.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gui_responsiveness
from _common import sandbox_process
from _gui_meter import close_main_window, open_main_window, settle

from pos_app.app import AppContext, open_app
from pos_app.config import load_config


def passes(seconds: float, profile_over: float | None) -> list[tuple[float, str]]:
    """Event-loop passes for ``seconds``: each pass's GUI-thread CPU in ms, with its profile
    (text) when ``profile_over`` is set and the pass is heavier."""
    from PySide6.QtWidgets import QApplication

    out: list[tuple[float, str]] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        prof = cProfile.Profile() if profile_over is not None else None
        start = time.thread_time()
        if prof is not None:
            prof.enable()
        QApplication.processEvents()
        QApplication.sendPostedEvents()
        if prof is not None:
            prof.disable()
        ms = (time.thread_time() - start) * 1000
        text = ""
        if prof is not None and profile_over is not None and ms > profile_over:
            stream = io.StringIO()
            pstats.Stats(prof, stream=stream).sort_stats("cumulative").print_stats(30)
            text = "ncalls" + stream.getvalue().split("ncalls", 1)[-1]
        out.append((ms, text))
        time.sleep(0.0005)
    return out


def one_round(
    ctx: AppContext, selects: int, profile_over: float | None, seed: int, profile_later: bool
) -> None:
    """A fresh window: its first select and ``selects`` more; print the figures."""
    window, runner = open_main_window(ctx)
    days = window.days
    for warm_up in (days.show_schedule, days.show_list, days.next_day, days.previous_day):
        warm_up()
        settle(0.5)
    settle(2.0)
    rng = random.Random(seed)
    rows: list[tuple[float, float, float]] = []
    for n in range(selects + 1):
        settle(0.3)
        booking = window.model.booking_at(rng.randrange(window.model.rowCount()))
        assert booking is not None
        start = time.thread_time()
        window.select_booking(booking.id)
        act = (time.thread_time() - start) * 1000
        after = passes(0.4, profile_over if n == 0 or profile_later else None)
        rows.append((act, max(ms for ms, _ in after), act + sum(ms for ms, _ in after)))
        if n == 0:
            print(
                f"  first select: action {act:.1f} ms; passes after it (ms): "
                + " ".join(f"{ms:.1f}" for ms, _ in after if ms >= 0.5)
            )
        if n == 0 or profile_later:
            for ms, text in after:
                if text:
                    print(f"  --- select {n}: pass of {ms:.1f} ms (profiled)\n{text}")
    later = rows[1:]

    def med(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    first = rows[0]
    print(
        f"  first select: action {first[0]:.1f}, heaviest pass {first[1]:.1f}, "
        f"all {first[2]:.1f} ms"
    )
    if later:
        print(
            f"  later selects ({len(later)}): action {med([r[0] for r in later]):.1f} "
            f"(max {max(r[0] for r in later):.1f}), heaviest pass "
            f"{med([r[1] for r in later]):.1f} (max {max(r[1] for r in later):.1f}), all "
            f"{med([r[2] for r in later]):.1f} (max {max(r[2] for r in later):.1f}) ms"
        )
    close_main_window(window, runner)
    window.deleteLater()
    settle(0.2)


def main() -> None:
    """Seed, then measure ``--rounds`` fresh windows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=5000)
    parser.add_argument("--open", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--selects", type=int, default=10)
    parser.add_argument("--profile", type=float, default=None, help="profile passes over MS")
    parser.add_argument("--later", action="store_true", help="profile the later selects too")
    args = parser.parse_args()
    with sandbox_process() as url, tempfile.TemporaryDirectory() as tmp:
        env = {"POS_DATA_DIR": tmp, "POS_STRIPE_API_BASE": url, "POS_TIMEZONE": "UTC"}
        ctx = open_app(load_config(env), sandbox="none")
        try:
            gui_responsiveness.seed(ctx, args.bookings, args.open)
            for n in range(args.rounds):
                print(f"round {n + 1}:")
                one_round(ctx, args.selects, args.profile, seed=n, profile_later=args.later)
        finally:
            ctx.close()


if __name__ == "__main__":
    main()
