"""The standalone app's entry point (`make dist`, packaging/frozen_main.py).

The build itself and its checks (the frozen ``--version``, a charge screenshot from a fresh
data folder, ``pos-app doctor`` with its sandbox started as ``pos-app -m pos_app.sandbox``) run
in ``make dist`` (``packaging/build_dist.py``), not here: they take about 100 s of one core,
which ``make test`` cannot spare within its time budget.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pos_app

ROOT = Path(pos_app.__file__).resolve().parent.parent


def test_the_frozen_entry_runs_a_module_as_python_would(tmp_path: Path) -> None:
    # What the bundle does with `pos-app -m MODULE ARGS`, without building one.
    probe = tmp_path / "probe.py"
    probe.write_text("import sys\nprint('ran', sys.argv[1:])\n", encoding="utf-8")
    paths = [str(tmp_path), str(ROOT / "packaging")]
    code = (
        f"import sys; sys.path[:0] = {paths!r}\n"
        "import frozen_main\n"
        "sys.argv = ['pos-app', '-m', 'probe', '--data-dir', 'x']\n"
        "frozen_main.main()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ran ['--data-dir', 'x']"
