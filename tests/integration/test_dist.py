"""The standalone app (`make dist`): PyInstaller's folder starts, renders and runs its sandbox.

``packaging/build_dist.py`` builds the folder into a temporary directory and checks the frozen
executable: ``--version``; a charge screenshot rendered offscreen from a fresh data folder (the
migrations, Qt's plugins and the sandbox's pages from the bundle); and ``pos-app doctor``, whose
sandbox is the frozen executable started again with ``-m pos_app.sandbox``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import pos_app

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dist")]
ROOT = Path(pos_app.__file__).resolve().parent.parent


@pytest.mark.timeout(900)
def test_the_frozen_app_starts_renders_and_runs_its_sandbox(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build_dist.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=880,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    for step in ("build (PyInstaller): ok", "--version (frozen): ok", "charge (frozen): ok",
                 "sandbox as a child (frozen): ok"):  # fmt: skip
        assert step in done.stdout, done.stdout


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
