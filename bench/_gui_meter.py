"""Drive a Qt screen one action per interval and meter the GUI thread (shared by the GUI benches).

A 1 ms precise timer on the GUI thread records the gap between its ticks (a stall is a gap
beyond its interval), and each pass of the loop records the GUI thread's own CPU time (what
the app costs, which a busy machine does not inflate).

With ``BENCH_VERBOSE=1``, the worst gaps are taken apart: the GUI thread's own CPU in the gap,
its time runnable but waiting for a CPU (the kernel's run queue), and the CPU of the process's
other threads meanwhile (the task runner's workers: while they run Python, the GUI thread
waits for the GIL, which is the rest of the gap), with the background tasks that overlapped
the gap and their own CPU.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from _common import percentile


def run_metered(
    step: Callable[[int], str], seconds: float, interval_ms: int = 250
) -> dict[str, float]:
    """Call ``step(n)`` (returns a label for what it did) every ``interval_ms`` for ``seconds``
    and return the stall and CPU figures in ms (``max_ms``, ``p99_ms``, ``p50_ms``,
    ``cpu_max_ms``, ``cpu_p99_ms``, ``ticks``, ``steps``), and per kind of step the longest
    (``max_ms:<label>``, ``cpu_max_ms:<label>``)."""
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert app is not None
    gaps: list[float] = []
    labels: list[str] = []
    current = ["idle"]
    steps = [0]
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]
    verbose = bool(os.environ.get("BENCH_VERBOSE"))
    # Per gap (verbose only: reading the run queue costs each tick ~20 µs): its end on the
    # monotonic clock, the GUI thread's CPU, its run-queue wait, the other threads' CPU.
    parts: list[tuple[int, float, float, float]] = []
    before = [_clocks()]

    def tick() -> None:
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        labels.append(current[0])
        last[0] = now
        if verbose:
            at = _clocks()
            gui, queue, process = (a - b for a, b in zip(at[1:], before[0][1:], strict=True))
            parts.append((at[0], gui / 1e6, queue / 1e6, (process - gui) / 1e6))
            before[0] = at

    def act() -> None:
        steps[0] += 1
        current[0] = f"step {steps[0]}: {step(steps[0])}"

    meter = QTimer()
    meter.setTimerType(Qt.TimerType.PreciseTimer)
    meter.setInterval(1)
    meter.timeout.connect(tick)
    driver = QTimer()
    driver.setInterval(interval_ms)
    driver.timeout.connect(act)
    last[0] = clock.nsecsElapsed()
    before[0] = _clocks()
    meter.start()
    driver.start()
    end = time.monotonic() + seconds
    bursts: list[float] = []
    burst_labels: list[str] = []
    while time.monotonic() < end:
        cpu = time.thread_time()
        app.processEvents()
        QApplication.sendPostedEvents()
        bursts.append((time.thread_time() - cpu) * 1000)
        burst_labels.append(current[0])
        time.sleep(0.0005)
    driver.stop()
    meter.stop()
    stalls = [max(0.0, g - 1.0) for g in gaps]
    if verbose:
        _print_worst_gaps(stalls, gaps, labels, parts)
        heavy = sorted(zip(bursts, burst_labels, strict=True), reverse=True)[:8]
        print("  worst CPU bursts:", ", ".join(f"{ms:.0f} ms in {label}" for ms, label in heavy))
    # Per kind of step ("charge", "cash", …: the label after "step N: "), the longest stall
    # and CPU burst while it was the latest step.
    kinds: dict[str, float] = {}
    for ms, label in zip(stalls, labels, strict=True):
        key = "max_ms:" + label.split(": ", 1)[-1]
        kinds[key] = max(kinds.get(key, 0.0), ms)
    for ms, label in zip(bursts, burst_labels, strict=True):
        key = "cpu_max_ms:" + label.split(": ", 1)[-1]
        kinds[key] = max(kinds.get(key, 0.0), ms)
    return {
        **kinds,
        "ticks": float(len(gaps)),
        "max_ms": max(stalls),
        "p99_ms": percentile(stalls, 99),
        "p50_ms": percentile(stalls, 50),
        "cpu_max_ms": max(bursts),
        "cpu_p99_ms": percentile(bursts, 99),
        "steps": float(steps[0]),
    }


def _clocks() -> tuple[int, int, int, int]:
    """Now, this thread's CPU, its run-queue wait and the process's CPU, in ns."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as stat:
            queue = int(stat.read().split()[1])
    except (OSError, IndexError, ValueError):
        queue = 0  # not Linux, or the kernel keeps no schedstats
    return time.monotonic_ns(), time.thread_time_ns(), queue, time.process_time_ns()


def _print_worst_gaps(
    stalls: list[float],
    gaps: list[float],
    labels: list[str],
    parts: list[tuple[int, float, float, float]],
) -> None:
    """The six worst gaps, each taken apart, with the background tasks that overlapped it."""
    for i in sorted(range(len(stalls)), key=lambda i: -stalls[i])[:6]:
        end, gui, queue, others = parts[i]
        start = end - round(gaps[i] * 1e6)
        tasks = [
            f"{name} {(t0 - start) / 1e6:+.0f}..{(t1 - start) / 1e6:+.0f} ms ({cpu:.1f} ms CPU)"
            for t0, t1, cpu, name in TASKS
            if t0 < end and t1 > start
        ]
        print(
            f"  gap {stalls[i]:.1f} ms after {labels[i]}: GUI CPU {gui:.1f}, waiting for a CPU"
            f" {queue:.1f}, other threads' CPU {others:.1f}; tasks: " + ("; ".join(tasks) or "none")
        )
    # Off the CPU without waiting for one: the GIL (or a lock), plus the loop's own short
    # sleeps. Summed over the round's gaps beyond 2 ms, per kind of step.
    waits: dict[str, float] = {}
    for stall, label, (_end, gui, queue, _others) in zip(stalls, labels, parts, strict=True):
        if stall > 2.0:
            kind = label.split(": ", 1)[-1]
            waits[kind] = waits.get(kind, 0.0) + max(0.0, stall - gui - queue)
    print(
        "  off-CPU, not waiting for a CPU, in gaps over 2 ms (mostly the GIL), per kind of step: "
        + ", ".join(f"{kind} {ms:.0f} ms" for kind, ms in sorted(waits.items()))
    )
    _print_sync_passes()
    TASKS.clear()


def _print_sync_passes() -> None:
    """The sync passes' worker CPU (the GIL they held beside every GUI pass): the window's
    first (a full pass) and the rest."""
    passes = [(t1 - t0, cpu) for t0, t1, cpu, name in TASKS if name.startswith("SyncLoop.")]
    if not passes:
        return
    (first_wall, first_cpu), rest = passes[0], sorted(cpu for _, cpu in passes[1:])
    later = f", the {len(rest)} later: median {rest[len(rest) // 2]:.1f} ms, max {rest[-1]:.1f} ms"
    print(
        f"  sync passes' worker CPU: the first {first_cpu:.1f} ms over {first_wall / 1e6:.0f} ms"
        + (later if rest else "")
    )


# Background tasks seen while tracing: start and end (monotonic ns), own CPU (ms), name.
TASKS: list[tuple[int, int, float, str]] = []


@contextmanager
def traced_tasks() -> Iterator[None]:
    """While inside, record every task runner task's span and CPU in ``TASKS`` (verbose only)."""
    from pos_app.ui.kit.tasks import TaskRunner

    if not os.environ.get("BENCH_VERBOSE"):
        yield
        return
    original = TaskRunner._call

    def call(self: TaskRunner, task_id: int, fn: Callable[[], Any]) -> None:
        t0, c0 = time.monotonic_ns(), time.thread_time_ns()
        try:
            original(self, task_id, fn)
        finally:
            name = getattr(fn, "__qualname__", type(fn).__name__).replace(".<locals>", "")
            TASKS.append((t0, time.monotonic_ns(), (time.thread_time_ns() - c0) / 1e6, name))

    TaskRunner._call = call  # type: ignore[method-assign]
    try:
        yield
    finally:
        TaskRunner._call = original  # type: ignore[method-assign]


def open_main_window(ctx: Any, *, wait_rows: bool = True) -> tuple[Any, Any]:
    """The real main window (1366×768, offscreen) signed in as a manager and attached to
    ``ctx``, with its task runner; with ``wait_rows``, once the day's list has rows (30 s)."""
    from pos_app.domain.people import Actor, Role
    from pos_app.ui.kit.tasks import TaskRunner
    from pos_app.ui.shell.gui import ensure_application
    from pos_app.ui.shell.main_window import MainWindow

    app = ensure_application()
    ctx.deps.desk.sign_in(Actor("bench", "Bench manager", Role.MANAGER))
    runner = TaskRunner()
    window = MainWindow(runner)
    window.resize(1366, 768)
    window.show()
    window.attach(ctx)
    deadline = time.monotonic() + 30
    while wait_rows and window.model.rowCount() == 0 and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    return window, runner


def close_main_window(window: Any, runner: Any) -> None:
    """Undo ``open_main_window``: the window detached, its runner stopped, the window closed."""
    window.detach()
    runner.shutdown()
    window.close()


def settle(seconds: float) -> None:
    """Let the event loop run for ``seconds`` (unmeasured)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert app is not None
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.0005)
