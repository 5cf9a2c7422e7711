"""Which GUI-thread handlers make the main window's longest CPU bursts (issue 12).

    .venv/bin/python bench/gui_stall_profile.py [--seconds 15] [--over 8] [--top 5] [--paints]

The main-window round of ``gui_responsiveness.py`` (same seed, same steps, same sync passes
against a sandbox in its own process), but every pass of the event loop runs under a
cProfile of the GUI thread only (``cProfile`` hooks the thread that enables it), and each
pass whose thread CPU exceeds ``--over`` ms keeps its profile. Printed: those passes, the
worst first, each with the step it followed and the functions that cost the most in it
(cumulative). Per-pass profiling inflates the figures (the hooks cost CPU too); what counts
is which handler the time is in, not the milliseconds.

Beside each pass: the CPU the other threads (the task runner's workers: the sync pass, the
reloads) spent meanwhile, the GIL they could have held (the process's CPU time minus the GUI
thread's). With ``--paints``, the widgets painted in the pass and the size of each paint, and
the layouts it ran (an application event filter: it slows every event a little).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _gui_meter
import gui_responsiveness
from _common import sandbox_process

from pos_app.app import open_app
from pos_app.config import load_config


def paint_watcher_class() -> type:
    """An application event filter that notes each widget painted and the size painted."""
    from PySide6.QtCore import QEvent, QObject

    class PaintWatcher(QObject):
        def __init__(self, painted: list[str]) -> None:
            super().__init__()
            self._painted = painted

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            kind = event.type()
            if kind == QEvent.Type.Paint:
                r = event.rect()  # type: ignore[attr-defined]
                name = obj.objectName() or type(obj).__name__
                self._painted.append(f"{name} {r.width()}x{r.height()}")
            elif kind == QEvent.Type.LayoutRequest:
                self._painted.append(f"layout:{obj.objectName() or type(obj).__name__}")
            return False

    return PaintWatcher


Kept = list[tuple[float, float, str, pstats.Stats]]  # GUI ms, other threads' ms, step, profile


def profiled_run(over_ms: float, kept: Kept, paints: bool) -> Callable[..., dict[str, float]]:
    """A ``run_metered`` whose every event-loop pass is profiled; heavy ones kept in ``kept``,
    with the widgets painted in them when ``paints``."""

    def run(step: Callable[[int], str], seconds: float, interval_ms: int = 250) -> dict[str, float]:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        watcher_class = paint_watcher_class()
        app = QApplication.instance()
        assert app is not None
        current = ["idle"]
        steps = [0]

        def act() -> None:
            steps[0] += 1
            current[0] = f"step {steps[0]}: {step(steps[0])}"

        driver = QTimer()
        driver.setInterval(interval_ms)
        driver.timeout.connect(act)
        driver.start()
        painted: list[str] = []
        watcher = watcher_class(painted) if paints else None
        if watcher is not None:
            app.installEventFilter(watcher)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            label = current[0]
            painted.clear()
            prof = cProfile.Profile()
            cpu, proc = time.thread_time(), time.process_time()
            prof.enable()
            app.processEvents()
            QApplication.sendPostedEvents()
            prof.disable()
            ms = (time.thread_time() - cpu) * 1000
            others = (time.process_time() - proc) * 1000 - ms
            if ms > over_ms:
                label = label if label == current[0] else f"{label} → {current[0]}"
                if painted:
                    label += "\n  painted: " + ", ".join(painted)
                kept.append((ms, others, label, pstats.Stats(prof)))
            time.sleep(0.0005)
        driver.stop()
        if watcher is not None:
            app.removeEventFilter(watcher)
        return {"steps": float(steps[0]), "max_ms": 0.0}

    return run


def main() -> None:
    """Seed, run one profiled main-window round, print the heavy passes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=5000)
    parser.add_argument("--open", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--over", type=float, default=8.0, help="keep passes above this, ms")
    parser.add_argument("--top", type=int, default=5, help="passes printed")
    parser.add_argument("--paints", action="store_true", help="name the widgets painted")
    parser.add_argument("--lines", type=int, default=25, help="functions printed per pass")
    args = parser.parse_args()
    kept: Kept = []
    # measure_stalls calls the name it imported: the profiled loop takes its place there.
    gui_responsiveness.run_metered = profiled_run(args.over, kept, args.paints)
    _gui_meter.run_metered = gui_responsiveness.run_metered
    with sandbox_process() as url, tempfile.TemporaryDirectory() as tmp:
        env = {"POS_DATA_DIR": tmp, "POS_STRIPE_API_BASE": url, "POS_TIMEZONE": "UTC"}
        ctx = open_app(load_config(env), sandbox="none")
        try:
            todays = gui_responsiveness.seed(ctx, args.bookings, args.open)
            ctx.sync.sync_once(full=True)
            gui_responsiveness.measure_stalls(ctx, args.seconds, todays)
        finally:
            ctx.close()
    kept.sort(key=lambda k: k[0], reverse=True)
    print(f"{len(kept)} passes over {args.over:.0f} ms of GUI-thread CPU (profiled)")
    for ms, others, label, stats in kept[: args.top]:
        out = io.StringIO()
        stats.stream = out  # type: ignore[attr-defined]
        stats.sort_stats("cumulative").print_stats(args.lines)
        body = out.getvalue().split("ncalls", 1)[-1]
        print(f"\n=== {ms:.1f} ms GUI CPU (other threads {others:.1f} ms) after {label}")
        print("ncalls" + body)


if __name__ == "__main__":
    main()
