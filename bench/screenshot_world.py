"""CPU and wall time to render every screen: the demo day seeded per screen vs once.

    QT_QPA_PLATFORM=offscreen nice -n 19 .venv/bin/python bench/screenshot_world.py [a,b,...]

Renders each screen (or those named) twice over: as `pos-app screenshot --screen` does (a
sandbox, a fresh database and the demo day seeded for every screen), then from one seeded
``DemoWorld`` copied for each screen (`pos-app screenshot --all`, the test walks). Prints CPU
seconds of this process (``time.process_time``: the sandbox serves from a thread of it) and
wall seconds of each loop. Target: the world loop well under the per-screen loop's CPU.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pos_app.devtools.demo_world import DemoWorlds
from pos_app.devtools.screenshots import SCREENS, render


def _loop(names: list[str], folder: Path, worlds: DemoWorlds | None) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for name in names:
        render(name, folder / f"{name}.png", worlds=worlds)
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    names = sys.argv[1].split(",") if len(sys.argv) > 1 else list(SCREENS)
    render(names[0], Path(tempfile.mkdtemp()) / "warm.png")  # imports and Qt start-up apart
    with tempfile.TemporaryDirectory() as tmp:
        each = _loop(names, Path(tmp), None)
        worlds = DemoWorlds()
        try:
            once = _loop(names, Path(tmp), worlds)
        finally:
            worlds.close()
    print(f"{len(names)} screens           | CPU s  | wall s")
    print(f"seeded for each screen | {each[0]:6.1f} | {each[1]:6.1f}")
    print(f"one world, copied      | {once[0]:6.1f} | {once[1]:6.1f}  ({worlds.seeded} seeded)")
    print(f"CPU saved: {100 * (1 - once[0] / each[0]):.0f}%")


if __name__ == "__main__":
    main()
