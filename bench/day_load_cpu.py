"""A day change's background load, in the worker's own CPU time, phase by phase (issue 12).

    cd /tmp && PYTHONPATH=<tree> <tree>/.venv/bin/python <tree>/bench/day_load_cpu.py
        [--bookings 5000] [--repeats 15]

While the day's load runs Python on a worker, the GUI thread waits for the GIL at each of its
own Python calls: a day change's stall was the GUI thread's 5-8 ms doubled by a 48-50 ms load.
The database of ``gui_responsiveness.py`` (same seed: today is the busiest day, 166 bookings
over the staff columns, the other days 83); its main window attached (offscreen). For a day
other than the one shown, the job the window's day change runs (``DayController.load_work``)
is run on a worker thread as the task runner does, with the list shown and with the schedule
shown; then the periodic reload of the day shown when nothing changed; then each phase
alone: the read (``day_sheet``), the signature, layout and texts (``prepare_day`` without
items or drawing; the first two also alone), the list's items, the schedule's drawing (and
its sliced form, as a schedule hidden behind the list draws it, also in wall-clock time).
Printed: the worker thread's CPU (``time.thread_time``, which a busy machine inflates
little), median, minimum and maximum over ``--repeats``, for the 166- and an 83-booking day.

Run it from a directory without ``pos_app`` with ``PYTHONPATH=<tree>``: it imports that tree.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gui_responsiveness
from _gui_meter import close_main_window, open_main_window, settle

from pos_app.app import AppContext, open_app
from pos_app.config import load_config


def on_worker(fn: Callable[[], float], repeats: int) -> list[float]:
    """``fn`` (which returns its own CPU in ms) ``repeats`` times on a worker thread."""
    KEPT.clear()
    gc.collect()
    out: list[float] = []
    thread = threading.Thread(target=lambda: out.extend(fn() for _ in range(repeats)))
    thread.start()
    thread.join()
    return out


def cpu_ms(fn: Callable[[], object]) -> Callable[[], float]:
    """``fn`` made to return the calling thread's CPU it took, in ms (what it made is kept
    until the next phase: freeing it, as the window does with a day it no longer shows, is
    not part of the load)."""

    def timed() -> float:
        start = time.thread_time()
        made = fn()
        spent = (time.thread_time() - start) * 1000
        KEPT.append(made)
        return spent

    return timed


KEPT: list[object] = []


def wall_ms(layout: Any, setup: Any) -> Callable[[], float]:
    """The sliced drawing of ``layout`` made to return its wall-clock time, in ms."""
    from pos_app.ui.day.schedule_render import render_blocks

    def timed() -> float:
        start = time.perf_counter()
        KEPT.append(render_blocks(layout, setup, sliced=True))
        return (time.perf_counter() - start) * 1000

    return timed


def line(label: str, values: list[float]) -> str:
    """``label: median … ms (min …, max …)``."""
    low, high = min(values), max(values)
    return f"  {label:<26} {statistics.median(values):6.1f} ms (min {low:5.1f}, max {high:5.1f})"


def measure(ctx: AppContext, window: Any, day: date, shown: date, repeats: int) -> None:
    """Print the load of ``day`` as a change from ``shown``, whole and phase by phase."""
    from pos_app.ui.day.booking_table import booking_items
    from pos_app.ui.day.day_load_state import (
        prepare_day,
        row_texts,
        sheet_signature,
        staff_names,
    )
    from pos_app.ui.day.schedule_layout import layout_day
    from pos_app.ui.day.schedule_render import render_blocks

    days = window.days
    days.go_to_day(shown)
    deadline = time.monotonic() + 30
    while (days.sheet is None or days.sheet.day != shown) and time.monotonic() < deadline:
        settle(0.05)
    settle(0.3)
    sheet = ctx.bookings.day_sheet(day)
    print(f"{day} ({len(sheet.bookings)} bookings), the load as a change from {shown}:")
    request = days._request()
    for mode in ("list", "schedule"):
        days.set_mode(mode)
        settle(0.3)
        # The job as the day change builds it (the shown day stays: only the job is run).
        days.follow_today, days.day = False, day
        jobs = iter([days.load_work(ctx.bookings) for _ in range(repeats)])
        days.day = shown
        whole = on_worker(cpu_ms(lambda jobs=jobs: next(jobs)()), repeats)  # type: ignore[misc]
        print(line(f"whole job, {mode} shown", whole))
    days.set_mode("list")
    settle(0.3)
    # The periodic reload after each sync pass: the day shown, loaded again unchanged.
    days.follow_today, days.day = False, shown
    again = iter([days.load_work(ctx.bookings) for _ in range(repeats)])
    unchanged = on_worker(cpu_ms(lambda jobs=again: next(jobs)()), repeats)  # type: ignore[misc]
    print(line("reload of shown, unchanged", unchanged))
    setup = days.view.paint_setup()
    staff = staff_names(sheet.resources)
    tz = request.tz
    layout = layout_day(sheet.day, sheet.bookings, sheet.resources, tz)
    cells = [row_texts(b, tz, staff) for b in sheet.bookings]
    phases: list[tuple[str, Callable[[], object]]] = [
        ("read (day_sheet)", lambda: ctx.bookings.day_sheet(day)),
        ("signature, layout, texts", lambda: prepare_day(sheet, request)),
        ("  of which signature", lambda: sheet_signature(sheet, request)),
        ("  of which layout", lambda: layout_day(sheet.day, sheet.bookings, sheet.resources, tz)),
        ("items", lambda: booking_items(sheet.bookings, cells, False)),
        ("schedule drawing", lambda: render_blocks(layout, setup)),
    ]
    for label, phase in phases:
        print(line(label, on_worker(cpu_ms(phase), repeats)))
    # Hidden behind the list the drawing is sliced (pauses between slices): its CPU, and how
    # long it takes from start to image (nobody waits for it, but it must land soon after).
    sliced = on_worker(cpu_ms(lambda: render_blocks(layout, setup, sliced=True)), repeats)
    print(line("schedule drawing, sliced", sliced))
    print(line("  the same, wall clock", on_worker(wall_ms(layout, setup), repeats)))


def main() -> None:
    """Seed, attach the window, measure the busiest day and an ordinary one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # No sandbox: nothing here talks to Stripe (the window's sync passes fail quietly).
        env = {"POS_DATA_DIR": tmp, "POS_STRIPE_API_BASE": "http://127.0.0.1:9"}
        ctx = open_app(load_config({**env, "POS_TIMEZONE": "UTC"}), sandbox="none")
        try:
            gui_responsiveness.seed(ctx, args.bookings, 0)
            window, runner = open_main_window(ctx, wait_rows=False)
            settle(2.0)
            # As the app does once attached (gui.AppStarter): what is loaded by now stays out
            # of the collector's full passes.
            gc.collect()
            gc.freeze()
            today = ctx.bookings.today()
            measure(ctx, window, today, today - timedelta(days=1), args.repeats)
            measure(ctx, window, today + timedelta(days=1), today, args.repeats)
            close_main_window(window, runner)
        finally:
            ctx.close()


if __name__ == "__main__":
    main()
