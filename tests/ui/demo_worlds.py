"""The demo worlds of this test run, made on first use and shared by its xdist workers.

Every test that renders screens (the screen and catalog walks, the screenshot content checks)
renders from copies of one seeded demo day instead of seeding it again for each screen
(``pos_app.devtools.demo_world``); a world older than its freshness limit is seeded again, so
a long run still renders what a fresh seed would.

Seeding costs seconds of CPU, and each worker seeded each language's world for itself, again
every few minutes: about thirty seeds a run on two cores. Under xdist the workers share one
folder (``share_in``, under the run's base temp folder), and a file lock lets one worker seed a
world while the others wait for it and then copy it too.
"""

from __future__ import annotations

import os
import pickle
import re
from pathlib import Path

from pos_app.devtools import demo_world
from pos_app.devtools.demo_world import DemoWorld, DemoWorlds

try:
    import fcntl
except ImportError:  # Windows: each worker keeps its own worlds, as before
    fcntl = None  # type: ignore[assignment]


class SharedDemoWorlds(DemoWorlds):
    """Demo worlds kept in a folder every worker of the run reads (see the module's text);
    without ``share_in`` (one process) they are this process's own, as ``DemoWorlds``."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name
        self._shared: Path | None = None

    def share_in(self, folder: Path) -> None:
        """Keep and find the worlds in ``folder``, which the run's other workers use too."""
        folder.mkdir(parents=True, exist_ok=True)
        self._shared = folder

    def get(self, language: str) -> DemoWorld:
        """The run's world for ``language``: kept while fresh, else seeded again by whichever
        worker asks first, while the others wait for it."""
        if self._shared is None or fcntl is None:
            return super().get(language)
        zone = os.environ.get("POS_TIMEZONE", "")
        key = re.sub(r"[^A-Za-z0-9_-]", "_", f"{self._name}-{language}-{zone}")
        with open(self._shared / f"{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            pointer = self._shared / f"{key}.world"
            if pointer.exists():
                world: DemoWorld = pickle.loads(pointer.read_bytes())
                # time.monotonic() is the machine's clock on every platform with fcntl here,
                # so another worker's seed has a comparable age.
                if world.is_fresh():
                    return world
            # A stale world's folder stays: another worker may be copying it right now. The
            # run's base temp folder is removed with the run's other leftovers.
            count = len(list(self._shared.glob(f"{key}-*")))
            world = demo_world.seed_world(self._shared / f"{key}-{count + 1}")
            self.seeded += 1
            part = pointer.with_suffix(".part")
            part.write_bytes(pickle.dumps(world))
            part.replace(pointer)
            return world


WORLDS = SharedDemoWorlds("walk")
# The catalog walk's own: seeded under its pseudo-translation, as each of its renders was.
PSEUDO_WORLDS = SharedDemoWorlds("pseudo")
