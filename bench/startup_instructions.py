"""Instructions the desktop app's cold start runs until its first paint and until it is ready
for input, counted by valgrind: a figure a busy machine does not change (wall and CPU times
on a shared 2-core machine vary by 2x; this varies by about 2 %).

    .venv/bin/python bench/startup_instructions.py [--bookings 5000] [--runs 1]

The same database, sandbox and child process as ``gui_responsiveness.py``'s cold start (its
``CHILD``, the app started through ``pos_app.cli.main``), except that the child exits at the
mark it measures. Needs ``valgrind`` (apt-get install valgrind); about a minute per run.
Timers that fire on wall time (the "Starting…" spinner) run more often under valgrind, so
compare figures from this script with each other, not with another tool's.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import sandbox_process
from gui_responsiveness import CHILD, seed

from pos_app.app import open_app
from pos_app.config import load_config

MARKS = {
    # Exit as the mark is taken: what follows (the quit, closing the app) is not counted.
    "paint": ('marks["paint"], marks["cpu_paint"] = time.time(), time.process_time()'),
    "ready": "print(json.dumps(marks), flush=True)",
}


def child_for(mark: str) -> str:
    """The cold start's child, ending at ``mark`` (and never quitting early on its timer)."""
    code = CHILD.replace(MARKS[mark], "import os; os._exit(0)")
    code = code.replace("QTimer.singleShot(30000, app.quit)", "QTimer.singleShot(900000, app.quit)")
    if "os._exit" not in code:
        raise RuntimeError(f"the cold start's child no longer takes the {mark} mark")
    return code


def instructions(env: dict[str, str], mark: str, folder: Path) -> int:
    """Instructions (valgrind's I refs) of one cold start until ``mark``."""
    script = folder / f"child_{mark}.py"
    script.write_text(child_for(mark), encoding="utf-8")
    out = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, str(script)],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    found = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if found is None:
        raise RuntimeError(f"valgrind gave no count: {out.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    """Seed, count, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=5000)
    parser.add_argument("--open", type=int, default=100)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    # Bytecode as an installed app has it (see gui_responsiveness.cold_start).
    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "pos_app"), quiet=1)
    with sandbox_process() as url, tempfile.TemporaryDirectory() as tmp:
        env = {"POS_DATA_DIR": tmp, "POS_STRIPE_API_BASE": url, "POS_TIMEZONE": "UTC"}
        ctx = open_app(load_config(env), sandbox="none")
        try:
            seed(ctx, args.bookings, args.open)
            ctx.sync.sync_once(full=True)
        finally:
            ctx.close()
        for mark in ("paint", "ready"):
            counts = [instructions(env, mark, Path(tmp)) for _ in range(args.runs)]
            shown = " / ".join(f"{c / 1e6:,.1f}" for c in counts)
            print(f"cold start to {mark}: {shown} million instructions")


if __name__ == "__main__":
    main()
