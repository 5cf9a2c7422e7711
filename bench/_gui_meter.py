"""Drive a Qt screen one action per interval and meter the GUI thread (shared by the GUI benches).

A 1 ms precise timer on the GUI thread records the gap between its ticks (a stall is a gap
beyond its interval), and each pass of the loop records the GUI thread's own CPU time (what
the app costs, which a busy machine does not inflate).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

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

    def tick() -> None:
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        labels.append(current[0])
        last[0] = now

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
    if os.environ.get("BENCH_VERBOSE"):
        worst = sorted(zip(stalls, labels, strict=True), reverse=True)[:8]
        print("  worst gaps:", ", ".join(f"{ms:.0f} ms after {label}" for ms, label in worst))
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


def settle(seconds: float) -> None:
    """Let the event loop run for ``seconds`` (unmeasured)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert app is not None
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.0005)
